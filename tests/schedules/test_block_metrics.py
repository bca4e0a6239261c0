"""The derived block columns (DESIGN §7): hours, counts, scheduled flags, priority buckets."""

import numpy as np
import pytest

from schedules.block_metrics import compute_block_metrics, priority_buckets
from tests.analytics.factories import BASE_MJD, make_schedule_data

NAN = np.nan


def mjd_span(start_day: float, stop_day: float) -> tuple[float, float]:
    return (BASE_MJD + start_day, BASE_MJD + stop_day)


class TestBlockMetrics:
    def test_hand_computed_block(self):
        data = make_schedule_data(
            [
                {
                    "requested_duration_s": 5400.0,
                    "min_observation_s": 900.0,
                    "visibility": [mjd_span(0, 0.25), mjd_span(1, 1.125)],
                    "min_alt_deg": 20.0,
                    "max_alt_deg": 80.0,
                    "scheduled": mjd_span(0, 0.0625),
                }
            ]
        )
        metrics = compute_block_metrics(data)
        assert metrics.requested_hours.tolist() == [1.5]
        assert metrics.min_observation_hours.tolist() == [0.25]
        assert metrics.total_visibility_hours.tolist() == [9.0]
        assert metrics.visibility_period_count.tolist() == [2]
        assert metrics.max_visibility_period_hours.tolist() == [6.0]
        assert metrics.elevation_range_deg.tolist() == [60.0]
        assert metrics.is_scheduled.tolist() == [True]
        assert metrics.scheduled_start_mjd.tolist() == [BASE_MJD]
        assert metrics.scheduled_stop_mjd.tolist() == [BASE_MJD + 0.0625]
        assert metrics.scheduled_hours.tolist() == [1.5]
        assert metrics.has_zero_visibility.tolist() == [False]

    def test_blocks_without_visibility_or_a_usable_scheduled_period(self):
        data = make_schedule_data(
            [
                {"visibility": []},
                {"visibility": [mjd_span(0.5, 0.25)], "scheduled": mjd_span(0.5, 0.4)},
                {"scheduled": mjd_span(0.3, 0.3)},
                {"scheduled": (BASE_MJD, NAN)},
            ]
        )
        metrics = compute_block_metrics(data)
        assert metrics.total_visibility_hours.tolist() == [0.0, 0.0, 12.0, 12.0]
        assert metrics.visibility_period_count.tolist() == [0, 1, 1, 1]
        assert metrics.max_visibility_period_hours.tolist() == [0.0, 0.0, 12.0, 12.0]
        assert metrics.has_zero_visibility.tolist() == [True, True, False, False]
        assert not metrics.is_scheduled.any()
        assert np.isnan(metrics.scheduled_start_mjd).all()
        assert np.isnan(metrics.scheduled_stop_mjd).all()
        assert np.isnan(metrics.scheduled_hours).all()

    def test_longest_period_is_found_per_block_around_empty_blocks(self):
        data = make_schedule_data(
            [
                {"visibility": []},
                {"visibility": [mjd_span(0, 0.125), mjd_span(1, 1.5)]},
                {"visibility": []},
                {"visibility": [mjd_span(0, 0.25)]},
            ]
        )
        metrics = compute_block_metrics(data)
        assert metrics.max_visibility_period_hours.tolist() == [0.0, 12.0, 0.0, 6.0]


class TestPriorityBuckets:
    def test_quartiles_of_the_schedule_range(self):
        priority = np.array([0.0, 2.4, 2.5, 5.0, 7.5, 10.0])
        assert priority_buckets(priority).tolist() == [1, 1, 2, 3, 4, 4]

    def test_exact_boundaries_belong_to_the_upper_bucket(self):
        priority = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
        below = np.nextafter(priority[1:4], -np.inf)
        assert priority_buckets(priority).tolist() == [1, 2, 3, 4, 4]
        assert priority_buckets(np.concatenate((priority, below))).tolist() == [
            1, 2, 3, 4, 4, 1, 2, 3
        ]  # fmt: skip

    def test_range_is_relative_even_for_negative_priorities(self):
        assert priority_buckets(np.array([-10.0, -5.0, 0.0])).tolist() == [1, 3, 4]

    @pytest.mark.parametrize("priority", [[7.0, 7.0, 7.0], [3.5], []])
    def test_equal_or_single_priorities_are_all_bucket_two(self, priority):
        buckets = priority_buckets(np.array(priority))
        assert buckets.tolist() == [2] * len(priority)
        assert buckets.dtype == np.int64
