"""Priority inversions (DESIGN §13): a scheduled block whose removal alone would make room for
an unscheduled block of higher priority.

Removing scheduled block *s* frees only the time that *s* alone covers. Those stretches are
found in one sweep over all scheduled periods: between consecutive endpoints the number of
periods covering the time is constant, and where it is one the covering block is known (the
running sum of the indices of the covering blocks). A maximal run of time covered by *s*
alone, joined with the free gap on either side when there is one, is the free stretch that
removing *s* would leave; it stops at the nearest time another scheduled block covers, so
overlapping scheduled blocks are handled and a case that needs two removals never appears.

An unscheduled block *b* (``blocked`` or ``feasible_free``: the other reasons say it could
not or should not be placed anyway) is inverted by *s* when priority(b) > priority(s) and
one of b's usable windows, cut to such a stretch of *s*, keeps at least b's request (1 ms
allowance) and still contains some of s's time. Each (b, s) pair is reported once, with the
longest such freed interval (the earliest among equals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.diagnostics.operable import LENGTH_TOLERANCE_DAYS, Basis, UsableWindows
from analytics.diagnostics.reasons import BLOCKED, FEASIBLE_FREE, Reasons, requested_days
from schedules.block_metrics import SECONDS_PER_HOUR
from schedules.intervals import RangeMaximum, search_sorted
from schedules.schedule_data import ScheduleData


@dataclass(frozen=True)
class Inversions:
    """Pairs sorted by unscheduled block, then scheduled block; freed intervals in MJD."""

    basis: Basis
    unscheduled: np.ndarray
    scheduled: np.ndarray
    freed_start_mjd: np.ndarray
    freed_stop_mjd: np.ndarray
    unscheduled_blocks: np.ndarray
    scheduled_blocks: np.ndarray
    priority_weighted_hours: float

    @property
    def pair_count(self) -> int:
        return len(self.unscheduled)


@dataclass(frozen=True)
class SoleRuns:
    """Stretches of time covered by exactly one scheduled block, with the free stretch its
    removal would open (``free_start``/``free_stop``, infinite when nothing bounds it)."""

    block: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    free_start: np.ndarray
    free_stop: np.ndarray


def sole_runs(start: np.ndarray, stop: np.ndarray, block: np.ndarray) -> SoleRuns:
    """Sweep the periods ``[start, stop]`` of blocks ``block`` (positive lengths only)."""
    positive = start < stop
    start, stop, block = start[positive], stop[positive], block[positive]
    edges = np.unique(np.concatenate((start, stop)))
    if len(edges) < 2:
        empty = np.empty(0)
        return SoleRuns(np.empty(0, dtype=np.int64), empty, empty, empty, empty)
    opens = np.searchsorted(edges, start)
    closes = np.searchsorted(edges, stop)
    count = len(edges)
    coverage = np.cumsum(np.bincount(opens, minlength=count) - np.bincount(closes, minlength=count))
    # Positions (not block numbers) keep the running sums small and exact in float64.
    position = np.arange(len(start), dtype=np.float64)
    covering = np.cumsum(
        np.bincount(opens, position, minlength=count)
        - np.bincount(closes, position, minlength=count)
    )
    coverage, covering = coverage[:-1], np.rint(covering[:-1]).astype(np.int64)
    # -1 free, -2 covered twice or more, else the position of the only covering block.
    key = np.where(coverage == 0, -1, np.where(coverage == 1, covering, -2))

    segments = len(key)
    sole = key >= 0
    run_first = np.flatnonzero(sole & np.concatenate(([True], key[1:] != key[:-1])))
    run_last = np.flatnonzero(sole & np.concatenate((key[:-1] != key[1:], [True])))
    before, after = run_first - 1, run_last + 1
    free_before = (before >= 0) & (key[np.maximum(before, 0)] == -1)
    free_after = (after < segments) & (key[np.minimum(after, segments - 1)] == -1)
    # A free segment is one gap between scheduled blocks: the segment before it is covered.
    free_start = np.where(
        before < 0, -np.inf, np.where(free_before, edges[np.maximum(before, 0)], edges[run_first])
    )
    free_stop = np.where(
        after >= segments,
        np.inf,
        np.where(free_after, edges[np.minimum(after + 1, count - 1)], edges[run_last + 1]),
    )
    return SoleRuns(
        block=block[key[run_first]],
        start=edges[run_first],
        stop=edges[run_last + 1],
        free_start=free_start,
        free_stop=free_stop,
    )


def _priority_ranks(priority: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense int32 ranks of the priorities, for the unscheduled and the scheduled side: a NaN
    ranks below everything as the first and above everything as the second, so that, as
    with floats, no comparison with a NaN says "higher"."""
    values, rank = np.unique(priority, return_inverse=True)
    rank = rank.astype(np.int32)
    nan = np.isnan(priority)
    return np.where(nan, -1, rank).astype(np.int32), np.where(nan, len(values), rank).astype(
        np.int32
    )


