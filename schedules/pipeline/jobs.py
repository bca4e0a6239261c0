"""Upload jobs: store the uploaded files, queue an ingest on the task worker, and run it.

The web request only saves files and queues; the worker (``manage.py db_worker``) parses and
loads, writing its phase and progress to the job row so the job page can follow it, and a
heartbeat every few seconds from a thread of its own (the load transaction cannot write
progress that others would see). Workers also sweep: they mark failed every running job whose
heartbeat stopped (``fail_stale_jobs``). Reads never write.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection
from django.tasks import task
from django.utils import timezone

from schedules.formats import InputFile, ScheduleInputError
from schedules.models import UPLOAD_NAME_LENGTH, IngestJob
from schedules.pipeline.ingest import ingest_schedule
from schedules.pipeline.sky import SkyOptions
from schedules.sky.sites import parse_site, site_spec

logger = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL_S = 0.5
STALE_AFTER = IngestJob.STALE_AFTER


def upload_digest(
    *files: UploadedFile | None, drop_invalid_periods: bool = False, sky: SkyOptions | None = None
) -> str:
    """SHA-256 over the uploaded files' bytes (in order), to spot an identical re-upload. The
    drop and sky options are part of it (only when set, so earlier digests still match): the
    same files may fail, or give another schedule, without them."""
    digest = hashlib.sha256()
    for upload in files:
        digest.update(b"\x00file\x00" if upload is not None else b"\x00none\x00")
        if upload is not None:
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    if drop_invalid_periods:
        digest.update(b"\x00drop-invalid-periods\x00")
    if sky is not None and (part := sky.digest_part()):
        digest.update(b"\x00sky\x00" + part)
    return digest.hexdigest()


def previous_upload(digest: str) -> IngestJob | None:
    """A finished job for exactly these files whose schedule still exists."""
    return (
        IngestJob.objects.filter(
            upload_digest=digest, state=IngestJob.State.SUCCEEDED, schedule__isnull=False
        )
        .select_related("schedule")
        .first()
    )


def create_ingest_job(
    *,
    schedule_file: UploadedFile,
    visibility_file: UploadedFile | None = None,
    dark_periods_file: UploadedFile | None = None,
    name: str = "",
    user=None,
    drop_invalid_periods: bool = False,
    sky: SkyOptions | None = None,
    batch: uuid.UUID | None = None,
) -> IngestJob:
    """Store the files and queue the ingest; an identical earlier upload finishes at once,
    with what the earlier one dropped."""
    sky = sky or SkyOptions()
    digest = upload_digest(
        schedule_file,
        visibility_file,
        dark_periods_file,
        drop_invalid_periods=drop_invalid_periods,
        sky=sky,
    )
    earlier = previous_upload(digest)
    start, end = sky.period or (None, None)
    job = IngestJob(
        requested_name=name.strip(),
        created_by=user,
        upload_digest=digest,
        drop_invalid_periods=drop_invalid_periods,
        site=site_spec(sky.site) if sky.site is not None else "",
        period_start_mjd=start,
        period_end_mjd=end,
        dark_moon=sky.moon,
        compute_visibility=sky.compute_visibility,
        batch=batch,
    )
    if earlier is not None:
        now = timezone.now()
        job.state = IngestJob.State.SUCCEEDED
        job.phase = "done"
        job.progress = 1.0
        job.started_at = job.finished_at = now
        job.schedule = earlier.schedule
        job.dropped_periods = earlier.dropped_periods
        job.dropped_period_locations = earlier.dropped_period_locations
    uploads = {
        "schedule_file": schedule_file,
        "visibility_file": visibility_file,
        "dark_periods_file": dark_periods_file,
    }
    written: list[str] = []
    try:
        for field, upload in uploads.items():
            if upload is not None:
                getattr(job, field).name = store_upload(upload, written)
        job.save()
    except OSError as error:
        for name in written:
            default_storage.delete(name)
        logger.error("Upload not stored: %s", error)
        raise UploadNotStored(
            "The server could not store the upload (its disk may be full); nothing was "
            "stored. Try again later, or tell the administrators."
        ) from None
    if job.state == IngestJob.State.QUEUED:
        result = run_ingest_job_task.enqueue(job.pk)
        IngestJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
        job.refresh_from_db()
    return job


def create_batch(
    schedule_files: list[UploadedFile],
    *,
    user=None,
    drop_invalid_periods: bool = False,
    sky: SkyOptions | None = None,
) -> uuid.UUID:
    """Queue one ingest job per schedule file, all with the same options and one batch id;
    each file is named after itself (its stem), and succeeds or fails on its own."""
    batch = uuid.uuid4()
    for upload in schedule_files:
        create_ingest_job(
            schedule_file=upload,
            name=PurePath(upload.name).stem,
            user=user,
            drop_invalid_periods=drop_invalid_periods,
            sky=sky,
            batch=batch,
        )
    return batch


class UploadNotStored(Exception):
    """The uploaded files could not be written; nothing of them is left behind."""


def store_upload(upload: UploadedFile, written: list[str]) -> str:
    """The storage name of the upload's content, written once per content: a file of the same
    bytes and name already stored is reused. Names it writes are appended to ``written``."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    # 112 bits of the digest name the content; the path stays within FileField's 100 characters.
    key = digest.hexdigest()[:28]
    name = f"uploads/{key[:2]}/{key[2:]}/{upload.name[:UPLOAD_NAME_LENGTH]}"
    if default_storage.exists(name):
        return name
    stored = default_storage.save(name, upload)
    written.append(stored)
    return stored


