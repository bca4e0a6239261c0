"""Reads of stored schedules, shared by pages, the API, commands and the analytics refresh."""

from __future__ import annotations

import numpy as np
import orjson
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from schedules.models import IngestJob, Schedule, SchedulingBlock
from schedules.schedule_data import Location, ScheduleData

_BLOCK_COLUMNS = (
    "id",
    "source_block_id",
    "block_name",
    "target__name",
    "target__ra_deg",
    "target__dec_deg",
    "target__pm_ra_mas_per_year",
    "target__pm_dec_mas_per_year",
    "target__equinox",
    "priority",
    "requested_duration_s",
    "min_observation_s",
    "min_alt_deg",
    "max_alt_deg",
    "min_az_deg",
    "max_az_deg",
    "fixed_start_mjd",
    "fixed_stop_mjd",
    "visibility_json",
    "scheduled_json",
)


def schedule_list(*, search: str = "") -> QuerySet[Schedule]:
    """Schedules newest first, optionally filtered by name or checksum prefix."""
    schedules = Schedule.objects.select_related("uploaded_by")
    if search:
        schedules = schedules.filter(name__icontains=search) | schedules.filter(
            checksum__startswith=search.lower()
        )
    return schedules


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
        .values_list(*_BLOCK_COLUMNS)
    )
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(_BLOCK_COLUMNS)
    (
        ids,
        source_ids,
        block_names,
        target_names,
        *numeric,
        visibility_json,
        scheduled_json,
    ) = columns
    numeric_arrays = [np.array(column, dtype=np.float64) for column in numeric]
    (
        ra,
        dec,
        pm_ra,
        pm_dec,
        equinox,
        priority,
        requested,
        min_observation,
        min_alt,
        max_alt,
        min_az,
        max_az,
        fixed_start,
        fixed_stop,
    ) = numeric_arrays
    offsets, periods = _ragged_periods(visibility_json)
    scheduled = [orjson.loads(text) for text in scheduled_json]
    scheduled_start = np.array([p[0][0] if p else np.nan for p in scheduled], dtype=np.float64)
    scheduled_stop = np.array([p[0][1] if p else np.nan for p in scheduled], dtype=np.float64)
    location = None
    if schedule.location_lat_deg is not None and schedule.location_lon_deg is not None:
        location = Location(
            schedule.location_lat_deg, schedule.location_lon_deg, schedule.location_height_m or 0.0
        )
    data = ScheduleData(
        source_format=schedule.source_format,
        name=schedule.name,
        source_ids=list(source_ids),
        block_names=list(block_names),
        target_names=list(target_names),
        ra_deg=ra,
        dec_deg=dec,
        pm_ra_mas_per_year=pm_ra,
        pm_dec_mas_per_year=pm_dec,
        equinox=equinox,
        priority=priority,
        requested_duration_s=requested,
        min_observation_s=min_observation,
        min_alt_deg=min_alt,
        max_alt_deg=max_alt,
        min_az_deg=min_az,
        max_az_deg=max_az,
        fixed_start_mjd=fixed_start,
        fixed_stop_mjd=fixed_stop,
        scheduled_start_mjd=scheduled_start,
        scheduled_stop_mjd=scheduled_stop,
        visibility_offsets=offsets,
        visibility_periods=periods,
        dark_periods=np.array(schedule.dark_periods, dtype=np.float64).reshape(-1, 2),
        period_start_mjd=schedule.period_start_mjd,
        period_end_mjd=schedule.period_end_mjd,
        location=location,
    )
    return data, np.array(ids, dtype=np.int64)


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
