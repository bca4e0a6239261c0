"""The lineage page: the steps worked out by hand (see lineage_schedule) in its chart, table and
CSVs, every version linked with the shown one marked, and the block page's history of a block
across the versions."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from schedules.models import SchedulingBlock
from tests.analytics.lineage_schedule import store_lineage
from tests.analytics.pages.sample import cards, csv_rows, figures, floats


@pytest.fixture
def versions(store_schedule):
    return store_lineage(store_schedule)


def lineage_url(schedule) -> str:
    return reverse("analytics:lineage", args=[schedule.pk])


def test_the_chart_draws_each_count_per_step_and_the_churn_rate(reader, versions, data_source):
    response = reader.get(lineage_url(versions[1]))
    assert response.status_code == 200
    figure = figures(response)["steps"]
    traces = {trace["name"]: trace for trace in figure["data"]}
    assert traces["Added"]["x"] == ["v1 → v2", "v2 → v3"]
    counts = {name: traces[name]["y"] for name in traces if name != "Churn rate"}
    assert counts == {
        "Added": [1, 1],
        "Removed": [1, 0],
        "Newly scheduled": [1, 0],
        "Newly unscheduled": [0, 1],
        "Retimed": [1, 0],
        "Priority changed": [1, 0],
    }
    assert traces["Churn rate"]["y"] == [0.8, 0.4]
    assert traces["Churn rate"]["yaxis"] == "y2"
    assert figure["layout"]["yaxis2"]["range"] == pytest.approx([0, 0.92])
    # v2 takes part in both steps: both are shaded.
    assert [(shape["x0"], shape["x1"]) for shape in figure["layout"]["shapes"]] == [
        (-0.5, 0.5),
        (0.5, 1.5),
    ]
    assert cards(response)["versions"] == "3"
    assert "this is v2" in response.content.decode()


def test_only_the_steps_of_the_shown_version_are_marked(reader, versions):
    response = reader.get(lineage_url(versions[2]))
    shapes = figures(response)["steps"]["layout"]["shapes"]
    assert [(shape["x0"], shape["x1"]) for shape in shapes] == [(0.5, 1.5)]
    content = response.content.decode()
    steps = re.search(r'id="table-steps">(.*?)</table>', content, re.S).group(1)
    assert re.findall(r"<tr( class=\"current-row\")?><td>(v\d → v\d)</td>", steps) == [
        ("", "v1 → v2"),
        (' class="current-row"', "v2 → v3"),
    ]
    assert re.findall(r"<td>(\d+\.\d%)</td>", steps) == ["80.0%", "40.0%"]  # churn rates


def test_every_version_is_linked_and_the_shown_one_marked(reader, versions):
    content = html.unescape(reader.get(lineage_url(versions[0])).content.decode())
    table = re.search(r'id="table-lineage-versions">(.*?)</table>', content, re.S).group(1)
    for version in versions:
        assert f'href="{reverse("analytics:overview", args=[version.pk])}"' in table
    assert re.search(r'<tr class="current-row">\s*<td><a [^>]+>v1</a> \(this\)', table)
    assert f'href="{lineage_url(versions[2])}">Lineage from here' in table
    # The page is in every schedule page's navigation.
    nav = re.search(r'id="schedule-nav">(.*?)</nav>', content, re.S).group(1)
    assert f'href="{lineage_url(versions[0])}" aria-current="page">Lineage' in nav


def test_the_csvs_hold_the_steps_and_the_versions(reader, versions):
    rows = csv_rows(reader.get(lineage_url(versions[2]), {"csv": "steps"}))
    assert [row["Step"] for row in rows] == ["v1 → v2", "v2 → v3"]
    assert [(row["From version"], row["To version"]) for row in rows] == [("1", "2"), ("2", "3")]
    assert [row["Priority changed"] for row in rows] == ["1", "0"]
    assert [row["Blocks in either"] for row in rows] == ["5", "5"]
    assert floats(row["Churn rate"] for row in rows) == [0.8, 0.4]
    versions_csv = csv_rows(reader.get(lineage_url(versions[2]), {"csv": "versions"}))
    assert [(row["Version"], row["Scheduled blocks"], row["Shown"]) for row in versions_csv] == [
        ("1", "3", "false"),
        ("2", "3", "false"),
        ("3", "2", "true"),
    ]


def test_a_single_version_says_so_instead_of_a_chart(reader, store_schedule):
    only = store_schedule([dict(priority=1.0)], name="alone")
    response = reader.get(lineage_url(only))
    assert response.status_code == 200
    assert figures(response) == {}
    assert 'id="lineage-single"' in response.content.decode()
    assert csv_rows(reader.get(lineage_url(only), {"csv": "steps"})) == []


def block_page(schedule, source_id: str) -> str:
    block = SchedulingBlock.objects.get(schedule=schedule, source_block_id=source_id)
    return reverse("analytics:block", args=[schedule.pk, block.pk])


def test_the_block_page_shows_its_history_linked_to_each_version(reader, versions, data_source):
    response = reader.get(block_page(versions[2], "sb-d"))
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    table = re.search(r'id="table-history">.*?<tbody>(.*?)</tbody>', content, re.S).group(1)
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    assert rows == [
        ["v1", "yes", "yes", "2023-02-25 09:36:00", "2023-02-25 10:48:00", "2.00", "—"],
        ["v2", "no", "no", "—", "—", "—", "removed"],
        ["v3 (this)", "yes", "no", "—", "—", "2.00", "added"],
    ]
    # v1 and v3 have the block and link to its page there; v2 has not.
    assert f'<a href="{block_page(versions[0], "sb-d")}">v1</a>' in table
    assert f'<a href="{block_page(versions[2], "sb-d")}">v3 (this)</a>' in table
    assert "<td><a" not in table.split("<tr>")[2].split("</td>")[0]


def test_the_history_csv(reader, versions):
    rows = csv_rows(reader.get(block_page(versions[0], "sb-c"), {"csv": "history"}))
    assert [row["Changes from the previous version"] for row in rows] == [
        "",
        "retimed, priority changed",
        "",
    ]
    assert floats(row["Start (MJD)"] for row in rows) == [60000.3, 60000.31, 60000.31]
    assert floats(row["Priority"] for row in rows) == [3.0, 4.0, 4.0]
