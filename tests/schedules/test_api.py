"""The schedules API: list, detail, upload, export, delete, blocks, jobs, health, auth, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import orjson
import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import OperationalError
from rest_framework import throttling
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from analytics.selectors import schedule_summary
from schedules.api import exports
from schedules.models import IngestJob, Schedule
from tests.analytics.factories import BASE_MJD
from tsi_site.api.rendering import dumps, jsonable
from validation.selectors import ValidationFilters, validation_report

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    """Throttle counts live in the cache; each test starts with none."""
    cache.clear()


def as_json(value):
    """What the API writes for a selector result, read back."""
    return orjson.loads(dumps(jsonable(value)))


@pytest.fixture
def users(db) -> dict[str, User]:
    uploader = User.objects.create_user("uploader")
    uploader.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    staff = User.objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="delete_schedule"))
    return {"plain": User.objects.create_user("plain"), "uploader": uploader, "staff": staff}


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def schedule(store_schedule) -> Schedule:
    """Four blocks: high-priority scheduled, never-visible (impossible), low, named."""
    return store_schedule(
        blocks=[
            dict(priority=9.0, scheduled=(BASE_MJD + 0.1, BASE_MJD + 0.15)),
            dict(priority=8.0, visibility=[]),
            dict(priority=1.0),
            dict(priority=4.0, block_name="Crab nebula", source_id="crab"),
        ],
        dark_periods=[(BASE_MJD, BASE_MJD + 0.4)],
        name="Night plan",
    )


@pytest.fixture
def native_file(shared_data: Path) -> Path:
    return shared_data / "schedule_native_example.json"


def upload(client: APIClient, path: Path, **fields):
    with path.open("rb") as handle:
        return client.post(f"{API}/schedules/", {"schedule": handle, **fields}, format="multipart")


# --- schedules: list, detail, delete -------------------------------------------------------


def test_list_pages_and_searches(users, store_schedule):
    first = store_schedule(blocks=[dict(priority=1.0)], name="Alpha plan")
    second = store_schedule(blocks=[dict(priority=2.0)], name="Beta plan")
    client = client_for(users["plain"])

    body = client.get(f"{API}/schedules/").json()
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["url"].endswith(f"{API}/schedules/{second.pk}/")

    by_name = client.get(f"{API}/schedules/", {"search": "alpha"}).json()
    assert [item["id"] for item in by_name["results"]] == [first.pk]
    by_checksum = client.get(f"{API}/schedules/", {"search": second.checksum[:10]}).json()
    assert [item["id"] for item in by_checksum["results"]] == [second.pk]

    ordered = client.get(f"{API}/schedules/", {"ordering": "name"}).json()
    assert [item["name"] for item in ordered["results"]] == ["Alpha plan", "Beta plan"]
    paged = client.get(f"{API}/schedules/", {"page_size": 1, "page": 2}).json()
    assert [item["id"] for item in paged["results"]] == [first.pk]
    assert paged["previous"] is not None and paged["next"] is None


def test_list_rejects_a_bad_search(users):
    response = client_for(users["plain"]).get(f"{API}/schedules/", {"search": "x" * 201})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "search" in response.json()["details"]


@pytest.mark.parametrize("data_source", ["etl", "legacy"])
def test_detail_has_the_summary_and_validation_counts(users, schedule, settings, data_source):
    settings.DATA_SOURCE = data_source
    body = client_for(users["plain"]).get(f"{API}/schedules/{schedule.pk}/").json()
    assert body["name"] == "Night plan"
    assert body["block_count"] == 4
    assert body["summary"] == as_json(schedule_summary(schedule))
    report = validation_report(schedule, ValidationFilters())
    assert body["validation"] == {
        "valid_blocks": report.valid_blocks,
        "blocks_by_status": report.blocks_by_status,
        "issues_by_criticality": report.issues_by_criticality,
        "issue_count": report.issue_count,
    }
    assert body["dark_periods"] == [[BASE_MJD, BASE_MJD + 0.4]]
    assert body["links"]["sky-map"].endswith(f"{API}/schedules/{schedule.pk}/sky-map/")


def test_unknown_and_oversized_ids_answer_json_404(users):
    client = client_for(users["plain"])
    missing = client.get(f"{API}/schedules/424242/")
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "not_found",
        "message": "No schedule with id 424242.",
        "details": {},
    }
    huge = client.get(f"{API}/schedules/{10**30}/sky-map/")
    assert huge.status_code == 404
    assert huge["Content-Type"] == "application/json"
    assert huge.json()["code"] == "not_found"


def test_unknown_api_paths_answer_json_404_with_a_slash_hint(users):
    client = client_for(users["plain"])
    nowhere = client.get("/api/v1/nowhere/")
    assert nowhere.status_code == 404
    assert nowhere.json()["code"] == "not_found"
    no_slash = client.get(f"{API}/schedules")
    assert no_slash.status_code == 404
    assert "trailing slash" in no_slash.json()["details"]["hint"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 401), ("plain", 403), ("uploader", 403), ("staff", 204)],
)
def test_only_staff_delete(users, schedule, who, expected):
    response = client_for(users.get(who)).delete(f"{API}/schedules/{schedule.pk}/")
    assert response.status_code == expected
    assert Schedule.objects.filter(pk=schedule.pk).exists() == (expected != 204)
    if expected != 204:
        assert set(response.json()) == {"code", "message", "details"}


@pytest.mark.parametrize("who", [None, "plain"])
def test_reads_need_a_login_unless_public(users, schedule, settings, who):
    client = client_for(users.get(who))
    settings.TSI_PUBLIC_READ = False
    expected = 401 if who is None else 200
    for path in ("schedules/", f"schedules/{schedule.pk}/", f"schedules/{schedule.pk}/blocks/"):
        response = client.get(f"{API}/{path}")
        assert response.status_code == expected, path
    settings.TSI_PUBLIC_READ = True
    assert client.get(f"{API}/schedules/{schedule.pk}/").status_code == 200


def test_anonymous_401_names_the_token_scheme(db):
    response = APIClient().get(f"{API}/schedules/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


# --- authentication ------------------------------------------------------------------------


def test_issue_token_prints_a_token_that_authenticates(users, schedule, capsys):
    call_command("issue_token", "plain")
    key = capsys.readouterr().out.strip()
    assert key == Token.objects.get(user=users["plain"]).key
    call_command("issue_token", "plain")
    assert capsys.readouterr().out.strip() == key  # stable until rotated
    call_command("issue_token", "plain", "--rotate")
    rotated = capsys.readouterr().out.strip()
    assert rotated != key

    client = APIClient(HTTP_AUTHORIZATION=f"Token {rotated}")
    assert client.get(f"{API}/schedules/{schedule.pk}/").status_code == 200
    stale = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get(f"{API}/schedules/")
    assert stale.status_code == 401
    assert stale.json()["code"] == "authentication_failed"


def test_issue_token_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("issue_token", "ghost")


def test_session_auth_reads_and_needs_csrf_to_write(users, schedule, native_file):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(users["uploader"])
    assert client.get(f"{API}/schedules/{schedule.pk}/").status_code == 200
    response = upload(client, native_file)
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


def test_throttling_answers_429_json(users, monkeypatch):
    monkeypatch.setattr(
        throttling.SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "2/min"}
    )
    client = client_for(users["plain"])
    statuses = [client.get(f"{API}/schedules/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get(f"{API}/schedules/")
    assert response.json()["code"] == "throttled"
    assert response.json()["details"]["retry_after_s"] > 0
    assert int(response["Retry-After"]) > 0


# --- upload ---------------------------------------------------------------------------------


def test_multipart_upload_answers_202_with_the_job(users, native_file):
    response = upload(client_for(users["uploader"]), native_file, name="Example")
    assert response.status_code == 202
    job = response.json()
    assert response["Location"] == job["url"]
    assert type(response["Location"]) is str  # WSGI servers refuse str subclasses
    assert job["url"].endswith(f"{API}/jobs/{job['id']}/")
    # The test task backend runs the ingest inside the request.
    assert job["state"] == "succeeded"
    stored = Schedule.objects.get(pk=job["schedule"])
    assert stored.name == "Example"
    assert stored.uploaded_by == users["uploader"]
    assert job["schedule_url"].endswith(f"{API}/schedules/{stored.pk}/")


def test_an_identical_reupload_points_at_the_stored_schedule(users, native_file):
    client = client_for(users["uploader"])
    first = upload(client, native_file).json()
    again = upload(client, native_file)
    assert again.status_code == 202
    assert again.json()["id"] != first["id"]
    assert again.json()["state"] == "succeeded"
    assert again.json()["schedule"] == first["schedule"]
    assert Schedule.objects.count() == 1


def test_json_upload_with_the_document_inline(users, native_file):
    document = json.loads(native_file.read_text())
    response = client_for(users["uploader"]).post(
        f"{API}/schedules/", {"name": "Inline", "schedule": document}, format="json"
    )
    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "succeeded"
    assert Schedule.objects.get(pk=job["schedule"]).name == "Inline"


def test_bad_content_fails_the_job_with_a_located_error(users, native_file):
    document = json.loads(native_file.read_text())
    document["blocks"][1]["priority"] = "very high"
    response = client_for(users["uploader"]).post(
        f"{API}/schedules/", {"schedule": document}, format="json"
    )
    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "failed"
    assert job["schedule"] is None
    assert "blocks[1].priority" in job["error"]
    assert Schedule.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b'{"schedule": {"blocks": [}', "application/json", 400, "parse_error"),
        (b'{"schedule": "not a document"}', "application/json", 400, "invalid"),
        (b"[1, 2]", "application/json", 400, "invalid"),
        (b"{}", "application/json", 400, "invalid"),
        (b"schedule=1", "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_bad_upload_requests_answer_json_errors(users, body, content_type, status, code):
    response = client_for(users["uploader"]).generic(
        "POST", f"{API}/schedules/", body, content_type=content_type
    )
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code
    assert IngestJob.objects.count() == 0


def test_json_syntax_errors_are_located(users):
    response = client_for(users["uploader"]).generic(
        "POST", f"{API}/schedules/", b'{\n  "schedule": {,}\n}', content_type="application/json"
    )
    assert "line 2, column" in response.json()["message"]


def test_multipart_upload_without_a_schedule_file(users):
    response = client_for(users["uploader"]).post(
        f"{API}/schedules/", {"name": "nothing"}, format="multipart"
    )
    assert response.status_code == 400
    assert "schedule" in response.json()["details"]


def test_oversized_files_answer_413(users, native_file, settings):
    settings.TSI_MAX_UPLOAD_BYTES = 100
    response = upload(client_for(users["uploader"]), native_file)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "TSI_MAX_UPLOAD_BYTES" in response.json()["message"]


def test_oversized_json_bodies_answer_413(users, native_file, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    document = json.loads(native_file.read_text())
    response = client_for(users["uploader"]).post(
        f"{API}/schedules/", {"schedule": document}, format="json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


@pytest.mark.parametrize(("who", "expected"), [(None, 401), ("plain", 403), ("staff", 403)])
def test_upload_needs_the_add_schedule_permission(users, native_file, who, expected):
    response = upload(client_for(users.get(who)), native_file)
    assert response.status_code == expected
    assert IngestJob.objects.count() == 0


# --- export ---------------------------------------------------------------------------------


def test_native_export_round_trips_to_the_same_schedule(users, schedule):
    client = client_for(users["uploader"])
    response = client.get(f"{API}/schedules/{schedule.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="night-plan-v1.json"' in response["Content-Disposition"]
    document = orjson.loads(response.content)
    job = client.post(f"{API}/schedules/", {"schedule": document}, format="json").json()
    assert job["state"] == "succeeded"
    assert job["schedule"] == schedule.pk


# --- blocks ---------------------------------------------------------------------------------


def block_ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [block["source_block_id"] for block in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["sb-0", "sb-1", "sb-2", "crab"]),
        ({"source_id": "sb-2,crab"}, ["sb-2", "crab"]),
        ({"search": "CRAB"}, ["crab"]),
        ({"search": "target-2"}, ["sb-2"]),
        ({"priority_min": 4, "priority_max": 8.5}, ["sb-1", "crab"]),
        ({"scheduled": "true"}, ["sb-0"]),
        ({"scheduled": "false", "impossible": "false"}, ["sb-2", "crab"]),
        ({"impossible": "true"}, ["sb-1"]),
        ({"bucket": ["4"]}, ["sb-0", "sb-1"]),
        ({"bucket": ["1", "2"]}, ["sb-2", "crab"]),
        ({"ordering": "-priority"}, ["sb-0", "sb-1", "crab", "sb-2"]),
    ],
)
def test_block_filters(users, schedule, query, expected):
    client = client_for(users["plain"])
    assert block_ids(client.get(f"{API}/schedules/{schedule.pk}/blocks/", query)) == expected


def test_blocks_carry_target_and_analytics_and_paginate(users, schedule):
    client = client_for(users["plain"])
    body = client.get(f"{API}/schedules/{schedule.pk}/blocks/", {"page_size": 2}).json()
    assert body["count"] == 4
    assert body["next"] is not None
    first = body["results"][0]
    assert first["target"]["name"] == "target-0"
    assert first["scheduled_period"] == [[BASE_MJD + 0.1, BASE_MJD + 0.15]]
    assert first["analytics"]["is_scheduled"] is True
    assert first["analytics"]["priority_bucket"] == 4
    assert "visibility_periods" not in first

    detail = client.get(f"{API}/schedules/{schedule.pk}/blocks/{first['id']}/").json()
    assert detail["visibility_periods"] == [[BASE_MJD, BASE_MJD + 0.5]]


def test_block_of_another_schedule_is_not_found(users, schedule, store_schedule):
    other = store_schedule(blocks=[dict(priority=1.0)], name="Other")
    block = other.blocks.get()
    response = client_for(users["plain"]).get(f"{API}/schedules/{schedule.pk}/blocks/{block.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_bad_block_filters_answer_400(users, schedule):
    response = client_for(users["plain"]).get(
        f"{API}/schedules/{schedule.pk}/blocks/", {"priority_min": "high", "bucket": "9"}
    )
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"priority_min", "bucket"}


def streamed(response) -> str:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_csv_export_streams_filtered_blocks_with_analytics(users, schedule):
    client = client_for(users["plain"])
    response = client.get(
        f"{API}/schedules/{schedule.pk}/blocks/export.csv",
        {"impossible": "false"},
        HTTP_ACCEPT="text/csv",
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="night-plan-v1-blocks.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    assert list(rows[0]) == list(exports.EXPORT_COLUMNS)
    assert [row["source_block_id"] for row in rows] == ["sb-0", "sb-2", "crab"]
    assert rows[0]["is_scheduled"] == "true"  # as in every CSV of the site
    assert float(rows[0]["scheduled_hours"]) == pytest.approx(1.2)
    assert rows[2]["block_name"] == "Crab nebula"


def test_jsonl_export_writes_one_object_per_line(users, schedule):
    client = client_for(users["plain"])
    response = client.get(f"{API}/schedules/{schedule.pk}/blocks/export.jsonl")
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = [orjson.loads(line) for line in streamed(response).splitlines()]
    assert [line["source_block_id"] for line in lines] == ["sb-0", "sb-1", "sb-2", "crab"]
    assert lines[1]["is_impossible"] is True
    assert lines[1]["scheduled_start_mjd"] is None


def test_exports_stream_in_chunks(users, schedule, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 1)
    client = client_for(users["plain"])
    csv_response = client.get(f"{API}/schedules/{schedule.pk}/blocks/export.csv")
    assert len(list(csv_response.streaming_content)) == 1 + 4  # header, then one per chunk
    jsonl_response = client.get(f"{API}/schedules/{schedule.pk}/blocks/export.jsonl")
    assert len(list(jsonl_response.streaming_content)) == 4


def test_export_errors_stay_json(users, schedule):
    client = client_for(users["plain"])
    missing = client.get(f"{API}/schedules/999999/blocks/export.csv", HTTP_ACCEPT="text/csv")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    bad = client.get(f"{API}/schedules/{schedule.pk}/blocks/export.jsonl", {"priority_min": "x"})
    assert bad.status_code == 400
    assert APIClient().get(f"{API}/schedules/{schedule.pk}/blocks/export.csv").status_code == 401


# --- jobs -----------------------------------------------------------------------------------


def test_users_see_their_own_jobs_and_staff_see_all(users, native_file):
    uploader = client_for(users["uploader"])
    job = upload(uploader, native_file).json()
    url = f"{API}/jobs/{job['id']}/"

    mine = uploader.get(url).json()
    assert mine["state"] == "succeeded"
    assert mine["progress"] == 1.0
    assert mine["phase"] == "done"
    assert [item["id"] for item in uploader.get(f"{API}/jobs/").json()["results"]] == [job["id"]]

    assert client_for(users["plain"]).get(url).status_code == 404
    assert client_for(users["plain"]).get(f"{API}/jobs/").json()["count"] == 0
    assert client_for(users["staff"]).get(url).status_code == 200
    assert APIClient().get(url).status_code == 401


# --- health ---------------------------------------------------------------------------------


def test_health_is_public_and_checks_the_database(db):
    response = APIClient().get(f"{API}/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_answers_503_when_the_database_fails(db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("tsi_site.api.health.connection", BrokenConnection())
    response = APIClient().get(f"{API}/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "error"
    assert body["code"] == "database_unavailable"


def test_companion_files_upload_as_multipart_and_inline(users, shared_data):
    client = client_for(users["uploader"])
    raw, dark = shared_data / "schedule_raw_one_block.json", shared_data / "dark_periods_raw.json"
    with raw.open("rb") as schedule_file, dark.open("rb") as dark_file:
        response = client.post(
            f"{API}/schedules/",
            {"schedule": schedule_file, "dark_periods": dark_file},
            format="multipart",
        )
    job = response.json()
    assert job["state"] == "succeeded", job["error"]
    stored = Schedule.objects.get(pk=job["schedule"])
    assert stored.source_format == "raw"
    assert stored.dark_periods

    inline = client.post(
        f"{API}/schedules/",
        {"schedule": json.loads(raw.read_text()), "dark_periods": json.loads(dark.read_text())},
        format="json",
    ).json()
    assert inline["state"] == "succeeded"
    assert inline["schedule"] == stored.pk  # the same content, however it arrives


def test_deleting_a_schedule_keeps_its_jobs(users, native_file):
    job = upload(client_for(users["uploader"]), native_file).json()
    staff = client_for(users["staff"])
    assert staff.delete(f"{API}/schedules/{job['schedule']}/").status_code == 204
    after = staff.get(f"{API}/jobs/{job['id']}/").json()
    assert after["schedule"] is None
    assert after["schedule_url"] is None


def test_the_block_export_neutralises_formulas(users, store_schedule):
    schedule = store_schedule([dict(source_id="=HYPERLINK(1)", block_name="@evil")], name="f")
    response = client_for(users["plain"]).get(
        f"{API}/schedules/{schedule.pk}/blocks/export.csv", HTTP_ACCEPT="text/csv"
    )
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    assert rows[0]["source_block_id"] == "'=HYPERLINK(1)"
    assert rows[0]["block_name"] == "'@evil"
    assert float(rows[0]["priority"]) == 5.0
