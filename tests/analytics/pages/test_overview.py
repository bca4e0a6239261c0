"""The overview page: its cards are the schedule summary, and it links the other versions."""

from __future__ import annotations

from django.urls import reverse

from analytics.selectors import schedule_overview
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
