"""Atomicity under concurrency and faults, with real processes against PostgreSQL.

Each test starts separate ``manage.py`` processes on the test database (so the data must be
committed: ``transactional_db``) and watches what other connections can see.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from analytics.models import BlockAnalytics
from schedules.formats import write_schedule
from schedules.models import IngestJob, Schedule, SchedulingBlock
from schedules.pipeline.jobs import fail_stale_jobs, run_ingest_job
from schedules.synthetic import generate_schedule_data
from tests.conftest import REPO_DIR

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="separate processes share the test database only on PostgreSQL",
    ),
]


def process_environment() -> dict[str, str]:
    """Production settings (real task backend) pointed at the test database."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tsi_site.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": "tests-only-secret-key",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


def manage(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO_DIR,
        env=process_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def native_file(tmp_path: Path, *, blocks: int, periods: int, seed: int) -> Path:
    data = generate_schedule_data(blocks=blocks, periods_per_block=periods, seed=seed)
    path = tmp_path / f"schedule-{seed}.json"
    path.write_bytes(write_schedule(data, "native", name=f"concurrent {seed}").schedule)
    return path


def test_concurrent_ingests_of_the_same_content_give_one_schedule(tmp_path):
    path = native_file(tmp_path, blocks=400, periods=10, seed=21)
    processes = [manage("ingest", str(path), "--json") for _ in range(3)]
    outcomes = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        outcomes.append(json.loads(stdout))
    assert Schedule.objects.count() == 1
    assert {outcome["id"] for outcome in outcomes} == {Schedule.objects.get().pk}
    assert sorted(outcome["created"] for outcome in outcomes) == [False, False, True]
    assert SchedulingBlock.objects.count() == 400


def test_a_reader_sees_nothing_or_everything_during_an_ingest(tmp_path):
    path = native_file(tmp_path, blocks=4000, periods=20, seed=22)
    process = manage("ingest", str(path))
    observations = set()
    while process.poll() is None:
        schedules = list(Schedule.objects.values_list("id", "block_count"))
        for schedule_id, block_count in schedules:
            blocks = SchedulingBlock.objects.filter(schedule_id=schedule_id).count()
            analytics = BlockAnalytics.objects.filter(schedule_id=schedule_id).count()
            observations.add((block_count, blocks, analytics))
        if not schedules:
            observations.add("nothing")
        time.sleep(0.02)
    assert process.returncode == 0, process.stderr.read()
    assert observations <= {"nothing", (4000, 4000, 4000)}
    assert "nothing" in observations
    assert SchedulingBlock.objects.count() == 4000


def wait_for(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.05)


def queued_job(path: Path) -> IngestJob:
    job = IngestJob(requested_name="killed")
    job.schedule_file.save(path.name, open(path, "rb"), save=False)  # noqa: SIM115
    job.save()
    return job


def enqueue_and_start_worker(job: IngestJob) -> subprocess.Popen:
    """Queue the job on the real database task backend and start a ``db_worker`` for it."""
    enqueue = manage(
        "shell",
        "-c",
        "from schedules.pipeline.jobs import run_ingest_job_task; "
        f"run_ingest_job_task.enqueue({job.pk})",
    )
    assert enqueue.wait(timeout=60) == 0, enqueue.stderr.read()
    return manage("db_worker", "--queue-name", "ingest", "--interval", "0.1")


def test_a_worker_killed_during_the_load_leaves_nothing_and_the_retry_succeeds(tmp_path):
    path = native_file(tmp_path, blocks=12000, periods=25, seed=23)
    job = queued_job(path)
    worker = enqueue_and_start_worker(job)
    try:
        wait_for(
            lambda: IngestJob.objects.get(pk=job.pk).phase == "load",
            timeout=120,
            message=f"the worker never reached the load phase: {IngestJob.objects.get(pk=job.pk)}",
        )
        time.sleep(0.3)  # well inside the load transaction
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert Schedule.objects.count() == 0
    assert SchedulingBlock.objects.count() == 0
    job.refresh_from_db()
    assert job.state == IngestJob.State.RUNNING

    later = timezone.now() + timedelta(hours=1)
    assert fail_stale_jobs(now=later) == 1
    job.refresh_from_db()
    assert job.state == IngestJob.State.FAILED
    assert "worker stopped" in job.error

    retry = queued_job(path)
    schedule_id = run_ingest_job(retry.pk)
    retry.refresh_from_db()
    assert retry.state == IngestJob.State.SUCCEEDED and retry.schedule_id == schedule_id
    assert SchedulingBlock.objects.filter(schedule_id=schedule_id).count() == 12000


def test_a_real_worker_runs_an_uploaded_job(tmp_path):
    path = native_file(tmp_path, blocks=50, periods=4, seed=24)
    job = queued_job(path)
    worker = enqueue_and_start_worker(job)
    try:
        wait_for(
            lambda: IngestJob.objects.get(pk=job.pk).state == IngestJob.State.SUCCEEDED,
            timeout=120,
            message="the worker did not finish the job",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    job.refresh_from_db()
    assert job.schedule.block_count == 50 and job.progress == 1.0
