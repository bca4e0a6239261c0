"""The one block filter set: the same query string selects the same blocks on a page, in its CSV
and in the blocks API, under either data source; older parameter words still work."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import QueryDict

from analytics.filtersets import BlockFilterSet, BlockListFilterSet
from analytics.models import BlockAnalytics
from analytics.selectors.filters import BlockFilters
from tests.analytics.factories import BASE_MJD

SCHEDULED = (BASE_MJD + 0.1, BASE_MJD + 0.15)
BLOCKS = [
    dict(source_id="sb-0", priority=9.0, scheduled=SCHEDULED, target_name="Vega"),
    dict(source_id="sb-1", priority=8.0, visibility=[]),  # impossible
    dict(source_id="sb-2", priority=2.0, block_name="Crab run", target_name="M1"),
    dict(source_id="crab-3", priority=4.0, target_name="Crab nebula"),
    dict(source_id="sb-4", priority=6.0, scheduled=(BASE_MJD + 0.2, BASE_MJD + 0.25)),
    dict(source_id="sb-5", priority=1.0, visibility=[]),  # impossible
]


@pytest.fixture
def schedule(store_schedule):
    return store_schedule(BLOCKS, [(BASE_MJD, BASE_MJD + 1)], name="filters")


def page_ids(client, schedule, query: dict) -> list[str]:
    response = client.get(f"/schedules/{schedule.pk}/sky-map/", query)
    assert response.status_code == 200
    return response.context["data"].points.source_block_id.tolist()


def csv_ids(client, schedule, query: dict) -> list[str]:
    response = client.get(f"/schedules/{schedule.pk}/sky-map/", {**query, "csv": "sky-map"})
    assert response.status_code == 200
    return [row["Block ID"] for row in csv.DictReader(io.StringIO(response.content.decode()))]


def api_ids(client, schedule, query: dict) -> list[str]:
    response = client.get(f"/api/v1/schedules/{schedule.pk}/blocks/", query)
    assert response.status_code == 200, response.content
    return [block["source_block_id"] for block in response.json()["results"]]


QUERIES = [
    ({"impossible": "include"}, ["sb-0", "sb-1", "sb-2", "crab-3", "sb-4", "sb-5"]),
    ({"impossible": "exclude"}, ["sb-0", "sb-2", "crab-3", "sb-4"]),
    ({"impossible": "only"}, ["sb-1", "sb-5"]),
    ({"status": "scheduled", "impossible": "exclude"}, ["sb-0", "sb-4"]),
    ({"status": "unscheduled", "impossible": "include"}, ["sb-1", "sb-2", "crab-3", "sb-5"]),
    ({"q": "crab", "impossible": "include"}, ["sb-2", "crab-3"]),
    ({"q": "VEGA", "impossible": "exclude"}, ["sb-0"]),
    (
        {"priority_min": "4", "priority_max": "8", "impossible": "include"},
        ["sb-1", "crab-3", "sb-4"],
    ),
    ({"bucket": ["4"], "impossible": "include"}, ["sb-0", "sb-1"]),
    ({"source_id": "sb-4, crab-3,nope", "impossible": "exclude"}, ["crab-3", "sb-4"]),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_a_query_selects_the_same_blocks_on_the_page_in_its_csv_and_in_the_api(
    admin_client, schedule, data_source, query, expected
):
    assert sorted(page_ids(admin_client, schedule, query)) == sorted(expected)
    assert sorted(csv_ids(admin_client, schedule, query)) == sorted(expected)
    assert sorted(api_ids(admin_client, schedule, query)) == sorted(expected)


def test_the_api_follows_the_data_source_like_the_pages(admin_client, schedule, settings):
    """Stored analytics that disagree with the blocks (sb-2 marked scheduled) are what etl
    reads everywhere; legacy recomputes from the blocks everywhere."""
    BlockAnalytics.objects.filter(source_block_id="sb-2").update(is_scheduled=True)
    query = {"status": "scheduled", "impossible": "exclude"}
    settings.DATA_SOURCE = "etl"
    assert sorted(page_ids(admin_client, schedule, query)) == ["sb-0", "sb-2", "sb-4"]
    assert sorted(api_ids(admin_client, schedule, query)) == ["sb-0", "sb-2", "sb-4"]
    settings.DATA_SOURCE = "legacy"
    assert sorted(page_ids(admin_client, schedule, query)) == ["sb-0", "sb-4"]
    assert sorted(api_ids(admin_client, schedule, query)) == ["sb-0", "sb-4"]


@pytest.mark.parametrize(
    ("older", "current"),
    [
        ({"search": "crab"}, {"q": "crab"}),
        ({"scheduled": "true"}, {"status": "scheduled"}),
        ({"scheduled": "false"}, {"status": "unscheduled"}),
        ({"impossible": "true"}, {"impossible": "only"}),
        ({"impossible": "false"}, {"impossible": "exclude"}),
        ({"block_ids": "sb-0,sb-2"}, {"source_id": "sb-0,sb-2"}),
    ],
)
def test_older_words_mean_what_the_current_ones_do(older, current):
    old, new = BlockListFilterSet(older), BlockListFilterSet(current)
    assert old.is_valid() and new.is_valid()
    assert old.filters() == new.filters() != BlockFilters(exclude_impossible=False)


def test_the_current_word_wins_over_an_older_one():
    form = BlockFilterSet({"q": "vega", "search": "crab"})
    assert form.is_valid()
    assert form.filters().search == "vega"


def test_errors_are_reported_under_the_word_the_client_sent():
    form = BlockListFilterSet(QueryDict("scheduled=maybe&search=" + "x" * 201))
    assert not form.is_valid()
    assert set(form.errors) == {"scheduled", "search"}


def test_pages_leave_impossible_blocks_out_by_default_and_the_api_keeps_them():
    page, api = BlockFilterSet({}), BlockListFilterSet({})
    assert page.is_valid() and api.is_valid()
    assert page.filters() == BlockFilters()
    assert page.filters().exclude_impossible is True
    assert api.filters() == BlockFilters(exclude_impossible=False)


def test_every_page_form_reads_the_block_filters():
    from analytics.forms import (
        BlockFiltersForm,
        SkyMapForm,
        TimelineForm,
        TrendsForm,
        VisibilityForm,
    )

    shared = set(BlockFilterSet.base_fields)
    for form_class in (BlockFiltersForm, SkyMapForm, TimelineForm, TrendsForm, VisibilityForm):
        assert shared <= set(form_class.base_fields), form_class.__name__
