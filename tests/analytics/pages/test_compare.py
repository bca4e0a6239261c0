"""The compare page: a reference against up to ten schedules (the previous version by default),
and against a single one block by block."""

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
    T0,
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
    response = reader.get(url)
    # Block ids are user input: the status matrix shows the markup as text.
    assert '<th scope="row">&lt;i&gt;A&lt;/i&gt;</th>' in response.content.decode()
    drawn = figures(response)
    assert set(drawn) == {"time-use", "priority-boxes", "scheduled-priority", "scheduled-requested"}
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


# --- The N-way compare ------------------------------------------------------------------------

HOUR = 1.0 / 24.0
MINUTE = HOUR / 60.0
A_AT, D_AT = T0 + 0.1, T0 + 0.3


def runs(store_schedule):
    """A reference and two runs of one four-block problem (c never rises: impossible).

    ======  =========  =============  ===========
    block   reference  first run      second run
    ======  =========  =============  ===========
    a (2)   scheduled  same time      10 min later
    b (4)   —          scheduled      —
    c (6)   impossible impossible     impossible
    d (8)   scheduled  an hour later  —
    e (1)   absent     unscheduled    absent
    ======  =========  =============  ===========
    """

    def block(source_id, priority, at=None, **fields):
        scheduled = None if at is None else (at, at + HOUR)
        return dict(source_id=source_id, priority=priority, scheduled=scheduled, **fields)

    never = dict(visibility=[])
    reference = store_schedule(
        [block("a", 2.0, A_AT), block("b", 4.0), block("c", 6.0, **never), block("d", 8.0, D_AT)],
        DARK,
        name="runs",
    )
    first = store_schedule(
        [
            block("a", 2.0, A_AT),
            block("b", 4.0, T0 + 0.2),
            block("c", 6.0, **never),
            block("d", 8.0, D_AT + HOUR),
            block("e", 1.0),
        ],
        DARK,
        name="runs",
    )
    second = store_schedule(
        [
            block("a", 2.0, A_AT + 10 * MINUTE),
            block("b", 4.0),
            block("c", 6.0, **never),
            block("d", 8.0),
        ],
        DARK,
        name="runs",
    )
    return reference, first, second


def three_way(reader, reference, first, second, **params):
    url = reverse("analytics:compare", args=[reference.pk])
    return reader.get(url, {"other": [first.pk, second.pk], **params})


def matrix_rows(response) -> list[tuple[str, list[str]]]:
    """The page of the status matrix a response shows: (block id, statuses)."""
    matrix = response.context["multi"].matrix
    return list(zip(matrix.source_block_id, matrix.status, strict=True))


def cell_texts(response, table: str) -> dict[str, list[str]]:
    rows = response.context[table]["rows"]
    return {row[0].text: [cell.text for cell in row[1:]] for row in rows}


def test_three_way_metrics_mark_the_best_and_show_deltas(reader, store_schedule):
    reference, first, second = runs(store_schedule)
    response = three_way(reader, reference, first, second)
    assert response.status_code == 200
    texts = cell_texts(response, "multi_metrics")
    assert texts["Scheduled blocks"] == ["2", "3 ★", "1"]
    assert texts["Blocks"] == ["4", "5", "4"]  # no better direction: no star
    details = {
        row[0].text: [cell.detail for cell in row[2:]]
        for row in response.context["multi_metrics"]["rows"]
    }
    assert details["Scheduled blocks"] == ["+1", "-1"]
    assert texts["Scheduling rate"] == ["50.0 %", "60.0 % ★", "25.0 %"]
    assert details["Scheduling rate"] == ["+10.0 pp", "-25.0 pp"]
    rows = csv_rows(three_way(reader, reference, first, second, csv="multi-metrics"))
    scheduled = next(row for row in rows if row["Metric"] == "Scheduled blocks")
    assert scheduled[f"Δ runs v3 (#{second.pk})"] == "-1"
    assert scheduled["Best"] == f"runs v2 (#{first.pk})"
    assert next(row for row in rows if row["Metric"] == "Scheduling rate")["Best"] == (
        f"runs v2 (#{first.pk})"
    )


def test_status_matrix_rows_and_hiding_the_rows_that_agree(reader, store_schedule):
    reference, first, second = runs(store_schedule)
    response = three_way(reader, reference, first, second)
    assert matrix_rows(response) == [
        ("a", ["scheduled", "scheduled", "scheduled"]),
        ("b", ["unscheduled", "scheduled", "unscheduled"]),
        ("c", ["impossible", "impossible", "impossible"]),
        ("d", ["scheduled", "scheduled", "unscheduled"]),
        ("e", ["absent", "unscheduled", "absent"]),
    ]
    assert "5 block ids in any schedule, 2 with the same status in all" in " ".join(
        response.content.decode().split()
    )
    hidden = three_way(reader, reference, first, second, hide_agreeing="on")
    assert [block for block, _ in matrix_rows(hidden)] == ["b", "d", "e"]
    rows = list(
        csv.reader(
            io.StringIO(
                three_way(
                    reader, reference, first, second, hide_agreeing="on", csv="status-matrix"
                ).content.decode()
            )
        )
    )
    assert rows[0] == [
        "Block ID",
        f"Reference: runs v1 (#{reference.pk})",
        f"runs v2 (#{first.pk})",
        f"runs v3 (#{second.pk})",
    ]
    assert rows[1:] == [
        ["b", "unscheduled", "scheduled", "unscheduled"],
        ["d", "scheduled", "scheduled", "unscheduled"],
        ["e", "absent", "unscheduled", "absent"],
    ]


