"""A bulk upload through the form and the management page, in the browser, as an uploader
signed in through the login form: three files reach the batch summary; the uploader renames
one of their schedules and deletes two after the confirmation page's counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from schedules.formats import export_native
from schedules.models import IngestJob, Schedule
from schedules.pipeline.ingest import ingest_schedule_data
from tests.analytics.factories import make_schedule_data
from tests.e2e.conftest import BrowserProblems, screenshot

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-password"  # the uploader fixture's


def sign_in_through_the_form(page: Page, username: str) -> None:
    page.goto(reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_three_files_through_the_form_reach_the_batch_summary(
    page: Page, problems: BrowserProblems, uploader, tmp_path: Path
):
    files = []
    for name, content in (
        ("night-1.json", export_native(make_schedule_data([dict(priority=2.0)] * 2), "x")),
        ("night-2.json", export_native(make_schedule_data([dict(priority=3.0)]), "x")),
        ("broken.json", b'{"blocks": [\n  {"id": 1,}\n]}'),
    ):
        files.append(tmp_path / name)
        files[-1].write_bytes(content)
    sign_in_through_the_form(page, uploader.username)

    page.locator("#nav-upload").click()
    page.locator("#id_schedule_file").set_input_files(files)
    expect(page.locator("#id_schedule_file")).to_have_attribute("multiple", "")
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_url("**/batches/*/")

    expect(page.locator("#batch-summary")).to_have_text("2 stored, 0 already stored, 1 refused.")
    expect(page.locator("#table-batch tbody tr")).to_have_count(3)
    expect(page.locator("#batch-refusals")).to_contain_text("broken.json")
    expect(page.locator("#batch-refusals")).to_contain_text("line 2")
    assert sorted(Schedule.objects.values_list("name", flat=True)) == ["night-1", "night-2"]
    assert IngestJob.objects.values("batch").distinct().count() == 1
    screenshot(page, "batch")
    page.locator("#table-batch a", has_text="night-1 v1").click()
    expect(page.locator("#schedule-name")).to_have_text("night-1")
    problems.assert_none("the bulk upload and its summary")


def test_an_owner_renames_and_bulk_deletes_after_the_confirmation(
    page: Page, problems: BrowserProblems, uploader
):
    for name, blocks in (("Run A", 1), ("Run B", 2), ("Run C", 3)):
        data = make_schedule_data([dict(priority=float(blocks + n)) for n in range(blocks)])
        ingest_schedule_data(data, name=name, uploaded_by=uploader)
    sign_in_through_the_form(page, uploader.username)

    page.locator("#nav-manage").click()
    expect(page).to_have_url(reverse("schedules:manage"))
    rows = page.locator("#table-manage tbody tr")
    expect(rows).to_have_count(3)
    row_a = page.locator("tr", has_text="Run A")
    row_a.locator("summary", has_text="Rename").click()
    row_a.locator("input[name=name]").fill("Run A, renamed")
    screenshot(page, "manage")
    row_a.locator("button", has_text="Rename").click()
    expect(page.locator(".message-success")).to_contain_text(
        "“Run A v1” is now “Run A, renamed v1”."
    )

    for name in ("Run B", "Run C"):
        page.locator("tr", has_text=name).locator("input[name=ids]").check()
    page.locator("#bulk-delete-button").click()
    expect(page.locator("#delete-counts")).to_contain_text("This deletes 2 schedules with 5 blocks")
    expect(page.locator("#delete-list li")).to_have_count(2)
    assert Schedule.objects.count() == 3
    screenshot(page, "manage-delete")
    page.locator("#confirm-delete").click()

    expect(page.locator(".message-success")).to_contain_text("Deleted 2 schedules.")
    expect(rows).to_have_count(1)
    assert list(Schedule.objects.values_list("name", flat=True)) == ["Run A, renamed"]
    problems.assert_none("the management page")
