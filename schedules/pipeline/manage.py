"""Changes to stored schedules from the management page and the API: rename, move to another
site, delete. Each is one transaction; who may do what is the caller's check
(``schedules.permissions``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import orjson
from django.db import transaction
from django.db.models import Max, QuerySet

from schedules.models import Environment, Schedule, SchedulingBlock
from schedules.pipeline.bulk_writes import update_column
from schedules.pipeline.ingest import lock_for_ingest
from schedules.pipeline.refresh import refresh_analytics
from schedules.pipeline.sky import CHOSEN, COMPUTED, SkyOptions, complete_sky
from schedules.selectors import load_schedule_data
from schedules.sky.sites import Site

NAME_LENGTH = Schedule._meta.get_field("name").max_length


class RenameRefused(ValueError):
    """The new name cannot be used (empty or too long)."""


@transaction.atomic
def rename_schedule(schedule: Schedule, new_name: str) -> Schedule:
    """Give the schedule another name. It becomes that name's next version (version 1 for a
    new name), so the (name, version) pair stays unique and the versions of a name keep their
    order; renaming to its own name changes nothing."""
    name = new_name.strip()
    if not name:
        raise RenameRefused("Give the schedule a name.")
    if len(name) > NAME_LENGTH:
        raise RenameRefused(f"A name has at most {NAME_LENGTH} characters; this has {len(name)}.")
    if name == schedule.name:
        return schedule
    lock_for_ingest(name)
    latest = Schedule.objects.filter(name=name).aggregate(latest=Max("version"))["latest"]
    schedule.name, schedule.version = name, (latest or 0) + 1
    Schedule.objects.filter(pk=schedule.pk).update(name=schedule.name, version=schedule.version)
    return schedule


@dataclass
class SiteChange:
    """What moving a schedule to another site did: the periods computed again for the new
    site, those kept because they came with the files, and the sky model's notes."""

    recomputed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        parts = []
        if self.recomputed:
            parts.append(f"{_and(self.recomputed)} computed for the new site")
        if self.kept:
            parts.append(f"{_and(self.kept)} kept as the files gave them")
        return "; ".join(parts).capitalize() + "." if parts else ""


@transaction.atomic
def change_site(schedule: Schedule, site: Site) -> SiteChange:
    """Move the schedule to ``site``. Dark periods and visibility that were computed from the
    old site are computed again for the new one (dark periods first: visibility lies inside
    them), then the analytics, findings, checksum and environment are refreshed; periods that
    came with the files are kept. Raises ``ContentClash`` (nothing changed) when the result
    is exactly another stored schedule, and ``ScheduleInputError`` when the sky model cannot
    compute what it must."""
    data, block_ids = load_schedule_data(schedule)
    model = dict(schedule.sky_model)
    dark_computed = model.get("dark_periods") == COMPUTED
    visibility_computed = schedule.visibility_source == Schedule.VisibilitySource.COMPUTED
    had_dark, had_visibility = bool(len(data.dark_periods)), bool(len(data.visibility_periods))
    if dark_computed:
        data.dark_periods = np.empty((0, 2))
    record = complete_sky(
        data,
        SkyOptions(
            site=site,
            moon=model.get("moon", True),
            compute_visibility=visibility_computed,
        ),
        file_name=schedule.name,
    )
    change = SiteChange(notes=record.notes + record.warnings)
    for label, given, computed in (
        ("dark periods", had_dark and not dark_computed, record.dark_periods == COMPUTED),
        ("visibility", had_visibility and not visibility_computed, record.visibility == COMPUTED),
    ):
        if computed:
            change.recomputed.append(label)
        elif given:
            change.kept.append(label)
    stored = {**model, **record.as_json(), "site_source": CHOSEN}
    if model.get("period_source") == CHOSEN:
        stored["period_source"] = CHOSEN
    location = site.to_location()
    Schedule.objects.filter(pk=schedule.pk).update(
        location_lat_deg=location.lat_deg,
        location_lon_deg=location.lon_deg,
        location_height_m=location.height_m,
        site_name=site.name,
        dark_periods=data.dark_periods.tolist(),
        visibility_source=record.visibility,
        sky_model=stored,
    )
    if record.visibility == COMPUTED:
        _store_visibility(block_ids, data.visibility_offsets, data.visibility_periods)
    schedule.refresh_from_db()
    # ``data`` now holds exactly what is stored: no need to read it back.
    refresh_analytics(schedule, (data, block_ids))
    schedule.refresh_from_db()
    return change


def _store_visibility(block_ids: np.ndarray, offsets: np.ndarray, periods: np.ndarray) -> None:
    rows = (
        (block_id, orjson.dumps(periods[start:stop], option=orjson.OPT_SERIALIZE_NUMPY).decode())
        for block_id, start, stop in zip(
            block_ids.tolist(), offsets[:-1].tolist(), offsets[1:].tolist(), strict=True
        )
    )
    update_column(SchedulingBlock, "visibility_periods", rows)


def delete_schedules(schedules: QuerySet[Schedule]) -> int:
    """Delete the schedules with everything under them (the database cascades) and the
    environments they leave empty; returns how many schedules went."""
    with transaction.atomic():
        chosen = Schedule.objects.filter(pk__in=list(schedules.values_list("pk", flat=True)))
        environments = set(chosen.values_list("environment", flat=True)) - {None}
        deleted = chosen.count()
        chosen.delete()
        Environment.objects.filter(pk__in=environments, schedules__isnull=True).delete()
    return deleted


def _and(labels: list[str]) -> str:
    return " and ".join(labels)
