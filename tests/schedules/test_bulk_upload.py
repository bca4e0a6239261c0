"""Bulk upload: several schedule files in one form submission, one API request or one
``manage.py ingest``, each its own job (or transaction), with one summary."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from schedules.formats import export_native
from schedules.models import IngestJob, Schedule, SchedulingBlock
from tests.analytics.factories import make_schedule_data

BROKEN = b'{"blocks": [\n  {"id": 1,}\n]}'


def native(priority: float, blocks: int = 1) -> bytes:
    """A small valid native schedule; the priority makes its content distinct."""
    return export_native(
        make_schedule_data([dict(priority=priority)] * blocks), "name inside the file"
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/json")


@pytest.fixture
def uploader(client, django_user_model):
    user = django_user_model.objects.create_user("uploader", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    client.force_login(user)
    client.user = user
    return client


def three_files() -> list[SimpleUploadedFile]:
    return [
        upload("run-a.json", native(3.0, blocks=2)),
        upload("broken.json", BROKEN),
        upload("run-b.json", native(4.0)),
    ]


# --- the form ----------------------------------------------------------------------------------


def test_several_files_become_one_batch_of_jobs_with_a_summary_page(uploader):
    response = uploader.post(reverse("schedules:upload"), {"schedule_file": three_files()})

    jobs = list(IngestJob.objects.order_by("id"))
    assert len(jobs) == 3
    (batch,) = {job.batch for job in jobs}
    assert isinstance(batch, uuid.UUID)
    assert response.status_code == 302
    assert response["Location"] == reverse("schedules:batch", args=[batch])
    # Each file is named after itself, not the name inside it.
    assert sorted(Schedule.objects.values_list("name", "version", "block_count")) == [
        ("run-a", 1, 2),
        ("run-b", 1, 1),
    ]
    assert [job.state for job in jobs] == ["succeeded", "failed", "succeeded"]

    page = uploader.get(response["Location"]).content.decode()
    assert '<p class="lead" id="batch-summary">2 stored, 0 already stored, 1 refused.</p>' in page
    refusals = page.split('id="batch-refusals"')[1]
    assert "broken.json" in refusals and "line 2" in refusals
    assert 'http-equiv="refresh"' not in page  # every job has run


def test_a_refused_file_leaves_the_database_as_it_was(uploader):
    uploader.post(reverse("schedules:upload"), {"schedule_file": [upload("ok.json", native(2.0))]})
    before = (Schedule.objects.count(), SchedulingBlock.objects.count())

    uploader.post(
        reverse("schedules:upload"),
        {"schedule_file": [upload("broken.json", BROKEN), upload("broken-2.json", b"[")]},
    )

    assert (Schedule.objects.count(), SchedulingBlock.objects.count()) == before == (1, 1)
    failed = IngestJob.objects.filter(state="failed")
    assert failed.count() == 2 and all(job.schedule_id is None for job in failed)


def test_content_already_stored_is_counted_apart(uploader):
    uploader.post(
        reverse("schedules:upload"),
        {"schedule_file": upload("first.json", native(5)), "name": "first"},
    )
    response = uploader.post(
        reverse("schedules:upload"),
        {"schedule_file": [upload("again.json", native(5)), upload("new.json", native(6))]},
        follow=True,
    )
    content = response.content.decode()
    assert "1 stored, 1 already stored, 0 refused." in content
    assert Schedule.objects.count() == 2
    assert "first v1" in content  # the stored schedule the repeated file points at


def test_a_batch_still_running_refreshes_itself(uploader):
    batch = uuid.uuid4()
    IngestJob.objects.create(
        schedule_file="uploads/x/waiting.json", created_by=uploader.user, batch=batch
    )
    page = uploader.get(reverse("schedules:batch", args=[batch])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "0 stored, 0 already stored, 0 refused, 1 waiting." in page


def test_one_file_keeps_the_single_upload_behaviour(uploader):
    response = uploader.post(
        reverse("schedules:upload"),
        {"schedule_file": upload("single.json", native(7.0)), "name": "Chosen"},
    )
    schedule = Schedule.objects.get()
    assert (schedule.name, response["Location"]) == ("Chosen", schedule.get_absolute_url())
    assert IngestJob.objects.get().batch is None


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"name": "One name"}, "name", "A name names one schedule"),
        (
            {"visibility_file": upload("vis.json", b"[]")},
            "visibility_file",
            "A companion file belongs to one schedule",
        ),
        (
            {"dark_periods_file": upload("dark.json", b"[]")},
            "dark_periods_file",
            "A companion file belongs to one schedule",
        ),
    ],
)
def test_companions_and_a_name_are_refused_with_several_files(uploader, extra, field, message):
    files = [upload("a.json", native(1.0)), upload("b.json", native(2.0))]
    response = uploader.post(reverse("schedules:upload"), {"schedule_file": files, **extra})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not IngestJob.objects.exists()


def test_the_form_says_and_keeps_its_limits(uploader, settings):
    settings.TSI_MAX_BATCH_FILES = 2
    settings.TSI_MAX_UPLOAD_BYTES = 1000
    form_page = uploader.get(reverse("schedules:upload")).content.decode()
    assert "up to 2 files of at most 1,000 bytes each, 1,051,576 bytes in all." in form_page
    files = [upload(f"{n}.json", native(float(n))) for n in range(3)]
    response = uploader.post(reverse("schedules:upload"), {"schedule_file": files})
    assert "3 files were chosen; one upload takes up to 2 files" in response.content.decode()
    assert not IngestJob.objects.exists()


def test_a_batch_is_shown_only_to_its_uploader_and_staff(uploader, client, django_user_model):
    uploader.post(reverse("schedules:upload"), {"schedule_file": three_files()})
    url = reverse("schedules:batch", args=[IngestJob.objects.first().batch])
    other = django_user_model.objects.create_user("other")
    other.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(django_user_model.objects.create_user("reader"))
    assert client.get(url).status_code == 403
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert client.get(reverse("schedules:batch", args=[uuid.uuid4()])).status_code == 404


# --- the API -----------------------------------------------------------------------------------


@pytest.fixture
def api(client, uploader):
    token = Token.objects.create(user=uploader.user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_the_api_takes_several_files_and_answers_the_batch(api):
    response = api.post("/api/v1/batches/", {"schedules": three_files(), "site": "orm"})

    assert response.status_code == 202, response.content
    body = response.json()
    batch = IngestJob.objects.values_list("batch", flat=True).distinct().get()
    assert body["id"] == str(batch)
    assert response["Location"] == body["url"] == f"http://testserver/api/v1/batches/{batch}/"
    assert body["summary"] == "2 stored, 0 already stored, 1 refused"
    assert (body["stored"], body["already_stored"], body["refused"], body["waiting"]) == (
        2,
        0,
        1,
        0,
    )
    assert body["finished"] is True
    assert [(f["file"], f["outcome"]) for f in body["files"]] == [
        ("run-a.json", "stored"),
        ("broken.json", "refused"),
        ("run-b.json", "stored"),
    ]
    assert "line 2" in body["files"][1]["reason"]
    assert {f["job"]["site"] for f in body["files"]} == {"orm"}  # shared options
    assert {f["job"]["batch"] for f in body["files"]} == {str(batch)}
    assert api.get(body["url"]).json() == body


def test_the_api_refuses_too_many_files_and_an_empty_request(api, settings):
    settings.TSI_MAX_BATCH_FILES = 1
    response = api.post("/api/v1/batches/", {"schedules": three_files()})
    assert response.status_code == 400
    assert "3 files were sent" in response.json()["details"]["schedules"][0]
    assert api.post("/api/v1/batches/", {}).status_code == 400
    assert not IngestJob.objects.exists()


def test_the_api_answers_404_for_a_batch_that_is_not_yours(api):
    assert api.get(f"/api/v1/batches/{uuid.uuid4()}/").status_code == 404


# --- manage.py ingest --------------------------------------------------------------------------


def ingest(*args: str) -> str:
    out = StringIO()
    call_command("ingest", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def files(tmp_path):
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "b.json").write_bytes(native(2.0))
    (tmp_path / "runs" / "a.json").write_bytes(native(1.0, blocks=3))
    (tmp_path / "runs" / "c.json").write_bytes(BROKEN)
    (tmp_path / "single.json").write_bytes(native(9.0))
    return tmp_path


@pytest.mark.django_db
def test_several_paths_and_a_glob_are_ingested_in_turn_with_one_summary(files):
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "ingest", str(files / "single.json"), str(files / "runs" / "*.json"), stdout=out
        )

    assert raised.value.returncode == 2
    assert str(raised.value) == "1 of 4 files were refused."
    lines = out.getvalue().splitlines()
    ids = dict(Schedule.objects.values_list("name", "id"))
    assert lines[0] == (
        f'stored: {files}/single.json → schedule {ids["single"]} ("single" version 1, 1 blocks)'
    )
    # The glob expands in sorted order.
    assert lines[1].startswith(f"stored: {files}/runs/a.json → schedule {ids['a']}")
    assert lines[2].startswith(f"stored: {files}/runs/b.json")
    assert lines[3].startswith(f"refused: {files}/runs/c.json: c.json")
    assert "line 2" in lines[3]
    assert lines[4] == "3 stored, 0 already stored, 1 refused."
    assert sorted(Schedule.objects.values_list("name", "block_count")) == [
        ("a", 3),
        ("b", 1),
        ("single", 1),
    ]


@pytest.mark.django_db
def test_the_json_summary_counts_already_stored_and_unmatched_globs(files):
    ingest("--name", "a", str(files / "runs" / "a.json"))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "ingest",
            "--json",
            str(files / "runs" / "[ab].json"),
            str(files / "none-*.json"),
            stdout=out,
        )
    summary = json.loads(out.getvalue())
    a = Schedule.objects.get(name="a")
    assert summary["files"][0] == {
        "file": f"{files}/runs/a.json",
        "outcome": "already_stored",
        "id": a.pk,
        "name": "a",
        "version": 1,
        "blocks": 3,
        "reason": "",
    }
    assert summary["files"][1]["outcome"] == "stored"
    assert summary["files"][2] == {
        "file": f"{files}/none-*.json",
        "outcome": "refused",
        "id": None,
        "name": None,
        "version": None,
        "blocks": None,
        "reason": "no file matches",
    }
    assert (summary["stored"], summary["already_stored"], summary["refused"]) == (1, 1, 1)
    assert summary["summary"] == "1 stored, 1 already stored, 1 refused"


@pytest.mark.django_db
def test_all_stored_exits_zero(files):
    out = ingest(str(files / "runs" / "a.json"), str(files / "runs" / "b.json"))
    assert out.splitlines()[-1] == "2 stored, 0 already stored, 0 refused."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "option", [["--name", "x"], ["--visibility", "v.json"], ["--dry-run"], ["--fail-if", "a>1"]]
)
def test_options_of_one_schedule_are_refused_with_several_files(files, option):
    with pytest.raises(CommandError) as raised:
        ingest(*option, str(files / "runs" / "a.json"), str(files / "runs" / "b.json"))
    assert raised.value.returncode == 2
    assert "describes one schedule" in str(raised.value)
    assert not Schedule.objects.exists()


def test_files_within_their_limit_but_over_the_total_stop_the_upload(
    uploader, settings, monkeypatch
):
    """The request limit holds for all the files together, whatever the body declared."""
    settings.TSI_MAX_UPLOAD_BYTES = 1000
    monkeypatch.setattr("tsi_site.upload_limits.request_limit_bytes", lambda: 2500)
    files = [upload(f"{n}.json", b"[" + b"1," * 440 + b"1]") for n in range(3)]  # 883 bytes
    response = uploader.post(reverse("schedules:upload"), {"schedule_file": files})
    assert response.status_code == 413
    assert "2.json: the upload passed its limit at this file" in response.content.decode()
    assert not IngestJob.objects.exists()
