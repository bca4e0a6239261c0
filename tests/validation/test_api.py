"""The validation report endpoint answers what ``validation_report`` returns, both sources."""

from __future__ import annotations

import orjson
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient

from schedules.models import Schedule
from tests.analytics.factories import BASE_MJD
from tsi_site.api.rendering import dumps, jsonable
from validation.api.examples import VALIDATION_REPORT
from validation.forms import ValidationFilterForm
from validation.selectors import validation_report

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    cache.clear()


@pytest.fixture
def client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("reader"))
    return client


@pytest.fixture
def schedule(store_schedule) -> Schedule:
    """A clean block, a never-visible one, two overlapping scheduled ones, one outside the dark."""
    day = BASE_MJD
    return store_schedule(
        blocks=[
            dict(priority=5.0),
            dict(priority=6.0, visibility=[], block_name="Hidden"),
            dict(priority=7.0, scheduled=(day + 0.1, day + 0.15)),
            dict(priority=8.0, scheduled=(day + 0.12, day + 0.16)),
            dict(priority=2.0, scheduled=(day + 0.3, day + 0.33)),
        ],
        dark_periods=[(day, day + 0.2)],
    )


QUERIES = [
    {},
    {"status": "impossible"},
    {"status": "error", "criticality": "High"},
    {"category": "visibility"},
    {"search": "hidden"},
    {"rule": "no_visibility"},
]


@pytest.mark.parametrize("data_source", ["etl", "legacy"])
@pytest.mark.parametrize("query", QUERIES)
def test_report_equals_its_selector(client, schedule, settings, data_source, query):
    settings.DATA_SOURCE = data_source
    response = client.get(f"{API}/schedules/{schedule.pk}/validation-report/", query)
    assert response.status_code == 200, response.content
    form = ValidationFilterForm(query)
    assert form.is_valid()
    expected = orjson.loads(dumps(jsonable(validation_report(schedule, form.filters()))))
    assert response.json() == expected


def test_report_lists_the_issues(client, schedule):
    body = client.get(f"{API}/schedules/{schedule.pk}/validation-report/").json()
    assert body["total_blocks"] == 5
    assert body["blocks_by_status"]["impossible"] == 1
    assert body["issues"][0]["status"] == "impossible"
    assert body["issues"][0]["display_name"] == "Hidden"
    assert {issue["rule"] for issue in body["issues"]} >= {"no_visibility"}


@pytest.mark.parametrize(
    ("query", "field"),
    [({"status": "bogus"}, "status"), ({"rule": "nope"}, "rule"), ({"search": "\x00"}, "search")],
)
def test_bad_filters_answer_400(client, schedule, query, field):
    response = client.get(f"{API}/schedules/{schedule.pk}/validation-report/", query)
    assert response.status_code == 400
    assert list(response.json()["details"]) == [field]


def test_anonymous_readers_need_public_read(schedule, settings):
    url = f"{API}/schedules/{schedule.pk}/validation-report/"
    settings.TSI_PUBLIC_READ = False
    assert APIClient().get(url).status_code == 401
    settings.TSI_PUBLIC_READ = True
    assert APIClient().get(url).status_code == 200


def test_the_documented_example_keeps_the_shape_of_live_answers(client, schedule):
    body = client.get(f"{API}/schedules/{schedule.pk}/validation-report/").json()
    assert set(body) == set(VALIDATION_REPORT.value)
    assert set(body["issues"][0]) == set(VALIDATION_REPORT.value["issues"][0])
    assert set(body["rule_counts"][0]) == set(VALIDATION_REPORT.value["rule_counts"][0])
