import numpy as np
import pytest

from analytics.diagnostics.fragmentation import (
    CLASSES,
    fragment,
    gap_statistics,
)
from analytics.diagnostics.operable import operable_time, scheduled_periods, usable_windows
from tests.analytics.factories import BASE_MJD, make_schedule_data


def at(hours: float) -> float:
    return BASE_MJD + hours / 24


HALF_HOUR = 1800.0

# A 12 h period, dark from 1 h to 11 h. Block 0 is visible 1-5 h; block 1 is visible 5-6 h but
# needs 2 h at least, so it has no usable window. Scheduled: block 5 at 2-3 h touching block 2
# at 3-4 h, and blocks 3 (7.5-8.25 h) and 4 (8-8.5 h) overlapping each other.
STRIP_BLOCKS = [
    {"visibility": [(at(1), at(5))], "min_observation_s": HALF_HOUR, "priority": 9.0},
    {"visibility": [(at(5), at(6))], "min_observation_s": 7200.0, "priority": 6.0},
    {
        "visibility": [(at(3), at(4))],
        "min_observation_s": HALF_HOUR,
        "scheduled": (at(3), at(4)),
        "priority": 4.0,
    },
    {
        "visibility": [(at(7.5), at(8.25))],
        "min_observation_s": HALF_HOUR,
        "scheduled": (at(7.5), at(8.25)),
        "priority": 5.0,
    },
    {
        "visibility": [(at(8), at(8.5))],
        "min_observation_s": HALF_HOUR,
        "scheduled": (at(8), at(8.5)),
        "priority": 6.0,
    },
    {
        "visibility": [(at(1), at(5))],
        "min_observation_s": HALF_HOUR,
        "scheduled": (at(2), at(3)),
        "priority": 0.0,
    },
]


def strip_schedule():
    return make_schedule_data(
        STRIP_BLOCKS, dark_periods=[(at(1), at(11))], period_start_mjd=at(0), period_end_mjd=at(12)
    )


def strip_of(data):
    operable = operable_time(data)
    windows = usable_windows(data, operable)
    _, union = scheduled_periods(data)
    return fragment(operable, windows, union)


class TestFragment:
    def test_every_piece_is_classified_in_order_and_equal_neighbours_merge(self):
        strip = strip_of(strip_schedule())
        classes = [CLASSES[kind] for kind in strip.segment_class]
        # Scheduled 2-3 h (block 5) and 3-4 h (block 2) touch: one scheduled piece, no gap.
        # Blocks 3 and 4 overlap: one scheduled piece 7.5-8.5 h.
        assert classes == [
            "non_operable",  # 0-1
            "feasible_unused",  # 1-2: inside block 0's and block 5's windows
            "scheduled",  # 2-4
            "feasible_unused",  # 4-5
            "visible_no_fit",  # 5-6: block 1 visible, but no 2 h window
            "no_target_visible",  # 6-7.5
            "scheduled",  # 7.5-8.5
            "no_target_visible",  # 8.5-11
            "non_operable",  # 11-12
        ]
        edges = [0, 1, 2, 4, 5, 6, 7.5, 8.5, 11, 12]
        np.testing.assert_allclose(strip.segment_start, [at(h) for h in edges[:-1]])
        np.testing.assert_allclose(strip.segment_stop, [at(h) for h in edges[1:]])

    def test_hours_per_class(self):
        hours = strip_of(strip_schedule()).hours
        expected = {
            "non_operable": 2.0,
            "scheduled": 3.0,
            "no_target_visible": 1.5 + 2.5,
            "visible_no_fit": 1.0,
            "feasible_unused": 2.0,
        }
        assert hours == pytest.approx(expected, abs=1e-9)

    def test_idle_gaps_and_the_largest_first(self):
        strip = strip_of(strip_schedule())
        # Idle pieces: 1-2 (1 h), 4-5 (1 h), 5-6 (1 h, another class), 6-7.5 (1.5 h),
        # 8.5-11 (2.5 h). Sorted 1, 1, 1, 1.5, 2.5: mean 7/5 = 1.4, median 1,
        # sample variance (3 * 0.16 + 0.01 + 1.21) / 4 = 0.425,
        # p90 at rank 0.9 * 4 = 3.6: 1.5 + 0.6 * (2.5 - 1.5) = 2.1.
        gaps = strip.gaps
        assert gaps.count == 5
        assert gaps.total_hours == pytest.approx(7.0)
        assert gaps.mean_hours == pytest.approx(1.4)
        assert gaps.median_hours == pytest.approx(1.0)
        assert gaps.std_hours == pytest.approx(np.sqrt(0.425))
        assert gaps.p90_hours == pytest.approx(2.1)
        assert gaps.largest_hours == pytest.approx(2.5)
        # Longest first; the three 1 h gaps by start.
        np.testing.assert_allclose(strip.largest_gap_start, [at(h) for h in (8.5, 6, 1, 4, 5)])
        assert [CLASSES[k] for k in strip.largest_gap_class] == [
            "no_target_visible",
            "no_target_visible",
            "feasible_unused",
            "feasible_unused",
            "visible_no_fit",
        ]

    def test_at_most_ten_largest_gaps(self):
        # Twelve 1 h gaps between twelve scheduled half-hours.
        blocks = [
            {
                "visibility": [(at(0), at(24))],
                "scheduled": (at(2 * k), at(2 * k + 0.5)),
                "min_observation_s": 60.0,
            }
            for k in range(12)
        ]
        data = make_schedule_data(blocks, period_start_mjd=at(0), period_end_mjd=at(24))
        strip = strip_of(data)
        assert strip.gaps.count == 12
        assert len(strip.largest_gap_start) == 10

    def test_an_empty_period_has_no_pieces(self):
        data = make_schedule_data([])
        strip = strip_of(data)
        assert len(strip.segment_start) == 0 and strip.gaps.count == 0
        assert sum(strip.hours.values()) == 0.0


class TestGapStatistics:
    def test_p90_interpolates_between_two_values(self):
        # Rank 0.9 * (2 - 1) = 0.9: 1 + 0.9 * (3 - 1) = 2.8; sample std of 1 and 3 is sqrt 2.
        stats = gap_statistics(np.array([3.0, 1.0]))
        assert stats.p90_hours == pytest.approx(2.8)
        assert stats.std_hours == pytest.approx(np.sqrt(2.0))
        assert stats.median_hours == pytest.approx(2.0)

    def test_one_gap_has_no_spread(self):
        stats = gap_statistics(np.array([4.0]))
        assert (stats.std_hours, stats.p90_hours, stats.largest_hours) == (0.0, 4.0, 4.0)

    def test_no_gaps_give_zeros(self):
        stats = gap_statistics(np.empty(0))
        assert stats.count == 0 and stats.p90_hours == 0.0 and stats.mean_hours == 0.0
