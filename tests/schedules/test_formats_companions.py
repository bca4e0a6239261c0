"""Visibility and dark-periods files beside a schedule of any format."""

import json

import pytest

from schedules.formats import InputFile, read_dark_periods, read_schedule
from schedules.schedule_data import Location

PERIOD_STYLES = {
    "raw": lambda start, stop: {
        "durationInSec": (stop - start) * 86400,
        "startTime": {"format": "MJD", "scale": "UTC", "value": start},
        "stopTime": {"format": "MJD", "scale": "UTC", "value": stop},
    },
    "snake_case": lambda start, stop: {"start": start, "stop": stop},
    "native": lambda start, stop: {"start_mjd": start, "end_mjd": stop},
}
VISIBILITY_SHAPES = {
    "raw": lambda entries: {"SchedulingBlock": entries},
    "blocks": lambda entries: {"blocks": entries},
    "bare": lambda entries: entries,
}


def as_file(name: str, document) -> InputFile:
    return InputFile(name, json.dumps(document).encode())


@pytest.fixture
def native_document(shared_data) -> dict:
    return json.loads((shared_data / "schedule_native_example.json").read_bytes())


@pytest.fixture
def raw_schedule(shared_data) -> InputFile:
    return InputFile.from_path(shared_data / "schedule_raw_one_block.json")


@pytest.mark.parametrize("style", PERIOD_STYLES)
@pytest.mark.parametrize("shape", VISIBILITY_SHAPES)
def test_visibility_file_in_any_shape_and_period_style(raw_schedule, shape, style):
    period = PERIOD_STYLES[style]
    entries = {
        "1000004990": [period(61800.1, 61800.2), period(61801.1, 61801.3)],
        "999": [period(1.0, 2.0)],
    }
    visibility = as_file("possible_periods.json", VISIBILITY_SHAPES[shape](entries))
    data = read_schedule(raw_schedule, visibility=visibility)
    assert data.visibility_offsets.tolist() == [0, 2]
    assert data.visibility_periods.tolist() == [[61800.1, 61800.2], [61801.1, 61801.3]]


def test_blocks_missing_from_the_visibility_file_have_none(raw_schedule):
    visibility = as_file("possible_periods.json", {"SchedulingBlock": {"42": []}})
    data = read_schedule(raw_schedule, visibility=visibility)
    assert data.visibility_counts().tolist() == [0]


def test_visibility_file_replaces_embedded_possible_periods_of_named_blocks(native_document):
    schedule = as_file("schedule.json", native_document)
    visibility = as_file("vis.json", {"block-1000002": [{"start": 60697.0, "stop": 60697.5}]})
    data = read_schedule(schedule, visibility=visibility)
    assert data.visibility_of(0).tolist() == [[60694.19, 60694.24], [60696.12, 60696.20]]
    assert data.visibility_of(1).tolist() == [[60697.0, 60697.5]]


def test_possible_periods_replace_only_the_blocks_they_name(native_document):
    native_document["blocks"][0]["visibility_periods"] = [{"start_mjd": 1.0, "end_mjd": 2.0}]
    native_document["blocks"][1]["visibility_periods"] = [{"start_mjd": 3.0, "end_mjd": 4.0}]
    del native_document["possible_periods"]["block-1000002"]
    data = read_schedule(as_file("schedule.json", native_document))
    assert data.visibility_of(0).tolist() == [[60694.19, 60694.24], [60696.12, 60696.20]]
    assert data.visibility_of(1).tolist() == [[3.0, 4.0]]


@pytest.mark.parametrize("style", PERIOD_STYLES)
def test_dark_periods_file_with_dark_periods_key_in_any_style(raw_schedule, style):
    period = PERIOD_STYLES[style]
    dark = as_file("dark.json", {"dark_periods": [period(1.0, 2.0), period(3.0, 4.5)]})
    data = read_schedule(raw_schedule, dark_periods=dark)
    assert data.dark_periods.tolist() == [[1.0, 2.0], [3.0, 4.5]]
    assert data.location is None
    assert data.period_start_mjd is None


@pytest.mark.parametrize("style", PERIOD_STYLES)
def test_dark_periods_file_as_a_bare_list(style):
    period = PERIOD_STYLES[style]
    periods, location, window = read_dark_periods(as_file("dark.json", [period(1.0, 2.0)]))
    assert periods.tolist() == [[1.0, 2.0]]
    assert (location, window) == (None, None)


def test_dark_periods_file_replaces_embedded_periods_but_not_location_or_period(
    native_document, shared_data
):
    data = read_schedule(
        as_file("schedule.json", native_document),
        dark_periods=InputFile.from_path(shared_data / "dark_periods_raw.json"),
    )
    assert data.dark_periods.shape == (314, 2)
    assert data.location == Location(lat_deg=28.7624, lon_deg=-17.8892, height_m=2396.0)
    assert (data.period_start_mjd, data.period_end_mjd) == (60694.0, 60701.0)


def test_dark_periods_file_fills_location_and_period_a_schedule_lacks(native_document, shared_data):
    del native_document["geographic_location"], native_document["schedule_period"]
    data = read_schedule(
        as_file("schedule.json", native_document),
        dark_periods=InputFile.from_path(shared_data / "dark_periods_raw.json"),
    )
    assert data.location == Location(lat_deg=28.7618, lon_deg=-17.8916, height_m=2423.0)
    assert (data.period_start_mjd, data.period_end_mjd) == (61771.0, 62137.0)


def test_empty_companions_are_valid(raw_schedule):
    data = read_schedule(
        raw_schedule,
        visibility=as_file("vis.json", {}),
        dark_periods=as_file("dark.json", {"dark_periods": []}),
    )
    assert data.visibility_counts().tolist() == [0]
    assert data.dark_periods.shape == (0, 2)


def test_a_block_id_that_looks_like_a_period_key_is_not_taken_for_one():
    """The style is sniffed from the first period key; an id "start" must not mislead it."""
    schedule = as_file(
        "schedule.json",
        {
            "blocks": [
                {
                    "original_block_id": "start",
                    "priority": 1,
                    "target_ra": 1,
                    "target_dec": 2,
                    "min_observation": 0,
                    "requested_duration": 0,
                    "constraints": {"min_alt": 0, "max_alt": 90, "min_az": 0, "max_az": 360},
                }
            ],
            "possible_periods": {"start": [{"start_mjd": 1.0, "end_mjd": 2.0}]},
        },
    )
    visibility = as_file("vis.json", {"start": [{"start_mjd": 5.0, "end_mjd": 6.0}]})
    assert read_schedule(schedule).visibility_periods.tolist() == [[1.0, 2.0]]
    assert read_schedule(schedule, visibility=visibility).visibility_periods.tolist() == [
        [5.0, 6.0]
    ]
