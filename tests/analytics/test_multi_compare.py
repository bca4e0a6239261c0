"""The N-way compare without the database: matching, statuses, best values, boxes, pairs."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.multi_compare import (
    ABSENT,
    HIGHER,
    IMPOSSIBLE,
    LOWER,
    SCHEDULED,
    UNSCHEDULED,
    ScheduleBlocks,
    box_statistics,
    metric_row,
    pair_figures,
    status_matrix,
)

NAN = np.nan


def blocks(ids, starts, impossible=(), ra=None) -> ScheduleBlocks:
    starts = np.array(starts, dtype=float)
    return ScheduleBlocks(
        source_block_id=np.array(ids, dtype=object),
        is_scheduled=~np.isnan(starts),
        is_impossible=np.isin(np.array(ids, dtype=object), list(impossible)),
        scheduled_start_mjd=starts,
        ra_deg=np.array(ra if ra is not None else [10.0] * len(ids), dtype=float),
        dec_deg=np.zeros(len(ids)),
        priority=np.ones(len(ids)),
    )


def test_status_matrix_matches_every_schedule_on_source_id():
    reference = blocks(["b", "a", "c"], [1.0, NAN, NAN], impossible=["c"])
    other = blocks(["a", "d", "b"], [2.0, NAN, 1.0])
    third = blocks(["c", "b"], [NAN, 1.5], impossible=["c"])
    matrix = status_matrix([reference, other, third])
    assert matrix.source_block_id.tolist() == ["a", "b", "c", "d"]
    assert matrix.status.tolist() == [
        [UNSCHEDULED, SCHEDULED, ABSENT],
        [SCHEDULED, SCHEDULED, SCHEDULED],
        [IMPOSSIBLE, ABSENT, IMPOSSIBLE],
        [ABSENT, UNSCHEDULED, ABSENT],
    ]
    assert matrix.agree.tolist() == [False, True, False, False]


def test_a_scheduled_block_is_scheduled_even_when_judged_impossible():
    matrix = status_matrix([blocks(["a"], [1.0], impossible=["a"])])
    assert matrix.status.tolist() == [[SCHEDULED]]


def test_metric_row_marks_the_best_and_takes_deltas_to_the_reference():
    row = metric_row("Scheduled blocks", [3, 5, None, 5], HIGHER)
    assert row.deltas == [0, 2, None, 2]
    assert row.best == [1, 3]  # ties are all marked
    assert metric_row("Conflicts", [2, 0, 1], LOWER).best == [1]
    assert metric_row("Blocks", [4, 5], "").best == []  # no better direction
    assert metric_row("Rate", [0.5, 0.5], HIGHER).best == []  # all equal: nothing stands out
    assert metric_row("Rate", [None, 0.5], HIGHER).deltas == [None, None]
    assert metric_row("Rate", [None, 0.5], HIGHER).best == []  # one value: nothing to compare


def test_box_statistics_of_hand_computed_values():
    box = box_statistics(np.array([1.0, 2.0, 3.0, 4.0, 100.0]))
    # Quartiles by linear interpolation: 2, 3, 4; IQR 2, so 100 lies beyond 4 + 3.
    assert (box.count, box.q1, box.median, box.q3) == (5, 2.0, 3.0, 4.0)
    assert (box.lower_fence, box.upper_fence) == (1.0, 4.0)
    assert box.mean == pytest.approx(22.0)
    empty = box_statistics(np.array([]))
    assert empty.count == 0 and empty.median is None


def test_pair_figures_time_the_other_against_the_reference():
    minute = 1.0 / 1440.0
    reference = blocks(["a", "b", "c", "d"], [1.0, 2.0, 3.0, NAN])
    other = blocks(["a", "b", "c", "e"], [1.0 + 2 * minute, 2.0 + 2 * minute, 3.0, 5.0])
    pair = pair_figures(reference, other)
    assert pair.shared_blocks == 3
    assert pair.warnings == []
    timing = pair.timing
    assert (timing.scheduled_either, timing.scheduled_both) == (4, 3)
    assert timing.match_ratio == 0.75
    assert timing.retimed == 2
    assert timing.shift_median_minutes == pytest.approx(2.0)
    assert timing.shift_mad_minutes == pytest.approx(0.0)
    assert timing.order_preservation == 1.0
    assert [run.source_block_ids for run in timing.coherent_runs] == [["a", "b", "c"]]


def test_pair_figures_warn_about_ids_pointing_at_other_targets():
    reference = blocks(["a", "b", "c"], [NAN] * 3, ra=[10.0, 20.0, 30.0])
    other = blocks(["a", "b", "x", "y"], [NAN] * 4, ra=[10.0, 25.0, 0.0, 0.0])
    pair = pair_figures(reference, other)
    assert pair.mismatched_targets == ["b"]
    assert len(pair.warnings) == 1
    assert "1 shared block ids point at different targets (b)" in pair.warnings[0]
    few = pair_figures(blocks(["a", "b", "c"], [NAN] * 3), blocks(["a", "x", "y"], [NAN] * 3))
    assert "share only 1 of 3 blocks" in few.warnings[0]
    assert few.timing.match_ratio is None and few.timing.order_preservation is None
