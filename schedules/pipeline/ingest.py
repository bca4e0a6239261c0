"""The ingest pipeline: extract (read the files) → transform → load, for one schedule.

The whole load runs in one ``transaction.atomic()``: a failure anywhere leaves no trace, and a
reader sees either nothing of a schedule or all of it (blocks, analytics, validation). The
transform runs inside it too, while PostgreSQL writes the blocks on a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import connection, transaction
from django.db.models import Max

from analytics.transform import transform
from schedules.formats import DroppedPeriods, InputFile, read_schedule
from schedules.models import Schedule
from schedules.pipeline.environments import assign_environment
from schedules.pipeline.load import start_blocks, store_results
from schedules.pipeline.sky import SkyOptions, SkyRecord, complete_sky
from schedules.schedule_data import ScheduleData

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, float], None]
"""Called with a phase name and the overall fraction done (0–1)."""

# "sky" computes dark periods and visibility the files lack; it is skipped when they have them.
PHASE_WEIGHTS = {"read": 0.3, "sky": 0.1, "transform": 0.15, "load": 0.45}


@dataclass(frozen=True)
class IngestOutcome:
    schedule: Schedule | None  # None only for a dry run of new content
    created: bool
    checksum: str
    name: str
    block_count: int
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    warnings: list[str] = field(default_factory=list)  # what the uploader should know
    notes: list[str] = field(default_factory=list)  # what was computed, and how
    # Invalid periods left out with drop_invalid_periods: how many, and the first locations.
    dropped_periods: int = 0
    dropped_period_locations: list[str] = field(default_factory=list)
    # Where the site, period, dark periods and visibility came from (Schedule.sky_model).
    sky: dict = field(default_factory=dict)


def ingest_warnings(sky: SkyRecord, dropped: DroppedPeriods | None = None) -> list[str]:
    """What the person ingesting a schedule should know before relying on the result."""
    warnings = list(sky.warnings)
    if dropped is not None and dropped.count:
        warnings.append(dropped.summary())
    return warnings


class PhaseTimer:
    """Wall-clock seconds spent in each phase, for operators and benchmarks."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


