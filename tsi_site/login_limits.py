"""Login rate limiting: after ``TSI_LOGIN_FAILURE_LIMIT`` failed logins within
``TSI_LOGIN_FAILURE_WINDOW_S`` seconds from one client address, or for one username, the login
page answers 429 to further attempts until that window ends.

Failures are counted from Django's ``user_login_failed`` signal, so every failed
``authenticate()`` counts, whatever asked for it. The refusal happens on the POST to either
password form (the site's sign-in page, ``settings.LOGIN_URL``, and the admin's) before the form
runs, so a locked-out guess never reaches the password check and cannot succeed. Successful logins
are never counted. Counts live in the default cache: per process with the local-memory cache,
shared by every web process with Redis (``CACHE_URL``).
"""

from __future__ import annotations

import hashlib
from math import ceil

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from rest_framework.settings import api_settings

_KEY_PREFIX = "tsi:login-failures"
# The login form and authenticate() both name the username "username", whatever the user model.
_USERNAME = "username"


def client_address(request: HttpRequest) -> str:
    """The client's IP address: ``REMOTE_ADDR``, or, behind the ``NUM_PROXIES`` proxies the API
    throttles also trust, the address the outermost of them saw. X-Forwarded-For is ignored
    otherwise: a client could write anything there to dodge the limit."""
    proxies = api_settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def _key(kind: str, value: str) -> str:
    # Hashed, since usernames may hold characters that some cache backends refuse in keys.
    return f"{_KEY_PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _username_key(username: str) -> str:
    """One count per username as the login form looks it up (stripped, NFKC-normalised), and
    case-folded too, so spelling variants of a name share its count."""
    return _key("username", get_user_model().normalize_username(username.strip()).casefold())


def _subjects(request: HttpRequest | None, username: str) -> dict[str, str]:
    """Cache key of each count an attempt belongs to, mapped to what it says to the client."""
    subjects = {}
    if request is not None:
        subjects[_key("address", client_address(request))] = "from your address"
    if username:
        subjects[_username_key(username)] = "for this username"
    return subjects


@receiver(user_login_failed, dispatch_uid="tsi_site.login_limits.count_failure")
def count_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """Add one failure to the attempt's address and username counts."""
    window = settings.TSI_LOGIN_FAILURE_WINDOW_S
    username = credentials.get(_USERNAME)
    for key in _subjects(request, username if isinstance(username, str) else ""):
        # The window starts at the first failure; later failures never extend it.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)


def locked_out(request: HttpRequest, username: str) -> str | None:
    """Why this attempt may not try a password now ("from your address"…), or None."""
    subjects = _subjects(request, username)
    counts = cache.get_many(list(subjects))
    limit = settings.TSI_LOGIN_FAILURE_LIMIT
    return next((subjects[key] for key, count in counts.items() if count >= limit), None)


class LoginLimitMiddleware:
    """Answers 429 to a login attempt from a locked-out address or for a locked-out username."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in _password_forms():
            reason = locked_out(request, request.POST.get(_USERNAME, ""))
            if reason is not None:
                return _too_many_failures(reason)
        return self.get_response(request)


def _password_forms() -> set[str]:
    return {resolve_url(settings.LOGIN_URL), reverse("admin:login")}


def _too_many_failures(reason: str) -> HttpResponse:
    window = settings.TSI_LOGIN_FAILURE_WINDOW_S
    response = HttpResponse(
        f"Too many failed logins {reason}. Logging in is blocked for at most "
        f"{ceil(window / 60)} minutes after the first failure; try again later.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(window)
    return response
