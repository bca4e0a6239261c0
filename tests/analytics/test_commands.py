"""``summarize`` prints the stored summary; ``refresh_analytics`` reproduces it exactly."""

import json
from dataclasses import asdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics.models import ScheduleSummary
from analytics.selectors import schedule_summary
from schedules.models import Schedule
from schedules.pipeline.ingest import ingest_schedule_data
from schedules.synthetic import generate_schedule_data

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def samples(shared_data) -> list[Schedule]:
    run(
        "ingest",
        str(shared_data / "schedule_raw_one_block.json"),
        "--dark-periods",
        str(shared_data / "dark_periods_raw.json"),
    )
    run("ingest", str(shared_data / "schedule_native_example.json"))
    generated = generate_schedule_data(blocks=120, periods_per_block=6, seed=7)
    ingest_schedule_data(generated, name="generated")
    return list(Schedule.objects.order_by("id"))


def stored_summary(schedule: Schedule) -> dict:
    row = ScheduleSummary.objects.filter(schedule=schedule).values().get()
    for key in ("id", "schedule_id", "computed_at"):
        row.pop(key)
    return row


def test_summarize_json_gives_the_stored_summary(samples):
    for schedule in samples:
        result = json.loads(run("summarize", str(schedule.pk), "--json"))
        assert result["schedule"]["id"] == schedule.pk
        assert result["summary"] == stored_summary(schedule)
        by_status = result["validation"]["blocks_by_status"]
        assert sum(by_status.values()) >= schedule.block_count


def test_summarize_pins_the_raw_sample(samples):
    result = json.loads(run("summarize", "schedule_raw_one_block", "--json"))
    summary = result["summary"]
    assert (summary["total_blocks"], summary["scheduled_blocks"], summary["impossible_blocks"]) == (
        1,
        1,
        1,
    )
    assert summary["priority_mean"] == 8.5
    assert summary["scheduled_hours"] == pytest.approx((61894.20818495378 - 61894.19429606479) * 24)
    assert result["validation"]["blocks_by_status"]["impossible"] == 1
    # Visibility computed at the dark-period file's site, where the target never rises.
    assert result["validation"]["issues_by_rule"] == {
        "no_visibility": 1,
        "scheduled_outside_visibility": 1,
        "scheduled_below_min_altitude": 1,
    }


def test_summarize_text_output(samples):
    text = run("summarize", str(samples[1].pk))
    assert text.startswith(f"Schedule {samples[1].pk}: example-schedule-2026-04-01 v1 (native")
    assert "scheduling rate" in text and "Validation (blocks by status)" in text


def test_refresh_reproduces_the_stored_summary_exactly(samples):
    before = [stored_summary(schedule) for schedule in samples]
    output = run("refresh_analytics", "--all")
    assert output.strip().endswith("3 schedule(s) refreshed.")
    assert [stored_summary(schedule) for schedule in samples] == before
    assert [asdict(schedule_summary(schedule)) for schedule in samples] == before


def test_command_errors_are_clear(samples):
    with pytest.raises(CommandError, match="No schedule 'nope'"):
        run("summarize", "nope")
    with pytest.raises(CommandError, match="No schedule with id 999"):
        run("refresh_analytics", "999")
    with pytest.raises(CommandError, match="Give schedule ids, --all or --missing"):
        run("refresh_analytics")
