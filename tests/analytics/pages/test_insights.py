"""The insights page and its Markdown and HTML reports: correlations, metrics, findings."""

from __future__ import annotations

import html

from django.urls import reverse

from analytics.pages.insights import correlation_figure, correlation_table
from analytics.selectors import BlockFilters, insights
from analytics.templatetags.tsi_format import num, percent
from tests.analytics.pages.sample import HTML_ID, cards, figure_dict, figures, page_url


def test_correlation_heatmap_is_the_selector_matrix(schedule):
    data = insights(schedule, BlockFilters())
    figure = figure_dict(correlation_figure(data))
    heatmap = figure["data"][0]
    assert heatmap["z"] == data.correlation_matrix
    assert (heatmap["zmid"], heatmap["zmin"], heatmap["zmax"]) == (0, -1, 1)
    table = correlation_table(data)
    assert [list(row[1:]) for row in table.rows] == data.correlation_matrix


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


def test_the_html_report_opens_in_the_browser_and_downloads_on_request(reader, schedule):
    url = reverse("analytics:insights-report-html", args=[schedule.pk])
    opened = reader.get(url)
    assert opened["Content-Disposition"].startswith("inline;")
    downloaded = reader.get(url, {"download": "1"})
    assert downloaded["Content-Disposition"].startswith("attachment;")
    page = reader.get(reverse("analytics:insights", args=[schedule.pk])).content.decode()
    assert 'id="report-html-open"' in page and 'id="report-html-download"' in page
