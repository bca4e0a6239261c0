"""A filter on the sky map reaches the URL, the drawn figure and the CSV download alike, and
all three agree with the selector for the same filters."""

from __future__ import annotations

import csv
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from analytics.selectors import SkyMapFilters, sky_map
from analytics.selectors.sky_map import SkyMapData
from schedules.models import Schedule
from tests.e2e.conftest import BrowserProblems, wait_for_charts

pytestmark = pytest.mark.e2e

PLOT = "plot-sky-map"
# Blocks drawn on the map: one marker per target, whose label says "<b>N blocks</b>" when
# several blocks share it (the grid, lines and labels are other traces, without hover text).
COUNT_POINTS = """(id) => document.getElementById(id).data
  .filter((trace) => trace.mode === "markers" && trace.text)
  .reduce((total, trace) => total + trace.text.reduce((sum, label) => {
    const many = /^<b>(\\d+) blocks<\\/b>/.exec(label);
    return sum + (many ? Number(many[1]) : 1);
  }, 0), 0)"""


def drawn_points(page: Page) -> int:
    wait_for_charts(page)
    return page.evaluate(COUNT_POINTS, PLOT)


def apply_scheduled_filter(page: Page, schedule: Schedule) -> None:
    page.goto(reverse("analytics:sky-map", args=[schedule.pk]))
    page.select_option("#id_status", "scheduled")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"[?&]status=scheduled(&|$)"))


def test_status_filter_changes_url_and_chart(
    page: Page, problems: BrowserProblems, sign_in, staff_user, sample: Schedule
):
    sign_in(staff_user)
    page.goto(reverse("analytics:sky-map", args=[sample.pk]))
    everything = sky_map(sample, SkyMapFilters())
    assert drawn_points(page) == everything.shown_blocks

    apply_scheduled_filter(page, sample)
    scheduled = sky_map(sample, SkyMapFilters(status="scheduled"))
    assert 0 < scheduled.shown_blocks < everything.shown_blocks
    assert drawn_points(page) == scheduled.shown_blocks
    expect(page.locator("#id_status")).to_have_value("scheduled")
    expect(page.locator("#card-shown-blocks .card-value")).to_have_text(
        f"{scheduled.shown_blocks:,}"
    )
    problems.assert_none("sky map filtered to scheduled blocks")


def expected_rows(data: SkyMapData) -> dict[str, tuple[float, float, float, float]]:
    points = data.points
    return {
        block_id: (ra, dec, priority, start)
        for block_id, ra, dec, priority, start in zip(
            points.source_block_id.tolist(),
            points.ra_deg.tolist(),
            points.dec_deg.tolist(),
            points.priority.tolist(),
            points.scheduled_start_mjd.tolist(),
            strict=True,
        )
    }


def test_csv_download_has_the_filtered_rows(
    page: Page, problems: BrowserProblems, sign_in, staff_user, sample: Schedule
):
    sign_in(staff_user)
    apply_scheduled_filter(page, sample)
    with page.expect_download() as download_info:
        page.locator("#chart-sky-map a.csv-link").click()
    download = download_info.value
    assert download.suggested_filename == "sample-schedule-v2-sky-map.csv"
    assert "status=scheduled" in download.url

    with open(download.path(), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = expected_rows(sky_map(sample, SkyMapFilters(status="scheduled")))
    assert len(rows) == len(expected)
    assert {row["Block ID"] for row in rows} == set(expected)
    for row in rows[:: max(len(rows) // 10, 1)]:
        ra, dec, priority, start = expected[row["Block ID"]]
        assert float(row["RA (°)"]) == ra
        assert float(row["Dec (°)"]) == dec
        assert float(row["Priority"]) == priority
        # CSV floats keep 15 significant digits
        assert float(row["Scheduled start (MJD)"]) == pytest.approx(start, rel=1e-14)
        assert row["Status"] == "Scheduled"
    problems.assert_none("sky map CSV download")
