"""The trends page: scheduling rates by bin, smoothed and as a heatmap, and the model."""

from __future__ import annotations

import numpy as np

from analytics.pages.trends import (
    FEW_BLOCKS,
    rate_by_bins_figure,
    rate_by_priority_figure,
    rate_heatmap_figure,
    smoothed_figure,
)
from analytics.selectors import TrendsFilters, trends
from analytics.selectors.trends import RateBin
from analytics.templatetags.tsi_format import num, percent
from tests.analytics.pages.sample import cards, figure_dict, figures, page_url


def test_trend_charts_draw_the_selector_rates(schedule):
    data = trends(schedule, TrendsFilters(bins=4))
    by_priority = figure_dict(rate_by_priority_figure(data))["data"][0]
    assert by_priority["y"] == [b.rate for b in data.by_priority]
    assert by_priority["x"] == [b.value for b in data.by_priority]
    smoothed = figure_dict(
        smoothed_figure(data.smoothed_visibility, "total_visibility_hours", data)
    )["data"][0]
    assert smoothed["y"] == data.smoothed_visibility.rate.tolist()
    heatmap = figure_dict(rate_heatmap_figure(data))["data"][0]
    expected = [[None if np.isnan(v) else v for v in row] for row in data.heatmap.rate.tolist()]
    assert heatmap["z"] == expected


def test_rate_labels_give_way_to_the_hover_when_crowded(schedule):
    data = trends(schedule, TrendsFilters(bins=4))
    few = figure_dict(rate_by_priority_figure(data))["data"][0]
    assert few["text"] == [f"n={b.count:,}" for b in data.by_priority]
    crowded = [RateBin(f"bin {i}", i, i, i + 1, 12_345, 1_000, 0.081) for i in range(10)]
    bars = figure_dict(rate_by_bins_figure(crowded, "requested_hours", data))["data"][0]
    assert "text" not in bars and bars["textposition"] == "none"
    assert "n = %{customdata[1]:,} blocks" in bars["hovertemplate"]


def test_heatmap_cells_with_few_blocks_are_grey_and_counted(schedule):
    data = trends(schedule, TrendsFilters(bins=2))
    rate, grey = figure_dict(rate_heatmap_figure(data))["data"]
    count = np.asarray(data.heatmap.count)
    few = (count > 0) & (count < FEW_BLOCKS)
    assert few.any()
    assert [[z is not None for z in row] for row in grey["z"]] == few.tolist()
    labels = np.where(few, count.astype(str), "")
    assert grey["text"] == labels.tolist()
    assert rate["texttemplate"] == "%{text}" and rate["customdata"] == count.tolist()


def test_trends_page_matches_the_selector(reader, normal):
    response = reader.get(page_url("analytics:trends", normal), {"bins": "4"})
    data = trends(normal, TrendsFilters(bins=4))
    drawn = figures(response)
    assert drawn["rate-by-priority"]["data"][0]["y"] == [b.rate for b in data.by_priority]
    assert drawn["rate-by-visibility"]["data"][0]["y"] == [b.rate for b in data.by_visibility]
    assert data.model is not None
    assert cards(response)["model-accuracy"] == percent(data.model.accuracy)
    assert cards(response)["zero-visibility"] == num(data.zero_visibility_blocks)


def test_trends_page_explains_why_there_is_no_model(reader, schedules):
    response = reader.get(page_url("analytics:trends", schedules["unscheduled"]))
    assert "The model needs at least 20 blocks" in response.content.decode()