def test_pair_figures_of_each_run_against_the_reference(reader, store_schedule):
    reference, first, second = runs(store_schedule)
    rows = csv_rows(three_way(reader, reference, first, second, csv="pairs"))
    assert [
        (
            row["Shared blocks"],
            row["Scheduled in either"],
            row["Scheduled in both"],
            row["Match ratio"],
            row["Retimed"],
            row["Order preservation"],
            row["Coherent runs"],
        )
        for row in rows
    ] == [
        ("4", "3", "2", "0.666666666666667", "1", "1", "0"),
        ("4", "2", "1", "0.5", "1", "1", "0"),
    ]
    assert floats([row["Shift median (min)"] for row in rows]) == pytest.approx([30.0, 10.0])
    assert floats([row["Shift MAD (min)"] for row in rows]) == pytest.approx([30.0, 0.0])


def test_time_use_and_priority_boxes_per_schedule(reader, store_schedule):
    reference, first, second = runs(store_schedule)
    response = three_way(reader, reference, first, second)
    drawn = figures(response)
    time_use = {trace["name"]: trace["y"] for trace in drawn["time-use"]["data"]}
    assert time_use["Scheduled"] == pytest.approx([2.0, 3.0, 1.0])  # an hour per block
    totals = [sum(hours) for hours in zip(*time_use.values(), strict=True)]
    assert totals == pytest.approx([totals[0]] * 3)  # one period, split differently
    box = drawn["priority-boxes"]["data"][0]
    assert box["type"] == "box"
    # Scheduled priorities: {2, 8}, {2, 4, 8}, {2}; quartiles by linear interpolation.
    assert box["q1"] == pytest.approx([3.5, 3.0, 2.0])
    assert box["median"] == pytest.approx([5.0, 4.0, 2.0])
    assert box["q3"] == pytest.approx([6.5, 6.0, 2.0])
    assert box["lowerfence"] == [2.0, 2.0, 2.0] and box["upperfence"] == [8.0, 8.0, 2.0]
    assert box["mean"] == pytest.approx([5.0, 14.0 / 3.0, 2.0])
    for chart, figure in drawn.items():
        rows = csv_rows(three_way(reader, reference, first, second, csv=chart))
        for column, values in chart_arrays(figure, chart).items():
            assert floats([row[column] for row in rows]) == pytest.approx(values)


def test_status_matrix_pages_on_the_server(reader, store_schedule):
    shared = [dict(source_id=f"p{i:03d}") for i in range(120)]
    reference = store_schedule(shared, name="paged")
    other = store_schedule(shared + [dict(source_id=f"q{i:03d}") for i in range(10)], name="paged")
    url = reverse("analytics:compare", args=[reference.pk])
    first = reader.get(url, {"other": other.pk})
    assert len(matrix_rows(first)) == 50
    assert first.context["multi"].matrix.page_count == 3
    last = reader.get(url, {"other": other.pk, "page": 3})
    assert matrix_rows(last)[0][0] == "p100"
    assert len(matrix_rows(last)) == 30
    beyond = reader.get(url, {"other": other.pk, "page": 99})
    assert beyond.context["multi"].matrix.page == 3
    hidden = reader.get(url, {"other": other.pk, "hide_agreeing": "on", "page": 2})
    assert hidden.context["multi"].matrix.page == 1  # 10 rows that disagree: one page
    assert [block for block, _ in matrix_rows(hidden)] == [f"q{i:03d}" for i in range(10)]


def test_more_than_ten_others_and_unknown_ids_are_refused(reader, store_schedule):
    reference = store_schedule([dict(source_id="a")], name="many")
    others = [  # distinct contents: an identical upload is the schedule already stored
        store_schedule([dict(source_id="a", priority=float(i + 10))], name="many")
        for i in range(11)
    ]
    url = reverse("analytics:compare", args=[reference.pk])
    response = reader.get(url, {"other": [other.pk for other in others]})
    assert response.status_code == 400
    assert "At most 10 schedules can be compared with this one; 11 were chosen." in (
        response.content.decode()
    )
    ten = reader.get(url, {"other": [other.pk for other in others[:10]]})
    assert ten.status_code == 200 and len(ten.context["multi"].schedules) == 11
    unknown = reader.get(url, {"other": [others[0].pk, 999999]})
    assert unknown.status_code == 400
    assert "No schedule #999999 to compare with" in unknown.content.decode()
    itself = reader.get(url, {"other": reference.pk})
    assert itself.status_code == 400


def test_a_single_other_keeps_the_block_by_block_detail(reader, store_schedule):
    reference, first, second = runs(store_schedule)
    url = reverse("analytics:compare", args=[reference.pk])
    single = reader.get(url, {"other": first.pk})
    assert single.context["other"] == first
    assert cards(single)["only-in-a"] == "1"  # e: A is the other schedule, as before
    assert set(figures(single)) == {
        "time-use",
        "priority-boxes",
        "scheduled-priority",
        "scheduled-requested",
    }
    repeated = reader.get(url, {"other": [first.pk, first.pk]})  # one schedule, named twice
    assert repeated.context["other"] == first
    two = three_way(reader, reference, first, second)
    assert "data" not in two.context and len(two.context["multi"].pairs) == 2


def test_matrix_controls_keep_the_default_previous_version(reader, store_schedule):
    """Hiding rows or paging without naming a schedule still compares with the previous
    version, as the page did before the controls were used."""
    reference, first, _ = runs(store_schedule)
    response = reader.get(reverse("analytics:compare", args=[first.pk]), {"hide_agreeing": "on"})
    assert response.context["other"] == reference
    assert [block for block, _ in matrix_rows(response)] == ["b", "e"]
