"""Refusals at the door: NUL characters in queries, uploads over the limit (refused as soon as the
declared or received size passes it), clients faking their address, and the headers every
response carries, static files and the API's schema included."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from schedules.models import IngestJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploader(db) -> User:
    user = User.objects.create_user("uploader", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    return user


@pytest.mark.parametrize(
    "path",
    ["/?q=%00", "/?q=a%00b", "/admin/schedules/schedule/?q=%00", "/schedules/1/sky-map/?q=%00"],
)
def test_a_nul_in_the_query_is_a_400_with_a_message(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_the_api_reports_a_nul_in_the_parameter_it_came_in(admin_client):
    response = admin_client.get("/api/v1/schedules/", {"q": "\x00"})
    assert response.status_code == 400
    assert "q" in response.json()["details"]


def test_a_declared_size_over_the_limit_is_refused_before_the_body_is_read(
    client, uploader, settings
):
    settings.TSI_MAX_UPLOAD_BYTES = 1000
    client.force_login(uploader)
    body = io.BytesIO(b"x" * 10)  # the body is never read: the declaration is enough
    response = client.generic(
        "POST",
        "/upload/",
        body.getvalue(),
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(10_000_000),
    )
    assert response.status_code == 413
    assert "the limit is 1,000 bytes per file" in response.content.decode()
    api = APIClient()
    api.force_authenticate(uploader)
    response = api.generic(
        "POST",
        "/api/v1/schedules/",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(10_000_000),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_a_file_over_the_limit_stops_the_upload_with_a_message_on_the_form(
    client, uploader, settings
):
    settings.TSI_MAX_UPLOAD_BYTES = 1000
    client.force_login(uploader)
    big = SimpleUploadedFile("big.json", b"[" + b"1," * 2000 + b"1]", "application/json")
    response = client.post("/upload/", {"schedule_file": big})
    assert response.status_code == 413
    assert "the limit is 1,000 bytes per file" in response.content.decode()
    assert 'id="upload-form"' in response.content.decode()
    assert not IngestJob.objects.exists()
    api = APIClient()
    api.force_authenticate(uploader)
    big.seek(0)
    response = api.post("/api/v1/schedules/", {"schedule": big}, format="multipart")
    assert response.status_code == 413
    assert not IngestJob.objects.exists()


def test_the_anonymous_throttle_counts_the_socket_address(settings, db):
    settings.TSI_PUBLIC_READ = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "100/minute"},
    }
    from django.core.cache import cache
    from rest_framework import throttling

    cache.clear()
    throttling.AnonRateThrottle.THROTTLE_RATES = {"anon": "3/minute", "user": "100/minute"}
    try:
        client = Client()
        statuses = [
            client.get("/api/v1/schedules/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
            for n in range(5)
        ]
    finally:
        throttling.AnonRateThrottle.THROTTLE_RATES = throttling.api_settings.DEFAULT_THROTTLE_RATES
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.parametrize("path", ["/static/tsi/tsi.css", "/static/plotly/plotly.min.js"])
def test_static_files_carry_the_security_headers(settings, path):
    settings.WHITENOISE_USE_FINDERS = True  # no collectstatic in tests
    response = Client().get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_api_description_follows_the_public_read_setting(client, settings, path):
    settings.TSI_PUBLIC_READ = False
    assert client.get(path).status_code in (401, 403)
    settings.TSI_PUBLIC_READ = True
    assert client.get(path).status_code == 200
