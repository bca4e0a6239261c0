"""Figures and tables of the report pages, built from selector data of small stored schedules.

``decode`` turns plotly's JSON (typed arrays are base64 ``bdata``) back into plain lists, so
figure data can be compared with selector output and with the CSV tables.
"""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from analytics.pages.compare import compare_metrics_table, compare_priority_figure
from analytics.pages.distributions import histogram_figure, histogram_table, priority_violin_figure
from analytics.pages.insights import correlation_figure, correlation_table
from analytics.pages.legend import block_labels
from analytics.pages.sky_map import sky_map_figure
from analytics.pages.timeline import DARK_PERIOD, OBSERVATION, timeline_figure, timeline_table
from analytics.pages.trends import (
    FEW_BLOCKS,
    NOTHING_SCHEDULED,
    rate_by_bins_figure,
    rate_by_priority_figure,
    rate_heatmap_figure,
    smoothed_figure,
)
from analytics.pages.visibility import visibility_figure, visibility_table
from analytics.selectors import (
    BlockFilters,
    SkyMapFilters,
    TimelineFilters,
    TrendsFilters,
    VisibilityFilters,
    compare,
    distributions,
    insights,
    sky_map,
    timeline,
    trends,
    visibility_histogram,
)
from analytics.selectors.trends import RateBin
from tsi_site.web.charts import Empty, figure_json
from tsi_site.web.tables import Column, HeaderCell, Table

T0 = 60000.0  # 2023-02-25 00:00 UTC
MARCH_FIRST = 60004.0  # 2023-03-01 00:00 UTC
HTML_NAME = "<b>bold</b> & co"
HTML_ID = "<i>A</i>"
BLOCKS = [
    dict(source_id=HTML_ID, block_name=HTML_NAME, priority=2.0, requested_duration_s=5400.0,
         visibility=[(T0, T0 + 0.5)], scheduled=(T0 + 0.125, T0 + 0.1875)),
    dict(source_id="B", priority=4.0, visibility=[(T0, T0 + 0.25)]),
    dict(source_id="C", priority=6.0, visibility=[]),
    dict(source_id="D", priority=10.0, requested_duration_s=5400.0,
         visibility=[(T0 + 0.25, T0 + 0.75)], scheduled=(T0 + 0.375, T0 + 0.4375)),
    dict(source_id="E", priority=7.0, visibility=[(MARCH_FIRST - 0.5, MARCH_FIRST + 0.5)],
         scheduled=(MARCH_FIRST - 0.0625, MARCH_FIRST + 0.0625)),
]  # fmt: skip
DARK = [(T0 - 0.125, T0 + 0.875), (MARCH_FIRST - 0.25, MARCH_FIRST + 0.25)]


