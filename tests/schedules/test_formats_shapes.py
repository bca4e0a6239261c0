"""Shapes real files come in: period styles mixed anywhere (even in one list), a location in
its own key style, dark-periods files in every common shape with MJD or ISO-8601 times, and
invalid periods dropped on request (``--drop-invalid-periods``) instead of refused, through
the reader, the command, the upload form and the API."""

from __future__ import annotations

import itertools
import json
import math
from io import StringIO
from pathlib import Path

import orjson
import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from schedules.formats import (
    DroppedPeriods,
    InputFile,
    ScheduleInputError,
    read_dark_periods,
    read_schedule,
)
from schedules.models import IngestJob, Schedule
from schedules.schedule_data import Location, SourceFormat

RAW_ID = "1000004990"


def as_file(document, name: str = "schedule.json") -> InputFile:
    return InputFile(name, json.dumps(document).encode())


@pytest.fixture
def native_text(shared_data) -> str:
    return (shared_data / "schedule_native_example.json").read_text()


@pytest.fixture
def native_document(native_text) -> dict:
    return json.loads(native_text)


@pytest.fixture
def raw_schedule(shared_data) -> InputFile:
    return InputFile.from_path(shared_data / "schedule_raw_one_block.json")


def minimal_block(**fields) -> dict:
    return {
        "original_block_id": "b1",
        "priority": 5.0,
        "target_ra": 10.0,
        "target_dec": -20.0,
        "min_observation": 600.0,
        "requested_duration": 1200.0,
        "constraints": {"min_alt": 30.0, "max_alt": 90.0, "min_az": 0.0, "max_az": 360.0},
        **fields,
    }


def snake(start: float, stop: float) -> dict:
    return {"start": start, "stop": stop}


def native(start: float, stop: float) -> dict:
    return {"start_mjd": start, "end_mjd": stop}


def native_stop(start: float, stop: float) -> dict:
    return {"start_mjd": start, "stop_mjd": stop}


def raw(start: float, stop: float) -> dict:
    return {
        "durationInSec": (stop - start) * 86400,
        "startTime": {"format": "MJD", "scale": "UTC", "value": start},
        "stopTime": {"format": "MJD", "scale": "UTC", "value": stop},
    }


# --- Period styles mixed anywhere -----------------------------------------------------------


def test_the_upstream_example_native_location_with_snake_case_periods(native_text):
    """The upstream example writes its location natively and every period snake-case."""
    text = native_text.replace('"start_mjd"', '"start"').replace('"end_mjd"', '"stop"')
    data = read_schedule(InputFile("upstream.json", text.encode()))
    assert data.source_format == SourceFormat.SNAKE_CASE  # named by its periods' keys
    assert data.location == Location(lat_deg=28.7624, lon_deg=-17.8892, height_m=2396.0)
    assert (data.period_start_mjd, data.period_end_mjd) == (60694.0, 60701.0)
    assert data.dark_periods.tolist() == [[60694.10, 60694.35], [60695.10, 60695.35]]
    assert data.visibility_of(0).tolist() == [[60694.19, 60694.24], [60696.12, 60696.20]]
    assert (data.scheduled_start_mjd[1], data.scheduled_stop_mjd[1]) == (60695.20, 60695.24)
    assert (data.fixed_start_mjd[1], data.fixed_stop_mjd[1]) == (60695.18, 60695.26)
    assert data.checksum() == read_schedule(InputFile("n.json", native_text.encode())).checksum()


def test_one_period_in_another_style_is_read(native_document):
    """Was refused as "mixed period styles"; now the odd period is read like the others."""
    native_document["blocks"][1]["scheduled_period"] = snake(60695.2, 60695.24)
    data = read_schedule(as_file(native_document))
    assert (data.scheduled_start_mjd[1], data.scheduled_stop_mjd[1]) == (60695.2, 60695.24)
    assert data.source_format == SourceFormat.NATIVE  # most of its periods are native


def test_a_location_in_the_other_style_than_the_periods_is_read(native_document):
    """Was refused as "location in the other style": the location's keys are its own."""
    native_document["geographic_location"] = {
        "latitude": 28.7,
        "longitude": -17.9,
        "elevation_m": 2396,
    }
    data = read_schedule(as_file(native_document))
    assert data.location == Location(lat_deg=28.7, lon_deg=-17.9, height_m=2396.0)
    assert data.source_format == SourceFormat.NATIVE
    assert data.dark_periods.tolist() == [[60694.10, 60694.35], [60695.10, 60695.35]]


