"""The overview page: its cards are the schedule summary, and it links the other versions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analytics.selectors import BlockFilters, insights, schedule_overview
from analytics.templatetags.tsi_format import num, percent
from tests.analytics.pages.sample import BLOCKS, cards, page_url


def test_overview_cards_are_the_summary(reader, normal):
    response = reader.get(page_url("analytics:overview", normal))
    summary = schedule_overview(normal).summary
    found = cards(response)
    assert found["total-blocks"] == num(summary.total_blocks)
    assert found["scheduled-blocks"] == num(summary.scheduled_blocks)
    assert found["impossible-blocks"] == num(summary.impossible_blocks)
    assert found["priority-capture"] == percent(summary.priority_capture_ratio)
    assert reverse("schedules:export", args=[normal.pk]) in response.content.decode()


def test_overview_lists_versions_and_links_the_previous_one(reader, store_schedule):
    first = store_schedule(BLOCKS[:2], name="twice")
    second = store_schedule(BLOCKS[:3], name="twice")
    content = reader.get(page_url("analytics:overview", second)).content.decode()
    assert first.get_absolute_url() in content
    assert f"{reverse('analytics:compare', args=[second.pk])}?other={first.pk}" in content


def test_every_figure_names_its_scope_and_the_choice_is_the_same_everywhere(reader, schedule):
    """Overview and insights used to disagree (69.8 % against 75.5 % of priority captured)
    without saying that one left impossible blocks out."""
    feasible = BlockFilters()
    overview = schedule_overview(schedule, feasible).headline
    assert overview.scope == "feasible"
    metrics = insights(schedule, feasible).metrics
    assert overview.priority_capture_ratio == pytest.approx(metrics.priority_capture_ratio)
    assert overview.scheduling_rate == pytest.approx(metrics.scheduling_rate)
    everything = schedule_overview(schedule).headline
    assert everything.scope == "all" and everything.total_blocks == schedule.block_count
    page = reader.get(page_url("analytics:overview", schedule), {"impossible": "exclude"})
    assert 'data-scope="exclude"' in page.content.decode()
    assert cards(page)["total-blocks"] == num(overview.total_blocks)
    insights_page = reader.get(page_url("analytics:insights", schedule)).content.decode()
    assert 'data-scope="exclude"' in insights_page and "feasible blocks" in insights_page
    api = reader.get(f"/api/v1/schedules/{schedule.pk}/overview/", {"impossible": "exclude"}).json()
    assert api["headline"]["scope"] == "feasible"
    assert api["headline"]["total_blocks"] == overview.total_blocks
