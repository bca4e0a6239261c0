"""Page selectors pinned on a hand-computed schedule, under both data sources.

Block A (priority 2) is visible 12 h and scheduled 1.5 h; B (4) is visible 6 h and unscheduled;
C (6) has no visibility (impossible); D (10) is visible 12 h and scheduled 1.5 h. All times are
exact binary fractions of a day so bin edges compare exactly.
"""

import math

import numpy as np
import pytest

from analytics.selectors import (
    BlockFilters,
    SkyMapFilters,
    TimelineFilters,
    TrendsFilters,
    VisibilityFilters,
    compare,
    distributions,
    insights,
    schedule_overview,
    sky_map,
    timeline,
    trends,
    visibility_histogram,
)
from analytics.selectors.visibility import TooManyBinsError
from validation.selectors import ValidationFilters, validation_report

T0 = 60000.0  # 2023-02-25
BLOCKS = [
    dict(source_id="A", priority=2.0, requested_duration_s=5400.0,
         visibility=[(T0, T0 + 0.5)], scheduled=(T0 + 0.125, T0 + 0.1875)),
    dict(source_id="B", priority=4.0, visibility=[(T0, T0 + 0.25)]),
    dict(source_id="C", priority=6.0, visibility=[]),
    dict(source_id="D", priority=10.0, requested_duration_s=5400.0,
         visibility=[(T0 + 0.25, T0 + 0.75)], scheduled=(T0 + 0.375, T0 + 0.4375)),
]  # fmt: skip
DARK = [(T0 - 0.125, T0 + 0.875)]


@pytest.fixture
def schedule(store_schedule, data_source):
    return store_schedule(BLOCKS, DARK, name="pinned")


def ids(frame) -> list[str]:
    return frame.source_block_id.tolist()


def test_sky_map_excludes_impossible_blocks_by_default(schedule):
    data = sky_map(schedule, SkyMapFilters())
    assert ids(data.points) == ["A", "B", "D"]
    assert data.points.priority_bucket.tolist() == [1, 2, 4]
    assert (data.total_blocks, data.shown_blocks, data.scheduled_shown) == (4, 3, 2)
    assert (data.priority_min, data.priority_max) == (2.0, 10.0)
    assert data.scheduled_start_min_mjd == T0 + 0.125
    assert data.scheduled_start_max_mjd == T0 + 0.375


def test_sky_map_filters(schedule):
    assert ids(sky_map(schedule, SkyMapFilters(exclude_impossible=False)).points) == list("ABCD")
    assert ids(sky_map(schedule, SkyMapFilters(status="scheduled")).points) == ["A", "D"]
    assert ids(sky_map(schedule, SkyMapFilters(status="unscheduled")).points) == ["B"]
    assert ids(sky_map(schedule, SkyMapFilters(priority_min=4, priority_max=10)).points) == [
        "B",
        "D",
    ]
    # A scheduled block passes the window when its start is in [from, to); B always passes.
    window = SkyMapFilters(scheduled_from_mjd=T0 + 0.2, scheduled_to_mjd=T0 + 0.375)
    assert ids(sky_map(schedule, window).points) == ["B"]
    window = SkyMapFilters(scheduled_from_mjd=T0 + 0.125, scheduled_to_mjd=T0 + 0.376)
    assert ids(sky_map(schedule, window).points) == ["A", "B", "D"]


def test_distributions_statistics(schedule):
    data = distributions(schedule, BlockFilters())
    assert (data.shown_blocks, data.scheduled_blocks, data.unscheduled_blocks) == (3, 2, 1)
    assert data.impossible_blocks == 1
    stats = data.priority_stats
    assert (stats.count, stats.min, stats.max, stats.median, stats.sum) == (3, 2.0, 10.0, 4.0, 16.0)
    assert stats.mean == pytest.approx(16 / 3)
    assert stats.std == pytest.approx(math.sqrt(((2 - 16 / 3) ** 2 + (4 - 16 / 3) ** 2
                                                 + (10 - 16 / 3) ** 2) / 3))  # fmt: skip
    assert data.visibility_stats.sum == pytest.approx(30.0)
    assert data.requested_stats.median == pytest.approx(1.5)
    assert (data.elevation_range_stats.min, data.elevation_range_stats.max) == (55.0, 55.0)
    histogram = data.histograms["priority"]
    assert histogram.scheduled.sum() == 2 and histogram.unscheduled.sum() == 1
    # Priorities 2, 4 and 10 lie on a grid of step 2: one bin per grid value, edges between.
    assert histogram.edges.tolist() == [1.0, 3.0, 5.0, 7.0, 9.0, 11.0]


