"""The sky in the ingest (DESIGN §12): a site and a period chosen on every door, dark periods
and visibility computed where the files bring none, recorded on the schedule and shown."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from schedules.apps import is_task_worker
from schedules.formats import InputFile, export_native, read_schedule
from schedules.mjd import parse_period, parse_time
from schedules.models import IngestJob, Schedule
from schedules.pipeline.ingest import PHASE_WEIGHTS, ingest_schedule
from schedules.pipeline.jobs import upload_digest
from schedules.pipeline.sky import SkyOptions
from schedules.selectors import load_schedule_data
from schedules.sky import offline
from schedules.sky.nights import dark_periods
from schedules.sky.sites import MAUNA_KEA, ORM, PARANAL, parse_site, site_from_location
from schedules.sky.visibility import schedule_visibility

pytestmark = [
    pytest.mark.django_db,
    # The sky model computed here directly warns about 2028 lying past the bundled IERS data.
    pytest.mark.filterwarnings("ignore::schedules.sky.offline.SkyAccuracyWarning"),
]

API = "/api/v1"
# January 2028 at La Palma: inside the generated schedule's year.
JANUARY = "2028-01-01,2028-02-01"
JANUARY_MJD = (61771.0, 61802.0)


@pytest.fixture(scope="module")
def raw_files(tmp_path_factory, shared_data) -> dict[str, Path]:
    """A generated raw schedule with its possible-periods and dark-periods files (La Palma,
    2028): 60 blocks whose visibility the generator took from the sky model."""
    folder = tmp_path_factory.mktemp("raw")
    output = folder / "generated.json"
    call_command(
        "generate_schedule",
        *("--blocks", "60", "--periods", "8", "--seed", "5", "--format", "raw"),
        *("--dark-periods", str(shared_data / "dark_periods_raw.json")),
        *("--output", str(output)),
        stdout=StringIO(),
    )
    return {
        "schedule": output,
        "visibility": folder / "generated_possible_periods.json",
        "dark_periods": folder / "generated_dark_periods.json",
    }


def ingest(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def computed_directly(schedule_path: Path, dark_path: Path | None, site=None, dark=None):
    """The schedule as read, with visibility computed by the sky model itself."""
    data = read_schedule(
        InputFile.from_path(schedule_path),
        dark_periods=InputFile.from_path(dark_path) if dark_path else None,
    )
    site = site or site_from_location(data.location)
    return schedule_visibility(data, site, data.dark_periods if dark is None else dark)


# --- computed visibility ------------------------------------------------------------------


def test_a_raw_schedule_without_possible_periods_gets_the_sky_models_visibility(raw_files):
    _, err = ingest(str(raw_files["schedule"]), "--dark-periods", str(raw_files["dark_periods"]))
    schedule = Schedule.objects.get()
    assert schedule.visibility_source == Schedule.VisibilitySource.COMPUTED
    assert "Note: Visibility computed from the sky at the files' site" in err
    assert "Warning: No visibility periods" not in err
    stored, _ = load_schedule_data(schedule)
    offsets, periods = computed_directly(raw_files["schedule"], raw_files["dark_periods"])
    np.testing.assert_array_equal(stored.visibility_offsets, offsets)
    np.testing.assert_array_equal(stored.visibility_periods, periods)
    assert 0 < schedule.summary.impossible_blocks < schedule.block_count / 4
    assert schedule.sky_model == {
        "site_source": "file",
        "period_source": "file",
        "dark_periods": "file",
        "visibility": "computed",
        "method": schedule.sky_model["method"],
    }
    assert schedule.sky_model["method"].startswith("schedules.sky closed form; astropy ")


def test_the_checksum_covers_computed_visibility(raw_files):
    ingest(str(raw_files["schedule"]), "--dark-periods", str(raw_files["dark_periods"]))
    schedule = Schedule.objects.get()
    as_read = read_schedule(
        InputFile.from_path(raw_files["schedule"]),
        dark_periods=InputFile.from_path(raw_files["dark_periods"]),
    )
    computed = read_schedule(
        InputFile.from_path(raw_files["schedule"]),
        dark_periods=InputFile.from_path(raw_files["dark_periods"]),
    )
    computed.visibility_offsets, computed.visibility_periods = computed_directly(
        raw_files["schedule"], raw_files["dark_periods"]
    )
    assert schedule.checksum == computed.checksum() != as_read.checksum()
    # Its native export says the same: computed periods are content like any other.
    exported = read_schedule(
        InputFile("export.json", export_native(load_schedule_data(schedule)[0], "x"))
    )
    assert exported.checksum() == schedule.checksum
    # The same files again compute the same periods: the stored schedule, nothing new.
    output, _ = ingest(str(raw_files["schedule"]), "--dark-periods", str(raw_files["dark_periods"]))
    assert output.startswith(f"Already ingested as schedule {schedule.pk}")
    # The generator's own files give other content: its windows are a run of the sky's.
    ingest(
        str(raw_files["schedule"]),
        *("--visibility", str(raw_files["visibility"])),
        *("--dark-periods", str(raw_files["dark_periods"])),
    )
    assert Schedule.objects.count() == 2


def test_generated_windows_lie_inside_the_computed_ones(raw_files):
    """The generator's windows that are long enough to observe in are windows of the sky."""
    read = read_schedule(
        InputFile.from_path(raw_files["schedule"]),
        visibility=InputFile.from_path(raw_files["visibility"]),
        dark_periods=InputFile.from_path(raw_files["dark_periods"]),
    )
    offsets, periods = computed_directly(raw_files["schedule"], raw_files["dark_periods"])
    checked = 0
    for block in range(read.block_count):
        own = periods[offsets[block] : offsets[block + 1]]
        for start, stop in read.visibility_of(block):
            if (stop - start) * 86400 < read.min_observation_s[block]:
                continue
            inside = (own[:, 0] <= start + 1e-6) & (stop - 1e-6 <= own[:, 1])
            assert inside.any(), (block, start, stop)
            checked += 1
    assert checked > 200


