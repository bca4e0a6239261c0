"""Every page of a schedule, in a real browser: it loads without console or server errors, and
each chart either draws or says plainly why there is nothing to draw. Run for the bundled
sample, for degenerate schedules and for a schedule ten times the size of a real one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from schedules.models import Schedule
from schedules.pipeline.ingest import ingest_schedule_data
from schedules.synthetic import generate_schedule_data
from tests.e2e.conftest import (
    FAVICON,
    SCHEDULE_PAGES,
    BrowserProblems,
    ingest_sample_with_draft,
    page_urls,
    screenshot,
    wait_for_charts,
)

pytestmark = pytest.mark.e2e

DEGENERATE_NAME = "Degenerate schedule"
# Pages that always show at least one chart card (compare only once it has two schedules).
CHART_PAGES = {"sky-map", "distributions", "visibility", "timeline", "insights", "trends"}


class Charts(Enum):
    """What the chart cards of a schedule's pages must show."""

    DRAWN = "every chart is drawn"
    EMPTY = "every chart is replaced by a message"
    EITHER = "each chart is drawn or replaced by a message"


@dataclass(frozen=True)
class Case:
    label: str
    charts: Charts
    build: Callable[[Path, Callable], Schedule]
    has_previous_version: bool


def sample_with_draft(tmp_path: Path, store_schedule: Callable) -> Schedule:
    return ingest_sample_with_draft(tmp_path)


def empty_schedule(tmp_path: Path, store_schedule: Callable) -> Schedule:
    return store_schedule(blocks=[], name=DEGENERATE_NAME)


def flat_schedule(tmp_path: Path, store_schedule: Callable) -> Schedule:
    """Nothing scheduled and every priority equal, stored as the next version of an empty
    schedule: the compare page then has two schedules with no block in common."""
    store_schedule(blocks=[], name=DEGENERATE_NAME)
    blocks = [
        {"ra_deg": 30.0 * index, "dec_deg": -60.0 + 20.0 * index, "priority": 5.0}
        for index in range(6)
    ]
    return store_schedule(blocks=blocks, name=DEGENERATE_NAME)


def large_schedule(tmp_path: Path, store_schedule: Callable) -> Schedule:
    data = generate_schedule_data(blocks=25_000, periods_per_block=8, seed=3)
    return ingest_schedule_data(data, name="Synthetic 25k").schedule


CASES = [
    pytest.param(Case("sample", Charts.DRAWN, sample_with_draft, True), id="sample"),
    pytest.param(Case("empty", Charts.EMPTY, empty_schedule, False), id="empty"),
    pytest.param(Case("flat", Charts.EITHER, flat_schedule, True), id="flat"),
    pytest.param(
        Case("large", Charts.DRAWN, large_schedule, False),
        id="large",
        marks=pytest.mark.slow,
    ),
]


def check_chart_cards(page: Page, name: str, charts: Charts) -> None:
    """Each chart card holds a drawn figure or a visible sentence saying why not."""
    cards = page.locator("section.chart-card")
    drawn = wait_for_charts(page)
    messages = page.locator("section.chart-card .empty-message")
    for index in range(messages.count()):
        expect(messages.nth(index)).to_be_visible()
        expect(messages.nth(index)).not_to_have_text("")
    assert drawn + messages.count() == cards.count(), f"{name}: a chart card shows nothing"
    if charts is Charts.DRAWN:
        assert messages.count() == 0, f"{name}: {messages.all_inner_texts()}"
    elif charts is Charts.EMPTY:
        assert drawn == 0, f"{name}: {drawn} charts drawn for a schedule with no blocks"


@pytest.mark.parametrize("case", CASES)
def test_every_page_loads_and_draws_its_charts(
    case: Case,
    page: Page,
    problems: BrowserProblems,
    sign_in,
    staff_user,
    store_schedule,
    tmp_path: Path,
):
    schedule = case.build(tmp_path, store_schedule)
    sign_in(staff_user)
    for name, url in page_urls(schedule).items():
        response = page.goto(url)
        assert response is not None, url
        assert response.status == 200, f"{name}: HTTP {response.status} for {url}"
        check_chart_cards(page, name, case.charts)
        if name in CHART_PAGES or (name == "compare" and case.has_previous_version):
            assert page.locator("section.chart-card").count() > 0, f"{name}: no chart cards"
        if name == "compare" and not case.has_previous_version:
            expect(page.locator("#compare-prompt")).to_be_visible()
        if name in SCHEDULE_PAGES:
            expect(page.locator("#schedule-name")).to_have_text(schedule.name)
        screenshot(page, f"{case.label}-{name}")
        problems.assert_none(f"{name} ({url})")


@pytest.mark.parametrize(
    "url_name", ["schedules:home", "admin:schedules_schedulingblock_changelist"]
)
def test_pages_have_an_icon(
    url_name: str, page: Page, problems: BrowserProblems, sign_in, staff_user
):
    """A page that names no icon makes Chromium fetch /favicon.ico; a 404 there is a console
    error on the first page a visitor opens (the browser watch leaves that one to this test,
    because Chromium reports it late, on whatever page is open by then)."""
    sign_in(staff_user)
    page.goto(reverse(url_name))
    icon = page.evaluate(
        """(fallback) => {
          const link = document.querySelector("link[rel~='icon']");
          return link ? link.href : new URL(fallback, location.href).href;
        }""",
        FAVICON,
    )
    response = page.request.get(icon)
    assert response.ok, f"{url_name}: the icon {icon} answers HTTP {response.status}"
