"""How each format's fields become ScheduleData: variants, defaults and detection."""

import copy
import json
import math
import pickle

import pytest

from schedules.formats import InputFile, ScheduleInputError, read_schedule
from schedules.schedule_data import Location, SourceFormat


def as_file(document, name: str = "schedule.json") -> InputFile:
    return InputFile(name, json.dumps(document).encode())


@pytest.fixture
def raw_document(shared_data) -> dict:
    return json.loads((shared_data / "schedule_raw_one_block.json").read_bytes())


@pytest.fixture
def raw_block(raw_document) -> dict:
    return raw_document["SchedulingBlock"][0]


def time_constraint(block: dict) -> dict:
    return block["schedulingBlockConfiguration_"]["constraints_"]["timeConstraint_"]


def minimal_block(**fields) -> dict:
    block = {
        "priority": 5.0,
        "target_ra": 10.0,
        "target_dec": -20.0,
        "min_observation": 600.0,
        "requested_duration": 1200.0,
        "constraints": {"min_alt": 30.0, "max_alt": 90.0, "min_az": 0.0, "max_az": 360.0},
    }
    block.update(fields)
    return block


def test_raw_string_block_id_is_kept(raw_document, raw_block):
    raw_block["schedulingBlockId"] = "SB-7"
    assert read_schedule(as_file(raw_document)).source_ids == ["SB-7"]


def test_raw_proper_motions_and_equinox_are_read(raw_document, raw_block):
    celestial = raw_block["target"]["position_"]["coord"]["celestial"]
    celestial.update(
        raProperMotionInMarcsecYear=1.5, decProperMotionInMarcsecYear=-2.5, equinox=1950.0
    )
    data = read_schedule(as_file(raw_document))
    assert (data.pm_ra_mas_per_year[0], data.pm_dec_mas_per_year[0], data.equinox[0]) == (
        1.5,
        -2.5,
        1950.0,
    )


def test_raw_defaults_without_proper_motions_equinox_or_target_name(raw_document, raw_block):
    celestial = raw_block["target"]["position_"]["coord"]["celestial"]
    del celestial["raProperMotionInMarcsecYear"], celestial["decProperMotionInMarcsecYear"]
    del celestial["equinox"], raw_block["target"]["name"]
    data = read_schedule(as_file(raw_document))
    assert (data.pm_ra_mas_per_year[0], data.pm_dec_mas_per_year[0], data.equinox[0]) == (
        0.0,
        0.0,
        2000.0,
    )
    assert data.target_names == [""]


@pytest.mark.parametrize(
    "mode",
    [
        {"custom_": {"coordinates": [{"celestial": {"raInDeg": 12.5, "decInDeg": 45.0}}]}},
        {"wobble_": {"centralCoordinate": {"celestial": {"raInDeg": 12.5, "decInDeg": 45.0}}}},
    ],
)
def test_raw_coordinates_from_the_observing_mode(raw_document, raw_block, mode):
    del raw_block["target"]["position_"]
    raw_block["schedulingBlockConfiguration_"]["observingMode_"] = mode
    data = read_schedule(as_file(raw_document))
    assert (data.ra_deg[0], data.dec_deg[0]) == (12.5, 45.0)


@pytest.mark.parametrize(
    ("start", "stop"),
    [
        ({"format": "MJD", "scale": "UTC", "value": 61800.1}, {"value": 61800.2}),
        (61800.1, 61800.2),
        (
            {"startTime": {"value": 61800.1}, "stopTime": {"value": 61800.9}},
            {"startTime": {"value": 61800.0}, "stopTime": {"value": 61800.2}},
        ),
    ],
)
def test_raw_fixed_window_element_may_be_time_number_or_period(
    raw_document, raw_block, start, stop
):
    time_constraint(raw_block).update(fixedStartTime=[start], fixedStopTime=[stop])
    data = read_schedule(as_file(raw_document))
    assert (data.fixed_start_mjd[0], data.fixed_stop_mjd[0]) == (61800.1, 61800.2)


