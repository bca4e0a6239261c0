"""The report pages: they render for normal and degenerate schedules, show the selectors'
numbers, offer every chart's data as CSV, escape user strings, and check permissions."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from django.urls import reverse

from analytics.pages.timeline import observations_table
from analytics.selectors import (
    BlockFilters,
    SkyMapFilters,
    TimelineFilters,
    TrendsFilters,
    VisibilityFilters,
    distributions,
    insights,
    schedule_overview,
    sky_map,
    timeline,
    trends,
    visibility_histogram,
)
from analytics.templatetags.tsi_format import num, percent
from tests.analytics.test_charts import BLOCKS, DARK, HTML_ID, HTML_NAME, decode

PAGES = [
    "analytics:overview",
    "analytics:sky-map",
    "analytics:distributions",
    "analytics:visibility",
    "analytics:timeline",
    "analytics:insights",
    "analytics:trends",
    "analytics:compare",
    "validation:report",
]
FIGURE = re.compile(
    r'<script type="application/json" class="plotly-figure" data-target="plot-([\w-]+)">'
    r"(.*?)</script>",
    re.S,
)
CARD = re.compile(
    r'id="card-([\w-]+)">\s*<span class="card-label">.*?</span>\s*'
    r'<span class="card-value">(.*?)</span>\s*(?:<span class="card-note">|</div>)',
    re.S,
)
# 24 extra blocks so the logistic model has enough rows; higher priority ⇒ scheduled more often.
MODEL_BLOCKS = [
    dict(
        source_id=f"m{i:02d}",
        priority=1.0 + (i * 7 % 24) * 0.375,
        requested_duration_s=1800.0 + 600.0 * (i % 5),
        visibility=[(60010.0 + i, 60010.2 + i + 0.05 * (i % 3))],
        scheduled=(60010.05 + i, 60010.1 + i) if (i * 7 % 24) > 9 or i % 6 == 0 else None,
    )
    for i in range(24)
]


@pytest.fixture
def schedules(store_schedule) -> dict:
    return {
        "normal": store_schedule(BLOCKS + MODEL_BLOCKS, DARK, name="normal"),
        "empty": store_schedule([], name="empty"),
        "unscheduled": store_schedule(
            [dict(source_id=str(i), priority=float(i)) for i in range(3)], DARK, name="idle"
        ),
    }


@pytest.fixture
def normal(schedules):
    return schedules["normal"]


@pytest.fixture
def reader(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x")
    client.force_login(user)
    return client


def page_url(name: str, schedule) -> str:
    return reverse(name, args=[schedule.pk])


def figures(response) -> dict[str, dict]:
    return {
        name: decode(json.loads(text)) for name, text in FIGURE.findall(response.content.decode())
    }


def cards(response) -> dict[str, str]:
    def text(fragment: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())

    return {key: text(value) for key, value in CARD.findall(response.content.decode())}


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def floats(values) -> list[float | None]:
    return [None if value == "" else float(value) for value in values]


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


def test_nothing_scheduled_timeline_says_so(reader, schedules):
    response = reader.get(page_url("analytics:timeline", schedules["unscheduled"]))
    assert "Nothing is scheduled in this schedule." in response.content.decode()


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


def test_sky_map_page_matches_the_selector(reader, normal):
    response = reader.get(page_url("analytics:sky-map", normal), {"priority_min": "3"})
    data = sky_map(normal, SkyMapFilters(priority_min=3.0))
    figure = figures(response)["sky-map"]
    assert sum(len(trace["x"]) for trace in figure["data"]) == data.shown_blocks
    found = cards(response)
    assert found["shown-blocks"] == num(data.shown_blocks)
    assert found["scheduled-shown"] == num(data.scheduled_shown)
    assert found["ra-coverage"] == f"{num(data.ra_coverage_deg, 1)} °"


def test_distribution_page_matches_the_selector(reader, normal):
    response = reader.get(page_url("analytics:distributions", normal))
    data = distributions(normal, BlockFilters())
    drawn = figures(response)
    for variable, histogram in data.histograms.items():
        scheduled, unscheduled = drawn[f"{variable.replace('_', '-')}-histogram"]["data"]
        assert scheduled["y"] == histogram.scheduled.tolist()
        assert unscheduled["y"] == histogram.unscheduled.tolist()
    assert cards(response)["unscheduled-blocks"] == num(data.unscheduled_blocks)
    content = response.content.decode()
    assert f"<td>{num(data.priority_stats.mean)}</td>" in content


def test_visibility_page_matches_the_selector(reader, normal):
    query = {"bin_mode": "duration", "bin_minutes": "720", "impossible": "include"}
    response = reader.get(page_url("analytics:visibility", normal), query)
    data = visibility_histogram(normal, VisibilityFilters(bin_minutes=720.0))
    drawn = figures(response)["visibility"]["data"]
    assert [trace["y"] for trace in drawn] == data.visible_by_bucket.tolist()
    assert cards(response)["bins"] == num(len(data.bin_start_mjd))
    assert cards(response)["bin-size"] == "12.00 h"


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
    assert "<td>E</td>" in table and "<td>m00</td>" not in table


def test_insights_page_matches_the_selector(reader, normal):
    response = reader.get(page_url("analytics:insights", normal))
    data = insights(normal, BlockFilters())
    assert figures(response)["correlations"]["data"][0]["z"] == data.correlation_matrix
    found = cards(response)
    assert found["scheduling-rate"] == percent(data.metrics.scheduling_rate)
    assert found["priority-mean"] == num(data.metrics.priority_mean)
    content = response.content.decode()
    for finding in data.findings:
        assert html.escape(finding, quote=False) in content


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


def chart_arrays(figure: dict, chart: str) -> dict[str, list]:
    """The arrays each chart draws, keyed like the CSV columns they must equal."""
    data = figure["data"]
    if chart == "sky-map":
        return {
            "Block ID": [
                html.unescape(re.match(r"<b>(.*?)</b>", label).group(1))
                for trace in data
                for label in trace["text"]
            ],
            "RA (°)": [x for trace in data for x in trace["x"]],
            "Dec (°)": [y for trace in data for y in trace["y"]],
        }
    if chart.endswith("-histogram"):
        return {"Scheduled": data[0]["y"], "Unscheduled": data[1]["y"]}
    if chart == "priority-by-status":
        return {"Priority": [value for trace in data for value in trace["y"]]}
    if chart == "visibility":
        return {trace["name"]: trace["y"] for trace in data}
    if chart == "timeline":  # compared as a set: bars are drawn grouped by colour
        return {
            "Month|From day": sorted(
                (month, base)
                for trace in data
                if trace["type"] == "bar"  # not the legend swatch nor the colour bar
                for month, base in zip(trace["y"], trace["base"], strict=True)
            )
        }
    if chart == "correlations":
        return {
            title: [row[k] for row in data[0]["z"]]
            for k, title in enumerate(["Priority", "Total visibility (h)"])
        }
    if chart.startswith("rate-by-"):
        return {"Scheduling rate": data[0]["y"]}
    if chart.startswith("smoothed-"):
        return {"Smoothed scheduling rate": data[0]["y"]}
    if chart == "rate-heatmap":
        return {"Scheduling rate": [value for row in data[0]["z"] for value in row]}
    if chart == "scheduled-priority":
        return {"Priority": data[0]["x"] + data[1]["x"]}
    if chart == "scheduled-requested":
        return {"Requested (h)": data[0]["y"] + data[1]["y"]}
    raise AssertionError(f"no expectation for {chart}")


def in_figure_order(rows: list[dict], chart: str, figure: dict) -> list[dict]:
    """The CSV rows in the order the figure draws them (the sets must be equal)."""
    if chart == "sky-map":  # drawn group by group
        drawn = chart_arrays(figure, chart)["Block ID"]
        assert sorted(drawn) == sorted(row["Block ID"] for row in rows)
        return sorted(rows, key=lambda row: drawn.index(row["Block ID"]))
    return rows


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
        rows = in_figure_order(csv_rows(reader.get(url, {**query, "csv": chart})), chart, figure)
        for column, values in chart_arrays(figure, chart).items():
            if column == "Month|From day":
                pairs = sorted((row["Month"], float(row["From day"])) for row in rows)
                assert pairs == values
                continue
            found = [row[column] for row in rows]
            if column == "Block ID":
                assert found == values, (chart, column)
            else:
                assert floats(found) == pytest.approx(values), (chart, column)


def test_compare_chart_csv_is_the_chart_data(reader, store_schedule, normal):
    other = store_schedule(BLOCKS[:3], DARK, name="normal")
    url = page_url("analytics:compare", other)
    drawn = figures(reader.get(url))
    assert set(drawn) == {"scheduled-priority", "scheduled-requested"}
    for chart, figure in drawn.items():
        rows = csv_rows(reader.get(url, {"csv": chart}))
        for column, values in chart_arrays(figure, chart).items():
            assert floats([row[column] for row in rows]) == pytest.approx(values)


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
        ("analytics:compare", {"other": "999999"}, "Select a valid choice."),
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
    assert "<td>&lt;i&gt;A&lt;/i&gt;</td>" in timeline_page
    drawn = figures(reader.get(page_url("analytics:timeline", normal)))["timeline"]["data"]
    labels = [label for trace in drawn if "text" in trace for label in trace["text"]]
    assert "<b>&lt;i&gt;A&lt;/i&gt;</b> &lt;b&gt;bold&lt;/b&gt; &amp; co" in labels


def test_insights_reports_download_escaped(reader, normal):
    url = reverse("analytics:insights-report-md", args=[normal.pk])
    response = reader.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"] == (
        'attachment; filename="normal-v1-insights-report.md"'
    )
    text = response.content.decode()
    assert text.startswith("# Scheduling report: normal v1")
    assert "&lt;i&gt;A&lt;/i&gt;" in text and HTML_ID not in text
    page = reader.get(reverse("analytics:insights-report-html", args=[normal.pk]))
    content = page.content.decode()
    assert "<h2>Findings</h2>" in content and HTML_ID not in content
    bad = reader.get(url, {"priority_min": "x"})
    assert bad.status_code == 400


def test_compare_defaults_to_the_previous_version(reader, store_schedule):
    first = store_schedule(BLOCKS[:3], DARK, name="versions")
    second = store_schedule(BLOCKS, DARK, name="versions")
    response = reader.get(page_url("analytics:compare", second))
    assert response.status_code == 200
    assert response.context["other"] == first
    found = cards(response)
    assert found["only-in-b"] == "2"
    assert found["common-blocks"] == "3"
    prompt = reader.get(page_url("analytics:compare", first)).content.decode()
    assert 'id="compare-prompt"' in prompt and "no earlier version" in prompt
    chosen = reader.get(page_url("analytics:compare", first), {"other": second.pk})
    assert chosen.context["other"] == second


def test_anonymous_visitors_are_sent_to_login(client, normal, settings):
    settings.TSI_PUBLIC_READ = False
    for name in PAGES:
        response = client.get(page_url(name, normal))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_public_read_opens_the_pages(client, normal, settings):
    settings.TSI_PUBLIC_READ = True
    for name in PAGES:
        assert client.get(page_url(name, normal)).status_code == 200


def test_missing_schedule_is_404(reader):
    assert reader.get(reverse("analytics:sky-map", args=[987654])).status_code == 404


def test_plotly_js_is_served_from_the_installed_package(client):
    from django.contrib.staticfiles import finders

    found = finders.find("plotly/plotly.min.js")
    assert found and found.endswith("package_data/plotly.min.js")
    assert finders.find("plotly/widgetbundle.js") is None


@pytest.mark.parametrize("name", ["analytics:overview", "analytics:sky-map", "analytics:timeline"])
def test_missing_ranges_show_a_single_dash(reader, schedules, name):
    content = reader.get(page_url(name, schedules["empty"])).content.decode()
    assert "— – —" not in content and "— → —" not in content and "—<span class" not in content


def test_timeline_offers_the_schedule_months(reader, normal):
    content = reader.get(page_url("analytics:timeline", normal), {"month": "2023-03"}).content
    select = content.decode().split('<select name="month"')[1].split("</select>")[0]
    data = timeline(normal, TimelineFilters())
    assert re.findall(r'<option value="([\d-]*)"', select) == ["", *data.months]
    assert '<option value="2023-03" selected>' in select
