"""The compare page: two versions side by side, the previous version by default."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from analytics.pages.compare import compare_metrics_table, compare_priority_figure
from analytics.selectors import compare
from tests.analytics.pages.sample import (
    BLOCKS,
    DARK,
    cards,
    chart_arrays,
    csv_rows,
    figure_dict,
    figures,
    floats,
    page_url,
)


def test_compare_histogram_overlays_scheduled_priorities(schedule, store_schedule):
    other = store_schedule(BLOCKS[:2], DARK, name="charts")
    data = compare(other, schedule)
    figure = figure_dict(compare_priority_figure(data))
    assert [trace["x"] for trace in figure["data"]] == [
        data.a.scheduled_priorities,
        data.b.scheduled_priorities,
    ]
    assert figure["data"][0]["name"] == "A: charts v2"


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


def test_compare_chart_csv_is_the_chart_data(reader, store_schedule, normal):
    other = store_schedule(BLOCKS[:3], DARK, name="normal")
    url = page_url("analytics:compare", other)
    drawn = figures(reader.get(url))
    assert set(drawn) == {"scheduled-priority", "scheduled-requested"}
    for chart, figure in drawn.items():
        rows = csv_rows(reader.get(url, {"csv": chart}))
        for column, values in chart_arrays(figure, chart).items():
            assert floats([row[column] for row in rows]) == pytest.approx(values)


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


def test_unrelated_schedules_are_compared_with_a_warning(store_schedule):
    """73 blocks in both used to pass without a word, though their targets differed."""
    first = store_schedule(
        [dict(source_id=f"sb-{i}", ra_deg=10.0 * i, dec_deg=5.0) for i in range(10)], name="A"
    )
    second = store_schedule(
        [dict(source_id=f"sb-{i}", ra_deg=10.0 * i + 3.0, dec_deg=5.0) for i in range(3)]
        + [dict(source_id=f"new-{i}") for i in range(7)],
        name="B",
    )
    data = compare(first, second)
    assert data.mismatched_targets == ["sb-0", "sb-1", "sb-2"]
    assert any("share only 3 of 10 blocks" in warning for warning in data.warnings)
    assert any("3 shared block ids point at different targets" in w for w in data.warnings)
    same = compare(first, first)
    assert same.warnings == [] and same.mismatched_targets == []


def test_only_in_tables_say_what_the_blocks_are(reader, store_schedule):
    first = store_schedule([dict(source_id="a"), dict(source_id="b", block_name="Lost")], name="X")
    second = store_schedule(
        [dict(source_id="a"), dict(source_id="c", priority=8.0, scheduled=(60000.1, 60000.2))],
        name="X",
    )
    url = reverse("analytics:compare", args=[second.pk])
    rows = list(csv.reader(io.StringIO(reader.get(url, {"csv": "only-in-b"}).content.decode())))
    assert rows == [
        ["Block ID", "Name", "Priority", "Status", "Reason in B"],
        ["c", "target-1", "8", "Scheduled", "scheduled"],
    ]
    rows = list(csv.reader(io.StringIO(reader.get(url, {"csv": "only-in-a"}).content.decode())))
    assert rows[1] == ["b", "Lost", "5", "Unscheduled", "feasible_free"]
    assert first.pk != second.pk


def test_priority_distributions_can_be_fractions(store_schedule):
    night = (60000.1, 60000.2)
    one = store_schedule(
        [dict(source_id=str(i), priority=float(i % 3), scheduled=night) for i in range(6)],
        name="P",
    )
    two = store_schedule(
        [dict(source_id=str(i), priority=2.0, scheduled=night) for i in range(2)], name="P"
    )
    figure = compare_priority_figure(compare(one, two), fractions=True).to_plotly_json()
    assert {trace["histnorm"] for trace in figure["data"]} == {"probability"}
    assert figure["data"][0]["xbins"] == {"start": -0.5, "end": 2.5, "size": 1.0}
