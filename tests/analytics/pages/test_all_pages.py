"""What every report page does: it renders for normal and degenerate schedules, offers every
chart's data as CSV, shows filter errors, escapes user strings and checks permissions."""

from __future__ import annotations

import html
from collections import Counter

import numpy as np
import pytest
from django.urls import reverse

from analytics.pages.distributions import priority_violin_figure
from analytics.pages.insights import correlation_figure
from analytics.pages.sky_map import project, sky_map_figure
from analytics.pages.timeline import timeline_figure
from analytics.pages.trends import (
    NOTHING_SCHEDULED,
    rate_by_bins_figure,
    rate_by_priority_figure,
    rate_heatmap_figure,
    smoothed_figure,
)
from analytics.pages.visibility import visibility_figure
from analytics.selectors import (
    BlockFilters,
    SkyMapFilters,
    TimelineFilters,
    TrendsFilters,
    VisibilityFilters,
    distributions,
    insights,
    sky_map,
    timeline,
    trends,
    visibility_histogram,
)
from tests.analytics.pages.sample import (
    DARK,
    FIGURE,
    HTML_ID,
    HTML_NAME,
    PAGES,
    T0,
    chart_arrays,
    csv_rows,
    figures,
    floats,
    page_url,
)
from tsi_site.web.charts import Empty


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


@pytest.mark.parametrize("kind", ["normal", "empty", "unscheduled"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders(reader, schedules, kind, name):
    schedule = schedules[kind]
    response = reader.get(page_url(name, schedule))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="schedule-name"' in content and f"v{schedule.version}</span>" in content
    assert "<script>" not in content and "onclick" not in content  # no inline script
    for name, figure in figures(response).items():
        assert figure["data"], f"chart {name} has no trace"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("analytics:sky-map", "This schedule has no blocks."),
        ("analytics:timeline", "Nothing is scheduled in this schedule."),
        ("analytics:insights", "Correlations need at least two blocks."),
    ],
)
def test_empty_schedule_pages_explain_why_there_is_no_chart(reader, schedules, name, message):
    response = reader.get(page_url(name, schedules["empty"]))
    assert message in response.content.decode()
    assert not figures(response)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("analytics:sky-map", {}),
        ("analytics:distributions", {}),
        ("analytics:visibility", {"bins": "6"}),
        ("analytics:timeline", {}),
        ("analytics:insights", {}),
        ("analytics:trends", {"bins": "5"}),
    ],
)
def test_every_chart_csv_is_the_chart_data(reader, normal, name, query):
    url = page_url(name, normal)
    drawn = figures(reader.get(url, query))
    assert drawn
    for chart, figure in drawn.items():
        rows = csv_rows(reader.get(url, {**query, "csv": chart}))
        for column, values in chart_arrays(figure, chart).items():
            if column == "Month|From day":
                pairs = sorted((row["Month"], float(row["From day"])) for row in rows)
                assert pairs == values
                continue
            if column == "Priority bucket|x|y|count":  # the page's default all-sky map
                x, y = project(
                    floats(row["RA (°)"] for row in rows),
                    floats(row["Dec (°)"] for row in rows),
                    "aitoff",
                    flip_ra=True,
                )
                groups = Counter(zip([row["Priority bucket"] for row in rows], x, y, strict=True))
                expected = sorted((*key, count) for key, count in groups.items())
                assert [row[::3] for row in expected] == [row[::3] for row in values]
                assert np.allclose([row[1:3] for row in expected], [row[1:3] for row in values])
                continue
            found = [row[column] for row in rows]
            if column == "Block ID":
                assert found == values, (chart, column)
            else:
                assert floats(found) == pytest.approx(values), (chart, column)


def test_page_tables_download_as_csv(reader, normal):
    url = page_url("analytics:timeline", normal)
    rows = csv_rows(reader.get(url, {"csv": "observations"}))
    data = timeline(normal, TimelineFilters())
    assert [row["Block ID"] for row in rows] == data.observations.source_block_id.tolist()
    assert csv_rows(reader.get(url, {"csv": "dark-periods"}))[0]["Start (MJD)"] == str(DARK[0][0])
    conflicts = csv_rows(reader.get(page_url("analytics:insights", normal), {"csv": "conflicts"}))
    assert conflicts == []


def test_unknown_csv_is_404(reader, normal):
    assert reader.get(page_url("analytics:sky-map", normal), {"csv": "nope"}).status_code == 404


@pytest.mark.parametrize(
    ("name", "query", "error"),
    [
        ("analytics:sky-map", {"priority_min": "high"}, "Enter a number."),
        ("analytics:sky-map", {"scheduled_from": "yesterday"}, "Enter a valid date/time."),
        ("analytics:distributions", {"priority_min": "5", "priority_max": "1"}, "Must not be"),
        ("analytics:visibility", {"bins": "0"}, "greater than or equal to 1"),
        ("analytics:visibility", {"bin_mode": "duration", "bin_minutes": "0.1"}, "the limit is"),
        ("analytics:timeline", {"month": "March"}, "Enter a valid value."),
        ("analytics:trends", {"bandwidth": "9"}, "less than or equal to 2"),
        ("analytics:compare", {"other": "999999"}, "No schedule #999999 to compare with"),
        ("validation:report", {"status": "bogus"}, "Select a valid choice."),
    ],
)
def test_invalid_filters_show_the_form_errors(reader, normal, name, query, error):
    response = reader.get(page_url(name, normal), query)
    assert response.status_code == 400
    content = html.unescape(response.content.decode())
    assert error in content
    assert 'id="filters-invalid"' in content
    as_csv = reader.get(page_url(name, normal), {**query, "csv": "anything"})
    assert as_csv.status_code == 400 and as_csv["Content-Type"].startswith("text/plain")


def test_user_strings_are_escaped_in_pages_and_figures(reader, normal):
    for name in ("analytics:sky-map", "analytics:timeline", "analytics:insights"):
        content = reader.get(page_url(name, normal)).content.decode()
        assert HTML_NAME not in content and HTML_ID not in content
        for _, text in FIGURE.findall(content):
            assert "<" not in text and ">" not in text
    timeline_page = reader.get(page_url("analytics:timeline", normal)).content.decode()
    # The id is escaped as text and quoted in its link.
    assert '?source_id=%3Ci%3EA%3C%2Fi%3E">&lt;i&gt;A&lt;/i&gt;</a></td>' in timeline_page
    drawn = figures(reader.get(page_url("analytics:timeline", normal)))["timeline"]["data"]
    labels = [label for trace in drawn if "text" in trace for label in trace["text"]]
    assert "<b>&lt;i&gt;A&lt;/i&gt;</b> &lt;b&gt;bold&lt;/b&gt; &amp; co" in labels


def test_anonymous_visitors_are_sent_to_login(client, normal, settings):
    settings.TSI_PUBLIC_READ = False
    for name in PAGES:
        response = client.get(page_url(name, normal))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_public_read_opens_the_pages(client, normal, settings):
    settings.TSI_PUBLIC_READ = True
    for name in PAGES:
        assert client.get(page_url(name, normal)).status_code == 200


def test_missing_schedule_is_404(reader):
    assert reader.get(reverse("analytics:sky-map", args=[987654])).status_code == 404


@pytest.mark.parametrize("name", ["analytics:overview", "analytics:sky-map", "analytics:timeline"])
def test_missing_ranges_show_a_single_dash(reader, schedules, name):
    content = reader.get(page_url(name, schedules["empty"])).content.decode()
    assert "— – —" not in content and "— → —" not in content and "—<span class" not in content
