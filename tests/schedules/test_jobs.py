"""Upload jobs: stale detection and the stale-job command."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from schedules.formats import ScheduleInputError
from schedules.models import IngestJob
from schedules.pipeline.jobs import STALE_AFTER, fail_stale_jobs, run_ingest_job

pytestmark = pytest.mark.django_db


def running_job(heartbeat_age: timedelta) -> IngestJob:
    return IngestJob.objects.create(
        schedule_file="uploads/x.json",
        state=IngestJob.State.RUNNING,
        phase="load",
        heartbeat_at=timezone.now() - heartbeat_age,
    )


def test_only_jobs_silent_for_longer_than_the_limit_are_failed():
    stale = running_job(STALE_AFTER + timedelta(seconds=5))
    alive = running_job(STALE_AFTER - timedelta(seconds=30))
    assert fail_stale_jobs() == 1
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.state == IngestJob.State.FAILED and "worker stopped" in stale.error
    assert alive.state == IngestJob.State.RUNNING


def test_command_reports_how_many_jobs_it_failed():
    running_job(STALE_AFTER * 2)
    out = StringIO()
    call_command("fail_stale_jobs", stdout=out)
    assert out.getvalue().strip() == "1 stale job(s) marked as failed."


def test_looking_at_a_dead_workers_job_shows_it_failed(admin_client):
    job = running_job(STALE_AFTER * 2)
    status = admin_client.get(f"/jobs/{job.pk}/status/").json()
    assert status["state"] == "failed" and "worker stopped" in status["error"]
    api = admin_client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert api["state"] == "failed"
    page = admin_client.get(f"/jobs/{job.pk}/")
    assert "worker stopped" in page.content.decode()
    job.refresh_from_db()
    assert job.state == IngestJob.State.RUNNING, "a read must not write"


def test_a_live_job_is_shown_running(admin_client):
    job = running_job(STALE_AFTER - timedelta(seconds=30))
    assert admin_client.get(f"/jobs/{job.pk}/status/").json()["state"] == "running"


def test_the_next_job_a_worker_starts_sweeps_the_lost_ones_first():
    lost = running_job(STALE_AFTER * 2)
    queued = IngestJob.objects.create(schedule_file="uploads/missing.json")
    run_ingest_job(queued.pk)
    lost.refresh_from_db()
    assert lost.state == IngestJob.State.FAILED and "worker stopped" in lost.error


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_while_its_ingest_works(monkeypatch, settings):
    """The heartbeat comes from a thread of its own, so it goes on while the ingest (here a
    slow stand-in) holds the worker's thread, and it sweeps lost jobs as it beats."""
    settings.TSI_JOB_HEARTBEAT_SECONDS = 0.05
    lost = running_job(STALE_AFTER * 2)
    job = IngestJob.objects.create(schedule_file="uploads/x.json")
    beats = []

    def slow_ingest(*args, **kwargs):
        started = IngestJob.objects.get(pk=job.pk).heartbeat_at
        IngestJob.objects.filter(pk=lost.pk).update(heartbeat_at=timezone.now() - STALE_AFTER * 3)
        IngestJob.objects.filter(pk=lost.pk).update(state=IngestJob.State.RUNNING)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(beats) < 2:
            time.sleep(0.05)
            current = IngestJob.objects.get(pk=job.pk).heartbeat_at
            if current > (beats[-1] if beats else started):
                beats.append(current)
        raise ScheduleInputError("x.json", "", "stand-in for a real ingest")

    monkeypatch.setattr("schedules.pipeline.jobs.ingest_schedule", slow_ingest)
    monkeypatch.setattr("schedules.pipeline.jobs._input_file", lambda field: None)
    assert run_ingest_job(job.pk) is None
    assert len(beats) == 2
    lost.refresh_from_db()
    assert lost.state == IngestJob.State.FAILED


def test_uploaders_follow_only_their_own_jobs(client, django_user_model):
    from django.contrib.auth.models import Permission

    owner, other = (
        django_user_model.objects.create_user(name, password="x") for name in ("owner", "other")
    )
    for user in (owner, other):
        user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    job = IngestJob.objects.create(schedule_file="uploads/x.json", created_by=owner)
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/status/").status_code == 404
    client.force_login(owner)
    assert client.get(f"/jobs/{job.pk}/status/").status_code == 200


def test_an_internal_error_fails_the_job_without_exposing_details(monkeypatch):
    from schedules.pipeline.jobs import run_ingest_job

    def broken(*args, **kwargs):
        raise RuntimeError("password=hunter2 at /srv/secret/path")

    monkeypatch.setattr("schedules.pipeline.jobs.ingest_schedule", broken)
    monkeypatch.setattr("schedules.pipeline.jobs._input_file", lambda field: None)
    job = IngestJob.objects.create(schedule_file="uploads/x.json")
    assert run_ingest_job(job.pk) is None
    job.refresh_from_db()
    assert job.state == IngestJob.State.FAILED
    assert "Internal error while ingesting" in job.error and "hunter2" not in job.error
