"""Login rate limiting on the site's login page (the admin login): failed logins are counted per
client address and per username, and past the limit further attempts get 429, even with the
right password, until the window ends."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.cache.backends import locmem
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

PASSWORD = "correct horse battery staple"
LIMIT = 3
WINDOW_S = 600


@pytest.fixture(autouse=True)
def limits(settings) -> None:
    settings.TSI_LOGIN_FAILURE_LIMIT = LIMIT
    settings.TSI_LOGIN_FAILURE_WINDOW_S = WINDOW_S


@pytest.fixture
def staff(db) -> User:
    User.objects.create_user("bystander", password=PASSWORD, is_staff=True)
    return User.objects.create_user("staff", password=PASSWORD, is_staff=True)


def attempt(
    username: str, password: str, address: str = "192.0.2.1", **headers: str
) -> HttpResponse:
    """One login from a fresh browser at ``address``."""
    return Client().post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def logged_in(response: HttpResponse) -> bool:
    return response.status_code == 302 and bool(response.cookies.get("sessionid"))


def fail(times: int, username: str = "staff", address: str = "192.0.2.1", **headers: str) -> None:
    for _ in range(times):
        response = attempt(username, "wrong", address, **headers)
        assert response.status_code == 200, "a failed login shows the form again"


def assert_refused(response: HttpResponse, reason: str) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Retry-After"] == str(WINDOW_S)
    assert response.content.decode() == (
        f"Too many failed logins {reason}. Logging in is blocked for at most 10 minutes after "
        "the first failure; try again later.\n"
    )
    assert "sessionid" not in response.cookies


def test_the_defaults_are_five_failures_in_fifteen_minutes():
    from tsi_site import settings as defaults

    assert (defaults.TSI_LOGIN_FAILURE_LIMIT, defaults.TSI_LOGIN_FAILURE_WINDOW_S) == (5, 900)


def test_failures_from_one_address_lock_that_address_out(staff):
    for username in ("staff", "admin", "root"):
        fail(1, username)
    assert_refused(attempt("staff", PASSWORD), "from your address")
    assert_refused(attempt("bystander", PASSWORD), "from your address")
    assert logged_in(attempt("bystander", PASSWORD, address="198.51.100.9"))


def test_failures_for_one_username_lock_it_out_from_every_address(staff):
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        fail(1, "staff", address)
    assert_refused(attempt("staff", PASSWORD, address="198.51.100.9"), "for this username")
    assert logged_in(attempt("bystander", PASSWORD, address="198.51.100.9"))


def test_fewer_failures_than_the_limit_still_allow_the_right_password(staff):
    fail(LIMIT - 1)
    assert logged_in(attempt("staff", PASSWORD))


def test_successful_logins_are_not_counted(staff):
    fail(LIMIT - 1)
    for _ in range(LIMIT + 1):
        assert logged_in(attempt("staff", PASSWORD))


def test_the_login_form_itself_stays_available_while_locked_out(staff):
    fail(LIMIT)
    assert Client().get(reverse("admin:login"), REMOTE_ADDR="192.0.2.1").status_code == 200


@pytest.mark.parametrize("variant", ["STAFF", " staff ", "ｓｔａｆｆ"])
def test_spelling_variants_of_a_username_share_its_count(staff, variant):
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        fail(1, variant, address)
    assert_refused(attempt("staff", PASSWORD, address="198.51.100.9"), "for this username")


def test_the_lockout_ends_with_the_window(staff, monkeypatch):
    fail(LIMIT)
    assert_refused(attempt("staff", PASSWORD), "from your address")
    now = locmem.time.time
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: now() + WINDOW_S + 1))
    assert logged_in(attempt("staff", PASSWORD))


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_limit(staff):
    for index in range(LIMIT):
        fail(1, f"guess-{index}", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}")
    refused = attempt("bystander", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert_refused(refused, "from your address")


def test_behind_trusted_proxies_the_forwarded_client_address_is_counted(staff, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.1"
    for index in range(LIMIT):
        fail(1, f"guess-{index}", proxy, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5")
    assert_refused(
        attempt("bystander", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.5"),
        "from your address",
    )
    assert logged_in(attempt("bystander", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.6"))


def test_other_pages_are_not_limited(staff):
    fail(LIMIT)
    client = Client(REMOTE_ADDR="192.0.2.1")
    client.force_login(staff)
    assert client.get(reverse("schedules:home")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code == 200


def test_failures_on_the_admin_login_lock_the_site_sign_in_too(staff):
    """Both password forms share one count: a guesser gains nothing by switching forms."""
    fail(LIMIT, address="192.0.2.9")
    response = Client().post(
        reverse("login"),
        {"username": "staff", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.10",
    )
    assert_refused(response, "for this username")
