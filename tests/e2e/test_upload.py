"""Uploading through the web UI as a user whose only right is ``schedules.add_schedule``.

Tests use the Immediate task backend, so the ingest job has finished when the POST answers."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from schedules.models import IngestJob, Schedule
from tests.conftest import SHARED_DATA_DIR
from tests.e2e.conftest import BrowserProblems

pytestmark = pytest.mark.e2e

NATIVE_EXAMPLE = SHARED_DATA_DIR / "schedule_native_example.json"


def upload(page: Page, schedule_file: Path) -> None:
    """From the home page, through its upload link, submit one schedule file."""
    page.goto(reverse("schedules:home"))
    page.locator("#upload-link").click()
    expect(page).to_have_url(reverse("schedules:upload"))
    page.locator("#id_schedule_file").set_input_files(schedule_file)
    page.locator("#upload-form button[type=submit]").click()
    # The POST has been answered once the browser has left the form for wherever it leads.
    page.wait_for_url(lambda url: urlparse(url).path != reverse("schedules:upload"))


def test_upload_stores_the_schedule_and_its_job_links_to_it(
    page: Page, problems: BrowserProblems, sign_in, uploader
):
    sign_in(uploader)
    upload(page, NATIVE_EXAMPLE)

    document = json.loads(NATIVE_EXAMPLE.read_text())
    schedule = Schedule.objects.get(name=document["name"])
    assert schedule.uploaded_by == uploader
    expect(page).to_have_url(reverse("analytics:overview", args=[schedule.pk]))
    expect(page.locator(".message-success")).to_contain_text(f"Stored as “{schedule}”")
    expect(page.locator("#card-total-blocks .card-value")).to_have_text(
        str(len(document["blocks"]))
    )
    problems.assert_none("after the upload")

    job = IngestJob.objects.get(schedule=schedule)
    page.goto(reverse("schedules:job", args=[job.pk]))
    expect(page.locator("#job")).to_have_attribute("data-state", "succeeded")
    expect(page.locator("#job-state")).to_have_text("Succeeded")
    expect(page.locator("#job-progress-text")).to_have_text("100 %")
    page.locator("#job-result a").click()
    expect(page).to_have_url(reverse("analytics:overview", args=[schedule.pk]))
    expect(page.locator("#schedule-name")).to_have_text(schedule.name)
    problems.assert_none("the job page and its link")


def test_uploading_the_same_content_again_leads_to_the_stored_schedule(
    page: Page, problems: BrowserProblems, sign_in, uploader
):
    sign_in(uploader)
    upload(page, NATIVE_EXAMPLE)
    upload(page, NATIVE_EXAMPLE)

    schedule = Schedule.objects.get()
    expect(page).to_have_url(reverse("analytics:overview", args=[schedule.pk]))
    expect(page.locator(".message-info")).to_contain_text("already stored")
    problems.assert_none("the second upload")


def test_a_broken_file_ends_on_the_job_page_with_the_error(
    page: Page, problems: BrowserProblems, sign_in, uploader, tmp_path: Path
):
    broken = tmp_path / "broken.json"
    broken.write_text('{"blocks": [')
    sign_in(uploader)
    upload(page, broken)

    job = IngestJob.objects.get()
    expect(page).to_have_url(reverse("schedules:job", args=[job.pk]))
    expect(page.locator("#job-state")).to_have_text("Failed")
    expect(page.locator("#job-error")).to_contain_text("nothing was stored")
    expect(page.locator("#job-error .error-text")).to_have_text(job.error)
    assert "broken.json" in job.error
    assert not Schedule.objects.exists()
    problems.assert_none("the failed upload")
