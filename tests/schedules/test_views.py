"""Schedule list, upload form, job pages and the native export."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schedules.formats import export_native
from schedules.models import IngestJob, Schedule
from tests.analytics.factories import make_schedule_data

BLOCKS = [
    dict(source_id="1", priority=3.0, block_name="<script>alert(1)</script>"),
    dict(source_id="2", priority=8.0, scheduled=(60000.1, 60000.15)),
]


def schedule_upload(blocks=BLOCKS, name: str = "uploaded.json") -> SimpleUploadedFile:
    content = export_native(make_schedule_data(blocks), "from file")
    return SimpleUploadedFile(name, content, content_type="application/json")


@pytest.fixture
def uploader(client, django_user_model):
    user = django_user_model.objects.create_user("uploader", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    client.force_login(user)
    return client


@pytest.fixture
def reader(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    return client


def test_home_lists_schedules_with_search_and_pages(reader):
    names = [f"run {index:02d}" for index in range(27)] + ["<b>odd</b>"]
    Schedule.objects.bulk_create(
        Schedule(name=name, checksum=f"{index:064x}", source_format="native")
        for index, name in enumerate(names)
    )
    first = reader.get(reverse("schedules:home"))
    assert first.status_code == 200
    content = first.content.decode()
    assert "Page 1 of 2" in content and "&lt;b&gt;odd&lt;/b&gt;" in content
    assert "<b>odd</b>" not in content
    assert 'id="upload-link"' not in content  # readers may not upload
    second = reader.get(reverse("schedules:home"), {"page": "2"})
    assert second.context["page_obj"].number == 2
    found = reader.get(reverse("schedules:home"), {"q": "run 1"})
    assert {s.name for s in found.context["page_obj"]} == {f"run {i}" for i in range(10, 20)}
    none = reader.get(reverse("schedules:home"), {"q": "nothing like it"})
    assert "No schedule matches" in none.content.decode()


def test_home_offers_upload_to_uploaders(uploader, db):
    content = uploader.get(reverse("schedules:home")).content.decode()
    assert 'id="upload-link"' in content


def test_upload_stores_the_schedule_and_opens_it(uploader):
    page = uploader.get(reverse("schedules:upload"))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    response = uploader.post(
        reverse("schedules:upload"), {"schedule_file": schedule_upload(), "name": "Night 1"}
    )
    schedule = Schedule.objects.get()
    assert (schedule.name, schedule.block_count) == ("Night 1", 2)
    assert response.status_code == 302 and response["Location"] == schedule.get_absolute_url()
    job = IngestJob.objects.get()
    assert job.state == IngestJob.State.SUCCEEDED and job.schedule == schedule
    job_page = uploader.get(reverse("schedules:job", args=[job.pk])).content.decode()
    assert 'id="job-result"' in job_page and schedule.get_absolute_url() in job_page
    assert "job.js" not in job_page  # finished: nothing left to poll


def test_the_same_content_again_goes_to_the_stored_schedule(uploader):
    uploader.post(reverse("schedules:upload"), {"schedule_file": schedule_upload()})
    response = uploader.post(
        reverse("schedules:upload"), {"schedule_file": schedule_upload()}, follow=True
    )
    schedule = Schedule.objects.get()
    assert response.redirect_chain[-1][0] == schedule.get_absolute_url()
    assert "already stored" in response.content.decode()


def test_a_bad_file_fails_with_a_located_error(uploader):
    bad = SimpleUploadedFile("broken.json", b'{"blocks": [\n  {"id": 1,}\n]}')
    response = uploader.post(reverse("schedules:upload"), {"schedule_file": bad}, follow=True)
    job = IngestJob.objects.get()
    assert job.state == IngestJob.State.FAILED
    assert response.redirect_chain[-1][0] == reverse("schedules:job", args=[job.pk])
    content = response.content.decode()
    assert 'id="job-error"' in content and "broken.json" in content and "line 2" in content
    assert not Schedule.objects.exists()


def test_upload_form_errors(uploader, settings):
    response = uploader.post(reverse("schedules:upload"), {"name": "no file"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    settings.TSI_MAX_UPLOAD_BYTES = 10
    too_big = uploader.post(reverse("schedules:upload"), {"schedule_file": schedule_upload()})
    assert "the limit is 10 bytes" in too_big.content.decode()
    assert not IngestJob.objects.exists()


def test_running_job_page_follows_progress(uploader, django_user_model):
    job = IngestJob.objects.create(
        schedule_file="uploads/x.json",
        state=IngestJob.State.RUNNING,
        phase="load",
        progress=0.5,
        created_by=django_user_model.objects.get(username="uploader"),
    )
    content = uploader.get(reverse("schedules:job", args=[job.pk])).content.decode()
    assert 'id="job-progress"' in content and 'value="0.500000"' in content
    assert "tsi/job.js" in content and 'http-equiv="refresh"' in content
    assert reverse("schedules:job-status", args=[job.pk]) in content
    status = uploader.get(reverse("schedules:job-status", args=[job.pk])).json()
    assert status == {
        "state": "running",
        "phase": "load",
        "progress": 0.5,
        "finished": False,
        "error": "",
        "schedule_url": None,
    }


def test_upload_and_jobs_need_the_permission(client, reader, db):
    job = IngestJob.objects.create(schedule_file="uploads/x.json")
    for url in (
        reverse("schedules:upload"),
        reverse("schedules:job", args=[job.pk]),
        reverse("schedules:job-status", args=[job.pk]),
    ):
        assert reader.get(url).status_code == 403
    reader.logout()
    for url in (reverse("schedules:upload"), reverse("schedules:job", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_anonymous_list_needs_login_unless_public(client, db, settings):
    settings.TSI_PUBLIC_READ = False
    assert client.get(reverse("schedules:home")).status_code == 302
    settings.TSI_PUBLIC_READ = True
    assert client.get(reverse("schedules:home")).status_code == 200


def test_export_downloads_the_native_format(reader, store_schedule):
    schedule = store_schedule(BLOCKS, name="Export me")
    response = reader.get(reverse("schedules:export", args=[schedule.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="export-me-v1.json"'
    document = json.loads(response.content)
    assert [block["original_block_id"] for block in document["blocks"]] == ["1", "2"]
    assert reader.get(reverse("schedules:export", args=[999999])).status_code == 404


def test_favicon_is_served_for_pages_that_name_none(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/tsi/favicon.svg"


@pytest.mark.parametrize(
    "url",
    ["/", "/schedules/{id}/", "/schedules/{id}/sky-map/", "/schedules/{id}/validation/",
     "/schedules/{id}/export/", "/schedules/{id}/insights/report.html"],
)  # fmt: skip
def test_head_answers_like_get(admin_client, store_schedule, url):
    schedule = store_schedule([dict(priority=1.0)])
    response = admin_client.head(url.format(id=schedule.pk))
    assert response.status_code == 200
    assert response.content == b""


def test_the_api_has_an_index(admin_client):
    index = admin_client.get("/api/v1/").json()
    assert index["schedules"].endswith("/api/v1/schedules/")
    assert any(url.endswith("/{schedule_id}/sky-map/") for url in index["per_schedule"])
    for name in ("jobs", "health", "schema", "docs"):
        assert admin_client.get(index[name]).status_code == 200, name
