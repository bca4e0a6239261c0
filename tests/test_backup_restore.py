"""The backup and restore procedure of docs/operations.md (pg_dump, pg_restore) round-trips a
schedule with everything under it."""

import os
import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import REPO_DIR

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump backs up PostgreSQL"),
]

TABLES = (
    "schedules_schedule",
    "schedules_schedulingblock",
    "schedules_target",
    "analytics_blockanalytics",
    "analytics_schedulesummary",
    "validation_validationresult",
)


def counts_and_checksums(conninfo: str) -> dict:
    with psycopg.connect(conninfo) as db:
        result = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES
        }
        result["checksums"] = db.execute(
            "SELECT array_agg(checksum ORDER BY checksum) FROM schedules_schedule"
        ).fetchone()[0]
        result["visibility"] = db.execute(
            "SELECT md5(string_agg(visibility_periods::text, '' ORDER BY id)) "
            "FROM schedules_schedulingblock"
        ).fetchone()[0]
    return result


def test_pg_dump_and_pg_restore_round_trip(tmp_path):
    call_command("ingest", str(REPO_DIR / "schedules/fixtures/sample_schedule.json"))
    settings = connection.settings_dict
    server = {
        "PGHOST": settings["HOST"] or "127.0.0.1",
        "PGPORT": str(settings["PORT"] or 5432),
        "PGUSER": settings["USER"],
    }
    environment = {**os.environ, **server}
    backup = tmp_path / "tsi.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--file", str(backup), settings["NAME"]],
        env=environment,
        check=True,
    )
    restored = f"{settings['NAME']}_restored"
    base = f"host={server['PGHOST']} port={server['PGPORT']} user={server['PGUSER']}"
    with psycopg.connect(f"{base} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--dbname", restored, str(backup)],
            env=environment,
            check=True,
        )
        original = counts_and_checksums(f"{base} dbname={settings['NAME']}")
        assert original["schedules_schedulingblock"] == 300
        assert counts_and_checksums(f"{base} dbname={restored}") == original
    finally:
        with psycopg.connect(f"{base} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