def decode(value):
    """Plotly figure JSON with every typed array (``{"dtype", "bdata"[, "shape"]}``) as lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def figure_dict(figure: go.Figure) -> dict:
    """The figure exactly as the page embeds it, parsed back the way the browser does."""
    return decode(json.loads(str(figure_json(figure))))


@pytest.fixture
def schedule(store_schedule):
    return store_schedule(BLOCKS, DARK, name="charts")


@pytest.fixture
def empty_schedule(store_schedule):
    return store_schedule([], name="empty")


def test_figure_json_cannot_close_its_script_element():
    figure = go.Figure(go.Scatter(x=[1], y=[2], text=["</script><script>alert(1)</script>&"]))
    text = str(figure_json(figure))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["data"][0]["text"] == ["</script><script>alert(1)</script>&"]


def test_sky_map_points_match_the_selector_and_escape_hover_text(schedule):
    data = sky_map(schedule, SkyMapFilters())
    figure = figure_dict(
        sky_map_figure(data, color_by="bucket", projection="equirectangular", flip_ra=False)
    )
    points = {
        (label, x, y)
        for trace in figure["data"]
        for label, x, y in zip(trace["text"], trace["x"], trace["y"], strict=True)
    }
    expected = set(
        zip(
            block_labels(data.points.source_block_id, data.points.display_name).tolist(),
            data.points.ra_deg.tolist(),
            data.points.dec_deg.tolist(),
            strict=True,
        )
    )
    assert points == expected
    labels = [label for trace in figure["data"] for label in trace["text"]]
    assert "<b>&lt;i&gt;A&lt;/i&gt;</b> &lt;b&gt;bold&lt;/b&gt; &amp; co" in labels
    assert not any(HTML_NAME in label or HTML_ID in label for label in labels)
    assert figure["layout"]["xaxis"]["range"] == [0, 360]


def test_sky_map_groups_by_status_and_flips_ra_on_the_all_sky_map(schedule):
    data = sky_map(schedule, SkyMapFilters())
    figure = figure_dict(sky_map_figure(data, color_by="status", projection="aitoff", flip_ra=True))
    markers = [trace for trace in figure["data"] if trace.get("mode") == "markers"]
    assert [trace["name"] for trace in markers] == ["Scheduled", "Unscheduled"]
    assert sum(len(trace["lat"]) for trace in markers) == data.shown_blocks
    assert figure["layout"]["geo"]["projection"]["type"] == "aitoff"
    ra = np.array([row[0] for trace in markers for row in trace["customdata"]])
    lon = np.array([value for trace in markers for value in trace["lon"]])
    assert np.allclose(lon, -((ra + 180) % 360 - 180))


def test_histograms_stack_the_selector_counts(schedule):
    data = distributions(schedule, BlockFilters())
    histogram = data.histograms["priority"]
    figure = figure_dict(histogram_figure(histogram, "priority", data))
    scheduled, unscheduled = figure["data"]
    assert scheduled["y"] == histogram.scheduled.tolist()
    assert unscheduled["y"] == histogram.unscheduled.tolist()
    assert figure["layout"]["barmode"] == "stack"
    table = histogram_table(histogram, "priority")
    assert table.column("Scheduled") == scheduled["y"]
    assert table.column("Priority from") == histogram.edges[:-1].tolist()


def test_visibility_bars_split_the_selector_counts_by_bucket(schedule):
    data = visibility_histogram(schedule, VisibilityFilters(bin_count=8))
    figure = figure_dict(visibility_figure(data))
    assert [trace["y"] for trace in figure["data"]] == data.visible_by_bucket.tolist()
    assert figure["layout"]["xaxis"]["type"] == "date"
    table = visibility_table(data)
    assert table.column("Visible blocks") == data.visible_count.tolist()


def test_timeline_splits_an_observation_at_the_month_boundary(schedule):
    data = timeline(schedule, TimelineFilters())
    table = timeline_table(data)
    pieces = [row for row in table.rows if row[0] == OBSERVATION and row[1] == "E"]
    assert [(row[4], row[5], row[6]) for row in pieces] == [
        ("2023-02", 29.0 - 0.0625, 29.0),
        ("2023-03", 1.0, 1.0625),
    ]
    figure = figure_dict(timeline_figure(data))
    dark, swatch, *observed, colour_bar = figure["data"]
    # bars take many colours: one neutral legend entry names them all
    assert swatch["name"] == "Scheduled observation (coloured by priority)"
    assert swatch["legendgroup"] == "observations" and swatch["x"] == [None]
    assert {trace["legendgroup"] for trace in observed} == {"observations"}
    assert not any(trace["showlegend"] for trace in observed)
    drawn = sorted(
        (month, base, priority, text)
        for trace in observed
        for month, base, priority, text in zip(
            trace["y"], trace["base"], trace["customdata"], trace["text"], strict=True
        )
    )
    observation_rows = [row for row in table.rows if row[0] == OBSERVATION]
    assert [item[:3] for item in drawn] == sorted((r[4], r[5], r[3]) for r in observation_rows)
    assert "<b>&lt;i&gt;A&lt;/i&gt;</b> &lt;b&gt;bold&lt;/b&gt; &amp; co" in [d[3] for d in drawn]
    assert len(dark["y"]) == sum(row[0] == DARK_PERIOD for row in table.rows)
    assert figure["layout"]["yaxis"]["categoryarray"] == data.months == ["2023-02", "2023-03"]
    priorities = [row[3] for row in observation_rows]
    assert colour_bar["marker"]["cmin"] == min(priorities)
    assert colour_bar["marker"]["cmax"] == max(priorities)
    # the lowest priority gets the first colour of the scale, the highest the last
    colours = {p: t["marker"]["color"] for t in observed for p in t["customdata"]}
    assert colours[min(priorities)] == "rgb(68, 1, 84)"
    assert colours[max(priorities)] == "rgb(253, 231, 37)"


def test_correlation_heatmap_is_the_selector_matrix(schedule):
    data = insights(schedule, BlockFilters())
    figure = figure_dict(correlation_figure(data))
    heatmap = figure["data"][0]
    assert heatmap["z"] == data.correlation_matrix
    assert (heatmap["zmid"], heatmap["zmin"], heatmap["zmax"]) == (0, -1, 1)
    table = correlation_table(data)
    assert [list(row[1:]) for row in table.rows] == data.correlation_matrix


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


def test_compare_histogram_overlays_scheduled_priorities(schedule, store_schedule):
    other = store_schedule(BLOCKS[:2], DARK, name="charts")
    data = compare(other, schedule)
    figure = figure_dict(compare_priority_figure(data))
    assert [trace["x"] for trace in figure["data"]] == [
        data.a.scheduled_priorities,
        data.b.scheduled_priorities,
    ]
    assert figure["data"][0]["name"] == "A: charts v2"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda s: sky_map_figure(sky_map(s, SkyMapFilters()), color_by="bucket",
                                         projection="aitoff", flip_ra=False), "no blocks"),
        (lambda s: visibility_figure(visibility_histogram(s, VisibilityFilters())),
         "no blocks"),
        (lambda s: timeline_figure(timeline(s, TimelineFilters())), "Nothing is scheduled"),
        (lambda s: correlation_figure(insights(s, BlockFilters())), "at least two"),
        (lambda s: rate_heatmap_figure(trends(s, TrendsFilters())), "No blocks"),
        (lambda s: priority_violin_figure(distributions(s, BlockFilters())), "no blocks"),
    ],
)  # fmt: skip
def test_an_empty_schedule_gets_a_message_instead_of_a_chart(empty_schedule, build, message):
    result = build(empty_schedule)
    assert isinstance(result, Empty)
    assert message in result.message


def test_degenerate_schedules_get_messages(store_schedule):
    equal = store_schedule(
        [dict(source_id=str(i), priority=3.0, visibility=[]) for i in range(3)], name="blind"
    )
    visibility = visibility_histogram(equal, VisibilityFilters())
    assert isinstance(visibility_figure(visibility), Empty)
    trend = trends(equal, TrendsFilters(exclude_impossible=False))
    for figure in (
        rate_by_priority_figure(trend),
        rate_by_bins_figure(trend.by_visibility, "total_visibility_hours", trend),
        smoothed_figure(trend.smoothed_requested, "requested_hours", trend),
        rate_heatmap_figure(trend),
    ):
        assert figure == Empty(NOTHING_SCHEDULED)
    one_scheduled = store_schedule(
        [
            dict(source_id=str(i), priority=3.0, visibility=[],
                 scheduled=(T0 + i, T0 + i + 0.0625) if i == 0 else None)
            for i in range(3)
        ],
        name="one scheduled",
    )  # fmt: skip
    trend = trends(one_scheduled, TrendsFilters(exclude_impossible=False))
    assert "different visibility" in rate_heatmap_figure(trend).message
    assert not isinstance(rate_by_priority_figure(trend), Empty)


def test_table_csv_and_display_formats():
    table = Table(
        (Column("Name", wrap=True), Column("Value", 2),
         Column("MJD", 5, grouped=False), Column("Flag")),
        [("x,y", 1234.5678, 61000.123456789, True), ("", float("nan"), None, False)],
    )  # fmt: skip
    buffer = io.StringIO()
    table.write_csv(buffer)
    assert buffer.getvalue().splitlines() == [
        "Name,Value,MJD,Flag",
        '"x,y",1234.5678,61000.123456789,true',
        ",,,false",
    ]
    first, second = table.display_rows()
    assert [cell.text for cell in first] == ["x,y", "1,234.57", "61000.12346", "yes"]
    assert first[0].wrap and not first[1].wrap
    assert [cell.text for cell in second] == ["—", "—", "—", "no"]


def test_page_columns_details_and_utc_times():
    table = Table(
        (Column("Issue", wrap=True, width="w-issue", detail="Field"),
         Column("Field", page=False), Column("At (UTC)", utc=True),
         Column("At (MJD)", 5, grouped=False, page=False)),
        [("Too short", "requested_hours", "2026-03-01T22:04:11Z", 61100.92)],
    )  # fmt: skip
    assert table.page_header == [
        HeaderCell("Issue", "w-issue"),
        HeaderCell("At (UTC)", ""),
    ]
    [(issue, at)] = table.display_rows(page_columns=True)
    assert (issue.text, issue.detail, issue.css) == ("Too short", "requested_hours", "wrap")
    assert at.text == "2026-03-01 22:04:11"
    assert len(table.display_rows()[0]) == 4  # reports and CSV keep every column
    buffer = io.StringIO()
    table.write_csv(buffer)
    assert "2026-03-01T22:04:11Z" in buffer.getvalue()


def test_compare_metrics_show_rates_as_percentages_and_dashes_without_blocks(
    schedule, store_schedule
):
    other = store_schedule(BLOCKS[:2], DARK, name="charts")
    table = compare_metrics_table(compare(other, schedule))
    rows = {row[0].text: [cell.text for cell in row[1:]] for row in table.display_rows()}
    assert rows["Scheduling rate"] == ["50.0 %", "60.0 %", "10.0 pp"]
    assert rows["Blocks"] == ["2", "5", "3"]
    empty = store_schedule([], name="charts")
    table = compare_metrics_table(compare(empty, schedule))
    rows = {row[0].text: [cell.text for cell in row[1:]] for row in table.display_rows()}
    assert rows["Scheduling rate"] == ["—", "60.0 %", "—"]
    assert rows["Priority capture ratio"][0] == "—"
    assert table.rows[2][:2] == ("Scheduling rate", None)  # an empty cell in the CSV


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


def test_single_values_and_empty_groups(store_schedule):
    flat = store_schedule([dict(source_id=str(i), priority=5.0) for i in range(4)], name="flat")
    data = distributions(flat, BlockFilters())
    histogram = figure_dict(histogram_figure(data.histograms["priority"], "priority", data))
    assert [trace["name"] for trace in histogram["data"]] == ["Unscheduled"]
    assert histogram["layout"]["showlegend"] is True
    assert "same value, 5" in histogram["layout"]["annotations"][0]["text"]
    violin = figure_dict(priority_violin_figure(data))
    assert [trace["name"] for trace in violin["data"]] == ["Unscheduled"]
    assert violin["data"][0]["points"] == "all"
    assert violin["layout"]["annotations"][0]["text"] == "All unscheduled blocks have priority 5."
