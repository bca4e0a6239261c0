"""Page endpoints: each answers exactly what its selector returns, under both data sources."""

from __future__ import annotations

import orjson
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient

from analytics.api import examples
from analytics.forms import BlockFiltersForm, SkyMapForm, TimelineForm, TrendsForm, VisibilityForm
from analytics.selectors import (
    compare,
    distributions,
    insights,
    schedule_overview,
    sky_map,
    timeline,
    trends,
    visibility_histogram,
)
from schedules.models import Schedule
from tests.analytics.factories import BASE_MJD
from tsi_site.api.rendering import dumps, jsonable

API = "/api/v1"
DATA_SOURCES = ["etl", "legacy"]


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    cache.clear()


def as_json(value):
    return orjson.loads(dumps(jsonable(value)))


@pytest.fixture
def client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("reader"))
    return client


def _blocks(version: int) -> list[dict]:
    day = BASE_MJD
    blocks = [
        dict(priority=9.0, scheduled=(day + 0.1, day + 0.15), block_name="Crab"),
        dict(priority=8.0, visibility=[], source_id="never"),
        dict(priority=7.0, visibility=[(day, day + 0.2), (day + 1.0, day + 1.3)]),
        dict(priority=5.0, scheduled=(day + 1.05, day + 1.2), requested_duration_s=7200.0),
        dict(priority=3.0, visibility=[(day + 0.3, day + 0.6)], min_alt_deg=50.0),
        dict(priority=2.5, scheduled=(day + 0.12, day + 0.2)),  # overlaps the first
        dict(priority=1.0, visibility=[(day + 2.0, day + 2.5)], requested_duration_s=600.0),
    ]
    if version == 2:
        blocks[0]["scheduled"] = (day + 1.1, day + 1.15)  # retimed
        blocks[2]["scheduled"] = (day + 1.0, day + 1.05)  # newly scheduled
        blocks[3]["scheduled"] = None  # newly unscheduled
        blocks.pop()  # only in version 1
    return blocks


@pytest.fixture
def schedules(store_schedule) -> tuple[Schedule, Schedule]:
    """Two versions of one schedule: the second retimes, schedules, unschedules and drops."""
    fields = dict(period_start_mjd=BASE_MJD, period_end_mjd=BASE_MJD + 3.0)
    dark = [(BASE_MJD, BASE_MJD + 0.4), (BASE_MJD + 1.0, BASE_MJD + 1.4)]
    first = store_schedule(_blocks(1), dark, name="Plan", **fields)
    second = store_schedule(_blocks(2), dark, name="Plan", **fields)
    return first, second


# (endpoint, selector, form, query strings to try)
PAGES = [
    ("sky-map", sky_map, SkyMapForm, [{}, {"status": "scheduled", "priority_min": "3"}]),
    (
        "sky-map",
        sky_map,
        SkyMapForm,
        [
            {"impossible": "include", "scheduled_from": "1995-02-25T03:00:00Z"},
            {
                "scheduled_from": "0001-01-01T00:00:00+01:00",
                "scheduled_to": "9999-12-31T23:00-01:00",
            },
        ],
    ),
    ("distributions", distributions, BlockFiltersForm, [{}, {"impossible": "include"}]),
    (
        "visibility-histogram",
        visibility_histogram,
        VisibilityForm,
        [{}, {"bins": "7", "status": "unscheduled"}, {"bin_mode": "duration", "bin_minutes": "90"}],
    ),
    (
        "visibility-histogram",
        visibility_histogram,
        VisibilityForm,
        [{"block_ids": "sb-0, sb-2", "priority_max": "8"}],
    ),
    ("timeline", timeline, TimelineForm, [{}, {"search": "CRAB"}, {"month": "1995-02"}]),
    ("insights", insights, BlockFiltersForm, [{}, {"status": "unscheduled"}]),
    ("trends", trends, TrendsForm, [{}, {"bins": "3", "points": "12", "weighting": "none"}]),
]
CASES = [
    pytest.param(endpoint, selector, form, query, id=f"{endpoint}-{index}")
    for endpoint, selector, form, queries in PAGES
    for index, query in enumerate(queries)
]


@pytest.mark.parametrize("data_source", DATA_SOURCES)
@pytest.mark.parametrize(("endpoint", "selector", "form_class", "query"), CASES)
def test_page_endpoint_equals_its_selector(
    client, schedules, settings, data_source, endpoint, selector, form_class, query
):
    settings.DATA_SOURCE = data_source
    schedule = schedules[0]
    response = client.get(f"{API}/schedules/{schedule.pk}/{endpoint}/", query)
    assert response.status_code == 200, response.content
    form = form_class(query)
    assert form.is_valid()
    assert response.json() == as_json(selector(schedule, form.filters()))


