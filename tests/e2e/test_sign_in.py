"""Signing in through the site's own form, as people without staff rights do: a reader reaches
the page they asked for, an uploader reaches the upload form too, and the admin stays staff-only."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Page, expect

from schedules.models import Schedule
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password"


@pytest.fixture
def reader(transactional_db) -> User:
    return User.objects.create_user("e2e-reader", "reader@example.org", PASSWORD)


def fill_sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#login-form button[type=submit]").click()


def test_a_reader_signs_in_and_lands_on_the_page_asked_for(page: Page, sample: Schedule, reader):
    sky_map = reverse("analytics:sky-map", args=[sample.pk])
    page.goto(sky_map)
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    screenshot(page, "sign-in")
    fill_sign_in(page, reader.username, "wrong password")
    expect(page.locator(".form-errors")).to_contain_text("correct username and password")
    fill_sign_in(page, reader.username)
    expect(page).to_have_url(sky_map)
    expect(page.locator("#schedule-name")).to_have_text(sample.name)
    expect(page.locator("#nav-upload")).to_have_count(0)
    page.get_by_role("button", name=f"Sign out {reader.username}").click()
    expect(page.locator("#nav-sign-in")).to_be_visible()


def test_an_uploader_signs_in_and_can_upload(page: Page, uploader):
    page.goto(reverse("schedules:upload"))
    fill_sign_in(page, uploader.username)
    expect(page).to_have_url(reverse("schedules:upload"))
    expect(page.locator("#upload-form")).to_be_visible()
    expect(page.locator("#nav-upload")).to_be_visible()


def test_the_admin_stays_for_staff(page: Page, reader):
    page.goto(reverse("admin:index"))
    page.locator("#id_username").fill(reader.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator(".errornote")).to_contain_text("staff account")