def test_progress_has_a_sky_phase(raw_files):
    seen = []
    ingest_schedule(
        InputFile.from_path(raw_files["schedule"]),
        dark_periods=InputFile.from_path(raw_files["dark_periods"]),
        progress=lambda phase, fraction: seen.append((phase, fraction)),
    )
    phases = [phase for phase, _ in seen]
    assert phases.index("sky") < phases.index("transform") < phases.index("load")
    assert list(PHASE_WEIGHTS) == ["read", "sky", "transform", "load"]
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_it_computes_with_the_network_unreachable(raw_files, no_network):
    ingest(str(raw_files["schedule"]), "--dark-periods", str(raw_files["dark_periods"]))
    schedule = Schedule.objects.get()
    assert schedule.visibility_source == "computed"
    assert schedule.summary.impossible_blocks < schedule.block_count


# --- site and period on the command ----------------------------------------------------------


def test_a_chosen_site_and_period_compute_dark_periods_and_visibility(raw_files):
    _, err = ingest(str(raw_files["schedule"]), "--site", "la-palma", "--period", JANUARY)
    schedule = Schedule.objects.get()
    assert schedule.site_name == ORM.name
    assert (schedule.location_lon_deg, schedule.location_lat_deg) == (ORM.lon_deg, ORM.lat_deg)
    assert (schedule.period_start_mjd, schedule.period_end_mjd) == JANUARY_MJD
    expected_dark = dark_periods(ORM, *JANUARY_MJD)
    np.testing.assert_array_equal(np.array(schedule.dark_periods), expected_dark)
    assert schedule.sky_model["site_source"] == "chosen"
    assert schedule.sky_model["period_source"] == "chosen"
    assert schedule.sky_model["dark_periods"] == "computed"
    assert schedule.sky_model["moon"] is True
    assert "Note: Dark periods computed at ORM (La Palma)" in err
    stored, _ = load_schedule_data(schedule)
    _, periods = computed_directly(raw_files["schedule"], None, ORM, expected_dark)
    np.testing.assert_array_equal(stored.visibility_periods, periods)
    assert schedule.summary.impossible_blocks < schedule.block_count


def test_a_site_replaces_the_one_in_the_files(raw_files):
    ingest(
        str(raw_files["schedule"]),
        *("--dark-periods", str(raw_files["dark_periods"])),
        # "=" because a negative longitude would read as an option.
        "--site=-70.4041,-24.6272,2635",
    )
    schedule = Schedule.objects.get()
    assert (schedule.location_lon_deg, schedule.location_lat_deg, schedule.location_height_m) == (
        -70.4041,
        -24.6272,
        2635.0,
    )
    assert schedule.site_name == "-70.4041,-24.6272,2635"
    stored, _ = load_schedule_data(schedule)
    dark = read_schedule(
        InputFile.from_path(raw_files["schedule"]),
        dark_periods=InputFile.from_path(raw_files["dark_periods"]),
    ).dark_periods
    _, periods = computed_directly(raw_files["schedule"], None, PARANAL, dark)
    np.testing.assert_array_equal(stored.visibility_periods, periods)


