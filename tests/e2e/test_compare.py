"""The N-way compare in a browser: a plain reader signs in through the form, opens a reference
against two runs, sees the metrics, the status matrix and both charts drawn, and hides the rows
that agree."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.analytics.pages.test_compare import runs
from tests.e2e.conftest import BrowserProblems, screenshot, wait_for_charts
from tests.e2e.test_sign_in import PASSWORD, fill_sign_in

pytestmark = pytest.mark.e2e


def test_a_reader_compares_three_schedules_and_hides_the_rows_that_agree(
    page: Page, problems: BrowserProblems, store_schedule, transactional_db
):
    reference, first, second = runs(store_schedule)
    reader = User.objects.create_user("e2e-compare-reader", "c@example.org", PASSWORD)
    url = f"{reverse('analytics:compare', args=[reference.pk])}?other={first.pk}&other={second.pk}"
    page.goto(url)
    fill_sign_in(page, reader.username)
    matrix = page.locator("#table-status-matrix tbody tr")
    expect(matrix).to_have_count(5)
    expect(page.locator("#table-status-matrix thead th")).to_have_count(4)
    expect(page.locator("#table-multi-metrics")).to_contain_text("3 ★")
    expect(page.locator("#table-pairs tbody tr")).to_have_count(2)
    assert wait_for_charts(page) == 2
    expect(page.locator("#plot-time-use .bars path")).not_to_have_count(0)
    expect(page.locator("#plot-priority-boxes .boxes path")).not_to_have_count(0)
    page.locator("#matrix-toggle").click()
    expect(matrix).to_have_count(3)
    expect(matrix.locator("th")).to_have_text(["b", "d", "e"])
    expect(page.locator("#matrix-toggle")).to_have_text("Show all rows")
    assert wait_for_charts(page) == 2
    screenshot(page, "compare-three-way")
    problems.assert_none("three-way compare")