def test_every_style_in_one_list_of_a_schedule():
    periods = [snake(1.0, 2.0), native(3.0, 4.0), native_stop(5.0, 6.0), raw(7.0, 8.0)]
    document = {
        "blocks": [
            minimal_block(
                visibility_periods=periods,
                scheduled_period=raw(7.1, 7.2),
                constraints={**minimal_block()["constraints"], "fixed_time": native_stop(7, 8)},
            )
        ],
        "dark_periods": list(reversed(periods)),
        "schedule_period": native_stop(0.5, 9.0),
    }
    data = read_schedule(as_file(document))
    assert data.visibility_periods.tolist() == [[1, 2], [3, 4], [5, 6], [7, 8]]
    assert data.dark_periods.tolist() == [[7, 8], [5, 6], [3, 4], [1, 2]]
    assert (data.scheduled_start_mjd[0], data.scheduled_stop_mjd[0]) == (7.1, 7.2)
    assert (data.fixed_start_mjd[0], data.fixed_stop_mjd[0]) == (7.0, 8.0)
    assert (data.period_start_mjd, data.period_end_mjd) == (0.5, 9.0)


def test_a_visibility_file_mixing_period_styles_is_read(raw_schedule):
    """Was refused as "visibility mixing period styles"."""
    mixed = [native(1.0, 2.0), snake(3.0, 4.0), raw(5.0, 6.0), native_stop(7.0, 8.0)]
    visibility = as_file({"blocks": {RAW_ID: mixed}}, "possible_periods.json")
    data = read_schedule(raw_schedule, visibility=visibility)
    assert data.visibility_periods.tolist() == [[1, 2], [3, 4], [5, 6], [7, 8]]


@pytest.mark.parametrize("style", [snake, native, native_stop, raw])
def test_a_raw_schedule_s_scheduled_period_in_any_style(raw_schedule, style):
    document = json.loads(raw_schedule.data)
    document["SchedulingBlock"][0]["scheduled_period"] = style(61894.2, 61894.3)
    data = read_schedule(as_file(document))
    assert (data.scheduled_start_mjd[0], data.scheduled_stop_mjd[0]) == (61894.2, 61894.3)


def test_stop_mjd_throughout_reads_as_native():
    document = {
        "blocks": [minimal_block(visibility_periods=[native_stop(1.0, 2.0)])],
        "dark_periods": [native_stop(0.5, 0.7)],
    }
    data = read_schedule(as_file(document))
    assert data.source_format == SourceFormat.NATIVE
    assert data.visibility_periods.tolist() == [[1.0, 2.0]]


SNAKE_LOCATION = {"latitude": 1.0, "longitude": 2.0}
NATIVE_LOCATION = {"lat_deg": 1.0, "lon_deg": 2.0, "height": 3.0}


@pytest.mark.parametrize(
    ("periods", "location", "expected"),
    [
        ([snake, snake, native], None, SourceFormat.SNAKE_CASE),
        ([native, snake, native_stop], SNAKE_LOCATION, SourceFormat.NATIVE),
        ([snake, native], SNAKE_LOCATION, SourceFormat.SNAKE_CASE),  # a tie: the location's
        ([native, snake], None, SourceFormat.NATIVE),  # a tie without location: native
        ([raw, raw, snake], NATIVE_LOCATION, SourceFormat.SNAKE_CASE),  # raw keys do not count
        ([raw], SNAKE_LOCATION, SourceFormat.SNAKE_CASE),
    ],
)
def test_the_format_of_a_mixed_file_follows_most_of_its_periods(periods, location, expected):
    document = {"blocks": [minimal_block(visibility_periods=[p(1.0, 2.0) for p in periods])]}
    if location:
        document["geographic_location"] = location
    assert read_schedule(as_file(document)).source_format == expected


# --- Dark-periods files in common shapes --------------------------------------------------

