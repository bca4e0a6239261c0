"""The pair figures of DESIGN §14, worked out by hand: match ratio, retimed blocks, shift median
and MAD, order preservation by the longest increasing subsequence, and coherent runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analytics.comparison import coherent_runs, longest_increasing_run, pair_timing

NAN = math.nan
MINUTE = 1.0 / 1440.0


@pytest.mark.parametrize(
    ("values", "length"),
    [([], 0), ([7], 1), ([3, 1, 2, 5, 4], 3), ([0, 2, 1, 3, 4, 5], 5), ([5, 4, 3], 1),
     ([1, 1, 1], 1), ([2, 3, 1, 4, 0, 5, 6], 5)],
)  # fmt: skip
def test_longest_increasing_run(values, length):
    assert longest_increasing_run(np.array(values)) == length


def test_hand_worked_pair():
    # A schedules a, b, c, d; B schedules a, b, c (10, 10 and 12 minutes later) and f.
    ids_a = np.array(["a", "b", "c", "d", "e"])
    start_a = np.array([0.0, 1.0, 2.0, 3.0, NAN])
    ids_b = np.array(["a", "b", "c", "d", "f"])
    start_b = np.array([10 * MINUTE, 1 + 10 * MINUTE, 2 + 12 * MINUTE, NAN, 5.0])
    timing = pair_timing(ids_a, start_a, ids_b, start_b)
    assert (timing.scheduled_either, timing.scheduled_both) == (5, 3)
    assert timing.match_ratio == pytest.approx(3 / 5)
    assert timing.retimed == 3
    assert timing.shift_median_minutes == pytest.approx(10.0)
    assert timing.shift_mad_minutes == pytest.approx(0.0)
    assert timing.order_preservation == pytest.approx(1.0)
    (run,) = timing.coherent_runs
    assert run.source_block_ids == ["a", "b", "c"]
    assert (run.a_first, run.a_last, run.b_first, run.b_last) == (0, 2, 0, 2)
    assert run.shift_mean_minutes == pytest.approx(32 / 3)
    assert run.shift_std_minutes == pytest.approx(np.std([10.0, 10.0, 12.0]))


def test_a_start_moved_by_a_second_or_less_is_not_retimed():
    ids = np.array(["a", "b"])
    timing = pair_timing(ids, np.array([0.0, 1.0]), ids, np.array([0.9 / 86400, 1 + 1.1 / 86400]))
    assert timing.retimed == 1


def test_nothing_timed_in_both_has_no_order_or_shift():
    timing = pair_timing(np.array(["a"]), np.array([0.0]), np.array(["b"]), np.array([0.0]))
    assert (timing.scheduled_either, timing.scheduled_both, timing.match_ratio) == (2, 0, 0.0)
    assert timing.order_preservation is None and timing.shift_median_minutes is None
    assert timing.coherent_runs == []
    empty = pair_timing(np.array([], str), np.array([]), np.array([], str), np.array([]))
    assert empty.match_ratio is None


def test_order_preservation_counts_the_blocks_that_kept_their_order():
    ids = np.array(list("uvwxyz"))
    start_a = np.arange(6.0)
    start_b = np.array([0.0, 2.0, 1.0, 3.0, 4.0, 5.0])  # v and w swapped
    assert pair_timing(ids, start_a, ids, start_b).order_preservation == pytest.approx(5 / 6)


def test_runs_break_on_a_jump_and_merge_across_a_dropped_short_run():
    ids = np.array(list("abcdefg"))
    positions = np.arange(7)
    # Shifts 0, 0, 0 | 20 | 1, 1, 1: the jump cuts d out; a-c and e-g (means 0 and 1) merge.
    shift = np.array([0.0, 0.0, 0.0, 20.0, 1.0, 1.0, 1.0])
    (run,) = coherent_runs(ids, positions, positions, shift)
    assert run.source_block_ids == ["a", "b", "c", "e", "f", "g"]
    assert run.shift_mean_minutes == pytest.approx(0.5)


def test_runs_far_apart_in_shift_stay_apart_and_short_runs_are_dropped():
    ids = np.array(list("abcdefgh"))
    positions = np.arange(8)
    shift = np.array([0.0, 0.0, 0.0, 30.0, 30.0, 30.0, 60.0, 60.0])
    runs = coherent_runs(ids, positions, positions, shift)
    assert [run.source_block_ids for run in runs] == [["a", "b", "c"], ["d", "e", "f"]]


def test_an_order_inversion_in_b_breaks_a_run():
    ids = np.array(list("abcdef"))
    runs = coherent_runs(ids, np.arange(6), np.array([0, 1, 2, 5, 3, 4]), np.zeros(6))
    assert [run.source_block_ids for run in runs] == [["a", "b", "c", "d"]]
