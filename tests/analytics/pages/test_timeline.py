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
    dark, swatch, *observed, colour_bar = figure["data"]
    # bars take many colours: one neutral legend entry names them all
    assert swatch["name"] == "Scheduled observation (coloured by priority)"
    assert swatch["legendgroup"] == "observations" and swatch["x"] == [None]
    assert {trace["legendgroup"] for trace in observed} == {"observations"}
    assert not any(trace["showlegend"] for trace in observed)
    drawn = sorted(
        (month, base, priority, text)
        for trace in observed
        for month, base, (_, priority), text in zip(
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
    colours = {p: t["marker"]["color"] for t in observed for _, p in t["customdata"]}
    assert colours[min(priorities)] == "rgb(68, 1, 84)"
    assert colours[max(priorities)] == "rgb(253, 231, 37)"


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
    assert figure["layout"]["yaxis"]["categoryarray"] == ["2023-02"]


def test_an_impossible_month_is_a_form_error(reader, normal):
    response = reader.get(page_url("analytics:timeline", normal), {"month": "2023-13"})
    assert response.status_code == 400
    assert "Enter a valid value." in response.content.decode()