def test_the_moon_can_be_left_out_of_computed_dark_periods(raw_files):
    ingest(str(raw_files["schedule"]), "--site", "orm", "--period", JANUARY, "--no-dark-moon")
    schedule = Schedule.objects.get()
    without_moon = np.array(schedule.dark_periods)
    np.testing.assert_array_equal(without_moon, dark_periods(ORM, *JANUARY_MJD, moon=False))
    assert schedule.sky_model["moon"] is False
    with_moon = dark_periods(ORM, *JANUARY_MJD)
    hours = [float(np.sum(np.diff(periods, axis=1))) * 24 for periods in (with_moon, without_moon)]
    assert hours[1] > hours[0] + 50


def test_a_period_in_mjd_and_without_the_files_period(raw_files):
    ingest(str(raw_files["schedule"]), "--site", "orm", "--period", "61771, 61775.5")
    schedule = Schedule.objects.get()
    assert (schedule.period_start_mjd, schedule.period_end_mjd) == (61771.0, 61775.5)
    assert schedule.dark_periods[0][0] >= 61771.0 and schedule.dark_periods[-1][1] <= 61775.5


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--site", "atlantis", "unknown site 'atlantis'; expected a preset (orm, paranal"),
        ("--site", "-17.9,28.8", "has 2 comma-separated values, not 3; expected a preset"),
        ("--site", "-17.9,128.8,2396", "latitude 128.8 is outside -90..90 degrees"),
        ("--period", "2028-01-01", "is not two times separated by a comma; expected START,END"),
        ("--period", "2028-02-01,2028-01-01", "not before its end"),
        ("--period", "soon,later", "'soon' is not a time; expected an ISO-8601 UTC time"),
    ],
)
def test_a_bad_site_or_period_exits_2_naming_what_is_accepted(raw_files, option, value, message):
    with pytest.raises(CommandError, match="^" + option) as raised:
        ingest(str(raw_files["schedule"]), f"{option}={value}")
    assert raised.value.returncode == 2
    assert message in str(raised.value)
    assert not Schedule.objects.exists()


def test_visibility_on_request_replaces_the_files(shared_data):
    native = shared_data / "schedule_native_example.json"
    ingest(str(native), "--compute-visibility")
    schedule = Schedule.objects.get()
    assert schedule.visibility_source == "computed"
    assert schedule.sky_model["dark_periods"] == "file"
    stored, _ = load_schedule_data(schedule)
    offsets, periods = computed_directly(native, None)
    np.testing.assert_array_equal(stored.visibility_offsets, offsets)
    np.testing.assert_array_equal(stored.visibility_periods, periods)


def test_visibility_on_request_without_a_site_is_refused(tmp_path, shared_data):
    document = json.loads((shared_data / "schedule_native_example.json").read_text())
    del document["geographic_location"]
    path = tmp_path / "nowhere.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="cannot compute visibility: the files carry no site"):
        ingest(str(path), "--compute-visibility")
    assert not Schedule.objects.exists()


def test_too_long_a_period_computes_nothing_and_says_why(raw_files):
    _, err = ingest(str(raw_files["schedule"]), "--site", "orm", "--period", "61771,64000")
    schedule = Schedule.objects.get()
    assert schedule.visibility_source == "none" and schedule.dark_periods == []
    assert "the period spans 2,229 days, more than the 1,464" in err


def test_the_json_output_says_what_was_computed(raw_files):
    output, _ = ingest(
        str(raw_files["schedule"]), "--dark-periods", str(raw_files["dark_periods"]), "--json"
    )
    result = json.loads(output)
    assert result["warnings"] == []
    assert result["notes"][0].startswith("Visibility computed from the sky")
    assert result["sky"]["visibility"] == "computed"
    assert "sky" in result["timings"]


# --- the upload form ------------------------------------------------------------------------


def form_post(client, raw_files, **fields):
    with raw_files["schedule"].open("rb") as schedule:
        return client.post(reverse("schedules:upload"), {"schedule_file": schedule, **fields})