@pytest.mark.parametrize("data_source", DATA_SOURCES)
def test_compare_equals_its_selector(client, schedules, settings, data_source):
    settings.DATA_SOURCE = data_source
    first, second = schedules
    response = client.get(f"{API}/schedules/{first.pk}/compare/{second.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body == as_json(compare(first, second))
    assert body["only_in_a"] == ["sb-6"]
    changes = {
        kind: [change["source_block_id"] for change in body[kind]]
        for kind in ("retimed", "newly_scheduled", "newly_unscheduled")
    }
    assert changes == {
        "retimed": ["sb-0"],
        "newly_scheduled": ["sb-2"],
        "newly_unscheduled": ["sb-3"],
    }


@pytest.mark.parametrize("data_source", DATA_SOURCES)
def test_overview_equals_its_selector(client, schedules, settings, data_source):
    settings.DATA_SOURCE = data_source
    first, second = schedules
    body = client.get(f"{API}/schedules/{second.pk}/overview/").json()
    overview = schedule_overview(second)
    assert body["summary"] == as_json(overview.summary)
    assert body["schedule"]["id"] == second.pk
    assert [version["id"] for version in body["versions"]] == [v.pk for v in overview.versions]
    assert body["previous_version"]["id"] == first.pk
    assert body["previous_version"]["url"].endswith(f"{API}/schedules/{first.pk}/")


def test_bulk_data_is_columnar(client, schedules):
    points = client.get(f"{API}/schedules/{schedules[0].pk}/sky-map/").json()["points"]
    assert points["source_block_id"] == ["sb-0", "sb-2", "sb-3", "sb-4", "sb-5", "sb-6"]
    assert len(points["ra_deg"]) == len(points["is_scheduled"]) == 6
    assert points["scheduled_start_mjd"][1] is None  # NaN is written as null


@pytest.mark.parametrize(
    ("endpoint", "query", "field"),
    [
        ("sky-map", {"priority_min": "high"}, "priority_min"),
        ("distributions", {"priority_min": "5", "priority_max": "1"}, "priority_max"),
        ("insights", {"status": "maybe"}, "status"),
        ("visibility-histogram", {"bins": "0"}, "bins"),
        ("visibility-histogram", {"bin_mode": "duration", "bin_minutes": "0.1"}, "bin_minutes"),
        ("timeline", {"month": "February"}, "month"),
        ("trends", {"bandwidth": "9"}, "bandwidth"),
        ("sky-map", {"scheduled_from": "yesterday"}, "scheduled_from"),
    ],
)
def test_bad_filters_answer_400_naming_the_parameter(
    client, schedules, endpoint, query, field, monkeypatch
):
    # A small bin limit, so 0.1-minute bins over the test schedule's span exceed it.
    monkeypatch.setattr("analytics.selectors.visibility.MAX_BINS", 1000)
    response = client.get(f"{API}/schedules/{schedules[0].pk}/{endpoint}/", query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["details"]) == [field]


@pytest.mark.parametrize(
    "path", ["sky-map/", "trends/", "overview/", "compare/{other}/", "validation-report/"]
)
def test_pages_need_a_login_unless_public(schedules, settings, path):
    url = f"{API}/schedules/{schedules[0].pk}/{path.format(other=schedules[1].pk)}"
    settings.TSI_PUBLIC_READ = False
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    settings.TSI_PUBLIC_READ = True
    assert APIClient().get(url).status_code == 200


def test_unknown_schedules_answer_json_404(client, schedules):
    assert client.get(f"{API}/schedules/999999/insights/").json()["code"] == "not_found"
    response = client.get(f"{API}/schedules/{schedules[0].pk}/compare/999999/")
    assert response.status_code == 404
    assert response.json()["message"] == "No schedule with id 999999."


def test_unexpected_errors_answer_json_500(client, schedules, monkeypatch):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr("analytics.api.views.InsightsView.selector", staticmethod(broken))
    client.raise_request_exception = False
    response = client.get(f"{API}/schedules/{schedules[0].pk}/insights/")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "Internal server error.",
        "details": {},
    }


EXAMPLES = [
    ("sky-map", {"impossible": "include", "site": "orm"}, examples.SKY_MAP),
    ("distributions", {}, examples.DISTRIBUTIONS),
    ("visibility-histogram", {"bins": "4"}, examples.VISIBILITY_HISTOGRAM),
    ("timeline", {}, examples.TIMELINE),
    ("insights", {}, examples.INSIGHTS),
    ("trends", {"bins": "2", "points": "10"}, examples.TRENDS),
]


@pytest.mark.parametrize(("endpoint", "query", "example"), EXAMPLES)
def test_documented_examples_keep_the_shape_of_live_answers(
    client, schedules, endpoint, query, example
):
    body = client.get(f"{API}/schedules/{schedules[0].pk}/{endpoint}/", query).json()
    assert _keys(body) == _keys(example.value)


def test_compare_and_overview_examples_keep_their_shape(client, schedules):
    first, second = schedules
    compared = client.get(f"{API}/schedules/{first.pk}/compare/{second.pk}/").json()
    assert _keys(compared) == _keys(examples.COMPARE.value)
    overview = client.get(f"{API}/schedules/{second.pk}/overview/").json()
    assert _keys(overview) == _keys(examples.OVERVIEW.value)


def _keys(value, prefix: str = "") -> set[str]:
    """Every key path in a JSON value (list items merged), e.g. ``points.ra_deg``."""
    if isinstance(value, dict):
        paths = set()
        for key, item in value.items():
            paths |= {f"{prefix}{key}"} | _keys(item, f"{prefix}{key}.")
        return paths
    if isinstance(value, list):
        return set().union(*(_keys(item, prefix) for item in value))
    return set()
