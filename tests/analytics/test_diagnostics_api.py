"""The diagnostics endpoints answer exactly what their selectors return under both data
sources; the gate endpoint checks conditions as ``--fail-if`` does; the schedule endpoints
carry the KPIs and the list sorts by the composite score."""

from __future__ import annotations

import orjson
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient

from analytics.api import examples
from analytics.forms import DiagnosticsListForm
from analytics.frame_cache import clear_local_cache
from analytics.selectors.diagnostics import (
    DiagnosticsFilters,
    diagnostics,
    fragmentation,
    schedule_kpis,
)
from tests.analytics.diagnostics_schedule import store_why_schedule
from tests.analytics.test_api import _keys
from tsi_site.api.rendering import dumps, jsonable


def as_json(value):
    return orjson.loads(dumps(jsonable(value)))


@pytest.fixture
def client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("reader"))
    return client


@pytest.fixture
def why(store_schedule):
    return store_why_schedule(store_schedule)


def url(schedule, endpoint: str) -> str:
    return f"/api/v1/schedules/{schedule.pk}/{endpoint}/"


@pytest.mark.parametrize(
    "query", [{}, {"reason": "blocked"}, {"reason": "no_visibility"}, {"offset": "2", "limit": "3"}]
)
def test_diagnostics_endpoint_equals_its_selector(client, why, data_source, query):
    response = client.get(url(why, "diagnostics"), query)
    assert response.status_code == 200, response.content
    form = DiagnosticsListForm(query)
    assert form.is_valid()
    assert response.json() == as_json(diagnostics(why, form.filters()))


def test_the_lists_come_a_slice_at_a_time(client, why):
    everything = diagnostics(why, DiagnosticsFilters())
    answer = client.get(url(why, "diagnostics"), {"offset": "2", "limit": "3"}).json()
    assert (answer["offset"], answer["limit"]) == (2, 3)
    assert answer["unscheduled_total"] == len(everything.unscheduled.block_id) == 6
    assert answer["unscheduled"]["source_block_id"] == (
        everything.unscheduled.source_block_id[2:5].tolist()
    )
    assert answer["blockers"]["hours"] == [] and answer["blocker_pairs"] == 1
    default = client.get(url(why, "diagnostics")).json()
    assert (default["offset"], default["limit"]) == (0, 1000)
    too_many = client.get(url(why, "diagnostics"), {"limit": "100001"})
    assert too_many.status_code == 400 and "limit" in too_many.json()["details"]
    too_far = client.get(url(why, "diagnostics"), {"offset": str(2**65)})
    assert too_far.status_code == 400 and "offset" in too_far.json()["details"]


def test_fragmentation_endpoint_equals_its_selector(client, why, data_source):
    response = client.get(url(why, "fragmentation"))
    assert response.status_code == 200
    assert response.json() == as_json(fragmentation(why))


def test_both_data_sources_diagnose_alike(client, why, settings):
    answers = {}
    for source in ("etl", "legacy"):
        settings.DATA_SOURCE = source
        cache.clear()
        clear_local_cache()
        answers[source] = client.get(url(why, "diagnostics")).json()
    assert answers["etl"] == answers["legacy"]
    assert answers["etl"]["reason_counts"]["other_validation_issue"] == 1


def test_an_unknown_reason_is_a_400_naming_the_parameter(client, why):
    response = client.get(url(why, "diagnostics"), {"reason": "lazy"})
    assert response.status_code == 400
    assert "reason" in response.json()["details"]


def test_the_gate_passes_and_fails_as_the_command_does(client, why):
    composite = schedule_kpis(why).schedule.composite
    passing = client.get(
        url(why, "gate"), {"fail_if": ["kpis.composite > 0", "blockers.pairs >= 1"]}
    )
    assert passing.status_code == 200
    assert passing.json() == {
        "passed": True,
        "conditions": ["kpis.composite > 0", "blockers.pairs >= 1"],
        "failures": [],
        "values": {"kpis.composite": composite, "blockers.pairs": 1.0},
    }
    failing = client.get(
        url(why, "gate"),
        {
            "fail_if": [
                "kpis.composite >= 99%",
                "summary.scheduled_blocks == 2",
                "reasons.blocked < 1",
            ]
        },
    ).json()
    assert failing["passed"] is False
    assert [f["metric"] for f in failing["failures"]] == ["kpis.composite", "reasons.blocked"]
    assert failing["failures"][1]["message"] == "reasons.blocked = 1, expected < 1"


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({}, "required"),
        ({"fail_if": "kpis.composite is high"}, "expected METRIC OP VALUE"),
        ({"fail_if": "kpis.composite >= lots"}, "cannot read the value"),
        ({"fail_if": "kpis.compsite >= 0.5"}, "did you mean kpis.composite"),
        ({"fail_if": "nothing.here > 1"}, "known metrics:"),
    ],
)
def test_gate_usage_errors_are_400_on_fail_if(client, why, query, words):
    response = client.get(url(why, "gate"), query)
    assert response.status_code == 400
    messages = " ".join(response.json()["details"]["fail_if"])
    assert words in messages


def test_missing_schedules_are_404(client, db):
    for endpoint in ("fragmentation", "diagnostics", "gate"):
        response = client.get(f"/api/v1/schedules/987654/{endpoint}/", {"fail_if": "a > 1"})
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("endpoint", "query", "example"),
    [
        ("fragmentation", {}, examples.FRAGMENTATION),
        ("diagnostics", {}, examples.DIAGNOSTICS),
        ("gate", {"fail_if": ["kpis.composite >= 0.5", "inversions.pairs == 0"]}, examples.GATE),
    ],
)
def test_documented_examples_keep_the_shape_of_live_answers(client, why, endpoint, query, example):
    body = client.get(url(why, endpoint), query).json()
    assert _keys(body) == _keys(example.value)


def test_schedule_detail_and_overview_carry_the_kpis(client, why, data_source):
    kpis = as_json(schedule_kpis(why))
    detail = client.get(f"/api/v1/schedules/{why.pk}/").json()
    assert detail["kpis"] == kpis
    assert detail["summary"]["composite_score"] == pytest.approx(kpis["schedule"]["composite"])
    assert detail["links"]["diagnostics"].endswith(url(why, "diagnostics"))
    assert client.get(url(why, "overview")).json()["kpis"] == kpis


def test_the_list_orders_by_the_composite_score(client, store_schedule):
    idle = store_schedule([dict(priority=1.0)], name="idle")
    why = store_why_schedule(store_schedule, name="why")
    best_first = client.get("/api/v1/schedules/", {"ordering": "-composite"}).json()["results"]
    assert [row["id"] for row in best_first] == [why.pk, idle.pk]
    assert best_first[0]["composite_score"] == pytest.approx(schedule_kpis(why).schedule.composite)
    worst_first = client.get("/api/v1/schedules/", {"ordering": "composite"}).json()["results"]
    assert [row["id"] for row in worst_first] == [idle.pk, why.pk]