def test_the_form_takes_a_preset_site_a_period_and_the_moon_option(admin_client, raw_files):
    response = form_post(
        admin_client,
        raw_files,
        site="orm",
        period_start="2028-01-01",
        period_end="61802",
        dark_moon="no",
    )
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert (job.site, job.period_start_mjd, job.period_end_mjd, job.dark_moon) == (
        "orm",
        *JANUARY_MJD,
        False,
    )
    schedule = job.schedule
    assert schedule.site_name == ORM.name
    assert schedule.visibility_source == "computed"
    np.testing.assert_array_equal(
        np.array(schedule.dark_periods), dark_periods(ORM, *JANUARY_MJD, moon=False)
    )
    page = admin_client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-site">orm<' in page and 'id="job-dark-moon"' in page


def test_the_form_takes_a_custom_site(admin_client, raw_files):
    form_post(
        admin_client,
        raw_files,
        site="custom",
        custom_site="-155.478333, 19.828333, 4160",
        period_start="2028-01-01",
        period_end="2028-01-08",
    )
    schedule = IngestJob.objects.get().schedule
    assert schedule.location_lon_deg == MAUNA_KEA.lon_deg
    assert schedule.site_name == "-155.478,19.8283,4160"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"site": "custom", "custom_site": "1,2"}, "custom_site", "not 3; expected a preset"),
        ({"site": "custom"}, "custom_site", "Give the custom site as lon,lat,height."),
        ({"site": "orm", "custom_site": "1,2,3"}, "custom_site", "Choose “Custom coordinates”"),
        ({"site": "atlantis"}, "site", "Select a valid choice."),
        ({"period_start": "2028-01-01"}, "period_end", "Give both ends of the period"),
        ({"period_start": "x", "period_end": "61800"}, "period_start", "'x' is not a time"),
        (
            {"period_start": "61800", "period_end": "61700"},
            "period_end",
            "not before its end",
        ),
    ],
)
def test_the_form_refuses_a_bad_site_or_period_beside_the_field(
    admin_client, raw_files, fields, field, message
):
    response = form_post(admin_client, raw_files, **fields)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not IngestJob.objects.exists()


def test_the_form_offers_every_preset_and_the_files(admin_client):
    page = admin_client.get(reverse("schedules:upload")).content.decode()
    assert '<option value="" selected>From the files</option>' in page
    for name in ("ORM (La Palma)", "Paranal", "Mauna Kea", "La Silla", "Cerro Pachón"):
        assert name in page
    assert 'name="compute_visibility"' in page and 'name="dark_moon"' in page


def test_the_same_files_with_other_options_are_another_upload(admin_client, raw_files):
    form_post(admin_client, raw_files, site="orm", period_start="61771", period_end="61775")
    form_post(admin_client, raw_files, site="orm", period_start="61771", period_end="61775")
    form_post(admin_client, raw_files, site="paranal", period_start="61771", period_end="61775")
    first, again, other = IngestJob.objects.order_by("id")
    assert again.schedule_id == first.schedule_id
    assert other.schedule_id != first.schedule_id
    assert other.schedule.site_name == "Paranal"


def test_the_upload_digest_keeps_earlier_digests_without_options():
    upload = SimpleUploadedFile("s.json", b"{}")
    assert upload_digest(upload) == upload_digest(upload, sky=SkyOptions())
    assert upload_digest(upload) != upload_digest(upload, sky=SkyOptions(moon=False))


# --- the API --------------------------------------------------------------------------------


@pytest.fixture
def api(db) -> APIClient:
    user = User.objects.create_user("uploader")
    user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_takes_sky_options_in_a_multipart_upload(api, raw_files):
    with raw_files["schedule"].open("rb") as handle:
        response = api.post(
            f"{API}/schedules/",
            {
                "schedule": handle,
                "site": "Mauna Kea",
                "period_start": "2028-01-01T00:00:00Z",
                "period_end": "2028-01-15",
                "dark_moon": "false",
            },
            format="multipart",
        )
    assert response.status_code == 202
    job = response.json()
    assert (job["site"], job["dark_moon"], job["compute_visibility"]) == ("mauna-kea", False, False)
    assert (job["period_start_mjd"], job["period_end_mjd"]) == (61771.0, 61785.0)
    detail = api.get(job["schedule_url"]).json()
    assert detail["site_name"] == "Mauna Kea"
    assert detail["visibility_source"] == "computed"
    assert detail["sky"]["dark_periods"] == "computed" and detail["sky"]["moon"] is False
    assert detail["location"]["lon_deg"] == MAUNA_KEA.lon_deg


