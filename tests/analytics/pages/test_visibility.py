"""The visibility page: bars of the selector's visible blocks per time bin and bucket."""

from __future__ import annotations

from analytics.pages.visibility import visibility_figure, visibility_table
from analytics.selectors import VisibilityFilters, visibility_histogram
from analytics.templatetags.tsi_format import num
from tests.analytics.pages.sample import cards, figure_dict, figures, page_url


def test_visibility_bars_split_the_selector_counts_by_bucket(schedule):
    data = visibility_histogram(schedule, VisibilityFilters(bin_count=8))
    figure = figure_dict(visibility_figure(data))
    assert [trace["y"] for trace in figure["data"]] == data.visible_by_bucket.tolist()
    assert figure["layout"]["xaxis"]["type"] == "date"
    table = visibility_table(data)
    assert table.column("Visible blocks") == data.visible_count.tolist()


def test_visibility_page_matches_the_selector(reader, normal):
    query = {"bin_mode": "duration", "bin_minutes": "720", "impossible": "include"}
    response = reader.get(page_url("analytics:visibility", normal), query)
    data = visibility_histogram(normal, VisibilityFilters(bin_minutes=720.0))
    drawn = figures(response)["visibility"]["data"]
    assert [trace["y"] for trace in drawn] == data.visible_by_bucket.tolist()
    assert cards(response)["bins"] == num(len(data.bin_start_mjd))
    assert cards(response)["bin-size"] == "12.00 h"