def test_visibility_histogram_counts_each_block_once_per_bin(schedule):
    data = visibility_histogram(schedule, VisibilityFilters(bin_count=6))
    assert data.bin_start_mjd.tolist() == [T0 + k * 0.125 for k in range(6)]
    # B stops exactly where bin 2 starts and D starts exactly where bin 1 ends: touching
    # edges do not count.
    assert data.visible_count.tolist() == [2, 2, 2, 2, 1, 1]
    assert data.visible_by_bucket.tolist() == [
        [1, 1, 1, 1, 0, 0],
        [1, 1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 1, 1, 1, 1],
    ]
    assert data.bin_minutes == pytest.approx(180.0)


def test_visibility_histogram_by_duration_has_a_short_last_bin(schedule):
    data = visibility_histogram(schedule, VisibilityFilters(bin_minutes=720.0))
    assert data.bin_start_mjd.tolist() == [T0, T0 + 0.5]
    assert data.bin_end_mjd.tolist() == [T0 + 0.5, T0 + 0.75]
    assert data.visible_count.tolist() == [3, 1]


def test_visibility_histogram_filters(schedule):
    by_ids = visibility_histogram(schedule, VisibilityFilters(bin_count=6, source_block_ids=("B",)))
    assert by_ids.visible_count.tolist() == [1, 1, 0, 0, 0, 0]
    assert by_ids.filtered_blocks == 1
    high = visibility_histogram(schedule, VisibilityFilters(bin_count=6, priority_min=5))
    assert high.visible_count.tolist() == [0, 0, 1, 1, 1, 1]
    scheduled = visibility_histogram(schedule, VisibilityFilters(bin_count=6, status="scheduled"))
    assert scheduled.visible_count.tolist() == [1, 1, 2, 2, 1, 1]
    with pytest.raises(TooManyBinsError):
        visibility_histogram(schedule, VisibilityFilters(bin_minutes=0.01))


def test_timeline(schedule):
    data = timeline(schedule, TimelineFilters())
    assert ids(data.observations) == ["A", "D"]
    assert data.months == ["2023-02"]
    assert data.total_scheduled_hours == pytest.approx(3.0)
    assert data.mean_scheduled_hours == pytest.approx(1.5)
    assert (data.first_start_mjd, data.last_stop_mjd) == (T0 + 0.125, T0 + 0.4375)
    assert data.dark_period_hours == pytest.approx(24.0)
    assert ids(timeline(schedule, TimelineFilters(search="d")).observations) == ["D"]
    assert ids(timeline(schedule, TimelineFilters(month="2023-03")).observations) == []


def test_insights(schedule):
    data = insights(schedule, BlockFilters())
    metrics = data.metrics
    assert (metrics.total_blocks, metrics.scheduled_blocks, metrics.unscheduled_blocks) == (3, 2, 1)
    assert metrics.scheduling_rate == pytest.approx(2 / 3)
    assert metrics.priority_median == 4.0
    assert metrics.priority_mean_scheduled == 6.0
    assert metrics.priority_mean_unscheduled == 4.0
    assert metrics.priority_capture_ratio == pytest.approx(12 / 16)
    assert metrics.total_visibility_hours == pytest.approx(30.0)
    assert metrics.scheduled_hours == pytest.approx(3.0)
    assert (metrics.impossible_blocks, metrics.excluded_impossible) == (1, 1)
    assert ids(data.top_by_priority) == ["D", "B", "A"]
    assert ids(data.top_by_visibility) == ["A", "D", "B"]  # ties keep block order
    assert data.conflicts == [] and data.conflict_count == 0
    assert data.findings[0] == "2 of 3 blocks are scheduled (66.7%), using 3.0 h of telescope time."
    assert "Priority bias: scheduled blocks have a higher mean priority" in data.findings[1]
    assert data.correlation_matrix[0][0] == 1.0
    pair = data.correlations[0]
    assert (pair["x"], pair["y"]) == ("priority", "total_visibility_hours")
    # priorities 2, 4, 10 rank 1, 2, 3; visibility 12, 6, 12 ranks 2.5, 1, 2.5 (ties averaged)
    x, y = np.array([1, 2, 3.0]), np.array([2.5, 1, 2.5])
    expected = np.corrcoef(x, y)[0, 1]
    assert pair["rho"] == pytest.approx(expected)