def _input_file(field) -> InputFile | None:
    if not field:
        return None
    with field.open("rb") as handle:
        return InputFile(name=field.name.rsplit("/", 1)[-1], data=handle.read())


def run_ingest_job(job_id: int) -> int | None:
    """Run one queued job to the end; returns the schedule id, or ``None`` when it failed."""
    fail_stale_jobs()
    job = IngestJob.objects.get(pk=job_id)
    if job.state != IngestJob.State.QUEUED:
        return job.schedule_id
    now = timezone.now()
    IngestJob.objects.filter(pk=job.pk).update(
        state=IngestJob.State.RUNNING, started_at=now, heartbeat_at=now, phase="read"
    )
    last_write, last_phase = 0.0, "read"

    def progress(phase: str, fraction: float) -> None:
        nonlocal last_write, last_phase
        # Writes inside the load transaction would stay invisible until commit: skip them.
        if connection.in_atomic_block:
            return
        if phase == last_phase and time.monotonic() - last_write < PROGRESS_WRITE_INTERVAL_S:
            return
        last_write, last_phase = time.monotonic(), phase
        IngestJob.objects.filter(pk=job.pk).update(
            phase=phase, progress=fraction, heartbeat_at=timezone.now()
        )

    try:
        with Heartbeat(job.pk):
            outcome = ingest_schedule(
                _input_file(job.schedule_file),
                visibility=_input_file(job.visibility_file),
                dark_periods=_input_file(job.dark_periods_file),
                name=job.requested_name or None,
                uploaded_by=job.created_by,
                progress=progress,
                drop_invalid_periods=job.drop_invalid_periods,
                sky=job_sky_options(job),
            )
    except ScheduleInputError as error:
        _finish(job, IngestJob.State.FAILED, error=str(error))
        return None
    except Exception:
        logger.exception("Ingest job %s failed", job.pk)
        # The traceback is in the server log; the uploader gets no internals.
        _finish(
            job,
            IngestJob.State.FAILED,
            error=f"Internal error while ingesting (job {job.pk}); nothing was stored. "
            "The administrators can find the details in the server log.",
        )
        return None
    _finish(
        job,
        IngestJob.State.SUCCEEDED,
        schedule_id=outcome.schedule.pk,
        dropped_periods=outcome.dropped_periods,
        dropped_period_locations=outcome.dropped_period_locations,
    )
    return outcome.schedule.pk


def job_sky_options(job: IngestJob) -> SkyOptions:
    """The sky options the job was queued with (its site was checked at upload)."""
    period = None
    if job.period_start_mjd is not None and job.period_end_mjd is not None:
        period = (job.period_start_mjd, job.period_end_mjd)
    return SkyOptions(
        site=parse_site(job.site) if job.site else None,
        period=period,
        moon=job.dark_moon,
        compute_visibility=job.compute_visibility,
    )


@task(queue_name="ingest")
def run_ingest_job_task(job_id: int) -> int | None:
    """The task a ``db_worker`` runs for each queued upload."""
    return run_ingest_job(job_id)


def _finish(
    job: IngestJob,
    state: str,
    *,
    error: str = "",
    schedule_id: int | None = None,
    dropped_periods: int = 0,
    dropped_period_locations: list[str] | None = None,
):
    now = timezone.now()
    IngestJob.objects.filter(pk=job.pk).update(
        state=state,
        phase="done" if state == IngestJob.State.SUCCEEDED else "failed",
        progress=1.0 if state == IngestJob.State.SUCCEEDED else job.progress,
        error=error,
        schedule_id=schedule_id,
        dropped_periods=dropped_periods,
        dropped_period_locations=dropped_period_locations or [],
        finished_at=now,
        heartbeat_at=now,
    )


def fail_stale_jobs(now=None) -> int:
    """Mark running jobs whose worker stopped beating as failed; returns how many."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return IngestJob.objects.filter(state=IngestJob.State.RUNNING, heartbeat_at__lt=cutoff).update(
        state=IngestJob.State.FAILED,
        phase="failed",
        error=IngestJob.WORKER_LOST,
        finished_at=timezone.now(),
    )


class Heartbeat:
    """While the block runs, a thread writes the job's heartbeat and sweeps stale jobs every
    ``TSI_JOB_HEARTBEAT_SECONDS``, on a database connection of its own."""

    def __init__(self, job_id: int) -> None:
        self._job_id = job_id
        self._interval = settings.TSI_JOB_HEARTBEAT_SECONDS
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stopped.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stopped.wait(self._interval):
                try:
                    IngestJob.objects.filter(pk=self._job_id, state=IngestJob.State.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                    fail_stale_jobs()
                except DatabaseError:
                    # SQLite refuses a second writer during the load: the next beat will do.
                    logger.warning("Heartbeat of job %s skipped", self._job_id, exc_info=True)
        finally:
            connection.close()