def _float32(values: np.ndarray, towards: float) -> np.ndarray:
    """``values`` in float32, rounded towards ``towards`` so that comparisons stay safe."""
    rounded = values.astype(np.float32)
    return np.where(rounded == values, rounded, np.nextafter(rounded, np.float32(towards)))


def find_inversions(
    data: ScheduleData, windows: UsableWindows, reasons: Reasons, is_scheduled: np.ndarray
) -> Inversions:
    """Sole runs are disjoint and sorted, so a window meets a contiguous range of them; the
    lowest priority over each range (a ``RangeMaximum`` of negated priorities) drops at
    once the windows where every candidate blocker outranks the block."""
    scheduled = np.flatnonzero(is_scheduled)
    runs = sole_runs(
        data.scheduled_start_mjd[scheduled], data.scheduled_stop_mjd[scheduled], scheduled
    )
    request = requested_days(data)
    priority = data.priority
    owner = windows.owner
    lengths = windows.periods[:, 1] - windows.periods[:, 0]
    rows = np.flatnonzero(
        np.isin(reasons.code[owner], (BLOCKED, FEASIBLE_FREE))
        & (lengths >= request[owner] - LENGTH_TOLERANCE_DAYS)
    )
    start, stop = windows.periods[rows, 0], windows.periods[rows, 1]
    first = search_sorted(runs.stop, start, side="right")
    end = search_sorted(runs.start, stop, side="left")
    lowest = -RangeMaximum(-priority[runs.block]).between(first, end - 1)
    worth = np.flatnonzero(lowest < priority[owner[rows]])
    rows, first, count = rows[worth], first[worth], (end - first)[worth]

    run = np.repeat((first - (np.cumsum(count) - count)).astype(np.int32), count)
    run += np.arange(len(run), dtype=np.int32)
    # Two necessary conditions, on compact copies since they are checked for every pair: the
    # blocker ranks lower, and its freed stretch, before any window cuts it, holds the
    # request. Exact checks follow on the pairs that pass.
    unscheduled_rank, scheduled_rank = _priority_ranks(priority)
    room = _float32(runs.free_stop - runs.free_start, np.inf)
    need = _float32(request[owner[rows]] - LENGTH_TOLERANCE_DAYS, -np.inf)
    candidate = np.flatnonzero(
        (np.repeat(unscheduled_rank[owner[rows]], count) > scheduled_rank[runs.block][run])
        & (room[run] >= np.repeat(need, count))
    )
    pair_row = np.repeat(np.arange(len(rows), dtype=np.int32), count)[candidate]
    run = run[candidate]
    unscheduled, blocker = owner[rows][pair_row], runs.block[run]
    higher = np.flatnonzero(priority[unscheduled] > priority[blocker])
    pair_row, run, unscheduled, blocker = (
        pair_row[higher],
        run[higher],
        unscheduled[higher],
        blocker[higher],
    )
    window = windows.periods[rows[pair_row]]
    freed_start = np.maximum(window[:, 0], runs.free_start[run])
    freed_stop = np.minimum(window[:, 1], runs.free_stop[run])
    freed = freed_stop - freed_start
    room = np.flatnonzero(freed >= request[unscheduled] - LENGTH_TOLERANCE_DAYS)
    unscheduled, blocker = unscheduled[room], blocker[room]
    freed_start, freed_stop, freed = freed_start[room], freed_stop[room], freed[room]

    # One row per (unscheduled, scheduled) pair: the longest freed interval, the earliest of
    # equal ones. Rows come by unscheduled block and then by time, so a stable sort on the
    # pair (timsort, quick on such nearly sorted keys) keeps equal pairs in time order.
    pair_key = unscheduled.astype(np.int64) * data.block_count + blocker
    order = np.argsort(pair_key, kind="stable")
    pair_key, freed = pair_key[order], freed[order]
    new_pair = np.ones(len(order), dtype=bool)
    new_pair[1:] = pair_key[1:] != pair_key[:-1]
    pair = np.cumsum(new_pair) - 1
    longest = np.full(int(new_pair.sum()), -np.inf)
    np.maximum.at(longest, pair, freed)
    longest_rows = np.flatnonzero(freed == longest[pair])
    first_of_pair = np.ones(len(longest_rows), dtype=bool)
    first_of_pair[1:] = pair[longest_rows[1:]] != pair[longest_rows[:-1]]
    pick = order[longest_rows[first_of_pair]]
    unscheduled, blocker = unscheduled[pick], blocker[pick]

    inverted = np.flatnonzero(np.bincount(unscheduled, minlength=data.block_count))
    weighted = priority[inverted] * data.requested_duration_s[inverted] / SECONDS_PER_HOUR
    return Inversions(
        basis=windows.basis,
        unscheduled=unscheduled,
        scheduled=blocker,
        freed_start_mjd=freed_start[pick],
        freed_stop_mjd=freed_stop[pick],
        unscheduled_blocks=inverted,
        scheduled_blocks=np.flatnonzero(np.bincount(blocker, minlength=data.block_count)),
        priority_weighted_hours=float(weighted.sum()),
    )
