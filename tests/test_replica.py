"""A real streaming replica behind ``DATABASE_REPLICA_URL``: report reads go to it, writes go
to the primary, and an uploader sees their new schedule's analytics at once even while the
replica lags.

The replica is a second local cluster made with ``pg_basebackup`` from the test cluster and
started on a free port; its statement log shows which queries reached it. The lag is real:
WAL replay is paused (``pg_wal_replay_pause()``) while a ``db_worker`` stores an upload.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from analytics.models import BlockAnalytics
from schedules.formats import write_schedule
from schedules.synthetic import generate_schedule_data
from tests.conftest import REPO_DIR
from tests.schedules.test_concurrency import process_environment, wait_for
from tests.test_connection_health import free_port
from validation.models import ValidationResult

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="streams WAL from the PostgreSQL test cluster"
    ),
]

REPLICATION_RULE = "host replication all 127.0.0.1/32 trust"
BLOCKS = 60
# Far longer than the test, so the uploader's reads stay on the primary throughout.
READ_YOUR_WRITES_SECONDS = "600"
STATEMENT = re.compile(r"^(?P<app>[\w-]*)\|LOG:  (?:statement|execute [^:]*): (?P<sql>.*)$")


def as_postgres(*command: str) -> list[str]:
    """PostgreSQL's tools refuse to run as root; the cluster's files belong to ``postgres``."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def allow_local_replication() -> None:
    """Add the pg_hba.conf rule pg_basebackup needs, once, and reload the primary's config."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW hba_file")
        hba_file = Path(cursor.fetchone()[0])
        with hba_file.open("r+") as rules:
            fcntl.flock(rules, fcntl.LOCK_EX)  # other test runs may be here at the same time
            text = rules.read()
            if REPLICATION_RULE.split() not in [line.split() for line in text.splitlines()]:
                rules.write(("" if text.endswith("\n") else "\n") + REPLICATION_RULE + "\n")
        cursor.execute("SELECT pg_reload_conf()")


@dataclass
class Replica:
    root: Path
    port: int
    bin_dir: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, application_name: str) -> str:
        """The replica's URL for the app, named so its statements can be told apart."""
        name = connection.settings_dict["NAME"]
        return (
            f"postgres://postgres@127.0.0.1:{self.port}/{name}?application_name={application_name}"
        )

    def query(self, sql: str, *params) -> object:
        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=connection.settings_dict["NAME"],
            application_name="tsi-test",
            autocommit=True,
        ) as replica:
            return replica.execute(sql, params).fetchone()[0]

    def log_size(self) -> int:
        return self.log.stat().st_size

    def statements_since(self, offset: int, application_name: str) -> list[str]:
        """The SQL the app's connections named ``application_name`` sent here after ``offset``."""
        with self.log.open("rb") as log:
            log.seek(offset)
            lines = log.read().decode(errors="replace").splitlines()
        found = (STATEMENT.match(line) for line in lines)
        return [match["sql"] for match in found if match and match["app"] == application_name]

    def start(self) -> None:
        primary = connection.settings_dict
        for _ in range(40):  # the primary applies the new pg_hba.conf rule a moment after reload
            backup = subprocess.run(
                as_postgres(
                    str(self.bin_dir / "pg_basebackup"),
                    *("--host", primary["HOST"] or "127.0.0.1"),
                    *("--port", str(primary["PORT"] or 5432)),
                    *("--username", primary["USER"] or "postgres"),
                    *("--pgdata", str(self.data)),
                    "--wal-method=stream",
                    "--write-recovery-conf",
                    "--checkpoint=fast",
                    "--no-sync",
                ),
                capture_output=True,
                text=True,
                timeout=120,
            )
            if backup.returncode == 0 or "pg_hba.conf" not in backup.stderr:
                break
            shutil.rmtree(self.data, ignore_errors=True)
            time.sleep(0.25)
        assert backup.returncode == 0, backup.stderr
        # Debian keeps the primary's configuration outside its data directory.
        (self.data / "postgresql.conf").write_text(
            f"port = {self.port}\n"
            "listen_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.root}'\n"
            "hot_standby = on\n"
            "fsync = off\n"
            "log_statement = 'all'\n"
            "log_line_prefix = '%a|'\n"
        )
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        (self.data / "pg_ident.conf").write_text("")
        started = subprocess.run(
            as_postgres(
                str(self.bin_dir / "pg_ctl"),
                *("--pgdata", str(self.data)),
                *("--log", str(self.log)),
                "--wait",
                "--timeout=60",
                "start",
            ),
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert started.returncode == 0, started.stdout + started.stderr + self.log.read_text()
        assert self.query("SELECT pg_is_in_recovery()")
        wait_for(
            lambda: (
                self.query(
                    "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = %s", "streaming"
                )
                == 1
            ),
            30,
            "the replica does not stream from the primary",
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                as_postgres(
                    str(self.bin_dir / "pg_ctl"),
                    "--pgdata",
                    str(self.data),
                    "-m",
                    "immediate",
                    "stop",
                ),
                capture_output=True,
                timeout=60,
            )

    def pause_replay(self) -> None:
        self.query("SELECT pg_wal_replay_pause()")
        wait_for(
            lambda: self.query("SELECT pg_get_wal_replay_pause_state()") == "paused",
            30,
            "WAL replay did not pause",
        )

    def resume_replay_and_catch_up(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = cursor.fetchone()[0]
        self.query("SELECT pg_wal_replay_resume()")
        wait_for(
            lambda: self.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", primary_lsn),
            30,
            "the replica did not catch up with the primary",
        )


@pytest.fixture
def replica() -> Iterator[Replica]:
    """A streaming replica of the test cluster on a free port, removed whatever happens."""
    allow_local_replication()
    root = Path(tempfile.mkdtemp(prefix="tsi-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    major = connection.pg_version // 10000
    replica = Replica(root, free_port(), Path(f"/usr/lib/postgresql/{major}/bin"))
    try:
        replica.start()
        yield replica
    finally:
        replica.stop()
        shutil.rmtree(root, ignore_errors=True)


def start(args: list[str], replica: Replica, application_name: str, log: Path) -> subprocess.Popen:
    """A ``manage.py`` process with the replica configured, its log written to ``log``."""
    with log.open("w") as stderr:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=REPO_DIR,
            env={
                **process_environment(),
                "DATABASE_REPLICA_URL": replica.url(application_name),
                "TSI_REPLICA_READ_YOUR_WRITES_SECONDS": READ_YOUR_WRITES_SECONDS,
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "DEBUG": "true",  # pages find static files without a collectstatic
            },
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


@dataclass
class Visitor:
    """A signed-in user of the site: an API token and a page session."""

    token: str
    session: str

    def get(self, url: str) -> bytes:
        request = urllib.request.Request(url)
        if "/api/" in url:
            request.add_header("Authorization", f"Token {self.token}")
        else:
            request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={self.session}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()

    def post_json(self, url: str, body: dict) -> dict:
        request = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


def visitor(django_user_model, username: str, *, uploads: bool = False) -> Visitor:
    user = django_user_model.objects.create_user(username)
    if uploads:
        user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    client = Client()
    client.force_login(user)
    return Visitor(
        token=Token.objects.create(user=user).key,
        session=client.cookies[settings.SESSION_COOKIE_NAME].value,
    )


def wait_until_serving(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(f"{base}/api/v1/health/", timeout=5).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not start: {log.read_text()}")


def test_report_reads_go_to_the_replica_and_an_uploader_reads_their_own_writes(
    replica, django_user_model, tmp_path
):
    uploader = visitor(django_user_model, "uploader", uploads=True)
    reader = visitor(django_user_model, "reader")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    server = start(
        ["runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        replica,
        "tsi-web",
        web_log,
    )
    worker = start(
        ["db_worker", "--queue-name", "ingest", "--interval", "0.1", "--no-reload"],
        replica,
        "tsi-worker",
        worker_log,
    )
    try:
        wait_until_serving(base, server, web_log)
        replica.pause_replay()

        data = generate_schedule_data(blocks=BLOCKS, periods_per_block=4, seed=31)
        document = json.loads(write_schedule(data, "native", name="replica test").schedule)
        job = uploader.post_json(f"{base}/api/v1/schedules/", {"schedule": document})

        def job_done() -> bool:
            job.update(json.loads(uploader.get(job["url"])))
            return job["state"] in ("succeeded", "failed")

        wait_for(job_done, 60, f"the upload did not finish (the worker's log: {worker_log})")
        assert job["state"] == "succeeded", job["error"]
        schedule_id = job["schedule"]

        # Stored on the primary; the paused replica has not replayed it.
        assert BlockAnalytics.objects.filter(schedule_id=schedule_id).count() == BLOCKS
        assert ValidationResult.objects.filter(schedule_id=schedule_id).exists()
        on_replica = "SELECT count(*) FROM analytics_blockanalytics WHERE schedule_id = %s"
        assert replica.query(on_replica, schedule_id) == 0

        reads = [
            f"{base}/api/v1/schedules/{schedule_id}/",
            f"{base}/api/v1/schedules/{schedule_id}/validation-report/",
            f"{base}/schedules/{schedule_id}/",
            f"{base}/schedules/{schedule_id}/validation/",
        ]

        def look(who: Visitor) -> tuple[dict, list[str], str]:
            """The schedule's API summary, the SQL its reads sent the replica, what they logged."""
            statements_from, log_from = replica.log_size(), web_log.stat().st_size
            bodies = [who.get(url) for url in reads]
            with web_log.open() as log:
                log.seek(log_from)
                logged = log.read()
            return (
                json.loads(bodies[0]),
                replica.statements_since(statements_from, "tsi-web"),
                logged,
            )

        # Another user reads the replica, which lacks the analytics: the app notices and falls
        # back to computing them from the blocks on the primary.
        other, other_sql, other_logged = look(reader)
        assert any("analytics_schedulesummary" in sql for sql in other_sql)
        assert any("validation_validationresult" in sql for sql in other_sql)
        assert f"Schedule {schedule_id} has no stored summary" in other_logged

        # The uploader reads the stored analytics and validation from the primary: nothing of
        # theirs reaches the replica, and nothing is recomputed.
        own, own_sql, own_logged = look(uploader)
        assert own_sql == []
        assert "has no stored" not in own_logged
        assert own["summary"]["total_blocks"] == BLOCKS
        assert own["summary"] == other["summary"]

        # Once the replica has replayed the upload, the other user's reads find it there.
        replica.resume_replay_and_catch_up()
        assert replica.query(on_replica, schedule_id) == BLOCKS
        caught_up, caught_up_sql, caught_up_logged = look(reader)
        assert any("analytics_schedulesummary" in sql for sql in caught_up_sql)
        assert "has no stored" not in caught_up_logged
        assert caught_up["summary"] == own["summary"]

        # No write ever reached the replica (a hot standby would have refused it anyway).
        everything = replica.statements_since(0, "tsi-web") + replica.statements_since(
            0, "tsi-worker"
        )
        writes = re.compile(r"^\s*(INSERT|UPDATE|DELETE|COPY|TRUNCATE|CREATE|ALTER|DROP)\b", re.I)
        assert [sql for sql in everything if writes.match(sql)] == []
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)
