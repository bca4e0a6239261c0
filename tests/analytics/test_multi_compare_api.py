"""The N-way compare endpoint: what its selector returns, the page's own numbers, and the
form's errors as 400s."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from analytics.api import examples
from analytics.selectors.multi_compare import CompareQuery, multi_compare
from tests.analytics.factories import BASE_MJD
from tests.analytics.test_api import _keys, as_json

API = "/api/v1"
HOUR = 1.0 / 24.0


@pytest.fixture(autouse=True)
def _fresh_throttle_history():
    cache.clear()


@pytest.fixture
def client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("reader"))
    return client


@pytest.fixture
def runs(store_schedule):
    """A reference and two runs: the first schedules x as well, the second moves y by an hour
    and drops z."""
    day = BASE_MJD

    def block(source_id, at=None):
        return dict(source_id=source_id, scheduled=None if at is None else (at, at + HOUR))

    reference = store_schedule(
        [block("x"), block("y", day + 0.1), block("z", day + 0.2)], name="runs"
    )
    first = store_schedule(
        [block("x", day + 0.3), block("y", day + 0.1), block("z", day + 0.2)], name="runs"
    )
    second = store_schedule([block("x"), block("y", day + 0.1 + HOUR), block("z")], name="runs")
    return reference, first, second


def get(client, reference, *others, **params):
    return client.get(
        f"{API}/schedules/{reference.pk}/compare/",
        {"other": [other.pk for other in others], **params},
    )


@pytest.mark.parametrize("data_source", ["etl", "legacy"])
def test_endpoint_answers_its_selector(client, runs, settings, data_source):
    settings.DATA_SOURCE = data_source
    reference, first, second = runs
    response = get(client, reference, first, second, hide_agreeing="true")
    assert response.status_code == 200
    body = response.json()
    query = CompareQuery(others=[first, second], hide_agreeing=True)
    assert body == as_json(multi_compare(reference, query))
    assert [item["schedule_id"] for item in body["schedules"]] == [
        reference.pk,
        first.pk,
        second.pk,
    ]
    # y is scheduled in all three: hidden.
    assert body["matrix"]["source_block_id"] == ["x", "z"]
    assert body["matrix"]["status"] == [
        ["unscheduled", "scheduled", "unscheduled"],
        ["scheduled", "scheduled", "unscheduled"],
    ]
    assert (body["matrix"]["total_blocks"], body["matrix"]["agreeing_blocks"]) == (3, 1)
    scheduled = next(row for row in body["metrics"] if row["label"] == "Scheduled blocks")
    assert scheduled["values"] == [2, 3, 1]
    assert scheduled["deltas"] == [0, 1, -1]
    assert scheduled["best"] == [1]
    moved = body["pairs"][1]["timing"]
    assert (moved["retimed"], moved["shift_median_minutes"]) == (1, pytest.approx(60.0))
    assert moved["match_ratio"] == 0.5


def test_endpoint_and_page_show_the_same_matrix(client, runs):
    reference, first, second = runs
    body = get(client, reference, first, second, hide_agreeing="true").json()
    browser = Client()
    browser.force_login(User.objects.create_user("page reader"))
    page = browser.get(
        reverse("analytics:compare", args=[reference.pk]),
        {"other": [first.pk, second.pk], "hide_agreeing": "on"},
    )
    drawn = [
        (block, re.findall(r'<td class="matrix-\w+">(\w+)</td>', cells))
        for block, cells in re.findall(
            r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', page.content.decode()
        )
    ]
    assert drawn == list(
        zip(body["matrix"]["source_block_id"], body["matrix"]["status"], strict=True)
    )


def test_errors_are_400_with_the_form_messages(client, runs, store_schedule):
    reference, first, _ = runs
    missing = client.get(f"{API}/schedules/{reference.pk}/compare/")
    assert missing.status_code == 400
    assert "at least one schedule" in str(missing.json())
    unknown = client.get(f"{API}/schedules/{reference.pk}/compare/", {"other": 999999})
    assert unknown.status_code == 400
    assert "No schedule #999999 to compare with" in str(unknown.json())
    many = [store_schedule([dict(priority=float(10 + i))], name="many") for i in range(11)]
    too_many = get(client, reference, *many)
    assert too_many.status_code == 400
    assert "At most 10 schedules can be compared with this one; 11 were chosen." in str(
        too_many.json()
    )
    assert client.get(f"{API}/schedules/999999/compare/", {"other": first.pk}).status_code == 404


def test_example_keeps_the_shape_of_a_live_answer(client, store_schedule):
    """Three blocks moved together by ten minutes: one coherent run, as in the example."""
    at = [BASE_MJD + 0.1, BASE_MJD + 0.2, BASE_MJD + 0.3]
    reference = store_schedule(
        [dict(source_id=f"sb-10{i}", scheduled=(t, t + HOUR)) for i, t in enumerate(at)]
        + [dict(source_id="sb-104")],
        name="Example plan",
    )
    moved = [t + 10.0 / 1440.0 for t in at]
    other = store_schedule(
        [dict(source_id=f"sb-10{i}", scheduled=(t, t + HOUR)) for i, t in enumerate(moved)]
        + [dict(source_id="sb-105")],
        name="Example plan",
    )
    body = get(client, reference, other).json()
    assert _keys(body) == _keys(examples.MULTI_COMPARE.value)
