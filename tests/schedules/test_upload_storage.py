"""Uploaded files are stored once per content, and a disk that cannot take them leaves nothing
behind: a clear message on the form and in the API, no partial file, no job."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from schedules.formats import export_native
from schedules.models import IngestJob
from tests.analytics.factories import make_schedule_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploader(client) -> User:
    user = User.objects.create_user("uploader", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    client.force_login(user)
    return user


def schedule_bytes(priority: float = 5.0) -> bytes:
    return export_native(make_schedule_data([dict(priority=priority)]), "stored once")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "uploads"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_identical_uploads_store_their_content_once(client, uploader):
    before = len(stored_files())
    for _ in range(3):
        upload = SimpleUploadedFile("plan.json", schedule_bytes(), "application/json")
        client.post("/upload/", {"schedule_file": upload})
    assert IngestJob.objects.count() == 3
    assert len(stored_files()) == before + 1
    assert len({job.schedule_file.name for job in IngestJob.objects.all()}) == 1


def test_different_content_gets_a_file_of_its_own(client, uploader):
    before = len(stored_files())
    for priority in (1.0, 2.0):
        upload = SimpleUploadedFile("plan.json", schedule_bytes(priority), "application/json")
        client.post("/upload/", {"schedule_file": upload})
    assert len(stored_files()) == before + 2


def disk_full_after(monkeypatch, files: int) -> None:
    """The storage accepts ``files`` files, then reports a full disk."""
    save = FileSystemStorage._save
    calls = {"n": 0}

    def full(self, name, content):
        calls["n"] += 1
        if calls["n"] > files:
            raise OSError(errno.ENOSPC, "No space left on device")
        return save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", full)


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(client, uploader, monkeypatch):
    before = stored_files()
    disk_full_after(monkeypatch, files=1)
    fields = {
        "schedule_file": SimpleUploadedFile("a.json", schedule_bytes(3.0)),
        "visibility_file": SimpleUploadedFile("b.json", b'{"SchedulingBlock": {}}'),
    }
    response = client.post("/upload/", fields)
    assert response.status_code == 507
    assert "could not store the upload" in response.content.decode()
    assert stored_files() == before
    assert not IngestJob.objects.exists()
    api = APIClient()
    api.force_authenticate(uploader)
    disk_full_after(monkeypatch, files=0)
    upload = SimpleUploadedFile("a.json", schedule_bytes(4.0))
    answer = api.post("/api/v1/schedules/", {"schedule": upload}, format="multipart")
    assert answer.status_code == 507
    assert answer.json()["code"] == "insufficient_storage"
    assert stored_files() == before and not IngestJob.objects.exists()
