"""A block's page in a real browser: reached by clicking its marker on the sky map, its bar on
the hourglass or its id in a table, and drawn without console errors."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from schedules.models import Schedule, SchedulingBlock
from tests.e2e.conftest import BrowserProblems, screenshot, wait_for_charts

pytestmark = pytest.mark.e2e

BLOCK_PAGE = re.compile(r"/schedules/(\d+)/blocks/(\d+)/$")


def click_a_point(page: Page, chart: str, points: str) -> None:
    """Click the middle of the largest drawn point (narrow bars are easy to miss): plotly reads
    clicks on its drag layer at the mouse position, not on the point's element."""
    wait_for_charts(page)
    drawn = page.locator(f"#plot-{chart} {points}")
    sizes = drawn.evaluate_all(
        "(items) => items.map((item) => item.getBBox().width * item.getBBox().height)"
    )
    assert sizes, f"{chart}: no point drawn"
    point = drawn.nth(max(range(len(sizes)), key=sizes.__getitem__))
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def click_a_link(page: Page, chart: str) -> None:
    """Click the first point of the last trace that links to pages: the rectangles of bar-like
    charts are one filled path, their hover points and links an invisible line over them."""
    wait_for_charts(page)
    chart_div = page.locator(f"#plot-{chart}")
    chart_div.scroll_into_view_if_needed()
    x, y = chart_div.evaluate(
        """(chart) => {
          const trace = chart._fullData.filter((t) => t.customdata && t.mode === "lines").pop();
          const layout = chart._fullLayout;
          const box = chart.querySelector(".nsewdrag").getBoundingClientRect();
          return [box.left + layout.xaxis.c2p(layout.xaxis.d2c(trace.x[0])),
                  box.top + layout.yaxis.c2p(trace.y[0])];
        }"""
    )
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def opened_block(page: Page, schedule: Schedule) -> SchedulingBlock:
    page.wait_for_url(BLOCK_PAGE)
    schedule_id, block_id = BLOCK_PAGE.search(page.url).groups()
    assert int(schedule_id) == schedule.pk
    block = SchedulingBlock.objects.get(pk=int(block_id), schedule=schedule)
    expect(page.locator("h1.page-title")).to_contain_text(f"Block {block.source_block_id}")
    return block


def test_a_sky_map_marker_opens_its_block_page(
    page: Page, problems: BrowserProblems, sign_in, staff_user, sample: Schedule
):
    sign_in(staff_user)
    page.goto(reverse("analytics:sky-map", args=[sample.pk]))
    # The markers are the last traces, over the grid, the lines and the galactic centre.
    click_a_point(page, "sky-map", ".scatterlayer .trace:last-child path.point")
    block = opened_block(page, sample)
    assert wait_for_charts(page) == 2
    expect(page.locator("#table-target")).to_contain_text("Right ascension")
    expect(page.locator("#site-note")).to_contain_text("the schedule's location")
    screenshot(page, f"sample-block-{block.source_block_id}")
    problems.assert_none("block page opened from the sky map")


def test_an_hourglass_bar_opens_its_block_page(
    page: Page, problems: BrowserProblems, sign_in, staff_user, sample: Schedule
):
    sign_in(staff_user)
    page.goto(reverse("analytics:hourglass", args=[sample.pk]))
    # The scheduled blocks are the last traces, over the Moon's hours.
    click_a_link(page, "hourglass")
    block = opened_block(page, sample)
    assert block.scheduled_period, "an unscheduled block was opened"
    problems.assert_none("block page opened from the hourglass")


def test_table_links_open_block_pages(
    page: Page, problems: BrowserProblems, sign_in, staff_user, sample: Schedule
):
    sign_in(staff_user)
    page.goto(reverse("validation:report", args=[sample.pk]))
    link = page.locator("#table-issues tbody a").first
    source_id = link.inner_text()
    link.click()
    block = opened_block(page, sample)
    assert block.source_block_id == source_id
    wait_for_charts(page)
    expect(page.locator("#table-findings")).to_be_visible()
    problems.assert_none("block page opened from the validation issues")
