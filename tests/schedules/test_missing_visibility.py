"""A schedule that arrives without visibility periods says so before and after: the form and
the command's help warn, the command, the job page and the overview tell, the list shows it."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from schedules.models import IngestJob, Schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def raw_schedule(shared_data):
    return shared_data / "schedule_raw_one_block.json"


def test_the_command_warns_and_the_schedule_records_it(raw_schedule):
    out, err = StringIO(), StringIO()
    call_command("ingest", str(raw_schedule), "--name", "bare", stdout=out, stderr=err)
    assert "Warning: No visibility periods were given" in err.getvalue()
    schedule = Schedule.objects.get(name="bare")
    assert schedule.visibility_source == Schedule.VisibilitySource.NONE
    assert schedule.summary.impossible_blocks == schedule.block_count


def test_the_json_output_carries_the_warning(raw_schedule):
    out = StringIO()
    call_command("ingest", str(raw_schedule), "--json", stdout=out)
    assert json.loads(out.getvalue())["warnings"][0].startswith("No visibility periods")


def test_a_schedule_with_visibility_has_no_warning(store_schedule):
    schedule = store_schedule([dict(priority=1.0)])
    assert schedule.visibility_source == Schedule.VisibilitySource.FILE


def test_the_pages_say_so(admin_client, raw_schedule, store_schedule):
    call_command(
        "ingest", str(raw_schedule), "--name", "bare", stdout=StringIO(), stderr=StringIO()
    )
    bare = Schedule.objects.get(name="bare")
    fine = store_schedule([dict(priority=1.0, scheduled=(60000.1, 60000.2))], name="fine")
    overview = admin_client.get(reverse("analytics:overview", args=[bare.pk])).content.decode()
    assert 'id="no-visibility"' in overview
    good = admin_client.get(reverse("analytics:overview", args=[fine.pk])).content.decode()
    assert 'id="no-visibility"' not in good
    job = IngestJob.objects.create(
        schedule_file="uploads/x.json", state=IngestJob.State.SUCCEEDED, schedule=bare
    )
    assert 'id="no-visibility"' in admin_client.get(f"/jobs/{job.pk}/").content.decode()
    listing = admin_client.get(reverse("schedules:home")).content.decode()
    assert "no visibility" in listing
    assert "100.0 %" in listing  # the scheduled share of "fine"


def test_the_upload_form_says_what_a_missing_visibility_file_means(admin_client):
    form = admin_client.get(reverse("schedules:upload")).content.decode()
    assert "without it every block counts as impossible" in form
