"""Pages that cache their charts build each figure once per schedule version, URL and query,
and never show a stale one after the schedule changes."""

from __future__ import annotations

import pytest

import analytics.pages.sky_map as sky_map_page
from schedules.models import SchedulingBlock
from schedules.pipeline.refresh import refresh_analytics
from tests.analytics.pages.sample import FIGURE, page_url

BLOCKS = [
    dict(source_id="a", ra_deg=10.0, dec_deg=20.0, priority=9.0),
    dict(source_id="b", ra_deg=200.0, dec_deg=-30.0, priority=2.0),
]


@pytest.fixture
def built(monkeypatch) -> list[int]:
    """Counts the sky map figures built."""
    calls = []
    real = sky_map_page.sky_map_figure

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sky_map_page, "sky_map_figure", counting)
    return calls


def figure_texts(response) -> list[tuple[str, str]]:
    return FIGURE.findall(response.content.decode())


def test_a_figure_is_built_once_per_version_and_query(store_schedule, reader, built):
    schedule = store_schedule(BLOCKS, name="charts")
    url = page_url("analytics:sky-map", schedule)
    first = reader.get(url, {"color_by": "status"})
    again = reader.get(url, {"color_by": "status"})
    assert figure_texts(first) == figure_texts(again) and len(built) == 1
    other = reader.get(url, {"color_by": "bucket"})
    assert len(built) == 2 and figure_texts(other) != figure_texts(first)
    # A new version of the content: the figure is built again and shows it.
    SchedulingBlock.objects.filter(schedule=schedule, source_block_id="b").update(priority=8.0)
    refresh_analytics(schedule)
    before = figure_texts(reader.get(url, {"color_by": "bucket", "impossible": "include"}))
    assert len(built) == 3
    SchedulingBlock.objects.filter(schedule=schedule, source_block_id="b").update(priority=2.0)
    refresh_analytics(schedule)
    after = figure_texts(reader.get(url, {"color_by": "bucket", "impossible": "include"}))
    assert len(built) == 4 and before != after
    assert "8.0" in before[0][1] and "8.0" not in after[0][1]  # b's priority in its hover


def test_legacy_builds_every_figure(store_schedule, reader, built, settings):
    settings.DATA_SOURCE = "legacy"
    schedule = store_schedule(BLOCKS, name="charts")
    url = page_url("analytics:sky-map", schedule)
    reader.get(url)
    reader.get(url)
    assert len(built) == 2
