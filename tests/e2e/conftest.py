"""Browser fixtures: one headless system Chromium per session, a fresh context and page per
test, signed-in users, and a watch that fails the test on any console error, uncaught page
exception or server error, so a page that merely "loads" with a broken script still fails."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    WebError,
    sync_playwright,
)

from schedules.models import Schedule
from tests.conftest import REPO_DIR

# Playwright's sync API keeps an asyncio loop running in the test thread for the whole
# session; without this, Django refuses synchronous database access from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOTS_DIR = Path(__file__).resolve().parent / "screenshots"
# Plotly draws each figure's plot area into an <svg class="main-svg"> inside the chart div.
DRAWN_CHART = "svg.main-svg"
CHART_TIMEOUT_MS = 30_000
SAMPLE_FILE = REPO_DIR / "schedules" / "fixtures" / "sample_schedule.json"
SAMPLE_NAME = "Sample schedule"
# URL name of each page of a schedule, keyed by the name its screenshot gets.
SCHEDULE_PAGES = {
    "overview": "analytics:overview",
    "validation": "validation:report",
    "sky-map": "analytics:sky-map",
    "distributions": "analytics:distributions",
    "visibility": "analytics:visibility",
    "timeline": "analytics:timeline",
    "hourglass": "analytics:hourglass",
    "alt-az": "analytics:alt-az",
    "insights": "analytics:insights",
    "trends": "analytics:trends",
    "compare": "analytics:compare",
    "fragmentation": "analytics:fragmentation",
    "diagnostics": "analytics:diagnostics",
    "lineage": "analytics:lineage",
}
FAVICON = "/favicon.ico"


class BrowserProblems:
    """Console errors, uncaught exceptions and 5xx responses seen by every page of a context."""

    def __init__(self, context: BrowserContext) -> None:
        self.found: list[str] = []
        context.on("console", self._console)
        context.on("weberror", self._web_error)
        context.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        # Chromium probes /favicon.ico on a page that names no icon and reports the 404 on
        # whichever page is open then, even after the test; test_pages checks icons reliably.
        if message.type == "error" and not where.endswith(FAVICON):
            self.found.append(f"console error ({where}): {message.text}")

    def _web_error(self, error: WebError) -> None:
        self.found.append(f"uncaught exception: {error.error}")

    def _response(self, response: Response) -> None:
        if response.status >= 500:
            self.found.append(f"HTTP {response.status} for {response.url}")

    def assert_none(self, where: str) -> None:
        """Fail naming ``where`` if anything went wrong since the last check."""
        found, self.found = self.found, []
        assert not found, f"{where}:\n" + "\n".join(found)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser, live_server, transactional_db) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORT, accept_downloads=True
    )
    context.set_default_timeout(CHART_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def problems(context: BrowserContext) -> Iterator[BrowserProblems]:
    """Checked once more at teardown, so a problem after the test's last check still fails it."""
    watch = BrowserProblems(context)
    yield watch
    watch.assert_none("at the end of the test")


@pytest.fixture
def page(context: BrowserContext, problems: BrowserProblems) -> Page:
    return context.new_page()


@pytest.fixture
def sign_in(context: BrowserContext, live_server) -> Callable[[User], None]:
    """Sign a user in by handing the browser the session cookie of a server-side login:
    the pages under test, not the login form, are what these tests are about."""

    def sign_in_as(user: User) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in_as


@pytest.fixture
def staff_user(transactional_db) -> User:
    """A superuser: sees the upload page and the admin as well as the reports."""
    return User.objects.create_superuser("e2e-staff", "staff@example.org", "e2e-password")


@pytest.fixture
def uploader(transactional_db) -> User:
    """A plain user whose only extra right is uploading schedules."""
    user = User.objects.create_user("e2e-uploader", "uploader@example.org", "e2e-password")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="schedules", codename="add_schedule")
    )
    return user


def wait_for_charts(page: Page) -> int:
    """Wait until Plotly has drawn every chart div of the page; returns how many there are."""
    charts = page.locator(".plotly-chart")
    for index in range(charts.count()):
        charts.nth(index).locator(DRAWN_CHART).first.wait_for(state="visible")
    return charts.count()


def screenshot(page: Page, name: str) -> None:
    """A full-page PNG under screenshots/ (git-ignored), for people to look at."""
    SCREENSHOTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS_DIR / f"{name}.png", full_page=True)


def page_urls(schedule: Schedule) -> dict[str, str]:
    """Every page a user reaches for one schedule, keyed by its screenshot name: the list
    (searched for it), its report pages, the upload form and its blocks in the admin."""
    reports = {
        name: reverse(url_name, args=[schedule.pk]) for name, url_name in SCHEDULE_PAGES.items()
    }
    blocks = reverse("admin:schedules_schedulingblock_changelist")
    return {
        "home": f"{reverse('schedules:home')}?{urlencode({'q': schedule.name})}",
        **reports,
        "upload": reverse("schedules:upload"),
        "admin-blocks": f"{blocks}?schedule__id__exact={schedule.pk}",
    }


def ingest_sample_with_draft(directory: Path) -> Schedule:
    """The bundled sample, ingested by the real command as version 2 of its name after an
    earlier draft that differs in blocks, priorities and outcomes, so that the compare page
    has something to compare."""
    document = json.loads(SAMPLE_FILE.read_text())
    document["blocks"] = document["blocks"][:-10]
    scheduled = [block for block in document["blocks"] if block.get("scheduled_period")]
    for block in scheduled[:20]:
        block["scheduled_period"] = None
    for block in document["blocks"][::7]:
        block["priority"] = max(block["priority"] - 1.0, 0.0)
    draft = directory / "draft.json"
    draft.write_text(json.dumps(document))
    call_command("ingest", str(draft), "--name", SAMPLE_NAME)
    call_command("ingest", str(SAMPLE_FILE), "--name", SAMPLE_NAME)
    return Schedule.objects.get(name=SAMPLE_NAME, version=2)


@pytest.fixture
def sample(transactional_db, tmp_path: Path) -> Schedule:
    return ingest_sample_with_draft(tmp_path)
