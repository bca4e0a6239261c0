"""The lineage page and a block's history in a real browser, read by a plain reader signed in
through the site's form: the chart draws, the steps and versions list, the history links."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Page, expect

from schedules.models import Schedule, SchedulingBlock
from tests.e2e.conftest import BrowserProblems, screenshot, wait_for_charts
from tests.e2e.test_sign_in import PASSWORD, fill_sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def reader(transactional_db) -> User:
    return User.objects.create_user("e2e-lineage-reader", "lineage@example.org", PASSWORD)


def test_a_reader_follows_the_lineage_to_a_block(
    page: Page, problems: BrowserProblems, sample: Schedule, reader: User
):
    lineage = reverse("analytics:lineage", args=[sample.pk])
    page.goto(lineage)
    fill_sign_in(page, reader.username)
    expect(page).to_have_url(lineage)
    assert wait_for_charts(page) == 1
    # Six kinds of change as bars and the churn rate as a line, over the one step v1 → v2.
    expect(page.locator("#plot-steps .barlayer .trace")).to_have_count(6)
    expect(page.locator("#plot-steps .scatterlayer .trace")).to_have_count(1)
    expect(page.locator("#table-steps tbody tr.current-row")).to_contain_text("v1 → v2")
    expect(page.locator("#table-lineage-versions tbody tr")).to_have_count(2)
    expect(page.locator("#table-lineage-versions tr.current-row")).to_contain_text("v2 (this)")
    expect(page.locator("#schedule-nav a[aria-current=page]")).to_have_text("Lineage")
    screenshot(page, "sample-lineage")
    problems.assert_none("lineage page")

    # The first scheduled block was unscheduled in the draft (v1): newly scheduled in v2.
    block = (
        SchedulingBlock.objects.filter(schedule=sample).exclude(scheduled_period=[]).order_by("id")
    ).first()
    page.goto(reverse("analytics:block", args=[sample.pk, block.pk]))
    history = page.locator("#table-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("v2 (this)")
    expect(history.nth(1)).to_contain_text("newly scheduled")
    history.nth(0).locator("a").click()
    expect(page.locator("h1.page-title")).to_contain_text(f"Block {block.source_block_id}")
    expect(page.locator("#schedule-version")).to_have_text("v1")
    wait_for_charts(page)
    screenshot(page, "sample-block-history")
    problems.assert_none("block page history")
