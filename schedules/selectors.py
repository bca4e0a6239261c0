"""Reads of stored schedules, shared by pages, the API, commands and the analytics refresh."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
import orjson
from django.db.models import Count, F, QuerySet, Sum, TextField
from django.db.models.functions import Cast

from schedules.block_schema import FILE_COLUMNS
from schedules.formats import export_native
from schedules.models import IngestJob, Schedule, SchedulingBlock
from schedules.permissions import can_change, can_delete
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


STORED, ALREADY_STORED, REFUSED, WAITING = "stored", "already stored", "refused", "waiting"


@dataclass(frozen=True)
class BatchEntry:
    """One file of a bulk upload or ingest: what became of it, and why when it was refused."""

    file: str
    outcome: str  # STORED, ALREADY_STORED, REFUSED or WAITING
    schedule: Schedule | None = None
    reason: str = ""
    job: IngestJob | None = None


@dataclass(frozen=True)
class BatchSummary:
    entries: list[BatchEntry]

    def count(self, outcome: str) -> int:
        return sum(entry.outcome == outcome for entry in self.entries)

    @property
    def finished(self) -> bool:
        return not self.count(WAITING)

    @property
    def refusals(self) -> list[BatchEntry]:
        return [entry for entry in self.entries if entry.outcome == REFUSED]

    @property
    def line(self) -> str:
        """ "N stored, M already stored, K refused" (and how many still wait)."""
        text = ", ".join(
            f"{self.count(outcome)} {outcome}" for outcome in (STORED, ALREADY_STORED, REFUSED)
        )
        waiting = self.count(WAITING)
        return f"{text}, {waiting} waiting" if waiting else text


def job_entry(job: IngestJob) -> BatchEntry:
    """What became of an upload job: stored, already stored (its schedule is older than the
    job), refused with the job's error, or still waiting."""
    job = job.as_seen()
    file = job.schedule_file.name.rsplit("/", 1)[-1]
    if job.state == IngestJob.State.FAILED:
        return BatchEntry(file, REFUSED, reason=job.error, job=job)
    if job.state != IngestJob.State.SUCCEEDED:
        return BatchEntry(file, WAITING, job=job)
    if job.schedule is None:
        return BatchEntry(file, STORED, reason="its schedule has since been deleted", job=job)
    outcome = ALREADY_STORED if job.schedule.uploaded_at < job.created_at else STORED
    return BatchEntry(file, outcome, job.schedule, job=job)


def batch_summary(user, batch: uuid.UUID) -> BatchSummary | None:
    """The jobs of a bulk upload the user may follow, in upload order; ``None`` when they see
    none of them."""
    jobs = visible_jobs(user).filter(batch=batch).order_by("created_at", "id")
    entries = [job_entry(job) for job in jobs]
    return BatchSummary(entries) if entries else None


def manageable_schedules(user, *, search: str = "") -> QuerySet[Schedule]:
    """Schedules the user may rename, re-site or delete, newest first: every schedule with
    ``change_schedule`` or ``delete_schedule``, else the ones they uploaded."""
    schedules = Schedule.objects.select_related("uploaded_by")
    if not (can_change(user) or can_delete(user)):
        schedules = schedules.filter(uploaded_by=user)
    if search:
        schedules = schedules.filter(name__icontains=search)
    return schedules


@dataclass(frozen=True)
class DeletionCounts:
    schedules: int
    blocks: int


def deletion_counts(schedules: QuerySet[Schedule]) -> DeletionCounts:
    """What deleting these schedules removes, for the confirmation page."""
    totals = schedules.aggregate(schedules=Count("id"), blocks=Sum("block_count"))
    return DeletionCounts(totals["schedules"], totals["blocks"] or 0)


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