def test_the_api_takes_sky_options_in_a_json_upload(api, shared_data):
    document = json.loads((shared_data / "schedule_native_example.json").read_text())
    response = api.post(
        f"{API}/schedules/",
        {
            "schedule": document,
            "site": "-17.8892,28.7624,2396",
            "period_start": 60694,
            "period_end": 60701,
            "compute_visibility": True,
        },
        format="json",
    )
    assert response.status_code == 202
    job = response.json()
    assert job["compute_visibility"] is True and job["dark_moon"] is True
    schedule = Schedule.objects.get(pk=job["schedule"])
    assert schedule.visibility_source == "computed"
    assert schedule.sky_model["site_source"] == "chosen"
    listed = api.get(f"{API}/schedules/").json()["results"][0]
    assert listed["sky"]["visibility"] == "computed" and listed["site_name"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"site": "atlantis"}, "site", "unknown site 'atlantis'; expected a preset"),
        ({"site": "0,0"}, "site", "not 3"),
        ({"period_start": "61800"}, "period_end", "Give both ends"),
        ({"period_start": "61800", "period_end": "tomorrow"}, "period_end", "is not a time"),
        ({"period_start": "61800", "period_end": "61700"}, "period_end", "not before its end"),
    ],
)
@pytest.mark.parametrize("shape", ["json", "multipart"])
def test_the_api_answers_400_for_a_bad_site_or_period(
    api, shared_data, shape, fields, field, message
):
    path = shared_data / "schedule_native_example.json"
    if shape == "json":
        body = {"schedule": json.loads(path.read_text()), **fields}
        response = api.post(f"{API}/schedules/", body, format="json")
    else:
        with path.open("rb") as handle:
            body = {"schedule": handle, **fields}
            response = api.post(f"{API}/schedules/", body, format="multipart")
    assert response.status_code == 400
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert field in json.dumps(response.json())
    assert not IngestJob.objects.exists()


# --- what the schedule shows ----------------------------------------------------------------


def test_summarize_the_overview_and_the_api_show_the_source(admin_client, raw_files):
    ingest(str(raw_files["schedule"]), "--site", "orm", "--period", JANUARY, "--name", "computed")
    schedule = Schedule.objects.get()
    out = StringIO()
    call_command("summarize", str(schedule.pk), "--json", stdout=out)
    sky = json.loads(out.getvalue())["sky"]
    assert sky["site_name"] == ORM.name and sky["visibility_source"] == "computed"
    assert sky["dark_periods"] == "computed" and sky["moon"] is True
    text = StringIO()
    call_command("summarize", str(schedule.pk), stdout=text)
    assert "dark periods computed (Sun below -18° and Moon down); visibility computed" in (
        text.getvalue()
    )
    page = admin_client.get(reverse("analytics:overview", args=[schedule.pk])).content.decode()
    assert 'id="table-sky"' in page
    assert "ORM (La Palma) (chosen at upload)" in page
    assert "computed: the Sun below −18° and the Moon below the horizon" in page
    assert 'id="computed-visibility"' in page
    detail = admin_client.get(f"{API}/schedules/{schedule.pk}/").json()
    assert detail["visibility_source"] == "computed"
    assert detail["sky"]["method"] == schedule.sky_model["method"]


# --- parsing and the worker -----------------------------------------------------------------


def test_times_and_periods_parse_from_iso_or_mjd():
    assert parse_time("2028-01-01") == parse_time("61771") == parse_time("2028-01-01T00:00Z")
    assert parse_time("2028-01-01T01:00:00+01:00") == 61771.0
    assert parse_period(" 2028-01-01 , 61771.5 ") == (61771.0, 61771.5)
    for bad in ("nan", "inf", "1e9", "", "yesterday"):
        with pytest.raises(ValueError, match=r"expected an ISO-8601 UTC time|years 1 to 9999"):
            parse_time(bad)


def test_a_task_worker_loads_the_iers_tables_as_it_starts(monkeypatch, no_network):
    assert is_task_worker(["manage.py", "db_worker", "--queue-name", "*"])
    assert not is_task_worker(["manage.py", "runserver"])
    monkeypatch.setattr(offline, "_valid_mjd", None)
    monkeypatch.setattr("sys.argv", ["manage.py", "db_worker"])
    apps.get_app_config("schedules").ready()
    assert offline._valid_mjd is not None
    assert parse_site("orm") == ORM
