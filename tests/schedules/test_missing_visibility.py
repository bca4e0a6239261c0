"""A schedule that arrives without visibility periods says so before and after. With a site
(from the files or chosen) its visibility is computed from the sky and a note says so; without
one the form and the command's help warn, the command, the job page and the overview tell,
and the list shows it."""

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


@pytest.fixture
def raw_with_site(tmp_path, raw_schedule):
    """The one-block raw schedule with its target moved to where La Palma sees it high
    (it transits at the scheduled time) in the night of its scheduled period."""
    document = json.loads(raw_schedule.read_text())
    position = document["SchedulingBlock"][0]["target"]["position_"]["coord"]["celestial"]
    position["raInDeg"], position["decInDeg"] = 273.0, 30.0
    path = tmp_path / "raw_visible.json"
    path.write_text(json.dumps(document))
    return path


def test_without_a_site_the_command_warns_and_the_schedule_records_it(raw_schedule):
    out, err = StringIO(), StringIO()
    call_command("ingest", str(raw_schedule), "--name", "bare", stdout=out, stderr=err)
    assert "Warning: No visibility periods were given" in err.getvalue()
    assert "none can be computed without a site" in err.getvalue()
    schedule = Schedule.objects.get(name="bare")
    assert schedule.visibility_source == Schedule.VisibilitySource.NONE
    assert schedule.sky_model["site_source"] == "none"
    assert schedule.summary.impossible_blocks == schedule.block_count


def test_the_json_output_carries_the_warning(raw_schedule):
    out = StringIO()
    call_command("ingest", str(raw_schedule), "--json", stdout=out)
    assert json.loads(out.getvalue())["warnings"][0].startswith("No visibility periods")


def test_with_a_site_visibility_is_computed_and_a_note_says_so(raw_with_site):
    out, err = StringIO(), StringIO()
    call_command(
        "ingest", str(raw_with_site), "--site", "orm", "--name", "sky", stdout=out, stderr=err
    )
    assert "Warning:" not in err.getvalue()
    assert "Note: Visibility computed from the sky at ORM (La Palma)" in err.getvalue()
    schedule = Schedule.objects.get(name="sky")
    assert schedule.visibility_source == Schedule.VisibilitySource.COMPUTED
    assert schedule.summary.impossible_blocks == 0


def test_a_schedule_with_visibility_has_no_warning(store_schedule):
    schedule = store_schedule([dict(priority=1.0)])
    assert schedule.visibility_source == Schedule.VisibilitySource.FILE


def test_the_pages_say_so(admin_client, raw_schedule, raw_with_site, store_schedule):
    call_command(
        "ingest", str(raw_schedule), "--name", "bare", stdout=StringIO(), stderr=StringIO()
    )
    call_command(
        "ingest",
        str(raw_with_site),
        *("--site", "orm", "--name", "sky"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    bare, computed = Schedule.objects.get(name="bare"), Schedule.objects.get(name="sky")
    fine = store_schedule([dict(priority=1.0, scheduled=(60000.1, 60000.2))], name="fine")
    overview = admin_client.get(reverse("analytics:overview", args=[bare.pk])).content.decode()
    assert 'id="no-visibility"' in overview and "none can be computed without a site" in overview
    good = admin_client.get(reverse("analytics:overview", args=[fine.pk])).content.decode()
    assert 'id="no-visibility"' not in good and 'id="computed-visibility"' not in good
    sky = admin_client.get(reverse("analytics:overview", args=[computed.pk])).content.decode()
    assert 'id="no-visibility"' not in sky
    assert 'id="computed-visibility"' in sky and "at ORM (La Palma)" in sky
    job = IngestJob.objects.create(
        schedule_file="uploads/x.json", state=IngestJob.State.SUCCEEDED, schedule=bare
    )
    assert 'id="no-visibility"' in admin_client.get(f"/jobs/{job.pk}/").content.decode()
    listing = admin_client.get(reverse("schedules:home")).content.decode()
    assert "no visibility" in listing and "computed visibility" in listing
    assert "100.0 %" in listing  # the scheduled share of "fine"


def test_the_upload_form_says_what_a_missing_visibility_file_means(admin_client):
    form = admin_client.get(reverse("schedules:upload")).content.decode()
    assert "without it visibility is computed from the sky at the site" in form
    assert "without a site every block counts as impossible" in form
