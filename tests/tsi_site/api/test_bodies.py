"""Page endpoint bodies written and gzipped once per schedule version and query: gzip only
for clients that accept it, the same JSON either way, Vary and ETags per representation, and
never a stale body after the schedule changes."""

from __future__ import annotations

import gzip

import orjson
import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from analytics.selectors import SkyMapFilters, compare, sky_map
from schedules.models import SchedulingBlock
from schedules.pipeline.refresh import refresh_analytics
from tsi_site.api.bodies import accepts_gzip, schedule_body_key, schedules_body_key
from tsi_site.api.rendering import dumps, jsonable

BLOCKS = [
    dict(source_id="a", ra_deg=10.0, dec_deg=20.0, priority=9.0),
    dict(source_id="b", ra_deg=200.0, dec_deg=-30.0, priority=2.0),
]


@pytest.fixture
def client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("reader"))
    return client


@pytest.fixture
def schedule(store_schedule):
    return store_schedule(BLOCKS, name="bodies")


def sky_url(schedule) -> str:
    return f"/api/v1/schedules/{schedule.pk}/sky-map/"


def test_gzip_only_when_accepted_and_the_same_json_either_way(client, schedule):
    plain = client.get(sky_url(schedule))
    zipped = client.get(sky_url(schedule), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    refused = client.get(sky_url(schedule), HTTP_ACCEPT_ENCODING="deflate, identity")
    assert plain.status_code == zipped.status_code == refused.status_code == 200
    assert not plain.has_header("Content-Encoding")
    assert not refused.has_header("Content-Encoding")
    assert zipped["Content-Encoding"] == "gzip"  # once: GZipMiddleware left it alone
    assert gzip.decompress(zipped.content) == plain.content == refused.content
    assert plain.content == dumps(jsonable(sky_map(schedule, SkyMapFilters())))
    for response in (plain, zipped, refused):
        assert "Accept-Encoding" in response["Vary"]
        assert response["Content-Type"] == "application/json"
    assert plain["ETag"] == refused["ETag"] != zipped["ETag"]


def test_a_matching_etag_is_answered_304_without_a_body(client, schedule):
    first = client.get(sky_url(schedule), HTTP_ACCEPT_ENCODING="gzip")
    again = client.get(
        sky_url(schedule), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and "Accept-Encoding" in again["Vary"]
    # The gzip representation's tag does not validate the plain one.
    plain = client.get(sky_url(schedule), HTTP_IF_NONE_MATCH=first["ETag"])
    assert plain.status_code == 200


def test_each_query_has_its_own_body(client, schedule):
    everything = client.get(sky_url(schedule)).json()
    high = client.get(sky_url(schedule), {"priority_min": "5"}).json()
    assert everything["shown_blocks"] == 2 and high["shown_blocks"] == 1


def test_a_new_schedule_version_gets_a_new_body(client, schedule):
    before = client.get(sky_url(schedule), HTTP_ACCEPT_ENCODING="gzip")
    SchedulingBlock.objects.filter(schedule=schedule, source_block_id="b").update(priority=8.0)
    refresh_analytics(schedule)
    schedule.refresh_from_db()
    after = client.get(sky_url(schedule), HTTP_ACCEPT_ENCODING="gzip")
    assert after["ETag"] != before["ETag"]
    old, new = (orjson.loads(gzip.decompress(r.content))["points"] for r in (before, after))
    assert sorted(old["priority"]) == [2.0, 9.0]
    assert sorted(new["priority"]) == [8.0, 9.0]
    assert gzip.decompress(after.content) == dumps(jsonable(sky_map(schedule, SkyMapFilters())))


def test_an_edited_schedule_row_or_another_query_is_another_key(schedule):
    key = schedule_body_key("SkyMapView", schedule, SkyMapFilters())
    assert key == schedule_body_key("SkyMapView", schedule, SkyMapFilters())
    assert key != schedule_body_key("SkyMapView", schedule, SkyMapFilters(priority_min=5.0))
    assert key != schedule_body_key("TimelineView", schedule, SkyMapFilters())
    schedule.name = "renamed"
    schedule.save(update_fields=["name"])
    assert key != schedule_body_key("SkyMapView", schedule, SkyMapFilters())


def test_a_comparison_body_is_kept_per_version_of_both_schedules(client, schedule, store_schedule):
    third = dict(source_id="c", ra_deg=90.0, dec_deg=0.0, priority=5.0)
    other = store_schedule([*BLOCKS, third], name="bodies")
    assert other.pk != schedule.pk
    url = f"/api/v1/schedules/{schedule.pk}/compare/{other.pk}/"
    key = schedules_body_key("compare", [schedule, other], None)
    assert key != schedules_body_key("compare", [other, schedule], None)
    before = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert before["Content-Encoding"] == "gzip"
    assert orjson.loads(gzip.decompress(before.content))["only_in_a"] == []
    # The other side loses a block and is refreshed: another key, and the body says so.
    SchedulingBlock.objects.filter(schedule=other, source_block_id="b").delete()
    refresh_analytics(other)
    other.refresh_from_db()
    assert schedules_body_key("compare", [schedule, other], None) != key
    after = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert after["ETag"] != before["ETag"]
    assert orjson.loads(gzip.decompress(after.content))["only_in_a"] == ["b"]
    assert gzip.decompress(after.content) == dumps(jsonable(compare(schedule, other)))


def test_a_block_body_is_kept_per_block_and_query(client, schedule):
    block = SchedulingBlock.objects.get(schedule=schedule, source_block_id="a")
    url = f"/api/v1/schedules/{schedule.pk}/blocks/{block.pk}/"
    plain = client.get(url, {"site": "orm"})
    again = client.get(url, {"site": "orm"}, HTTP_IF_NONE_MATCH=plain["ETag"])
    curve = client.get(url, {"site": "orm", "altitude": "true"})
    assert again.status_code == 304
    assert plain.json()["sky"]["altitude"] is None
    assert curve.json()["sky"]["altitude"] is not None
    assert curve["ETag"] != plain["ETag"]
    # A wrong query is still refused, and nothing is kept for it.
    assert client.get(url, {"site": "nowhere"}).status_code == 400
    other = SchedulingBlock.objects.get(schedule=schedule, source_block_id="b")
    answer = client.get(f"/api/v1/schedules/{schedule.pk}/blocks/{other.pk}/", {"site": "orm"})
    assert answer.json()["source_block_id"] == "b"


def test_legacy_recomputes_every_answer(client, schedule, settings):
    settings.DATA_SOURCE = "legacy"
    before = client.get(sky_url(schedule)).json()
    SchedulingBlock.objects.filter(schedule=schedule, source_block_id="b").update(priority=8.0)
    after = client.get(sky_url(schedule)).json()
    assert sorted(before["points"]["priority"]) == [2.0, 9.0]
    assert sorted(after["points"]["priority"]) == [8.0, 9.0]


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("br, deflate", False),
        ("identity", False),
        ("", False),
    ],
)
def test_gzip_is_sent_when_named_as_gzip_middleware_decides(header, accepted):
    assert accepts_gzip(header) is accepted
