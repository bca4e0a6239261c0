"""Reads of stored schedules, shared by pages, the API, commands and the analytics refresh."""

from __future__ import annotations

import numpy as np
import orjson
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast

from schedules.block_schema import FILE_COLUMNS
from schedules.formats import export_native
from schedules.models import IngestJob, Schedule, SchedulingBlock
from schedules.schedule_data import Location, ScheduleData

_STORED_COLUMNS = tuple(column for column in FILE_COLUMNS if column.stored)


def schedule_list(*, search: str = "") -> QuerySet[Schedule]:
    """Schedules newest first, optionally filtered by name or checksum prefix, each with its
    uploader and headline summary (the list shows every schedule's health)."""
    schedules = Schedule.objects.select_related("uploaded_by", "summary")
    if search:
        schedules = schedules.filter(name__icontains=search) | schedules.filter(
            checksum__startswith=search.lower()
        )
    return schedules


# ``ordering`` values of the schedule lists (page and API) that sort by the composite score.
COMPOSITE_ORDERINGS = ("composite", "-composite")


def by_composite_score(schedules: QuerySet[Schedule], ordering: str) -> QuerySet[Schedule]:
    """Schedules by their summary's composite score (DESIGN §13), best first for
    ``-composite``; those without a score come last on every database, then newest first."""
    score = F("summary__composite_score")
    key = score.desc(nulls_last=True) if ordering.startswith("-") else score.asc(nulls_last=True)
    return schedules.order_by(key, "-uploaded_at", "-id")


def visible_jobs(user) -> QuerySet[IngestJob]:
    """Upload jobs a user may follow: their own, or every job for staff."""
    jobs = IngestJob.objects.select_related("schedule", "created_by")
    return jobs if user.is_staff else jobs.filter(created_by=user)


def schedule_versions(schedule: Schedule) -> QuerySet[Schedule]:
    """Every version stored under the schedule's name, newest first."""
    return Schedule.objects.filter(name=schedule.name).order_by("-version")


def load_schedule_data(schedule: Schedule) -> tuple[ScheduleData, np.ndarray]:
    """Rebuild the normalised column form of a stored schedule, with its block ids.

    The JSON columns are fetched as text and parsed with orjson: much faster than the ORM's
    per-row ``json.loads`` on schedules with hundreds of thousands of visibility periods.
    """
    rows = list(
        SchedulingBlock.objects.filter(schedule=schedule)
        .order_by("id")
        .annotate(
            visibility_json=Cast("visibility_periods", TextField()),
            scheduled_json=Cast("scheduled_period", TextField()),
        )
        .values_list(
            "id", *(c.stored for c in _STORED_COLUMNS), "visibility_json", "scheduled_json"
        )
    )
    ids, *stored, visibility_json, scheduled_json = (
        list(zip(*rows, strict=True)) if rows else [()] * (len(_STORED_COLUMNS) + 3)
    )
    columns = {
        column.attribute: list(values)
        if column.kind == "str"
        else np.array(values, dtype=column.dtype)
        for column, values in zip(_STORED_COLUMNS, stored, strict=True)
    }
    offsets, periods = _ragged_periods(visibility_json)
    scheduled = [orjson.loads(text) for text in scheduled_json]
    columns["scheduled_start_mjd"] = np.array(
        [p[0][0] if p else np.nan for p in scheduled], dtype=np.float64
    )
    columns["scheduled_stop_mjd"] = np.array(
        [p[0][1] if p else np.nan for p in scheduled], dtype=np.float64
    )
    location = None
    if schedule.location_lat_deg is not None and schedule.location_lon_deg is not None:
        location = Location(
            schedule.location_lat_deg, schedule.location_lon_deg, schedule.location_height_m or 0.0
        )
    data = ScheduleData(
        source_format=schedule.source_format,
        name=schedule.name,
        **columns,
        visibility_offsets=offsets,
        visibility_periods=periods,
        dark_periods=np.array(schedule.dark_periods, dtype=np.float64).reshape(-1, 2),
        period_start_mjd=schedule.period_start_mjd,
        period_end_mjd=schedule.period_end_mjd,
        location=location,
    )
    return data, np.array(ids, dtype=np.int64)


def export_schedule_native(schedule: Schedule) -> bytes:
    """The schedule as native-format JSON; ingesting it again yields the same checksum."""
    data, _ = load_schedule_data(schedule)
    return export_native(data, schedule.name)


def load_visibility(schedule: Schedule) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every block's visibility periods: (block ids, offsets (n+1), periods (m, 2))."""
    rows = list(
        SchedulingBlock.objects.filter(schedule=schedule)
        .order_by("id")
        .annotate(visibility_json=Cast("visibility_periods", TextField()))
        .values_list("id", "visibility_json")
    )
    ids = np.fromiter((row[0] for row in rows), np.int64, len(rows))
    offsets, periods = _ragged_periods([row[1] for row in rows])
    return ids, offsets, periods


def _ragged_periods(json_texts) -> tuple[np.ndarray, np.ndarray]:
    """Parse per-block JSON period arrays into offsets (n+1) and one (m, 2) array."""
    parsed = [orjson.loads(text) for text in json_texts]
    counts = np.fromiter((len(periods) for periods in parsed), np.int64, len(parsed))
    offsets = np.zeros(len(parsed) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    flat = [period for periods in parsed for period in periods]
    return offsets, np.array(flat, dtype=np.float64).reshape(-1, 2)
