"""The production-like stack of docs/operations.md (deploy/stack.py: gunicorn with two web
workers, two task workers, PostgreSQL) takes concurrent uploads and reads without a 5xx, and
stores identical content once."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from schedules.formats import write_schedule
from schedules.synthetic import generate_schedule_data
from tests.conftest import REPO_DIR

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the production stack runs on PostgreSQL"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url() -> str:
    with socket.socket() as probe:
        probe.settimeout(1)
        return "redis://127.0.0.1:6379/2" if probe.connect_ex(("127.0.0.1", 6379)) == 0 else ""


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.token = token

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                payload = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            payload, status = error.read(), error.code
        is_json = payload.startswith((b"{", b"["))
        return status, json.loads(payload) if is_json else {"bytes": len(payload)}


@pytest.fixture
def stack():
    settings_dict = connection.settings_dict
    database = f"tsi_stack_test_{os.getpid()}"
    port = free_port()
    base_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["DATABASE_URL"] = f"{base_url}/{database}"
    process = subprocess.Popen(
        [sys.executable, "deploy/stack.py", "--port", str(port), "--database", database,
         "--redis", redis_url()],
        cwd=REPO_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        line = ""
        deadline = time.monotonic() + 120
        while "TSI stack up" not in line:
            line = process.stdout.readline()
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the stack did not start: {line}{process.stdout.read()}")
        token = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from django.contrib.auth.models import Permission, User\n"
             "from rest_framework.authtoken.models import Token\n"
             "user = User.objects.create_user('uploader', password='not-used-here')\n"
             "user.user_permissions.add(Permission.objects.get(codename='add_schedule'))\n"
             "print(Token.objects.create(user=user).key)"],
            cwd=REPO_DIR, env={**env, "SECRET_KEY": "x", "DEBUG": "false"},
            capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        yield Client(port, token)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        admin = urlsplit(base_url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def document(seed: int) -> dict:
    data = generate_schedule_data(blocks=150, periods_per_block=6, seed=seed)
    return json.loads(write_schedule(data, "native", name=f"stack {seed}").schedule)


def wait_for_job(client: Client, job_url: str) -> dict:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        status, job = client.request("GET", job_url)
        assert status == 200, job
        if job["state"] in ("succeeded", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_url} did not finish")


def test_concurrent_uploads_and_reads_through_the_stack(stack):
    documents = [document(seed) for seed in (31, 32, 33)]
    uploads = [*documents, documents[0], documents[0]]

    def upload(body: dict) -> dict:
        status, job = stack.request("POST", "/api/v1/schedules/", {"schedule": body})
        assert status == 202, job
        return wait_for_job(stack, f"/api/v1/jobs/{job['id']}/")

    def read(path: str) -> int:
        return stack.request("GET", path)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = pool.map(upload, uploads)
        reads = pool.map(read, ["/api/v1/schedules/", "/api/v1/health/", "/"] * 10)
        jobs, reads = list(jobs), list(reads)

    assert all(job["state"] == "succeeded" for job in jobs), jobs
    assert len({job["schedule"] for job in jobs}) == 3
    assert jobs[0]["schedule"] == jobs[3]["schedule"] == jobs[4]["schedule"]
    assert all(status < 500 for status in reads), reads

    status, listing = stack.request("GET", "/api/v1/schedules/")
    assert status == 200 and listing["count"] == 3

    def report(schedule_id: int) -> list[int]:
        paths = ["overview/", "sky-map/", "insights/", "visibility-histogram/?bins=100"]
        return [read(f"/api/v1/schedules/{schedule_id}/{path}") for path in paths]

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = [
            s for group in pool.map(report, {job["schedule"] for job in jobs}) for s in group
        ]
    assert statuses == [200] * len(statuses)
