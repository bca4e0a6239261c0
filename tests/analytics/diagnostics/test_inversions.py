import numpy as np
import pytest

from analytics.diagnostics.inversions import find_inversions, sole_runs
from analytics.diagnostics.operable import operable_time, scheduled_periods, usable_windows
from analytics.diagnostics.reasons import explain_unscheduled
from tests.analytics.factories import BASE_MJD, make_schedule_data

HOUR = 3600.0
INF = np.inf


def at(hours: float) -> float:
    return BASE_MJD + hours / 24


def inversions_of(blocks):
    data = make_schedule_data(blocks, period_start_mjd=at(0), period_end_mjd=at(24))
    windows = usable_windows(data, operable_time(data))
    is_scheduled, union = scheduled_periods(data)
    reasons = explain_unscheduled(
        data, windows, is_scheduled, union, np.zeros(len(blocks), dtype=bool)
    )
    return reasons, find_inversions(data, windows, reasons, is_scheduled)


def pairs(inversions):
    return [
        (int(b), int(s), round((start - BASE_MJD) * 24, 9), round((stop - BASE_MJD) * 24, 9))
        for b, s, start, stop in zip(
            inversions.unscheduled,
            inversions.scheduled,
            inversions.freed_start_mjd,
            inversions.freed_stop_mjd,
            strict=True,
        )
    ]


def wanting(priority, hours, start, stop):
    return {
        "priority": priority,
        "requested_duration_s": hours * HOUR,
        "min_observation_s": 1800.0,
        "visibility": [(at(start), at(stop))],
    }


def scheduled(priority, start, stop):
    return {"priority": priority, "scheduled": (at(start), at(stop)), "visibility": []}


class TestInversions:
    def test_one_lower_priority_block_in_the_way(self):
        # Block 0 (priority 8) wants 2 h in [1,5]. Block 1 (priority 3) sits at 2-3.5 h and
        # block 2 (priority 9) at 3.5-5 h, touching it. Free: [1,2] only, so block 0 is
        # blocked. Without block 1: [1,3.5], 2.5 h, bounded by block 2 at 3.5 h: an
        # inversion. Block 2 outranks block 0: removing it does not count.
        reasons, inversions = inversions_of(
            [wanting(8.0, 2, 1, 5), scheduled(3.0, 2, 3.5), scheduled(9.0, 3.5, 5)]
        )
        assert reasons.names()[0] == "blocked"
        assert pairs(inversions) == [(0, 1, 1.0, 3.5)]
        assert inversions.unscheduled_blocks.tolist() == [0]
        assert inversions.scheduled_blocks.tolist() == [1]
        assert inversions.priority_weighted_hours == pytest.approx(8.0 * 2.0)

    def test_a_case_needing_two_removals_does_not_count(self):
        # 3 h wanted in [6,9.5]; blocks at 6.5-7.5 and 8-9. Removing either leaves 2 h
        # ([6,8] or [7.5,9.5]); only removing both would make room.
        reasons, inversions = inversions_of(
            [wanting(8.0, 3, 6, 9.5), scheduled(2.0, 6.5, 7.5), scheduled(2.0, 8, 9)]
        )
        assert reasons.names()[0] == "blocked"
        assert pairs(inversions) == []
        assert inversions.priority_weighted_hours == 0.0

    def test_equal_priority_is_not_an_inversion(self):
        _, inversions = inversions_of([wanting(5.0, 2, 1, 4), scheduled(5.0, 1.5, 3)])
        assert pairs(inversions) == []

    def test_overlapping_scheduled_blocks_bound_the_freed_stretch(self):
        # 1 h wanted in [0,3]; block 1 at 0.5-2.5 h with block 2 nested in it at 1-1.5 h.
        # Without block 1 the free stretches are [0,1] and [1.5,3]: the longest, 1.5 h, is
        # reported. Without block 2 nothing is freed: block 1 still covers its time.
        reasons, inversions = inversions_of(
            [wanting(5.0, 1, 0, 3), scheduled(1.0, 0.5, 2.5), scheduled(1.0, 1, 1.5)]
        )
        assert reasons.names()[0] == "blocked"
        assert pairs(inversions) == [(0, 1, 1.5, 3.0)]

    def test_a_feasible_block_can_be_inverted_too(self):
        # Free [0,1] holds the 1 h request, so the block is feasible_free; still, removing
        # block 1 (priority 2) would free [0,4].
        reasons, inversions = inversions_of([wanting(7.0, 1, 0, 4), scheduled(2.0, 1, 2)])
        assert reasons.names()[0] == "feasible_free"
        assert pairs(inversions) == [(0, 1, 0.0, 4.0)]

    def test_blocks_with_other_reasons_are_not_inverted(self):
        # Asking 3 h of a 2 h window: requested_exceeds_visibility, whatever is scheduled.
        reasons, inversions = inversions_of([wanting(9.0, 3, 0, 2), scheduled(1.0, 0.5, 1)])
        assert reasons.names()[0] == "requested_exceeds_visibility"
        assert pairs(inversions) == []


class TestSoleRuns:
    def test_runs_covered_by_one_block_and_the_stretch_removing_it_frees(self):
        # [0,2] and [1,3] overlap at [1,2]; [3,4] touches [1,3]; [6,7] stands alone.
        runs = sole_runs(
            np.array([0.0, 1.0, 3.0, 6.0]), np.array([2.0, 3.0, 4.0, 7.0]), np.arange(4)
        )
        assert runs.block.tolist() == [0, 1, 2, 3]
        np.testing.assert_array_equal(runs.start, [0, 2, 3, 6])
        np.testing.assert_array_equal(runs.stop, [1, 3, 4, 7])
        np.testing.assert_array_equal(runs.free_start, [-INF, 2, 3, 4])
        np.testing.assert_array_equal(runs.free_stop, [1, 3, 6, INF])

    def test_no_periods(self):
        runs = sole_runs(np.empty(0), np.empty(0), np.empty(0, dtype=np.int64))
        assert len(runs.block) == 0
