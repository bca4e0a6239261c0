"""The timeline page: observations and dark periods by month, and the month filter."""

from __future__ import annotations

import re

from django.urls import reverse

from analytics.pages.timeline import (
    DARK_PERIOD,
    OBSERVATION,
    observations_table,
    timeline_figure,
    timeline_table,
)
from analytics.selectors import TimelineFilters, timeline
from analytics.templatetags.tsi_format import num
from tests.analytics.pages.sample import HTML_ID, cards, figure_dict, figures, page_url


def test_timeline_splits_an_observation_at_the_month_boundary(schedule):
    data = timeline(schedule, TimelineFilters())
    table = timeline_table(data)
    pieces = [row for row in table.rows if row[0] == OBSERVATION and row[1] == "E"]
    assert [(row[4], row[5], row[6]) for row in pieces] == [
        ("2023-02", 29.0 - 0.0625, 29.0),
        ("2023-03", 1.0, 1.0625),
    ]
    figure = figure_dict(timeline_figure(data))
    dark, dark_hover, swatch, *observed, hover, colour_bar = figure["data"]
    # bars take many colours: one neutral legend entry names them all
    assert swatch["name"] == "Scheduled observation (coloured by priority)"
    assert swatch["legendgroup"] == "observations" and swatch["x"] == [None]
    assert {trace["legendgroup"] for trace in [*observed, hover]} == {"observations"}
    assert not any(trace["showlegend"] for trace in [*observed, hover])
    # each piece is a rectangle of the filled path of its colour: four corners and a gap
    assert all(trace["fill"] == "toself" for trace in [dark, *observed])
    corners = sorted(
        (trace["y"][i], trace["x"][i], trace["x"][i + 1], trace["fillcolor"])
        for trace in observed
        for i in range(0, len(trace["x"]), 5)
    )
    observation_rows = [row for row in table.rows if row[0] == OBSERVATION]
    months = figure["layout"]["yaxis"]["ticktext"]
    assert months == data.months == ["2023-02", "2023-03"]
    # rows are months from the top (the axis runs downward); bars sit in their month's row
    assert figure["layout"]["yaxis"]["tickvals"] == [0, 1]
    low, high = figure["layout"]["yaxis"]["range"]
    assert low > high
    assert [(round(y + 0.34), x0, x1) for y, x0, x1, _ in corners] == sorted(
        (months.index(r[4]), r[5], r[6]) for r in observation_rows
    )
    # the hover points lie on the bars and say which block, its priority and its times
    drawn = sorted(
        (day, priority, text)
        for day, (_, priority), text in zip(
            hover["x"], hover["customdata"], hover["text"], strict=True
        )
    )
    assert {(d[1]) for d in drawn} == {r[3] for r in observation_rows}
    assert all(any(x0 <= d[0] <= x1 for _, x0, x1, _ in corners) for d in drawn)
    assert "<b>&lt;i&gt;A&lt;/i&gt;</b> &lt;b&gt;bold&lt;/b&gt; &amp; co" in [d[2] for d in drawn]
    assert len(dark["y"]) == 5 * sum(row[0] == DARK_PERIOD for row in table.rows)
    assert "Dark time" in dark_hover["hovertemplate"]
    priorities = [row[3] for row in observation_rows]
    assert colour_bar["marker"]["cmin"] == min(priorities)
    assert colour_bar["marker"]["cmax"] == max(priorities)
    # the lowest priority gets the first colour of the scale, the highest the last
    colours = [colour for *_, colour in corners]
    assert "rgb(68, 1, 84)" in colours and "rgb(253, 231, 37)" in colours


def test_nothing_scheduled_timeline_says_so(reader, schedules):
    response = reader.get(page_url("analytics:timeline", schedules["unscheduled"]))
    assert "Nothing is scheduled in this schedule." in response.content.decode()


def test_timeline_page_matches_the_selector_and_filters_the_table(reader, normal):
    response = reader.get(page_url("analytics:timeline", normal), {"month": "2023-02"})
    data = timeline(normal, TimelineFilters(month="2023-02"))
    assert [row[0] for row in observations_table(data.observations).rows] == [
        HTML_ID,
        "D",
        "E",
    ]
    found = cards(response)
    assert found["scheduled-blocks"] == num(data.scheduled_blocks)
    assert found["months"] == num(len(data.months))
    content = response.content.decode()
    table = content[content.index('id="table-observations"') :]
    lookup = reverse("analytics:block-lookup", args=[normal.pk])
    assert f'<td><a href="{lookup}?source_id=E">E</a></td>' in table
    assert ">m00</a></td>" not in table


def test_timeline_offers_the_schedule_months(reader, normal):
    content = reader.get(page_url("analytics:timeline", normal), {"month": "2023-03"}).content
    select = content.decode().split('<select name="month"')[1].split("</select>")[0]
    data = timeline(normal, TimelineFilters())
    assert re.findall(r'<option value="([\d-]*)"', select) == ["", *data.months]
    assert '<option value="2023-03" selected>' in select


def test_the_month_filters_the_cards_and_the_chart_too(reader, normal):
    """``?month=`` used to filter only the table."""
    whole = timeline(normal, TimelineFilters())
    february = timeline(normal, TimelineFilters(month="2023-02"))
    assert february.scheduled_blocks == len(february.observations) < whole.scheduled_blocks
    assert february.shown_months == ["2023-02"] and whole.shown_months == whole.months
    assert february.dark_periods.min() >= 59976.0 and february.dark_periods.max() <= 60004.0
    response = reader.get(page_url("analytics:timeline", normal), {"month": "2023-02"})
    assert cards(response)["scheduled-blocks"] == num(february.scheduled_blocks)
    (figure,) = figures(response).values()
    assert figure["layout"]["yaxis"]["ticktext"] == ["2023-02"]


def test_an_impossible_month_is_a_form_error(reader, normal):
    response = reader.get(page_url("analytics:timeline", normal), {"month": "2023-13"})
    assert response.status_code == 400
    assert "Enter a valid value." in response.content.decode()
