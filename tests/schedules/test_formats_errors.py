"""Bad input: every problem is a ScheduleInputError naming the file, where, and what."""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from schedules.formats import InputFile, ScheduleInputError, read_schedule

RAW_ID = "1000004990"


@dataclass(frozen=True)
class Case:
    """Files to read (built from the samples) and the error they must give."""

    build: Callable[[dict, dict], dict[str, bytes]]
    file: str
    location: str
    message: str


def schedule(text: bytes) -> Callable[[dict, dict], dict[str, bytes]]:
    return lambda native, raw: {"schedule.json": text}


def native_with(change: Callable[[dict], object]) -> Callable[[dict, dict], dict[str, bytes]]:
    def build(native: dict, raw: dict) -> dict[str, bytes]:
        change(native)
        return {"schedule.json": json.dumps(native, indent=2).encode()}

    return build


def raw_with(
    change: Callable[[dict], object] = lambda block: None, **companions: object
) -> Callable[[dict, dict], dict[str, bytes]]:
    def build(native: dict, raw: dict) -> dict[str, bytes]:
        change(raw["SchedulingBlock"][0])
        files = {"schedule.json": json.dumps(raw).encode()}
        for name, content in companions.items():
            text = content if isinstance(content, bytes) else json.dumps(content).encode()
            files[f"{name}.json"] = text
        return files

    return build


def block(index: int, **fields) -> Callable[[dict], object]:
    return lambda document: document["blocks"][index].update(fields)


def time_constraint(**fields) -> Callable[[dict], object]:
    return lambda raw_block: raw_block["schedulingBlockConfiguration_"]["constraints_"][
        "timeConstraint_"
    ].update(fields)


def raw_period(start: float, stop: float) -> dict:
    return {"startTime": {"value": start}, "stopTime": {"value": stop}}


def native_period(start: float, stop: float) -> dict:
    return {"start_mjd": start, "end_mjd": stop}


TIME_CONSTRAINT_PATH = (
    "SchedulingBlock[0].schedulingBlockConfiguration_.constraints_.timeConstraint_"
)
SCHEDULE = "schedule.json"
VISIBILITY = "possible_periods.json"
DARK = "dark_periods.json"
DEPTH = "TSI_MAX_JSON_DEPTH"

