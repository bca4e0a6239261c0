"""Lineage steps and one block's history, worked out by hand."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from analytics.lineage import VersionBlocks, block_history, lineage, lineage_step, state_changes

NAN = math.nan
SECOND = 1.0 / 86400.0


def version(number: int, rows: list[tuple]) -> VersionBlocks:
    ids, priority, start, stop = zip(*rows, strict=True) if rows else ((), (), (), ())
    return VersionBlocks(
        number, np.array(ids, str), np.array(priority, float), np.array(start, float),
        np.array(stop, float),
    )  # fmt: skip


V1 = version(1, [("a", 5, 0.0, 0.1), ("b", 5, NAN, NAN), ("c", 3, 1.0, 1.1), ("d", 2, 2.0, 2.1)])
V2 = version(
    2,
    [
        ("a", 5, 0.0 + 0.5 * SECOND, 0.1),  # moved by half a second: not retimed
        ("b", 5, 3.0, 3.1),  # newly scheduled
        ("c", 4, 1.5, 1.6),  # retimed and priority changed: one changed block
        ("e", 1, NAN, NAN),  # added; d removed
    ],
)


def test_a_step_worked_by_hand():
    step = lineage_step(V1, V2)
    assert (step.from_version, step.to_version) == (1, 2)
    assert (step.added, step.removed) == (1, 1)
    assert (step.newly_scheduled, step.newly_unscheduled) == (1, 0)
    assert (step.retimed, step.priority_changed) == (1, 1)
    assert step.blocks == 5
    # Changed: e (added), d (removed), b (scheduled), c (retimed, repriced): 4 of 5.
    assert step.churn_rate == pytest.approx(4 / 5)


def test_identical_versions_have_no_churn():
    step = lineage_step(V1, version(2, [("a", 5, 0.0, 0.1), ("b", 5, NAN, NAN),
                                         ("c", 3, 1.0, 1.1), ("d", 2, 2.0, 2.1)]))  # fmt: skip
    assert step.churn_rate == 0.0 and step.retimed == step.added == step.removed == 0


def test_a_lineage_has_a_step_per_pair_and_empty_versions_are_fine():
    steps = lineage([V1, V2, version(3, [])])
    assert [(s.from_version, s.to_version) for s in steps] == [(1, 2), (2, 3)]
    assert steps[1].removed == 4 and steps[1].churn_rate == 1.0
    assert lineage([V1]) == []


def test_one_blocks_history_across_versions():
    history = block_history([V1, V2, version(3, [])], "c")
    assert [(h.version, h.present, h.priority, h.scheduled) for h in history] == [
        (1, True, 3.0, True), (2, True, 4.0, True), (3, False, None, False)
    ]  # fmt: skip
    assert history[1].start_mjd == 1.5
    assert [h.present for h in block_history([V1, V2], "e")] == [False, True]


def test_what_changed_for_one_block_step_by_step():
    history = block_history([V1, V2, version(3, [("c", 4, 1.5, 1.6), ("d", 2, NAN, NAN)])], "c")
    assert [state_changes(a, b) for a, b in pairwise(history)] == [
        ["retimed", "priority_changed"],
        [],
    ]
    d = block_history([V1, V2, version(3, [("d", 2, NAN, NAN)])], "d")
    assert state_changes(d[0], d[1]) == ["removed"]
    assert state_changes(d[1], d[2]) == ["added"]  # back, unscheduled: only "added"
    b = block_history([V1, V2, version(3, [("b", 5, NAN, NAN)])], "b")
    assert [state_changes(x, y) for x, y in pairwise(b)] == [
        ["newly_scheduled"],
        ["newly_unscheduled"],
    ]
    a = block_history([V1, V2], "a")
    assert state_changes(a[0], a[1]) == []  # half a second is not retimed
