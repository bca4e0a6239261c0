"""Block ids, block and target names and the schedule name are user input that reaches tables,
headings and Plotly hover labels. Markup in them must show as text on every page and never run.

Plotly shows unknown tags in hover labels as text by itself, but it renders the tags it knows
(``<a href>``, ``<b>``, ``<span style>``…): the link payload is the one that proves the pages
escape what they hand to Plotly."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from schedules.models import Schedule
from tests.analytics.factories import BASE_MJD
from tests.e2e.conftest import BrowserProblems, page_urls, wait_for_charts

pytestmark = pytest.mark.e2e

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
LINK = '<a href="https://example.org/phish">phish</a>'
SCHEDULE_NAME = "<script>window.__xss=3</script> Escaping"
# Pages that list blocks by id, and the table that must show the hostile id as text.
BLOCK_TABLES = {
    "timeline": "#table-observations",
    "insights": "#table-top-priority",
    "compare": "#table-newly-scheduled",
    "admin-blocks": "#result_list",
}
# The markup must not exist as elements anywhere, only as text (JSON figure data aside).
INJECTED_ELEMENTS = """() => [...document.querySelectorAll(
  'img[src="x"], a[href$="/phish"], script')].filter(
  (element) => element.tagName.toLowerCase() !== "script"
    || (element.type !== "application/json" && element.textContent.includes("__xss"))).length"""
# Where a point at (RA, Dec) sits in the viewport, from the sky map's axes.
SKY_POSITION = """([id, ra, dec]) => {
  const plot = document.getElementById(id);
  const box = plot.getBoundingClientRect();
  const {xaxis, yaxis} = plot._fullLayout;
  return {x: box.left + xaxis._offset + xaxis.d2p(ra), y: box.top + yaxis._offset + yaxis.d2p(dec)};
}"""


def hostile_blocks(scheduled: bool) -> list[dict]:
    """Two blocks named with markup, far apart on the sky, and two plain ones."""
    window = [(BASE_MJD + 0.10, BASE_MJD + 0.14), (BASE_MJD + 0.20, BASE_MJD + 0.24)]
    return [
        {
            "source_id": IMG,
            "block_name": LINK,
            "target_name": IMG,
            "priority": 9.0,
            "ra_deg": 60.0,
            "dec_deg": 40.0,
            "scheduled": window[0] if scheduled else None,
        },
        {
            "source_id": SCRIPT,
            "block_name": IMG,
            "target_name": LINK,
            "priority": 7.0,
            "ra_deg": 300.0,
            "dec_deg": -40.0,
            "scheduled": window[1] if scheduled else None,
        },
        {"source_id": "plain-1", "priority": 3.0, "ra_deg": 180.0},
        {"source_id": "plain-2", "priority": 1.0, "ra_deg": 200.0},
    ]


@pytest.fixture
def hostile_schedule(store_schedule) -> Schedule:
    """Version 2 schedules what version 1 did not, so the compare page lists the blocks too."""
    dark = [(BASE_MJD, BASE_MJD + 0.5)]
    store_schedule(blocks=hostile_blocks(False), dark_periods=dark, name=SCHEDULE_NAME)
    return store_schedule(blocks=hostile_blocks(True), dark_periods=dark, name=SCHEDULE_NAME)


def assert_nothing_ran(page: Page, where: str) -> None:
    assert page.evaluate("() => window.__xss") is None, f"{where}: injected code ran"
    assert page.evaluate(INJECTED_ELEMENTS) == 0, f"{where}: injected markup became elements"


def test_markup_in_names_shows_as_text_everywhere(
    page: Page, problems: BrowserProblems, sign_in, staff_user, hostile_schedule: Schedule
):
    sign_in(staff_user)
    for name, url in page_urls(hostile_schedule).items():
        page.goto(url)
        wait_for_charts(page)
        assert_nothing_ran(page, name)
        if name == "home":
            expect(page.locator("#table-schedules")).to_contain_text(SCHEDULE_NAME)
        elif name not in ("upload", "admin-blocks"):
            expect(page.locator("#schedule-name")).to_have_text(SCHEDULE_NAME)
        if name in BLOCK_TABLES:
            table = page.locator(BLOCK_TABLES[name])
            expect(table).to_contain_text(IMG)
            expect(table).to_contain_text(SCRIPT)
            expect(table).to_contain_text(LINK)
        problems.assert_none(name)

    report = page.request.get(reverse("analytics:insights-report-html", args=[hostile_schedule.pk]))
    assert report.ok
    for markup in (IMG, SCRIPT, LINK, SCHEDULE_NAME):
        assert markup not in report.text(), f"raw {markup!r} in the HTML insights report"


@pytest.mark.parametrize("index", [0, 1], ids=["img-and-link", "script-and-img"])
def test_sky_map_hover_label_shows_markup_as_text(
    page: Page,
    problems: BrowserProblems,
    sign_in,
    staff_user,
    hostile_schedule: Schedule,
    index: int,
):
    block = hostile_blocks(scheduled=True)[index]
    sign_in(staff_user)
    # The RA/Dec plane, RA to the right: the axes are RA and Dec themselves.
    url = reverse("analytics:sky-map", args=[hostile_schedule.pk])
    page.goto(f"{url}?projection=equirectangular&flip_ra=false")
    wait_for_charts(page)
    page.locator("#plot-sky-map").scroll_into_view_if_needed()
    point = page.evaluate(SKY_POSITION, ["plot-sky-map", block["ra_deg"], block["dec_deg"]])
    page.mouse.move(point["x"], point["y"])

    label = page.locator("#plot-sky-map .hoverlayer .hovertext")
    expect(label).to_be_visible()
    expect(label).to_contain_text(f"{block['source_id']} {block['block_name']}")
    assert label.locator("a, img, script").count() == 0
    assert_nothing_ran(page, "sky map hover")
    problems.assert_none("sky map hover")