CASES = {
    # Whole-file and syntax problems.
    "empty": Case(schedule(b""), SCHEDULE, "", "file is empty"),
    "whitespace only": Case(schedule(b" \n\t\r\n "), SCHEDULE, "", "file is empty"),
    "syntax error": Case(
        schedule(b'{"blocks": [1,}'), SCHEDULE, "line 1, column 15", "invalid JSON"
    ),
    "syntax error on a later line": Case(
        schedule(b'{\n  "blocks": [],\n  "name": "x" "y"\n}'),
        SCHEDULE,
        "line 3, column 15",
        "invalid JSON: expected ',' or '}'",
    ),
    "truncated": Case(
        schedule(b'{"blocks": ['), SCHEDULE, "line 1, column 13", "unexpected end of file"
    ),
    "trailing text": Case(
        schedule(b'{"blocks": []} extra'), SCHEDULE, "line 1, column 16", "after the end"
    ),
    "NaN token": Case(
        schedule(b'{"blocks": [], "name": NaN}'),
        SCHEDULE,
        "line 1, column 24",
        "NaN and Infinity are not valid JSON numbers",
    ),
    "negative Infinity token": Case(
        native_with(block(0, priority=float("-inf"))),
        SCHEDULE,
        "line 35, column 19",
        "NaN and Infinity are not valid JSON numbers",
    ),
    "number out of range": Case(
        schedule(b'{"blocks": [{"priority": 1e400}]}'),
        SCHEDULE,
        "blocks[0].priority",
        "number is out of range",
    ),
    "UTF-16 with byte-order mark": Case(
        schedule('{"blocks": []}'.encode("utf-16")), SCHEDULE, "", "file is UTF-16 encoded"
    ),
    "UTF-16 without byte-order mark": Case(
        schedule('{"blocks": []}'.encode("utf-16-be")), SCHEDULE, "", "file is UTF-16 encoded"
    ),
    "UTF-32": Case(
        schedule('{"blocks": []}'.encode("utf-32-le")), SCHEDULE, "", "file is UTF-32 encoded"
    ),
    "invalid UTF-8": Case(
        schedule(b'{"blocks": [], "name": "caf\xe9"}'),
        SCHEDULE,
        "line 1, column 28",
        "invalid UTF-8 byte 0xe9",
    ),
    "top-level array": Case(
        schedule(b"[]"), SCHEDULE, "", "expected a JSON object at the top level, got an array"
    ),
    "unknown format": Case(
        schedule(b'{"Blocks": []}'),
        SCHEDULE,
        "",
        'unknown schedule format: expected a top-level "SchedulingBlock" (raw telescope '
        'format) or "blocks" (snake-case or native format) key',
    ),
    "both format keys": Case(
        schedule(b'{"blocks": [], "SchedulingBlock": []}'), SCHEDULE, "", "has both"
    ),
    "nesting deeper than the limit": Case(
        schedule(b'{"blocks": [], "extra": ' + b"[" * 64 + b"]" * 64 + b"}"),
        SCHEDULE,
        "",
        f"nested 65 levels deep; the limit is 64 levels ({DEPTH})",
    ),
    "nesting deeper than the parser's stack": Case(
        schedule(b'{"blocks": [], "extra": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"),
        SCHEDULE,
        "",
        DEPTH,
    ),
    # Snake-case / native structure.
    "blocks not an array": Case(
        schedule(b'{"blocks": {}}'), SCHEDULE, "blocks", "expected an array, got an object"
    ),
    "wrong type": Case(
        native_with(block(1, priority="high")),
        SCHEDULE,
        "blocks[1].priority",
        "expected a number, got a string",
    ),
    "missing field": Case(
        native_with(lambda document: document["blocks"][1].pop("target_dec")),
        SCHEDULE,
        "blocks[1]",
        'missing required field "target_dec"',
    ),
    "missing constraint": Case(
        native_with(lambda document: document["blocks"][0]["constraints"].pop("max_az")),
        SCHEDULE,
        "blocks[0].constraints",
        'missing required field "max_az"',
    ),
    "block without any id": Case(
        native_with(block(1, id=None, original_block_id="")),
        SCHEDULE,
        "blocks[1]",
        'block has no id: expected "original_block_id" or "id"',
    ),
    "block id of the wrong type": Case(
        native_with(block(0, id=1.5, original_block_id=None)),
        SCHEDULE,
        "blocks[0].id",
        "expected an integer, a string or null, got a number",
    ),
    "duplicate block id": Case(
        native_with(block(1, original_block_id="block-1000001")),
        SCHEDULE,
        "blocks[1]",
        'duplicate block id "block-1000001" (first at blocks[0])',
    ),
    "negative requested duration": Case(
        native_with(block(1, requested_duration=-60.0)),
        SCHEDULE,
        "blocks[1].requested_duration",
        "must not be negative, got -60.0",
    ),
    "negative minimum observation": Case(
        native_with(block(0, min_observation=-1)),
        SCHEDULE,
        "blocks[0].min_observation",
        "must not be negative",
    ),
    "block id too long": Case(
        native_with(block(1, original_block_id="x" * 129)),
        SCHEDULE,
        "blocks[1]",
        "block id is 129 characters long; the limit is 128",
    ),
    "block name too long": Case(
        native_with(block(0, block_name="n" * 256)),
        SCHEDULE,
        "blocks[0].block_name",
        "is 256 characters long; the limit is 255",
    ),
    "target name too long": Case(
        native_with(block(0, target_name="n" * 300)), SCHEDULE, "blocks[0].target_name", "300"
    ),
    "schedule name too long": Case(
        native_with(lambda document: document.update(name="s" * 256)), SCHEDULE, "name", "256"
    ),
    "scheduled period backwards": Case(
        native_with(block(1, scheduled_period=native_period(60695.24, 60695.2))),
        SCHEDULE,
        "blocks[1].scheduled_period",
        "start 60695.24 is not before stop 60695.2",
    ),
    "fixed window of zero length": Case(
        native_with(
            lambda document: document["blocks"][1]["constraints"].update(
                fixed_time=native_period(60695.2, 60695.2)
            )
        ),
        SCHEDULE,
        "blocks[1].constraints.fixed_time",
        "start 60695.2 is not before stop 60695.2",
    ),
    "possible period backwards": Case(
        native_with(
            lambda document: document["possible_periods"]["block-1000001"].append(
                native_period(60697.0, 60696.0)
            )
        ),
        SCHEDULE,
        'possible_periods["block-1000001"][2]',
        "start 60697.0 is not before stop 60696.0",
    ),
    "possible period of the wrong type": Case(
        native_with(
            lambda document: document["possible_periods"]["block-1000002"][0].update(end_mjd="x")
        ),
        SCHEDULE,
        'possible_periods["block-1000002"][0].end_mjd',
        "expected a number, got a string",
    ),
    "visibility period backwards": Case(
        native_with(
            lambda document: (
                document.pop("possible_periods"),
                document["blocks"][0].update(visibility_periods=[native_period(2.0, 1.0)]),
            )
        ),
        SCHEDULE,
        "blocks[0].visibility_periods[0]",
        "start 2.0 is not before stop 1.0",
    ),
    "dark period backwards": Case(
        native_with(
            lambda document: document["dark_periods"].append(native_period(60696.3, 60696.1))
        ),
        SCHEDULE,
        "dark_periods[2]",
        "start 60696.3 is not before stop 60696.1",
    ),
    "schedule period backwards": Case(
        native_with(
            lambda document: document.update(schedule_period=native_period(60701.0, 60694.0))
        ),
        SCHEDULE,
        "schedule_period",
        "start 60701.0 is not before stop 60694.0",
    ),
    # Periods may mix styles (test_formats_shapes.py), but each must be in one of them.
    "period in no style": Case(
        native_with(block(1, scheduled_period={"start_mjd": 60695.2, "stop": 60695.24})),
        SCHEDULE,
        "blocks[1].scheduled_period",
        'expected the keys "start" and "stop", "start_mjd" and "end_mjd" (or "stop_mjd"), '
        'or "startTime" and "stopTime"; found only "stop", "start_mjd"',
    ),
    "period without any period key": Case(
        native_with(lambda document: document["dark_periods"].append({"begin": 1, "end": 2})),
        SCHEDULE,
        "dark_periods[2]",
        "found none of them",
    ),
    "period in two styles at once": Case(
        native_with(
            lambda document: (
                document["dark_periods"][0].update(start=60694.1, stop=60694.3),
                document["dark_periods"].append({"start": 1.0, "stop": 2.0}),
            )
        ),
        SCHEDULE,
        "dark_periods[0]",
        "has the keys of more than one period style",
    ),
    "period with a bad value in a file mixing styles": Case(
        native_with(
            lambda document: document["blocks"][0].update(
                visibility_periods=[{"start": 1.0, "stop": 2.0}, {"start_mjd": "x", "end_mjd": 3}]
            )
        ),
        SCHEDULE,
        "blocks[0].visibility_periods[1].start_mjd",
        "expected a number, got a string",
    ),
    "location mixing styles": Case(
        native_with(lambda document: document["geographic_location"].update(latitude=1.0)),
        SCHEDULE,
        "geographic_location",
        "mixes native",
    ),
    "location missing a field": Case(
        native_with(lambda document: document["geographic_location"].pop("height")),
        SCHEDULE,
        "geographic_location",
        'missing required field "height"',
    ),
    "latitude out of range": Case(
        native_with(lambda document: document["geographic_location"].update(lat_deg=95.0)),
        SCHEDULE,
        "geographic_location",
        "latitude must be within -90..90, got 95.0",
    ),
    # Raw format.
    "raw blocks not an array": Case(
        schedule(b'{"SchedulingBlock": {}}'),
        SCHEDULE,
        "SchedulingBlock",
        "expected an array, got an object",
    ),
    "raw wrong type": Case(
        raw_with(lambda raw_block: raw_block.update(priority="8.5")),
        SCHEDULE,
        "SchedulingBlock[0].priority",
        "expected a number, got a string",
    ),
    "raw missing time constraint": Case(
        raw_with(
            lambda raw_block: raw_block["schedulingBlockConfiguration_"]["constraints_"].pop(
                "timeConstraint_"
            )
        ),
        SCHEDULE,
        "SchedulingBlock[0].schedulingBlockConfiguration_.constraints_",
        'missing required field "timeConstraint_"',
    ),
    "raw without coordinates": Case(
        raw_with(lambda raw_block: raw_block["target"].pop("position_")),
        SCHEDULE,
        "SchedulingBlock[0]",
        "no target coordinates",
    ),
    "raw scheduled period backwards": Case(
        raw_with(lambda raw_block: raw_block.update(scheduled_period=raw_period(61894.3, 61894.2))),
        SCHEDULE,
        "SchedulingBlock[0].scheduled_period",
        "start 61894.3 is not before stop 61894.2",
    ),
    "raw fixed window backwards": Case(
        raw_with(time_constraint(fixedStartTime=[61900.5], fixedStopTime=[{"value": 61900.1}])),
        SCHEDULE,
        TIME_CONSTRAINT_PATH,
        "start 61900.5 is not before stop 61900.1",
    ),
    "raw fixed time without a value": Case(
        raw_with(time_constraint(fixedStartTime=[{"format": "MJD"}], fixedStopTime=[61900.1])),
        SCHEDULE,
        f"{TIME_CONSTRAINT_PATH}.fixedStartTime[0]",
        'expected a number, a time object with "value", or a period with "startTime"',
    ),
    "raw negative duration": Case(
        raw_with(time_constraint(requestedDurationSec=-1)),
        SCHEDULE,
        f"{TIME_CONSTRAINT_PATH}.requestedDurationSec",
        "must not be negative",
    ),
    # Visibility file.
    "visibility file empty": Case(raw_with(possible_periods=b""), VISIBILITY, "", "file is empty"),
    "visibility syntax error": Case(
        raw_with(possible_periods=b'{"SchedulingBlock": {\n  "1": [}\n}'),
        VISIBILITY,
        "line 2, column 9",
        "invalid JSON",
    ),
    "visibility top-level array": Case(
        raw_with(possible_periods=[]), VISIBILITY, "", "expected a JSON object at the top level"
    ),
    "visibility file period backwards": Case(
        raw_with(possible_periods={"SchedulingBlock": {RAW_ID: [raw_period(61800.5, 61800.1)]}}),
        VISIBILITY,
        f'SchedulingBlock["{RAW_ID}"][0]',
        "start 61800.5 is not before stop 61800.1",
    ),
    "visibility value of the wrong type": Case(
        raw_with(
            possible_periods={
                "SchedulingBlock": {
                    "5": [],
                    RAW_ID: [raw_period(61800.1, 61800.2), raw_period(61800.3, "late")],
                }
            }
        ),
        VISIBILITY,
        f'SchedulingBlock["{RAW_ID}"][1].stopTime.value',
        "expected a number, got a string",
    ),
    "bare visibility map with a bad entry": Case(
        raw_with(possible_periods={RAW_ID: {"start": 1.0, "stop": 2.0}}),
        VISIBILITY,
        f'["{RAW_ID}"]',
        "expected an array, got an object",
    ),
    "visibility period in no style": Case(
        raw_with(
            possible_periods={
                "blocks": {RAW_ID: [native_period(1.0, 2.0), {"start": 3.0, "end": 4.0}]}
            }
        ),
        VISIBILITY,
        f'blocks["{RAW_ID}"][1]',
        'expected the keys "start" and "stop"',
    ),
    # Dark-periods file.
    "dark periods missing": Case(
        raw_with(dark_periods={"Location": None}),
        DARK,
        "",
        'missing required field "dark_periods" (or "darkPeriods" or "periods")',
    ),
    "dark periods under two keys": Case(
        raw_with(dark_periods={"dark_periods": [], "periods": [[1.0, 2.0]]}),
        DARK,
        "",
        'has both "dark_periods" and "periods"',
    ),
    "dark period with a bad ISO time": Case(
        raw_with(dark_periods={"darkPeriods": [["2028-01-01T19:30:00Z", "2028-13-01T05:00Z"]]}),
        DARK,
        "darkPeriods[0][1]",
        'expected an ISO-8601 time such as "2028-01-01T19:30:00Z" or an MJD number',
    ),
    "dark period time of the wrong type": Case(
        raw_with(dark_periods={"periods": [{"start": True, "stop": 2.0}]}),
        DARK,
        "periods[0].start",
        "expected a number or an ISO-8601 time, got true or false",
    ),
    "dark period array of three": Case(
        raw_with(dark_periods=[[1.0, 2.0], [3.0, 4.0, 5.0]]),
        DARK,
        "[1]",
        "expected an array of 2 elements",
    ),
    "dark period neither object nor array": Case(
        raw_with(dark_periods={"dark_periods": [61771.0]}),
        DARK,
        "dark_periods[0]",
        "expected an object or an array, got a number",
    ),
    "dark period in no style": Case(
        raw_with(dark_periods={"dark_periods": [{"start": "2028-01-01T19:30:00Z"}]}),
        DARK,
        "dark_periods[0]",
        'expected the keys "start" and "stop"',
    ),
    "dark period backwards in ISO times": Case(
        raw_with(dark_periods={"periods": [["2028-01-02T00:00:00Z", "2028-01-01T12:00:00Z"]]}),
        DARK,
        "periods[0]",
        "start 61772.0 is not before stop 61771.5",
    ),
    "dark-periods file period backwards": Case(
        raw_with(dark_periods={"dark_periods": [raw_period(1.0, 2.0), raw_period(4.0, 3.0)]}),
        DARK,
        "dark_periods[1]",
        "start 4.0 is not before stop 3.0",
    ),
    "bare dark list backwards": Case(
        raw_with(dark_periods=[native_period(4.0, 3.0)]),
        DARK,
        "[0]",
        "start 4.0 is not before stop 3.0",
    ),
    "time window backwards": Case(
        raw_with(dark_periods={"dark_periods": [], "Time Window": raw_period(62137.0, 61771.0)}),
        DARK,
        "Time Window",
        "start 62137.0 is not before stop 61771.0",
    ),
    "observatory missing a coordinate": Case(
        raw_with(
            dark_periods={
                "dark_periods": [],
                "Location": {"coordinates::ConstGeographic": {"lat": 28.7, "alt": 2400}},
            }
        ),
        DARK,
        "Location.coordinates::ConstGeographic",
        'missing required field "lon"',
    ),
}


@pytest.fixture
def samples(shared_data) -> tuple[dict, dict]:
    return (
        json.loads((shared_data / "schedule_native_example.json").read_bytes()),
        json.loads((shared_data / "schedule_raw_one_block.json").read_bytes()),
    )


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_reported_with_file_location_and_message(samples, case):
    files = {name: InputFile(name, text) for name, text in case.build(*samples).items()}
    with pytest.raises(ScheduleInputError) as caught:
        read_schedule(
            files[SCHEDULE], visibility=files.get(VISIBILITY), dark_periods=files.get(DARK)
        )
    error = caught.value
    assert (error.file, error.location) == (case.file, case.location), str(error)
    assert case.message in error.message, str(error)
    expected_prefix = f"{case.file}: {case.location}: " if case.location else f"{case.file}: "
    assert str(error) == expected_prefix + error.message


def test_the_nesting_limit_is_a_setting(settings):
    nested = b'{"blocks": [], "extra": ' + b"[" * 10 + b"]" * 10 + b"}"
    settings.TSI_MAX_JSON_DEPTH = 8
    with pytest.raises(ScheduleInputError, match="nested 11 levels deep; the limit is 8"):
        read_schedule(InputFile(SCHEDULE, nested))
    settings.TSI_MAX_JSON_DEPTH = 11
    assert read_schedule(InputFile(SCHEDULE, nested)).block_count == 0


def test_brackets_and_escaped_quotes_inside_strings_do_not_count_as_nesting(settings):
    settings.TSI_MAX_JSON_DEPTH = 3
    name = json.dumps('[[[[{{{{ \\" "]]]] \\\\').encode()
    document = b'{"blocks": [{"block_name": ' + name + b"}], " + b'"name": ' + name + b"}"
    with pytest.raises(ScheduleInputError, match='missing required field "constraints"'):
        read_schedule(InputFile(SCHEDULE, document))
