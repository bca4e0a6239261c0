"""The OpenAPI schema: valid, complete, served with local docs, and true to the responses."""

from __future__ import annotations

import uuid

import hypothesis
import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework import throttling
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.analytics.factories import BASE_MJD

ENDPOINTS = {
    "/api/v1/": {"get"},
    "/api/v1/health/": {"get"},
    "/api/v1/jobs/": {"get"},
    "/api/v1/jobs/{job_id}/": {"get"},
    "/api/v1/batches/": {"post"},
    "/api/v1/batches/{batch_id}/": {"get"},
    "/api/v1/schedules/": {"get", "post"},
    "/api/v1/environments/": {"get"},
    "/api/v1/environments/{environment_id}/": {"get", "patch"},
    "/api/v1/schedules/{schedule_id}/": {"get", "patch", "delete"},
    "/api/v1/schedules/{schedule_id}/export/": {"get"},
    "/api/v1/schedules/{schedule_id}/blocks/": {"get"},
    "/api/v1/schedules/{schedule_id}/blocks/{block_id}/": {"get"},
    "/api/v1/schedules/{schedule_id}/blocks/export.csv": {"get"},
    "/api/v1/schedules/{schedule_id}/blocks/export.jsonl": {"get"},
    "/api/v1/schedules/{schedule_id}/overview/": {"get"},
    "/api/v1/schedules/{schedule_id}/sky-map/": {"get"},
    "/api/v1/schedules/{schedule_id}/distributions/": {"get"},
    "/api/v1/schedules/{schedule_id}/visibility-histogram/": {"get"},
    "/api/v1/schedules/{schedule_id}/timeline/": {"get"},
    "/api/v1/schedules/{schedule_id}/hourglass/": {"get"},
    "/api/v1/schedules/{schedule_id}/alt-az/": {"get"},
    "/api/v1/schedules/{schedule_id}/insights/": {"get"},
    "/api/v1/schedules/{schedule_id}/trends/": {"get"},
    "/api/v1/schedules/{schedule_id}/compare/": {"get"},
    "/api/v1/schedules/{schedule_id}/compare/{other_id}/": {"get"},
    "/api/v1/schedules/{schedule_id}/validation-report/": {"get"},
    "/api/v1/schedules/{schedule_id}/fragmentation/": {"get"},
    "/api/v1/schedules/{schedule_id}/diagnostics/": {"get"},
    "/api/v1/schedules/{schedule_id}/gate/": {"get"},
    "/api/v1/schedules/{schedule_id}/lineage/": {"get"},
    "/api/v1/schedules/{schedule_id}/blocks/{block_id}/history/": {"get"},
}


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    cache.clear()


@pytest.fixture(autouse=True)
def _public_schema(settings):
    """These tests read the schema as a client would; who may read it is the permission
    matrix's business (tests/test_permissions.py)."""
    settings.TSI_PUBLIC_READ = True


def test_spectacular_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").stat().st_size > 0


def test_every_endpoint_is_documented_with_responses_and_parameters(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    assert {path: set(operations) for path, operations in schema["paths"].items()} == ENDPOINTS
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert any(code.startswith("2") for code in operation["responses"]), where
            assert all(r.get("description") for r in operation["responses"].values()), where
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{where} {parameter['name']}"
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    (body,) = response["content"].values()
                    assert body["schema"] == {"$ref": "#/components/schemas/Error"}, where
                    assert body.get("examples"), where


def test_page_parameters_come_from_the_page_forms(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/schedules/{schedule_id}/visibility-histogram/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["bins"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 2000,
        "default": 50,
    }
    assert parameters["bin_mode"]["schema"]["enum"] == ["count", "duration"]
    assert parameters["impossible"]["schema"]["default"] == "include"


def test_interactive_docs_load_their_assets_locally(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "googleapis" not in html


def test_swagger_script_is_served_separately_for_a_strict_csp(db):
    response = APIClient().get("/api/docs/", {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


# --- the responses match the schema (schemathesis) -------------------------------------------


@pytest.fixture
def stored(store_schedule, db) -> dict[str, int | str]:
    """Two versions of a schedule, a job and a staff token for the generated requests."""
    blocks = [
        dict(priority=9.0, scheduled=(BASE_MJD + 0.1, BASE_MJD + 0.2), block_name="Crab"),
        dict(priority=4.0, visibility=[]),
        dict(priority=2.0, visibility=[(BASE_MJD, BASE_MJD + 0.3), (BASE_MJD + 1, BASE_MJD + 2)]),
    ]
    dark = [(BASE_MJD, BASE_MJD + 0.4)]
    first = store_schedule(blocks, dark, name="Fuzzed", period_start_mjd=BASE_MJD)
    second = store_schedule(blocks[:2], dark, name="Fuzzed")
    staff = User.objects.create_user("fuzzer", is_staff=True)
    job = staff.ingestjob_set.create(
        state="succeeded", schedule=first, phase="done", batch=uuid.uuid4()
    )
    return {
        "schedule_id": first.pk,
        "other_id": second.pk,
        "block_id": first.blocks.first().pk,
        "job_id": job.pk,
        "batch_id": str(job.batch),
        "environment_id": first.environment_id,
        "token": Token.objects.create(user=staff).key,
    }


@pytest.fixture
def api_schema(stored, monkeypatch, settings):
    """The served schema, exercised in-process through the WSGI application."""
    settings.ALLOWED_HOSTS = ["localhost"]
    monkeypatch.setattr(
        throttling.SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None}
    )
    # Like Django's test client: keep the test transaction's connection across requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
PATH_IDS = ("schedule_id", "other_id", "block_id", "job_id", "batch_id", "environment_id")


def test_read_endpoints_answer_what_the_schema_says(api_schema, stored):
    """Generated queries against real ids: no 5xx, and every answer as documented."""
    # The in-process WSGI client does not gunzip; GZipMiddleware would compress otherwise.
    headers = {"Authorization": f"Token {stored['token']}", "Accept-Encoding": "identity"}
    operations = [result.ok() for result in api_schema.include(method="GET").get_all_operations()]
    assert len(operations) == sum("get" in methods for methods in ENDPOINTS.values())
    for operation in operations:
        ids = {name: stored[name] for name in PATH_IDS if f"{{{name}}}" in operation.path}

        @hypothesis.given(case=operation.as_strategy(path_parameters=ids, headers=headers))
        @hypothesis.settings(
            max_examples=10,
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        def answers_as_documented(case):
            case.call_and_validate(checks=CHECKS)

        answers_as_documented()