@pytest.mark.parametrize("empty_side", ["fixedStartTime", "fixedStopTime"])
def test_raw_fixed_window_needs_both_lists(raw_document, raw_block, empty_side):
    time_constraint(raw_block).update(fixedStartTime=[61800.1], fixedStopTime=[61800.2])
    time_constraint(raw_block)[empty_side] = []
    data = read_schedule(as_file(raw_document))
    assert math.isnan(data.fixed_start_mjd[0]) and math.isnan(data.fixed_stop_mjd[0])


@pytest.mark.parametrize("scheduled", [None, "absent"])
def test_raw_null_or_absent_scheduled_period_is_unscheduled(raw_document, raw_block, scheduled):
    if scheduled == "absent":
        del raw_block["scheduled_period"]
    else:
        raw_block["scheduled_period"] = None
    data = read_schedule(as_file(raw_document))
    assert math.isnan(data.scheduled_start_mjd[0]) and math.isnan(data.scheduled_stop_mjd[0])


def test_raw_unknown_fields_are_ignored(raw_document, raw_block):
    plain = read_schedule(as_file(raw_document)).checksum()
    raw_block["comment"] = {"deep": [1, 2, {"x": None}]}
    raw_document["producer"] = "scheduler 4.2"
    assert read_schedule(as_file(raw_document)).checksum() == plain


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ({"id": 7}, "7"),
        ({"id": "b7"}, "b7"),
        ({"original_block_id": "orig"}, "orig"),
        ({"original_block_id": 12}, "12"),
        ({"id": 7, "original_block_id": "orig"}, "orig"),
        ({"id": 7, "original_block_id": ""}, "7"),
        ({"id": 7, "original_block_id": None}, "7"),
    ],
)
def test_block_source_id_prefers_original_block_id(ids, expected):
    data = read_schedule(as_file({"blocks": [minimal_block(**ids)]}))
    assert data.source_ids == [expected]


def test_blocks_format_optional_fields_and_our_target_extensions():
    block = minimal_block(
        id=1,
        block_name="Crab run",
        target_name="Crab",
        target_pm_ra=3.0,
        target_pm_dec=-4.0,
        target_equinox=1950.0,
    )
    data = read_schedule(as_file({"blocks": [block, minimal_block(id=2, block_name=None)]}))
    assert data.block_names == ["Crab run", ""]
    assert data.target_names == ["Crab", ""]
    assert data.pm_ra_mas_per_year.tolist() == [3.0, 0.0]
    assert data.pm_dec_mas_per_year.tolist() == [-4.0, 0.0]
    assert data.equinox.tolist() == [1950.0, 2000.0]
    assert data.name == ""
    assert data.visibility_counts().tolist() == [0, 0]
    assert math.isnan(data.fixed_start_mjd[0]) and math.isnan(data.scheduled_start_mjd[1])


def test_snake_case_schedule_with_location_format_c():
    document = {
        "name": "demo",
        "schedule_period": {"start": 61771.0, "stop": 61778.0},
        "dark_periods": [{"start": 61771.0, "stop": 61771.27}],
        "geographic_location": {"latitude": 28.7624, "longitude": -17.8892, "elevation_m": 2396},
        "blocks": [minimal_block(original_block_id="B-42", scheduled_period=None)],
        "possible_periods": {"B-42": [{"start": 61771.9, "stop": 61772.1}]},
    }
    data = read_schedule(as_file(document))
    assert data.source_format == SourceFormat.SNAKE_CASE
    assert data.location == Location(lat_deg=28.7624, lon_deg=-17.8892, height_m=2396.0)
    assert (data.period_start_mjd, data.period_end_mjd) == (61771.0, 61778.0)
    assert data.visibility_periods.tolist() == [[61771.9, 61772.1]]


def test_snake_case_elevation_is_optional():
    document = {
        "blocks": [minimal_block(id=1)],
        "geographic_location": {"latitude": 1.0, "longitude": 2.0},
    }
    data = read_schedule(as_file(document))
    assert data.source_format == SourceFormat.SNAKE_CASE
    assert data.location == Location(lat_deg=1.0, lon_deg=2.0, height_m=0.0)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"blocks": []}, SourceFormat.NATIVE),
        ({"blocks": [], "dark_periods": [{"start": 1, "stop": 2}]}, SourceFormat.SNAKE_CASE),
        ({"blocks": [], "dark_periods": [{"start_mjd": 1, "end_mjd": 2}]}, SourceFormat.NATIVE),
        (
            {"blocks": [], "geographic_location": {"lat_deg": 1, "lon_deg": 2, "height": 3}},
            SourceFormat.NATIVE,
        ),
        ({"SchedulingBlock": []}, SourceFormat.RAW),
    ],
)
def test_format_detection(document, expected):
    assert read_schedule(as_file(document)).source_format == expected


