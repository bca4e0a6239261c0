"""The fragmentation and diagnostics pages: they render, every chart's CSV is the chart's data,
and the numbers on the page, in the CSVs and in the API are the selector's."""

from __future__ import annotations

import html

import numpy as np
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from rest_framework.test import APIClient

from analytics.diagnostics.reasons import REASONS
from analytics.pages.diagnostics import KPI_TITLES
from analytics.pages.fragmentation import CLASS_TITLES
from analytics.selectors.diagnostics import (
    DiagnosticsFilters,
    block_reason,
    diagnostics,
    fragmentation,
    reasons_by_block_id,
    reasons_by_source_id,
    schedule_kpis,
)
from analytics.templatetags.tsi_format import num
from tests.analytics.diagnostics_schedule import (
    BLOCKS,
    DARK,
    PERIOD,
    REASON_OF,
    store_why_schedule,
)
from tests.analytics.pages.sample import cards, csv_rows, figures, floats, page_url

PAGES = ["analytics:fragmentation", "analytics:diagnostics"]
ALL_OPERABLE = "There are no dark periods; the whole schedule period counts as operable."


@pytest.fixture
def why(store_schedule):
    return store_why_schedule(store_schedule)


def test_every_unscheduled_block_gets_its_reason_and_the_blocked_one_its_blocker(why):
    data = diagnostics(why, DiagnosticsFilters())
    unscheduled = data.unscheduled
    found = dict(zip(unscheduled.source_block_id, unscheduled.reason, strict=True))
    assert found == {block: reason for block, reason in REASON_OF.items() if reason != "scheduled"}
    assert data.reason_counts == dict.fromkeys(REASONS, 1)
    pairs = data.blockers
    assert list(zip(pairs.blocked_source_id, pairs.blocker_source_id, strict=True)) == [
        ("BL", "S1")
    ]
    assert pairs.hours.tolist() == pytest.approx([2.4])
    inversions = data.inversions
    assert inversions.unscheduled_source_id.tolist() == ["BL"]
    assert inversions.scheduled_source_id.tolist() == ["S1"]
    assert data.priority_weighted_hours == pytest.approx(7.0 * 4.8)
    assert data.nights.inversions.tolist() == [1, 0]