# 2028-01-01 is MJD 61771.
DARK_TIMES = {
    "mjd": (61771.75, 61772.25),
    "iso_utc": ("2028-01-01T18:00:00Z", "2028-01-02T06:00:00Z"),
    "iso_without_offset": ("2028-01-01T18:00:00", "2028-01-02T06:00:00"),
    "iso_with_offset": ("2028-01-01T19:00:00+01:00", "2028-01-02T01:30:00-04:30"),
}
DARK_PERIOD_SHAPES = {
    "start_stop": snake,
    "start_mjd_end_mjd": native,
    "start_mjd_stop_mjd": native_stop,
    "raw_time_objects": lambda start, stop: {
        "startTime": {"format": "MJD", "scale": "UTC", "value": start},
        "stopTime": {"format": "MJD", "scale": "UTC", "value": stop},
    },
    "array": lambda start, stop: [start, stop],
}
DARK_KEYS = ("dark_periods", "darkPeriods", "periods", "bare array")


def dark_document(key: str, shape: str, times: str):
    start, stop = DARK_TIMES[times]
    periods = [DARK_PERIOD_SHAPES[shape](start, stop)]
    return periods if key == "bare array" else {key: periods}


@pytest.mark.parametrize(
    ("key", "shape", "times"), list(itertools.product(DARK_KEYS, DARK_PERIOD_SHAPES, DARK_TIMES))
)
def test_dark_periods_file_in_every_shape(key, shape, times):
    document = dark_document(key, shape, times)
    periods, location, window = read_dark_periods(as_file(document, "dark.json"))
    assert periods.tolist() == [[61771.75, 61772.25]]
    assert (location, window) == (None, None)


def test_dark_periods_may_mix_shapes_and_time_forms_in_one_file():
    document = {
        "darkPeriods": [
            [61771.75, "2028-01-02T06:00:00Z"],
            {"start": "2028-01-02T18:00:00", "stop": 61773.25},
            {"startTime": {"value": "2028-01-03T18:00:00Z"}, "stopTime": {"value": 61774.25}},
            native_stop(61774.75, 61775.25),
        ]
    }
    periods, _, _ = read_dark_periods(as_file(document, "dark.json"))
    assert periods.tolist() == [
        [61771.75, 61772.25],
        [61772.75, 61773.25],
        [61773.75, 61774.25],
        [61774.75, 61775.25],
    ]


def test_the_raw_dark_file_keeps_location_and_time_window_with_iso_times(shared_data):
    document = json.loads((shared_data / "dark_periods_raw.json").read_bytes())
    document["Time Window"] = ["2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z"]
    document["dark_periods"] = [["2028-01-01T18:00:00Z", 61772.25]]
    periods, location, window = read_dark_periods(as_file(document, "dark.json"))
    assert periods.tolist() == [[61771.75, 61772.25]]
    assert location == Location(lat_deg=28.7618, lon_deg=-17.8916, height_m=2423.0)
    assert window == (61771.0, 62137.0)


def ingest_command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "shape", "times"),
    [
        (key, shape, list(DARK_TIMES)[index % len(DARK_TIMES)])
        for index, (key, shape) in enumerate(itertools.product(DARK_KEYS, DARK_PERIOD_SHAPES))
    ]
    + [("periods", "array", times) for times in DARK_TIMES],
)
def test_ingest_takes_a_dark_periods_file_in_every_shape(tmp_path, shared_data, key, shape, times):
    dark = tmp_path / "dark.json"
    dark.write_text(json.dumps(dark_document(key, shape, times)))
    schedule = shared_data / "schedule_raw_one_block.json"
    ingest_command(str(schedule), "--dark-periods", str(dark), "--name", "dark shapes")
    assert Schedule.objects.get(name="dark shapes").dark_periods == [[61771.75, 61772.25]]


# --- Dropping invalid periods -------------------------------------------------------------


def backwards_document() -> dict:
    """Valid except for five invalid periods: two visibility periods (one reversed, one
    empty), a dark period in the year 10000, a reversed scheduled period and schedule period."""
    return {
        "name": "Night with broken periods",
        "schedule_period": native(60010.0, 60000.0),
        "dark_periods": [native(60000.0, 60000.4), native(60000.5, 3_000_000.0)],
        "blocks": [
            minimal_block(
                original_block_id="b1",
                visibility_periods=[native(60000.1, 60000.2), native(60000.4, 60000.3)],
                scheduled_period=native(60000.15, 60000.12),
            ),
            minimal_block(
                original_block_id="b2",
                visibility_periods=[native(60000.3, 60000.3), native(60000.25, 60000.35)],
                scheduled_period=native(60000.26, 60000.3),
            ),
        ],
    }