class _Progress:
    """Maps per-phase fractions onto one overall fraction for the caller's callback."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback

    def __call__(self, phase: str, fraction: float) -> None:
        if self._callback is None:
            return
        done = 0.0
        for name, weight in PHASE_WEIGHTS.items():
            if name == phase:
                self._callback(phase, min(1.0, done + weight * fraction))
                return
            done += weight


def default_schedule_name(data: ScheduleData, schedule_file: InputFile) -> str:
    return data.name.strip() or PurePath(schedule_file.name).stem or "schedule"


def ingest_schedule(
    schedule_file: InputFile,
    *,
    visibility: InputFile | None = None,
    dark_periods: InputFile | None = None,
    name: str | None = None,
    uploaded_by=None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
    drop_invalid_periods: bool = False,
    sky: SkyOptions | None = None,
) -> IngestOutcome:
    """Parse, analyse and store a schedule; the same content twice returns the stored one.

    Raises ``ScheduleInputError`` (located, human message) for bad input, before any write.
    With ``drop_invalid_periods``, periods that do not run forwards within the years 1 to
    9999 are left out instead, and the outcome says how many and where. ``sky`` is the site,
    period and sky computations chosen at upload (see ``schedules.pipeline.sky``).
    """
    report = _Progress(progress)
    timer = PhaseTimer()
    dropped = DroppedPeriods() if drop_invalid_periods else None
    report("read", 0.0)
    with timer.phase("read"):
        data = read_schedule(
            schedule_file, visibility=visibility, dark_periods=dark_periods, dropped=dropped
        )
    report("read", 1.0)
    return ingest_schedule_data(
        data,
        name=(name or "").strip() or default_schedule_name(data, schedule_file),
        uploaded_by=uploaded_by,
        progress=progress,
        dry_run=dry_run,
        timer=timer,
        dropped=dropped,
        sky=sky,
        file_name=schedule_file.name,
    )


def ingest_schedule_data(
    data: ScheduleData,
    *,
    name: str,
    uploaded_by=None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
    timer: PhaseTimer | None = None,
    dropped: DroppedPeriods | None = None,
    sky: SkyOptions | None = None,
    file_name: str = "schedule",
) -> IngestOutcome:
    """Transform and load an already parsed schedule (see :func:`ingest_schedule`);
    ``dropped`` is what reading it left out, for the outcome and the schedule's notes.

    The sky step comes first and changes ``data`` in place: computed periods are content, so
    the checksum covers them.
    """
    report = _Progress(progress)
    timer = timer or PhaseTimer()
    dropped = dropped or DroppedPeriods()
    with timer.phase("sky"):
        record = complete_sky(
            data, sky or SkyOptions(), file_name=file_name, progress=lambda f: report("sky", f)
        )
    with timer.phase("read"):
        checksum = data.checksum()
        existing = Schedule.objects.filter(checksum=checksum).first()
    if existing is not None:
        return _outcome(existing, False, checksum, existing.name, timer, data, dropped, record)

    report("transform", 0.0)
    if dry_run:
        with timer.phase("transform"):
            transform(data)
        return _outcome(None, True, checksum, name, timer, data, dropped, record)

    # Both start now: the transform runs inside the load transaction, whose progress reaches
    # no job page before the commit.
    report("load", 0.0)
    with transaction.atomic():
        with timer.phase("load"):
            lock_for_ingest(name, checksum)
            # Another process may have stored the same content meanwhile.
            existing = Schedule.objects.filter(checksum=checksum).first()
            if existing is not None:
                return _outcome(
                    existing, False, checksum, existing.name, timer, data, dropped, record
                )
            schedule = _create_schedule(data, checksum, name, uploaded_by, dropped, record)
            # PostgreSQL writes the blocks while the analytics are computed.
            block_ids, blocks_written = start_blocks(schedule.pk, data)
        try:
            with timer.phase("transform"):
                result = transform(data)
        finally:
            with timer.phase("load"):
                blocks_written()
        with timer.phase("load"):
            schedule.possible_periods = result.possible_periods.tolist()
            schedule.save(update_fields=["possible_periods"])
            assign_environment(schedule, data)
            store_results(schedule, data, block_ids, result, progress=lambda f: report("load", f))
    report("load", 1.0)
    logger.info(
        "Ingested schedule %s (%s v%s, %d blocks)",
        schedule.pk,
        schedule.name,
        schedule.version,
        schedule.block_count,
    )
    return _outcome(schedule, True, checksum, schedule.name, timer, data, dropped, record)


def _outcome(
    schedule: Schedule | None,
    created: bool,
    checksum: str,
    name: str,
    timer: PhaseTimer,
    data: ScheduleData,
    dropped: DroppedPeriods,
    sky: SkyRecord,
) -> IngestOutcome:
    return IngestOutcome(
        schedule,
        created,
        checksum,
        name,
        data.block_count,
        timer.seconds,
        ingest_warnings(sky, dropped),
        sky.notes,
        dropped.count,
        list(dropped.locations),
        sky.as_json(),
    )


def lock_for_ingest(name: str, checksum: str = "") -> None:
    """Serialise concurrent ingests of the same content or the same name, and renames to that
    name (PostgreSQL), until the transaction ends."""
    if connection.vendor != "postgresql":
        return  # SQLite allows one writer at a time anyway.
    name_key = hashlib.sha256(name.encode()).hexdigest()
    with connection.cursor() as cursor:
        for key in filter(None, (checksum, name_key)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])


def _create_schedule(
    data: ScheduleData,
    checksum: str,
    name: str,
    uploaded_by,
    dropped: DroppedPeriods,
    sky: SkyRecord,
) -> Schedule:
    latest = Schedule.objects.filter(name=name).aggregate(latest=Max("version"))["latest"]
    location = data.location
    return Schedule.objects.create(
        name=name,
        version=(latest or 0) + 1,
        checksum=checksum,
        uploaded_by=uploaded_by,
        source_format=data.source_format,
        block_count=data.block_count,
        period_start_mjd=data.period_start_mjd,
        period_end_mjd=data.period_end_mjd,
        location_lat_deg=location.lat_deg if location else None,
        location_lon_deg=location.lon_deg if location else None,
        location_height_m=location.height_m if location else None,
        dark_periods=data.dark_periods.tolist(),
        possible_periods=[],  # set from the transform, computed while the blocks are written
        site_name=sky.site_name,
        visibility_source=sky.visibility,
        sky_model=sky.as_json(),
        notes=dropped.summary(),
    )
