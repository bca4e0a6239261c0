"""``manage.py ingest`` on the real samples, on repeated content and on bad input."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics.models import BlockAnalytics
from schedules.models import Schedule, SchedulingBlock, Target
from schedules.selectors import export_schedule_native
from validation.models import ValidationResult

pytestmark = pytest.mark.django_db


def ingest(*args: str) -> str:
    out = StringIO()
    call_command("ingest", *args, stdout=out)
    return out.getvalue()


def row_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Schedule, SchedulingBlock, Target, BlockAnalytics, ValidationResult)
    )


def test_raw_sample_with_real_dark_periods(shared_data):
    output = ingest(
        str(shared_data / "schedule_raw_one_block.json"),
        "--dark-periods",
        str(shared_data / "dark_periods_raw.json"),
    )
    schedule = Schedule.objects.get()
    assert output.strip() == (
        f'Ingested schedule {schedule.pk}: "schedule_raw_one_block" version 1, 1 blocks '
        f"(checksum {schedule.checksum[:12]})."
    )
    assert (schedule.source_format, schedule.block_count) == ("raw", 1)
    assert (schedule.period_start_mjd, schedule.period_end_mjd) == (61771.0, 62137.0)
    assert (schedule.location_lat_deg, schedule.location_lon_deg, schedule.location_height_m) == (
        28.7618,
        -17.8916,
        2423.0,
    )
    assert len(schedule.dark_periods) == 314
    assert schedule.dark_periods[0] == [61771.0, 61771.276910532266]
    block = SchedulingBlock.objects.select_related("target").get()
    assert block.source_block_id == "1000004990"
    assert (block.priority, block.requested_duration_s, block.min_observation_s) == (
        8.5,
        1200.0,
        1200.0,
    )
    assert (block.min_alt_deg, block.max_alt_deg, block.min_az_deg, block.max_az_deg) == (
        60.0,
        90.0,
        0.0,
        360.0,
    )
    assert (block.target.name, block.target.ra_deg, block.target.dec_deg) == (
        "T32",
        158.03297990185885,
        -68.02521140748772,
    )
    assert block.scheduled_period == [[61894.19429606479, 61894.20818495378]]
    # Without a possible-periods file visibility is computed at the file's site, where this
    # target (Dec −68°) never rises: no windows, and it was scheduled below the horizon.
    assert schedule.visibility_source == "computed"
    assert block.visibility_periods == []
    analytics = BlockAnalytics.objects.get()
    assert analytics.is_impossible and analytics.has_zero_visibility
    assert analytics.scheduled_hours == pytest.approx(1200 / 3600)
    rules = set(ValidationResult.objects.values_list("rule", flat=True))
    assert rules == {
        "no_visibility",
        "scheduled_outside_visibility",
        "scheduled_below_min_altitude",
    }


def test_native_sample_with_possible_periods(shared_data):
    ingest(str(shared_data / "schedule_native_example.json"))
    schedule = Schedule.objects.get()
    assert (schedule.name, schedule.source_format) == ("example-schedule-2026-04-01", "native")
    assert (schedule.period_start_mjd, schedule.period_end_mjd) == (60694.0, 60701.0)
    assert schedule.dark_periods == [[60694.10, 60694.35], [60695.10, 60695.35]]
    first, second = SchedulingBlock.objects.order_by("id")
    assert first.visibility_periods == [[60694.19, 60694.24], [60696.12, 60696.20]]
    assert first.scheduled_period == []
    assert second.visibility_periods == [[60695.18, 60695.26]]
    assert (second.fixed_start_mjd, second.fixed_stop_mjd) == (60695.18, 60695.26)
    assert second.scheduled_period == [[60695.20, 60695.24]]
    assert (second.min_az_deg, second.max_az_deg) == (20.0, 340.0)


def test_same_content_twice_reports_the_existing_schedule(shared_data):
    path = str(shared_data / "schedule_native_example.json")
    ingest(path)
    counts = row_counts()
    schedule = Schedule.objects.get()
    assert ingest(path, "--name", "renamed").strip() == (
        f'Already ingested as schedule {schedule.pk} ("{schedule.name}" version 1); '
        "nothing changed."
    )
    assert row_counts() == counts


def test_reindented_and_exported_content_is_the_same_schedule(shared_data, tmp_path):
    document = json.loads((shared_data / "schedule_native_example.json").read_text())
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(document, separators=(",", ":")))
    ingest(str(compact))
    exported = tmp_path / "exported.json"
    exported.write_bytes(export_schedule_native(Schedule.objects.get()))
    assert "Already ingested" in ingest(str(exported))
    assert "Already ingested" in ingest(str(shared_data / "schedule_native_example.json"))
    assert Schedule.objects.count() == 1


def test_json_output_and_versions(shared_data, tmp_path):
    document = json.loads((shared_data / "schedule_native_example.json").read_text())
    first = json.loads(ingest(str(shared_data / "schedule_native_example.json"), "--json"))
    document["blocks"][0]["priority"] = 3.0
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    second = json.loads(ingest(str(changed), "--json"))
    assert (first["version"], second["version"]) == (1, 2)
    assert second["name"] == first["name"] == "example-schedule-2026-04-01"
    assert second["created"] and not second["already_ingested"] and second["blocks"] == 2
    again = json.loads(ingest(str(changed), "--json"))
    assert again["already_ingested"] and again["id"] == second["id"]


def test_dry_run_writes_nothing(shared_data):
    output = ingest(str(shared_data / "schedule_native_example.json"), "--dry-run")
    assert output.startswith('Dry run: "example-schedule-2026-04-01" is valid (2 blocks')
    assert row_counts() == (0, 0, 0, 0, 0)


VALID_BLOCK = (
    '{"original_block_id": "b1", "priority": 5, "target_ra": 10, "target_dec": 20, '
    '"constraints": {"min_alt": 30, "max_alt": 90, "min_az": 0, "max_az": 360}, '
    '"min_observation": 600, "requested_duration": 1200}'
)


def with_block(old: str, new: str) -> str:
    """A one-block schedule whose block has ``old`` replaced by ``new``."""
    return '{"blocks": [' + VALID_BLOCK.replace(old, new) + "]}"


BAD_INPUTS = [
    ("not-json.json", "this is not json", "line 1, column "),
    ("truncated.json", '{"blocks": [' + VALID_BLOCK, "truncated.json"),
    ("array.json", "[1, 2, 3]", "expected a JSON object"),
    ("missing.json", '{"blocks": [{"original_block_id": "b1"}]}', "blocks[0]"),
    ("wrong-type.json", with_block('"priority": 5', '"priority": "high"'), "blocks[0].priority"),
    ("nan.json", with_block('"priority": 5', '"priority": NaN'), "NaN"),
    ("backwards.json", with_block('"requested_duration": 1200', '"requested_duration": 1200, '
     '"visibility_periods": [{"start": 61000.5, "stop": 61000.25}]'),
     "blocks[0].visibility_periods[0]"),
    ("duplicate.json", '{"blocks": [' + VALID_BLOCK + ", " + VALID_BLOCK + "]}",
     "duplicate block id"),
    ("empty.json", "", "empty"),
    ("unknown.json", '{"tasks": []}', "unknown schedule format"),
]  # fmt: skip


@pytest.mark.parametrize(("file_name", "content", "expected"), BAD_INPUTS)
def test_bad_input_fails_with_a_located_message_and_writes_nothing(
    tmp_path, shared_data, file_name, content, expected
):
    ingest(str(shared_data / "schedule_native_example.json"))
    counts = row_counts()
    path = tmp_path / file_name
    path.write_text(content)
    with pytest.raises(CommandError) as raised:
        ingest(str(path))
    assert raised.value.returncode == 2
    message = str(raised.value)
    assert file_name in message and expected in message, message
    assert "Nothing was written to the database." in message
    assert row_counts() == counts


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as raised:
        ingest(str(tmp_path / "nope.json"))
    assert "nope.json" in str(raised.value)


def test_the_same_content_in_another_format_is_the_same_schedule(tmp_path):
    from schedules.formats import write_schedule
    from schedules.synthetic import generate_schedule_data

    data = generate_schedule_data(blocks=30, periods_per_block=4, seed=11)
    native = write_schedule(data, "native", name="weekly")
    (tmp_path / "native.json").write_bytes(native.schedule)
    ingest(str(tmp_path / "native.json"))
    raw = write_schedule(data, "raw")
    for name, content in (("raw.json", raw.schedule), ("visibility.json", raw.visibility),
                          ("dark.json", raw.dark_periods)):  # fmt: skip
        (tmp_path / name).write_bytes(content)
    output = ingest(
        str(tmp_path / "raw.json"),
        "--visibility",
        str(tmp_path / "visibility.json"),
        "--dark-periods",
        str(tmp_path / "dark.json"),
    )
    assert output.startswith("Already ingested as schedule")
    snake = write_schedule(data, "snake_case", name="weekly")
    (tmp_path / "snake.json").write_bytes(snake.schedule)
    assert ingest(str(tmp_path / "snake.json")).startswith("Already ingested as schedule")
    assert Schedule.objects.count() == 1