BACKWARDS_LOCATIONS = [
    "schedule.json: blocks[0].scheduled_period",
    "schedule.json: blocks[0].visibility_periods[1]",
    "schedule.json: blocks[1].visibility_periods[0]",
    "schedule.json: dark_periods[1]",
    "schedule.json: schedule_period",
]


def test_invalid_periods_are_dropped_and_reported_on_request():
    dropped = DroppedPeriods()
    data = read_schedule(as_file(backwards_document()), dropped=dropped)
    assert data.visibility_offsets.tolist() == [0, 1, 2]
    assert data.visibility_periods.tolist() == [[60000.1, 60000.2], [60000.25, 60000.35]]
    assert data.dark_periods.tolist() == [[60000.0, 60000.4]]
    assert math.isnan(data.scheduled_start_mjd[0]) and math.isnan(data.scheduled_stop_mjd[0])
    assert (data.scheduled_start_mjd[1], data.scheduled_stop_mjd[1]) == (60000.26, 60000.3)
    assert (data.period_start_mjd, data.period_end_mjd) == (None, None)
    assert (dropped.count, dropped.locations) == (5, BACKWARDS_LOCATIONS)
    assert dropped.summary().startswith(
        "Dropped 5 invalid periods (start not before stop, or outside the years 1 to 9999): "
        "schedule.json: blocks[0].scheduled_period; schedule.json: blocks[0].visibility_periods[1];"
    )


def test_without_the_option_the_first_invalid_period_is_refused():
    with pytest.raises(ScheduleInputError, match=r"blocks\[0\]\.scheduled_period: start 60000\.15"):
        read_schedule(as_file(backwards_document()))


def test_dropping_in_the_companion_files_names_them(raw_schedule):
    raw_document = json.loads(raw_schedule.data)
    time_constraint = raw_document["SchedulingBlock"][0]["schedulingBlockConfiguration_"][
        "constraints_"
    ]["timeConstraint_"]
    time_constraint.update(fixedStartTime=[61900.5], fixedStopTime=[61900.1])
    visibility = {"SchedulingBlock": {RAW_ID: [raw(2.0, 1.0), raw(1.0, 2.0)], "9": [raw(2, 1)]}}
    dark = {
        "Time Window": raw(62137.0, 61771.0),
        "dark_periods": [["2028-01-02T00:00:00Z", "2028-01-01T00:00:00Z"], [1.0, 2.0]],
    }
    dropped = DroppedPeriods()
    data = read_schedule(
        as_file(raw_document),
        visibility=as_file(visibility, "possible_periods.json"),
        dark_periods=as_file(dark, "dark.json"),
        dropped=dropped,
    )
    assert math.isnan(data.fixed_start_mjd[0]) and math.isnan(data.fixed_stop_mjd[0])
    assert data.visibility_periods.tolist() == [[1.0, 2.0]]
    assert data.dark_periods.tolist() == [[1.0, 2.0]]
    assert data.period_start_mjd is None
    assert dropped.locations == [
        "schedule.json: SchedulingBlock[0].schedulingBlockConfiguration_.constraints_"
        ".timeConstraint_",
        f'possible_periods.json: SchedulingBlock["{RAW_ID}"][0]',  # "9" is not in the schedule
        "dark.json: dark_periods[0]",
        "dark.json: Time Window",
    ]


def test_only_the_first_ten_locations_are_kept_but_all_are_counted():
    periods = [native(float(day), float(day) - 0.5) for day in range(1, 26)]
    dropped = DroppedPeriods()
    read_schedule(as_file({"blocks": [], "dark_periods": periods}), dropped=dropped)
    assert dropped.count == 25
    assert dropped.locations == [f"schedule.json: dark_periods[{i}]" for i in range(10)]
    assert dropped.summary().endswith("schedule.json: dark_periods[9]; and 15 more.")


@pytest.fixture
def backwards_file(tmp_path) -> Path:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(backwards_document()))
    return path