def test_trends(schedule):
    data = trends(schedule, TrendsFilters())
    assert [(b.value, b.count, b.rate) for b in data.by_priority] == [
        (2.0, 1, 1.0),
        (4.0, 1, 0.0),
        (10.0, 1, 1.0),
    ]
    assert data.model is None
    assert data.model_message == "The model needs at least 20 blocks; 3 match."


def test_validation_report(schedule):
    report = validation_report(schedule, ValidationFilters())
    assert report.total_blocks == 4
    assert report.valid_blocks == 3
    assert report.blocks_by_status["impossible"] == 1
    assert [(issue.source_block_id, issue.rule) for issue in report.issues] == [
        ("C", "no_visibility")
    ]
    assert report.issues_by_criticality["Critical"] == 1
    assert validation_report(schedule, ValidationFilters(status="warning")).issues == []


def test_overview_summary(schedule):
    overview = schedule_overview(schedule)
    summary = overview.summary
    assert (summary.total_blocks, summary.scheduled_blocks, summary.impossible_blocks) == (4, 2, 1)
    assert summary.gap_count == 1
    assert summary.gap_mean_hours == pytest.approx(4.5)
    assert summary.conflict_count == 0
    assert overview.previous_version is None
    assert [version.version for version in overview.versions] == [1]


def test_compare_matches_on_source_block_id(schedule, store_schedule):
    changed = [
        dict(BLOCKS[0], scheduled=(T0 + 0.25, T0 + 0.3125)),  # A retimed by +3 h
        dict(BLOCKS[1], scheduled=(T0, T0 + 1 / 24)),  # B newly scheduled
        dict(BLOCKS[3], scheduled=None),  # D newly unscheduled
        dict(source_id="E", priority=1.0),
    ]
    other = store_schedule(changed, DARK, name="pinned")
    assert other.version == 2
    assert schedule_overview(other).previous_version == schedule
    data = compare(schedule, other)
    assert (data.only_in_a, data.only_in_b, data.common_count) == (["C"], ["E"], 3)
    assert [change.source_block_id for change in data.newly_scheduled] == ["B"]
    assert [change.source_block_id for change in data.newly_unscheduled] == ["D"]
    assert [change.source_block_id for change in data.retimed] == ["A"]
    assert data.retimed[0].start_shift_hours == pytest.approx(3.0)
    assert (data.a.scheduled_blocks, data.b.scheduled_blocks) == (2, 2)
    assert (data.a.gap_count, data.a.gap_mean_hours) == (1, pytest.approx(4.5))


def test_degenerate_schedules_do_not_break_selectors(store_schedule, data_source):
    empty = store_schedule([], name="empty")
    assert sky_map(empty, SkyMapFilters()).shown_blocks == 0
    assert distributions(empty, BlockFilters()).priority_stats.mean is None
    assert visibility_histogram(empty, VisibilityFilters()).visible_count.size == 0
    assert timeline(empty, TimelineFilters()).observations.block_id.size == 0
    assert insights(empty, BlockFilters()).findings == ["No blocks match the current filters."]
    assert trends(empty, TrendsFilters()).by_priority == []
    same = store_schedule([dict(priority=3.0), dict(priority=3.0)], name="flat")
    assert sky_map(same, SkyMapFilters()).points.priority_bucket.tolist() == [2, 2]
    assert trends(same, TrendsFilters()).heatmap is None


def test_visibility_histogram_handles_unsorted_and_shared_bins(store_schedule, data_source):
    # One block whose periods are out of order and two of which fall into the same bin.
    schedule = store_schedule(
        [dict(visibility=[(T0 + 0.5, T0 + 0.75), (T0, T0 + 0.0625), (T0 + 0.0625, T0 + 0.125)])],
        name="unsorted",
    )
    data = visibility_histogram(schedule, VisibilityFilters(bin_count=6))
    assert data.visible_count.tolist() == [1, 0, 0, 0, 1, 1]
