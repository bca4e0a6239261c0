"""Charts and long tables kept once per schedule version and query: a page shows what it
showed before until the schedule changes, then the new content, never a stale one."""

from __future__ import annotations

from django.urls import reverse

from schedules.models import SchedulingBlock
from schedules.pipeline.refresh import refresh_analytics
from tests.analytics.pages.sample import BLOCKS, DARK, FIGURE, csv_rows, page_url


def charts_text(response) -> str:
    """The page's charts as sent (text: a NaN in a figure would make parsed ones unequal)."""
    assert response.status_code == 200
    return "\n".join(text for _, text in FIGURE.findall(response.content.decode()))


def sky_map_now(reader, schedule) -> tuple[list[str], str]:
    """The sky map's CSV priorities (its table) and its charts."""
    url = page_url("analytics:sky-map", schedule)
    table = sorted(row["Priority"] for row in csv_rows(reader.get(url, {"csv": "sky-map"})))
    return table, charts_text(reader.get(url))


def test_the_sky_map_table_and_chart_follow_a_refresh(reader, schedule):
    before_table, before_charts = sky_map_now(reader, schedule)
    assert before_charts and sky_map_now(reader, schedule) == (before_table, before_charts)
    SchedulingBlock.objects.filter(schedule=schedule).update(priority=1.5)
    refresh_analytics(schedule)
    schedule.refresh_from_db()
    after_table, after_charts = sky_map_now(reader, schedule)
    assert set(after_table) == {"1.5"} != set(before_table)
    assert after_charts != before_charts and "1.5" in after_charts


def test_a_page_of_the_cached_table_is_cut_per_request(reader, schedule):
    url = page_url("analytics:sky-map", schedule)
    first = reader.get(url, {"page": "1"})
    last = reader.get(url, {"page": "999"})
    assert first.context["blocks"]["page_obj"].number == 1
    assert (
        last.context["blocks"]["page_obj"].number
        == last.context["blocks"]["page_obj"].paginator.num_pages
    )


def test_the_compare_charts_follow_the_other_schedule(reader, store_schedule):
    reference = store_schedule(BLOCKS, DARK, name="cached")
    other = store_schedule([{**block, "priority": 2.0} for block in BLOCKS], DARK, name="cached")
    url = reverse("analytics:compare", args=[reference.pk])

    def charts() -> str:
        return charts_text(reader.get(url, {"other": other.pk}))

    before = charts()
    assert before and charts() == before
    other.name = "renamed"
    other.save(update_fields=["name"])
    after = charts()
    assert after != before
    assert "renamed" in after and "renamed" not in before