@pytest.mark.parametrize("document", [{"blocks": []}, {"SchedulingBlock": []}])
def test_a_schedule_without_blocks_is_valid(document):
    data = read_schedule(as_file(document))
    assert data.block_count == 0
    assert data.visibility_offsets.tolist() == [0]
    assert len(data.checksum()) == 64


def test_implausible_values_are_kept_for_validation_to_report():
    block = minimal_block(
        id=1,
        target_ra=400.0,
        target_dec=-95.0,
        priority=-3.0,
        min_observation=5000.0,
        requested_duration=100.0,
        constraints={"min_alt": 80.0, "max_alt": 20.0, "min_az": 300.0, "max_az": 10.0},
    )
    data = read_schedule(as_file({"blocks": [block]}))
    assert (data.ra_deg[0], data.dec_deg[0], data.priority[0]) == (400.0, -95.0, -3.0)
    assert data.min_observation_s[0] > data.requested_duration_s[0]
    assert data.min_alt_deg[0] > data.max_alt_deg[0]


def test_utf8_byte_order_mark_is_accepted(shared_data):
    text = (shared_data / "schedule_native_example.json").read_bytes()
    with_bom = read_schedule(InputFile("bom.json", b"\xef\xbb\xbf" + text))
    assert with_bom.checksum() == read_schedule(InputFile("plain.json", text)).checksum()


def test_non_ascii_names_are_read(raw_document, raw_block):
    raw_block["target"]["name"] = "Cúmulo de Hércules — M13"
    assert read_schedule(as_file(raw_document)).target_names == ["Cúmulo de Hércules — M13"]


def test_reading_does_not_modify_its_input(raw_document):
    before = copy.deepcopy(raw_document)
    schedule = as_file(raw_document)
    read_schedule(schedule)
    assert json.loads(schedule.data) == before


def test_input_file_from_path_reads_name_and_bytes(shared_data):
    file = InputFile.from_path(shared_data / "schedule_native_example.json")
    assert file.name == "schedule_native_example.json"
    assert file.data == (shared_data / "schedule_native_example.json").read_bytes()


def test_input_file_from_missing_path(tmp_path):
    with pytest.raises(ScheduleInputError) as caught:
        InputFile.from_path(tmp_path / "nowhere.json")
    assert caught.value.file == "nowhere.json"
    assert "file not found" in str(caught.value)


def test_input_file_size_is_checked_before_reading(tmp_path, settings, monkeypatch):
    settings.TSI_MAX_UPLOAD_BYTES = 10
    path = tmp_path / "big.json"
    path.write_bytes(b'{"blocks": []}')

    def refuse_to_read(self):
        raise AssertionError("an oversized file must not be read")

    monkeypatch.setattr(type(path), "read_bytes", refuse_to_read)
    with pytest.raises(ScheduleInputError, match="TSI_MAX_UPLOAD_BYTES") as caught:
        InputFile.from_path(path)
    assert str(caught.value).startswith("big.json: file is 14 bytes")


def test_oversized_in_memory_file_is_refused(settings):
    settings.TSI_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ScheduleInputError, match="TSI_MAX_UPLOAD_BYTES"):
        read_schedule(InputFile("upload.json", b'{"blocks": []}'))


def test_error_text_and_parts():
    error = ScheduleInputError(
        "schedule.json", "blocks[17].priority", "expected a number, got a string"
    )
    assert str(error) == "schedule.json: blocks[17].priority: expected a number, got a string"
    assert (error.file, error.location, error.message) == (
        "schedule.json",
        "blocks[17].priority",
        "expected a number, got a string",
    )
    assert str(ScheduleInputError("x.json", "", "file is empty")) == "x.json: file is empty"
    copied = pickle.loads(pickle.dumps(error))
    assert (copied.file, copied.location, copied.message) == (
        error.file,
        error.location,
        error.message,
    )