@pytest.mark.django_db
def test_the_command_drops_and_reports_with_the_option(backwards_file):
    with pytest.raises(CommandError, match=r"start 60000\.15 is not before stop 60000\.12"):
        ingest_command(str(backwards_file))
    assert not Schedule.objects.exists()

    out, err = ingest_command(str(backwards_file), "--drop-invalid-periods")
    schedule = Schedule.objects.get()
    assert out.strip().endswith("Invalid periods dropped: 5.")
    summary = (
        "Dropped 5 invalid periods (start not before stop, or outside the years 1 to 9999): "
        + "; ".join(BACKWARDS_LOCATIONS)
        + "."
    )
    assert f"Warning: {summary}" in err
    assert schedule.notes == summary
    assert schedule.dark_periods == [[60000.0, 60000.4]]

    out, _ = ingest_command(str(backwards_file), "--drop-invalid-periods", "--json")
    report = json.loads(out)
    assert report["already_ingested"]
    assert (report["dropped_periods"], report["dropped_period_locations"]) == (
        5,
        BACKWARDS_LOCATIONS,
    )
    assert summary in report["warnings"]


@pytest.fixture
def uploader(db) -> User:
    user = User.objects.create_user("uploader")
    user.user_permissions.add(Permission.objects.get(codename="add_schedule"))
    return user


def test_the_upload_form_drops_and_the_job_and_overview_say_so(uploader):
    client = Client()
    client.force_login(uploader)
    content = json.dumps(backwards_document()).encode()
    response = client.post(
        reverse("schedules:upload"),
        {"schedule_file": SimpleUploadedFile("schedule.json", content)},
        follow=True,
    )
    assert "start 60000.15 is not before stop 60000.12" in response.content.decode()

    response = client.post(
        reverse("schedules:upload"),
        {
            "schedule_file": SimpleUploadedFile("schedule.json", content),
            "drop_invalid_periods": "on",
        },
        follow=True,
    )
    job = IngestJob.objects.get(state=IngestJob.State.SUCCEEDED)
    assert job.drop_invalid_periods
    assert (job.dropped_periods, job.dropped_period_locations) == (5, BACKWARDS_LOCATIONS)
    overview = response.content.decode()  # the upload lands on the new schedule
    assert 'id="schedule-notes"' in overview
    assert "Dropped 5 invalid periods" in overview
    assert job.schedule.notes == job.dropped_periods_summary
    job_page = client.get(reverse("schedules:job", args=[job.pk])).content.decode()
    assert 'id="dropped-periods"' in job_page
    assert "blocks[1].visibility_periods[0]" in job_page


def api_upload(uploader: User, body: dict, body_format: str) -> dict:
    client = APIClient()
    client.force_authenticate(uploader)
    response = client.post("/api/v1/schedules/", body, format=body_format)
    assert response.status_code == 202, response.json()
    return client.get(response.json()["url"]).json()


@pytest.mark.parametrize("body_format", ["multipart", "json"])
def test_the_api_upload_drops_on_request_and_the_job_reports_it(uploader, body_format):
    document = backwards_document()

    def body(**options) -> dict:
        if body_format == "json":
            return {"schedule": document, **options}
        upload = SimpleUploadedFile("schedule.json", orjson.dumps(document))
        return {"schedule": upload, **{key: str(value).lower() for key, value in options.items()}}

    refused = api_upload(uploader, body(), body_format)
    assert refused["state"] == "failed" and not refused["drop_invalid_periods"]
    assert "start 60000.15 is not before stop 60000.12" in refused["error"]

    job = api_upload(uploader, body(drop_invalid_periods=True), body_format)
    assert (job["state"], job["drop_invalid_periods"], job["dropped_periods"]) == (
        "succeeded",
        True,
        5,
    )
    assert job["dropped_period_locations"] == BACKWARDS_LOCATIONS
    assert "Dropped 5 invalid periods" in Schedule.objects.get(pk=job["schedule"]).notes


def test_an_identical_reupload_keeps_the_drop_report_and_needs_the_option(uploader):
    content = orjson.dumps(backwards_document())

    def upload(**options) -> dict:
        file = SimpleUploadedFile("schedule.json", content)
        return api_upload(uploader, {"schedule": file, **options}, "multipart")

    first = upload(drop_invalid_periods="true")
    again = upload(drop_invalid_periods="true")
    assert again["id"] != first["id"] and again["schedule"] == first["schedule"]
    assert (again["dropped_periods"], again["dropped_period_locations"]) == (
        5,
        BACKWARDS_LOCATIONS,
    )
    assert upload()["state"] == "failed"  # the same files without the option are refused
