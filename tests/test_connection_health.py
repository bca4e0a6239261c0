"""A dropped database connection (restart, failover, ``pg_terminate_backend``) costs a task
worker and a web worker a reconnect, never a crash or a 500. Real processes on PostgreSQL, with
connections kept between requests as in production (``CONN_MAX_AGE``)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from schedules.models import IngestJob
from tests.conftest import REPO_DIR
from tests.schedules.test_concurrency import (
    native_file,
    process_environment,
    queued_job,
    wait_for,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends"),
]


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO_DIR,
        env={
            **process_environment(),
            "CONN_MAX_AGE": "600",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def terminate_other_backends() -> int:
    """Cut every other connection to the test database, as a server restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def enqueue(job: IngestJob) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from schedules.pipeline.jobs import run_ingest_job_task; "
            f"run_ingest_job_task.enqueue({job.pk})",
        ],
        cwd=REPO_DIR,
        env=process_environment(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def finished(job: IngestJob) -> bool:
    job.refresh_from_db()
    return job.state in (IngestJob.State.SUCCEEDED, IngestJob.State.FAILED)


def test_a_task_worker_survives_its_connection_being_dropped(tmp_path):
    worker = start("db_worker", "--queue-name", "ingest", "--interval", "0.2", "--no-reload")
    try:
        first = queued_job(native_file(tmp_path, blocks=20, periods=3, seed=5))
        enqueue(first)
        wait_for(lambda: finished(first), 60, "the worker did not run the first job")
        time.sleep(0.5)  # the worker is idle, its connection kept
        assert terminate_other_backends() >= 1
        time.sleep(1.0)
        assert worker.poll() is None, worker.stderr.read()
        second = queued_job(native_file(tmp_path, blocks=20, periods=3, seed=6))
        enqueue(second)
        wait_for(lambda: finished(second), 60, "the worker did not run the next job")
        assert second.state == IngestJob.State.SUCCEEDED, second.error
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_web_worker_answers_normally_after_its_connection_is_dropped():
    port = free_port()
    server = start("runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}")
    url = f"http://127.0.0.1:{port}/api/v1/health/"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get_status(url) == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(server.stderr.read())
        assert terminate_other_backends() >= 1
        assert [get_status(url) for _ in range(3)] == [200, 200, 200]
    finally:
        server.terminate()
        server.wait(timeout=30)
