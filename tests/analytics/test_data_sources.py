"""The precomputed (etl) and recomputed (legacy) paths agree, and etl falls back to legacy."""

from dataclasses import asdict, fields

import numpy as np
import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from analytics.block_frame import BlockFrame, computed_block_frame, stored_block_frame
from analytics.models import BlockAnalytics, ScheduleSummary
from analytics.selectors import BlockFilters, TrendsFilters, insights, schedule_summary, trends
from schedules.pipeline.refresh import refresh_analytics
from validation.models import ValidationResult
from validation.selectors import ValidationFilters, validation_report

T0 = 60000.0


def assert_frames_equal(left: BlockFrame, right: BlockFrame) -> None:
    for field in fields(BlockFrame):
        a, b = getattr(left, field.name), getattr(right, field.name)
        if a.dtype == object:
            assert a.tolist() == b.tolist(), field.name
        else:
            np.testing.assert_array_equal(a, b, err_msg=field.name)


def stored_findings(schedule) -> list[tuple]:
    rows = ValidationResult.objects.filter(schedule=schedule).order_by("block_id", "id")
    return list(rows.values_list("block_id", "rule", "status", "message"))


periods = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 8)).map(
        lambda p: (T0 + p[0] / 16, T0 + (p[0] + p[1]) / 16)
    ),
    max_size=3,
)
blocks = st.lists(
    st.fixed_dictionaries(
        {
            "priority": st.integers(0, 20).map(lambda p: p / 2),
            "requested_duration_s": st.sampled_from([900.0, 1800.0, 3600.0, 7200.0]),
            "min_observation_s": st.sampled_from([600.0, 1800.0]),
            "min_alt_deg": st.sampled_from([20.0, 60.0, 88.0]),
            "visibility": periods,
            "scheduled": st.none()
            | st.integers(0, 40).map(lambda s: (T0 + s / 16, T0 + (s + 1) / 16)),
        }
    ),
    max_size=12,
)


@pytest.mark.django_db
@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(blocks=blocks)
def test_etl_and_legacy_agree_on_random_schedules(store_schedule, settings, blocks):
    schedule = store_schedule(blocks, [(T0, T0 + 2)], name="random")
    assert_frames_equal(stored_block_frame(schedule), computed_block_frame(schedule))
    answers = {}
    for source in ("etl", "legacy"):
        settings.DATA_SOURCE = source
        answers[source] = (
            schedule_summary(schedule),
            insights(schedule, BlockFilters(exclude_impossible=False)).metrics,
            validation_report(schedule, ValidationFilters()),
            [asdict(rate) for rate in trends(schedule, TrendsFilters()).by_priority],
        )
    assert answers["etl"] == answers["legacy"]


@pytest.mark.django_db
def test_etl_falls_back_to_legacy_when_analytics_are_missing(store_schedule, settings, caplog):
    settings.DATA_SOURCE = "etl"
    schedule = store_schedule([dict(priority=1.0), dict(priority=5.0, visibility=[])])
    before = validation_report(schedule, ValidationFilters())
    summary = schedule_summary(schedule)
    BlockAnalytics.objects.filter(schedule=schedule).delete()
    ScheduleSummary.objects.filter(schedule=schedule).delete()
    ValidationResult.objects.filter(schedule=schedule).delete()
    assert stored_block_frame(schedule) is None
    assert schedule_summary(schedule) == summary
    assert validation_report(schedule, ValidationFilters()) == before
    assert "has no stored" in caplog.text

    call_command("refresh_analytics", "--missing")
    assert BlockAnalytics.objects.filter(schedule=schedule).count() == 2
    assert ScheduleSummary.objects.filter(schedule=schedule).exists()
    assert_frames_equal(stored_block_frame(schedule), computed_block_frame(schedule))


@pytest.mark.django_db
def test_refresh_reproduces_the_stored_analytics_exactly(store_schedule):
    schedule = store_schedule(
        [
            dict(priority=2.0, scheduled=(T0 + 0.1, T0 + 0.15)),
            dict(priority=7.0, scheduled=(T0 + 0.12, T0 + 0.2)),
            dict(priority=9.0, visibility=[]),
        ],
        [(T0 - 1, T0 + 1)],
    )
    frame = stored_block_frame(schedule)
    summary = schedule_summary(schedule)
    findings = stored_findings(schedule)
    refresh_analytics(schedule)
    assert_frames_equal(stored_block_frame(schedule), frame)
    assert schedule_summary(schedule) == summary
    assert stored_findings(schedule) == findings


@pytest.mark.django_db
def test_cached_frames_are_shared_read_only_and_replaced_by_a_refresh(store_schedule, settings):
    from analytics.block_frame import load_block_frame

    settings.DATA_SOURCE = "etl"
    schedule = store_schedule([dict(priority=1.0), dict(priority=2.0)], name="cached")
    first = load_block_frame(schedule)
    assert load_block_frame(schedule) is first
    with pytest.raises(ValueError, match="read-only"):
        first.priority[0] = 9.0
    refresh_analytics(schedule)
    assert load_block_frame(schedule) is not first