@pytest.mark.parametrize("kind", ["normal", "empty", "unscheduled"])
@pytest.mark.parametrize("name", PAGES)
def test_pages_render_for_every_kind_of_schedule(reader, schedules, kind, name):
    response = reader.get(page_url(name, schedules[kind]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>" not in content
    assert 'aria-current="page"' in content
    for chart, figure in figures(response).items():
        assert figure["data"], f"chart {chart} has no trace"


def test_empty_schedule_charts_say_why_they_are_empty(reader, schedules):
    content = reader.get(page_url("analytics:diagnostics", schedules["empty"])).content.decode()
    assert "This schedule has no blocks." in content
    assert not figures(reader.get(page_url("analytics:diagnostics", schedules["empty"])))


def chart_columns(chart: str, figure: dict) -> dict[str, list]:
    """What each chart draws, keyed like the CSV columns it must equal (in CSV row order)."""
    data = figure["data"]
    titles = {title: name for name, title in CLASS_TITLES.items()}
    if chart == "strip":  # one heatmap row, a cell per piece in time order; the legend after
        cells, *legend = data
        names = list(CLASS_TITLES)
        classes = [names[int(code)] for code in cells["z"][0]]
        assert [trace["name"] for trace in legend] == [
            title for name, title in CLASS_TITLES.items() if name in classes
        ]
        assert [titles[title] for title in cells["text"][0]] == classes
        # dates are drawn to the millisecond
        return {"Class": classes, "Hours": (np.diff(cells["x"]) / 3_600_000.0).tolist()}
    if chart == "class-hours":
        return {"Class": [titles[title] for title in data[0]["y"]], "Hours": data[0]["x"]}
    if chart == "kpis":
        return {"Schedule": data[0]["y"], "Greedy": data[1]["y"]}
    if chart == "reasons":
        return {"Reason": data[0]["customdata"], "Blocks": data[0]["x"]}
    if chart in ("inversions-by-night", "night-pressure"):
        # a column per night (four corners and a gap), its hover point on top; oversubscribed
        # nights are traces of their own
        columns = [trace for trace in data if trace["mode"] == "none"]
        tops = [trace for trace in data if trace["mode"] == "lines"]
        assert [trace["fill"] for trace in columns] == ["toself"] * len(tops)
        for column, top in zip(columns, tops, strict=True):
            assert column["y"][2::5] == pytest.approx(top["y"])
            assert column["y"][0::5] == pytest.approx([0.0] * len(top["y"]))
        drawn = sorted((x, y) for t in tops for x, y in zip(t["x"], t["y"], strict=True))
        title = "Inversions" if chart == "inversions-by-night" else "Pressure"
        return {title: [y for _, y in drawn]}
    if chart == "ra-pressure":
        return {"Scheduled (h)": data[0]["y"], "Unscheduled (h)": data[1]["y"]}
    raise AssertionError(f"no expectation for {chart}")


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_csv_is_the_chart_data(reader, why, name):
    url = page_url(name, why)
    drawn = figures(reader.get(url))
    assert drawn
    for chart, figure in drawn.items():
        rows = csv_rows(reader.get(url, {"csv": chart}))
        for column, values in chart_columns(chart, figure).items():
            if column in ("Class", "Reason"):
                assert [row[column] for row in rows] == values, (chart, column)
            else:
                assert floats([row[column] for row in rows]) == pytest.approx(values), (
                    chart,
                    column,
                )


def test_strip_covers_the_schedule_period_and_class_hours_add_up(why):
    data = fragmentation(why)
    assert data.segment_start_mjd[0] == data.window_start_mjd
    assert data.segment_stop_mjd[-1] == data.window_stop_mjd
    assert np.array_equal(data.segment_start_mjd[1:], data.segment_stop_mjd[:-1])
    assert sum(data.hours.values()) == pytest.approx(data.window_hours)
    assert data.hours["non_operable"] == pytest.approx(24.0)


def test_fragmentation_cards_and_tables_are_the_selector(reader, why):
    url = page_url("analytics:fragmentation", why)
    data = fragmentation(why)
    found = cards(reader.get(url))
    assert found["gap-count"] == num(data.gaps.count)
    assert found["gap-median"] == f"{num(data.gaps.median_hours)} h"
    assert found["gap-p90"] == f"{num(data.gaps.p90_hours)} h"
    assert found["gap-largest"] == f"{num(data.gaps.largest_hours)} h"
    assert found["operable-hours"] == f"{num(data.operable_hours, 1)} h"
    gaps = csv_rows(reader.get(url, {"csv": "largest-gaps"}))
    assert floats([row["Start (MJD)"] for row in gaps]) == data.largest_gap_start_mjd.tolist()
    assert [row["Class"] for row in gaps] == data.largest_gap_class.tolist()
    statistics = {row["Statistic"]: float(row["Value"]) for row in csv_rows(
        reader.get(url, {"csv": "gap-statistics"})
    )}  # fmt: skip
    assert statistics["Idle gaps"] == data.gaps.count
    assert statistics["90th percentile (h)"] == pytest.approx(data.gaps.p90_hours)
    assert statistics["Standard deviation (h)"] == pytest.approx(data.gaps.std_hours)


def test_diagnostics_cards_and_tables_are_the_selector(reader, why):
    url = page_url("analytics:diagnostics", why)
    data = diagnostics(why, DiagnosticsFilters())
    found = cards(reader.get(url))
    assert found["composite"] == num(data.kpis.schedule.composite, 3)
    assert found["unscheduled-blocks"] == num(len(data.unscheduled.block_id))
    assert found["blocked"] == num(data.reason_counts["blocked"])
    assert found["inversion-pairs"] == num(data.inversion_pairs)
    assert found["weighted-hours"] == f"{num(data.priority_weighted_hours, 1)} priority × h"
    unscheduled = csv_rows(reader.get(url, {"csv": "unscheduled"}))
    assert [row["Block ID"] for row in unscheduled] == data.unscheduled.source_block_id.tolist()
    assert [row["Reason"] for row in unscheduled] == data.unscheduled.reason.tolist()
    assert floats([row["Longest free stretch (h)"] for row in unscheduled]) == pytest.approx(
        [None if np.isnan(v) else v for v in data.unscheduled.longest_free_hours.tolist()]
    )
    assert floats([row["Priority"] for row in unscheduled]) == [7.0, 6.0, 5.0, 4.0, 2.0, 1.0]
    blockers = csv_rows(reader.get(url, {"csv": "blockers"}))
    assert [(row["Blocked block"], row["Scheduled block"]) for row in blockers] == [("BL", "S1")]
    inversions = csv_rows(reader.get(url, {"csv": "inversions"}))
    assert floats([row["Freed from (MJD)"] for row in inversions]) == (
        data.inversions.freed_start_mjd.tolist()
    )
    for table, blocks in (("only-greedy", data.only_greedy), ("only-schedule", data.only_schedule)):
        rows = csv_rows(reader.get(url, {"csv": table}))
        assert [row["Block ID"] for row in rows] == blocks.source_block_id.tolist()
    kpis = csv_rows(reader.get(url, {"csv": "kpis"}))
    assert [row["KPI"] for row in kpis] == list(KPI_TITLES.values())
    assert data.kpis.verdict in html.unescape(reader.get(url).content.decode())


def test_the_reason_filter_lists_one_reason_and_refuses_unknown_ones(reader, why):
    url = page_url("analytics:diagnostics", why)
    rows = csv_rows(reader.get(url, {"reason": "blocked", "csv": "unscheduled"}))
    assert [row["Block ID"] for row in rows] == ["BL"]
    response = reader.get(url, {"reason": "bored"})
    assert response.status_code == 400
    assert 'id="filters-invalid"' in response.content.decode()


def test_page_csv_and_api_give_the_same_numbers(reader, why, data_source, django_user_model):
    """One figure of each kind, read off the page, its CSV and its endpoint."""
    api = APIClient()
    api.force_authenticate(django_user_model.objects.create_user("api-reader"))
    base = f"/api/v1/schedules/{why.pk}"
    diagnosed = api.get(f"{base}/diagnostics/").json()
    fragmented = api.get(f"{base}/fragmentation/").json()
    page = cards(reader.get(page_url("analytics:diagnostics", why)))
    kpis = {
        row["KPI"]: float(row["Schedule"])
        for row in csv_rows(reader.get(page_url("analytics:diagnostics", why), {"csv": "kpis"}))
    }
    composite = diagnosed["kpis"]["schedule"]["composite"]
    assert page["composite"] == num(composite, 3)
    assert kpis["Composite"] == pytest.approx(composite, rel=1e-12)
    reasons = csv_rows(reader.get(page_url("analytics:diagnostics", why), {"csv": "reasons"}))
    assert {row["Reason"]: int(row["Blocks"]) for row in reasons} == diagnosed["reason_counts"]
    pressure = csv_rows(
        reader.get(page_url("analytics:diagnostics", why), {"csv": "night-pressure"})
    )
    assert floats([row["Pressure"] for row in pressure]) == pytest.approx(
        diagnosed["nights"]["pressure"], rel=1e-12
    )
    statistics = {
        row["Statistic"]: float(row["Value"])
        for row in csv_rows(
            reader.get(page_url("analytics:fragmentation", why), {"csv": "gap-statistics"})
        )
    }
    assert statistics["90th percentile (h)"] == pytest.approx(
        fragmented["gaps"]["p90_hours"], rel=1e-12
    )
    overview_kpis = api.get(f"{base}/overview/").json()["kpis"]
    assert overview_kpis["schedule"]["composite"] == composite
    assert api.get(f"{base}/").json()["kpis"]["schedule"]["composite"] == composite
    assert api.get(f"{base}/").json()["summary"]["composite_score"] == pytest.approx(
        composite, rel=1e-12
    )


def test_without_dark_periods_every_page_says_the_whole_period_is_operable(reader, store_schedule):
    open_sky = store_why_schedule(store_schedule, name="no dark", dark=[])
    for name in (*PAGES, "analytics:overview"):
        content = html.unescape(reader.get(page_url(name, open_sky)).content.decode())
        assert ALL_OPERABLE in content, name
    assert diagnostics(open_sky, DiagnosticsFilters()).notes == [ALL_OPERABLE]
    assert fragmentation(open_sky).hours["non_operable"] == 0.0


def test_with_dark_periods_the_pages_say_which_time_is_operable(reader, why):
    for name in (*PAGES, "analytics:overview"):
        content = html.unescape(reader.get(page_url(name, why)).content.decode())
        assert "Operable time = the dark periods given (2 periods" in content, name
        assert ALL_OPERABLE not in content


def test_the_overview_shows_the_kpis_and_the_verdict(reader, why):
    response = reader.get(page_url("analytics:overview", why))
    kpis = schedule_kpis(why)
    found = cards(response)
    assert found["kpi-composite"] == num(kpis.schedule.composite, 3)
    assert found["kpi-gap-compactness"] == num(kpis.schedule.gap_compactness, 3)
    assert kpis.verdict in response.content.decode()


def test_the_schedule_list_shows_and_sorts_by_the_composite_score(reader, store_schedule):
    worse = store_schedule([dict(priority=1.0)], name="nothing scheduled")
    better = store_why_schedule(store_schedule, name="better")
    scores = {s.pk: s.summary.composite_score for s in (worse, better)}
    assert scores[better.pk] > scores[worse.pk]
    home = reverse("schedules:home")
    best_first = reader.get(home, {"ordering": "-composite"}).content.decode()
    assert best_first.index(">better<") < best_first.index(">nothing scheduled<")
    worst_first = reader.get(home, {"ordering": "composite"}).content.decode()
    assert worst_first.index(">nothing scheduled<") < worst_first.index(">better<")
    assert num(scores[better.pk], 3) in best_first
    assert 'aria-sort="descending"' in best_first


def test_block_tables_carry_each_blocks_reason(reader, why, store_schedule):
    top = csv_rows(
        reader.get(
            page_url("analytics:insights", why), {"csv": "top-priority", "impossible": "include"}
        )
    )
    assert {row["Block ID"]: row["Reason"] for row in top} == REASON_OF
    observations = csv_rows(
        reader.get(page_url("analytics:timeline", why), {"csv": "observations"})
    )
    assert [row["Reason"] for row in observations] == ["scheduled", "scheduled"]
    blocks = [
        {**block, "scheduled": None} if block["source_id"] == "S1" else block for block in BLOCKS
    ]
    second = store_schedule(blocks, DARK, name="why", **PERIOD)
    url = page_url("analytics:compare", second)
    unscheduled = csv_rows(reader.get(url, {"other": why.pk, "csv": "newly-unscheduled"}))
    assert [(row["Block ID"], row["Reason in B"]) for row in unscheduled] == [
        ("S1", reasons_by_source_id(second, ["S1"])[0])
    ]
    assert reasons_by_source_id(second, ["S1", "nope"]) == ["feasible_free", ""]
    assert reasons_by_block_id(why, blocks_of(why), None) == list(REASON_OF.values())


def blocks_of(schedule) -> list[int]:
    return list(schedule.blocks.order_by("id").values_list("id", flat=True))


def test_the_block_page_says_why_and_who_blocks(why, rf):
    ids = dict(zip(REASON_OF, blocks_of(why), strict=True))
    blocked = block_reason(why, ids["BL"])
    assert (blocked.reason, blocked.blocker_count) == ("blocked", 1)
    assert [(row.source_block_id, row.priority) for row in blocked.blockers] == [("S1", 3.0)]
    assert blocked.blocked_hours == pytest.approx(2.4)
    assert blocked.longest_free_hours == pytest.approx(2.4)
    assert [(row.unscheduled_source_id, row.scheduled_source_id) for row in blocked.inversions] == [
        ("BL", "S1")
    ]
    scheduled = block_reason(why, ids["S1"])
    assert (scheduled.reason, scheduled.blockers, len(scheduled.inversions)) == ("scheduled", [], 1)
    assert block_reason(why, max(ids.values()) + 1000) is None
    html_text = render_to_string(
        "analytics/includes/block_reason.html", {"why": blocked, "schedule": why}, rf.get("/")
    )
    assert "Why it was not scheduled" in html_text and "<td>S1</td>" in html_text
    assert "Operable time = the dark periods given" in html_text
