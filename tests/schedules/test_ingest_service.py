"""The ingest pipeline's load: exact stored values, idempotence, versions and atomicity."""

import pytest

from analytics.models import BlockAnalytics, ScheduleSummary
from schedules.models import Schedule, SchedulingBlock, Target
from schedules.pipeline import bulk_writes
from schedules.pipeline.ingest import ingest_schedule_data
from schedules.selectors import load_schedule_data
from tests.analytics.factories import make_schedule_data
from validation.models import ValidationResult

T0 = 60000.0
pytestmark = pytest.mark.django_db


def two_blocks(dark_periods=((T0 - 0.5, T0 + 2),)):
    return make_schedule_data(
        [
            dict(source_id="1000004990", priority=8.5, target_name="T32", ra_deg=158.25,
                 visibility=[(T0, T0 + 0.25), (T0 + 1, T0 + 1.5)],
                 scheduled=(T0 + 1.125, T0 + 1.1875), fixed=(T0 - 1, T0 + 2)),
            dict(source_id="b-2", priority=3.0, target_name="T33", visibility=[]),
        ],
        list(dark_periods),
    )  # fmt: skip


def row_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Schedule, SchedulingBlock, Target, BlockAnalytics, ScheduleSummary,
                      ValidationResult)
    )  # fmt: skip


@pytest.fixture(params=["copy", "executemany"])
def write_path(request, monkeypatch):
    """Exercise the PostgreSQL COPY path and the generic executemany path alike."""
    if request.param == "copy":
        if not bulk_writes.uses_copy():
            pytest.skip("COPY exists only on PostgreSQL")
    else:
        monkeypatch.setattr(bulk_writes, "uses_copy", lambda: False)
    return request.param


def test_stores_exact_values(write_path):
    outcome = ingest_schedule_data(two_blocks(), name="exact")
    schedule = outcome.schedule
    assert outcome.created and (schedule.name, schedule.version, schedule.block_count) == (
        "exact",
        1,
        2,
    )
    assert schedule.dark_periods == [[T0 - 0.5, T0 + 2]]
    assert schedule.possible_periods == [[T0, T0 + 0.25], [T0 + 1, T0 + 1.5]]
    first, second = SchedulingBlock.objects.filter(schedule=schedule).order_by("id")
    assert (first.source_block_id, first.priority, first.target.name, first.target.ra_deg) == (
        "1000004990",
        8.5,
        "T32",
        158.25,
    )
    assert first.visibility_periods == [[T0, T0 + 0.25], [T0 + 1, T0 + 1.5]]
    assert first.scheduled_period == [[T0 + 1.125, T0 + 1.1875]]
    assert (first.fixed_start_mjd, first.fixed_stop_mjd) == (T0 - 1, T0 + 2)
    assert (second.visibility_periods, second.scheduled_period, second.fixed_start_mjd) == (
        [],
        [],
        None,
    )
    analytics = BlockAnalytics.objects.get(block=first)
    assert analytics.total_visibility_hours == pytest.approx(18.0)
    assert analytics.priority_bucket == 4 and analytics.is_scheduled
    assert analytics.scheduled_hours == pytest.approx(1.5)
    assert BlockAnalytics.objects.get(block=second).is_impossible
    statuses = set(ValidationResult.objects.filter(block=second).values_list("status", flat=True))
    assert statuses == {"impossible"}
    assert ScheduleSummary.objects.get(schedule=schedule).impossible_blocks == 1


def test_stored_schedule_reads_back_to_the_same_checksum(write_path):
    data = two_blocks()
    schedule = ingest_schedule_data(data, name="round trip").schedule
    loaded, block_ids = load_schedule_data(schedule)
    assert loaded.checksum() == data.checksum() == schedule.checksum
    assert len(block_ids) == 2


def test_same_content_twice_creates_one_schedule():
    first = ingest_schedule_data(two_blocks(), name="a")
    counts = row_counts()
    again = ingest_schedule_data(two_blocks(), name="another name")
    assert not again.created and again.schedule == first.schedule
    assert row_counts() == counts


def test_new_content_under_a_name_is_the_next_version():
    first = ingest_schedule_data(two_blocks(), name="weekly").schedule
    second = ingest_schedule_data(two_blocks(dark_periods=[]), name="weekly").schedule
    other = ingest_schedule_data(make_schedule_data([dict()]), name="other").schedule
    assert (first.version, second.version, other.version) == (1, 2, 1)


def test_targets_are_shared_across_schedules():
    ingest_schedule_data(two_blocks(), name="one")
    targets = Target.objects.count()
    ingest_schedule_data(two_blocks(dark_periods=[]), name="two")
    assert Target.objects.count() == targets == 2


def test_a_failure_during_the_load_leaves_no_trace(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("schedules.pipeline.load.store_findings", broken)
    counts = row_counts()
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_schedule_data(two_blocks(), name="broken")
    assert row_counts() == counts


def test_dry_run_writes_nothing():
    counts = row_counts()
    outcome = ingest_schedule_data(two_blocks(), name="dry", dry_run=True)
    assert outcome.created and outcome.schedule is None and outcome.block_count == 2
    assert row_counts() == counts


def test_progress_is_reported_per_phase_up_to_completion():
    seen = []
    ingest_schedule_data(two_blocks(), name="progress", progress=lambda *call: seen.append(call))
    phases = [phase for phase, _ in seen]
    assert phases[0] == "transform" and phases[-1] == "load"
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_deleting_a_schedule_removes_everything_under_it_but_keeps_targets():
    schedule = ingest_schedule_data(two_blocks(), name="doomed").schedule
    schedule.delete()
    assert row_counts() == (0, 0, 2, 0, 0, 0)


def test_zero_block_schedule_is_stored():
    schedule = ingest_schedule_data(make_schedule_data([]), name="empty").schedule
    assert schedule.block_count == 0
    assert ScheduleSummary.objects.get(schedule=schedule).total_blocks == 0
