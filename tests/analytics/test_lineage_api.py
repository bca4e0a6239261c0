"""The lineage endpoints answer exactly what their selectors return, under both data sources;
an unknown block is a 404; the documented examples keep the shape of live answers."""

from __future__ import annotations

import orjson
import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from analytics.api import examples
from analytics.selectors.lineage import block_history_of, lineage_report
from schedules.models import SchedulingBlock
from tests.analytics.lineage_schedule import store_lineage
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
def versions(store_schedule):
    return store_lineage(store_schedule)


def history_url(schedule, block_id: int) -> str:
    return f"/api/v1/schedules/{schedule.pk}/blocks/{block_id}/history/"


def block_id(schedule, source_id: str) -> int:
    return SchedulingBlock.objects.get(schedule=schedule, source_block_id=source_id).pk


def test_the_lineage_endpoint_equals_its_selector(client, versions, data_source):
    response = client.get(f"/api/v1/schedules/{versions[1].pk}/lineage/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == as_json(lineage_report(versions[1]))
    assert [step["churn_rate"] for step in body["steps"]] == [0.8, 0.4]
    assert [v["is_current"] for v in body["versions"]] == [False, True, False]


def test_the_history_endpoint_equals_its_selector(client, versions, data_source):
    response = client.get(history_url(versions[0], block_id(versions[0], "sb-c")))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == as_json(block_history_of(versions[0], "sb-c"))
    assert [v["changes"] for v in body["versions"]] == [[], ["retimed", "priority_changed"], []]
    assert body["versions"][2]["block_id"] == block_id(versions[2], "sb-c")


def test_a_block_of_another_schedule_is_not_found(client, versions):
    response = client.get(history_url(versions[0], block_id(versions[1], "sb-e")))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/schedules/999999/lineage/").status_code == 404


def test_the_examples_keep_the_shape_of_live_answers(client, versions):
    lineage = client.get(f"/api/v1/schedules/{versions[2].pk}/lineage/").json()
    assert _keys(lineage) == _keys(examples.LINEAGE.value)
    history = client.get(history_url(versions[2], block_id(versions[2], "sb-d"))).json()
    assert _keys(history) == _keys(examples.BLOCK_HISTORY.value)
