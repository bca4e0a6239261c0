"""Issue acceptance: a bulk upload of ten generated runs of one problem appears as one
environment, ranked by composite KPI, through the form and through ``manage.py ingest``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from analytics.selectors.environments import environment_ranking
from schedules.formats import export_native
from schedules.models import Environment, IngestJob
from tests.analytics.factories import BASE_MJD, make_schedule_data

HOUR = 1.0 / 24.0
NIGHT = [(BASE_MJD, BASE_MJD + 0.5)]
RUNS = 10


def run_file(scheduled: int) -> bytes:
    """Run ``scheduled`` of a ten-block problem: its first ``scheduled`` blocks placed back to
    back from dusk. More blocks scheduled is better on every KPI but priority alignment."""
    blocks = [
        {
            "source_id": f"sb-{index}",
            "priority": float(index % 4 + 1),
            "visibility": NIGHT,
            "scheduled": (BASE_MJD + index * HOUR, BASE_MJD + (index + 1) * HOUR)
            if index < scheduled
            else None,
        }
        for index in range(RUNS)
    ]
    return export_native(make_schedule_data(blocks, NIGHT), f"run {scheduled}")


@pytest.fixture
def uploader(client, django_user_model):
    user = django_user_model.objects.create_user("runner", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    client.force_login(user)
    return client


def assert_one_environment_ranked_best_last(names_in_upload_order: list[str]) -> None:
    environment = Environment.objects.get()
    ranking = environment_ranking(environment)
    assert [m.schedule.name for m in ranking.in_upload_order] == names_in_upload_order
    # Every later run schedules one block more, so the ranking is the upload order reversed.
    assert [m.schedule.name for m in ranking.ranked] == names_in_upload_order[::-1]
    assert [m.rank for m in ranking.ranked] == list(range(1, RUNS + 1))
    composites = [m.figures["composite"] for m in ranking.ranked]
    assert composites == sorted(composites, reverse=True) and composites[-1] == 0.0
    assert ranking.baseline.name == names_in_upload_order[0]


def test_ten_runs_uploaded_at_once_are_one_environment_ranked_by_kpi(uploader):
    files = [
        SimpleUploadedFile(f"run-{n}.json", run_file(n), content_type="application/json")
        for n in range(RUNS)
    ]
    response = uploader.post(reverse("schedules:upload"), {"schedule_file": files})
    assert response.status_code == 302
    assert IngestJob.objects.filter(state="succeeded").count() == RUNS
    assert_one_environment_ranked_best_last([f"run-{n}" for n in range(RUNS)])
    page = uploader.get(reverse("environments:list")).content.decode()
    assert page.count('<td class="wrap"><a href="/environments/') == 1


@pytest.mark.django_db
def test_ten_runs_given_to_ingest_as_a_glob_are_one_environment(tmp_path):
    for n in range(RUNS):
        (tmp_path / f"run-{n}.json").write_bytes(run_file(n))
    call_command("ingest", str(tmp_path / "run-*.json"), stdout=StringIO())
    assert_one_environment_ranked_best_last([f"run-{n}" for n in range(RUNS)])
