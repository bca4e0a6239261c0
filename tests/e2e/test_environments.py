"""The environments pages in a browser: a plain reader signs in through the form, finds the
runs of one problem ranked, sees the KPIs' evolution drawn and follows a run; someone who may
change environments renames one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.analytics.environment_runs import store_runs
from tests.e2e.conftest import screenshot, wait_for_charts
from tests.e2e.test_sign_in import PASSWORD, fill_sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def runs(store_schedule) -> dict:
    return store_runs(store_schedule)


def test_a_reader_finds_the_runs_ranked(page: Page, runs, transactional_db):
    reader = User.objects.create_user("e2e-env-reader", "r@example.org", PASSWORD)
    page.goto(reverse("environments:list"))
    fill_sign_in(page, reader.username)
    expect(page.locator("#table-environments tbody tr")).to_have_count(1)
    page.get_by_role("link", name="run none").click()
    expect(page.locator("#environment-name")).to_have_text("run none")
    rows = page.locator("#table-ranking tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("run two v1")
    expect(rows.nth(2)).to_contain_text("baseline")
    assert wait_for_charts(page) == 1
    expect(page.locator("#rename-form")).to_have_count(0)
    screenshot(page, "environment")
    rows.nth(0).get_by_role("link", name="run two v1").click()
    expect(page.locator("#environment-place")).to_contain_text("ranked 1 of 3 by composite KPI")


def test_someone_who_may_change_environments_renames_one(page: Page, runs, transactional_db):
    changer = User.objects.create_user("e2e-env-changer", "c@example.org", PASSWORD)
    changer.user_permissions.add(Permission.objects.get(codename="change_environment"))
    page.goto(reverse("environments:detail", args=[runs["one"].environment_id]))
    fill_sign_in(page, changer.username)
    page.locator("#rename-form input[name=name]").fill("Semester A runs")
    page.locator("#rename-form button").click()
    expect(page.locator("#environment-name")).to_have_text("Semester A runs")
    expect(page.locator(".message-success")).to_contain_text("Renamed the environment")
