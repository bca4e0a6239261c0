"""Interval arithmetic on MJD periods held as ``(k, 2)`` float arrays of ``[start, stop]``.

Schedules carry tens of thousands of blocks and up to a million visibility periods, so every
helper works on whole columns with sorting and ``searchsorted``; none loops over intervals in
Python and none compares all pairs.

Set operations (merging, containment) ignore rows that are not periods (NaN or stop < start);
overlap helpers only consider intervals of positive length, since nothing can overlap an empty
one by more than zero.
"""

from __future__ import annotations

import numpy as np

HOURS_PER_DAY = 24.0


def merge_periods(periods: np.ndarray) -> np.ndarray:
    """The union of ``periods`` as sorted, disjoint ``[start, stop]`` rows.

    Overlapping and touching periods are merged, so consecutive output rows are separated by a
    gap of more than zero.
    """
    periods = np.asarray(periods, dtype=np.float64).reshape(-1, 2)
    merged, _ = merge_grouped_periods(periods, np.array([0, len(periods)]))
    return merged


def merge_grouped_periods(
    periods: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Merge each group's periods separately, in one pass over all groups.

    Group ``g`` owns rows ``offsets[g]:offsets[g+1]`` (the layout of
    ``ScheduleData.visibility_periods``); the result uses the same layout, so group ``g``'s
    union is ``merged[merged_offsets[g]:merged_offsets[g+1]]``.
    """
    periods = np.asarray(periods, dtype=np.float64).reshape(-1, 2)
    offsets = np.asarray(offsets, dtype=np.int64)
    group_count = len(offsets) - 1
    groups = np.repeat(np.arange(group_count), np.diff(offsets))
    start, stop = periods[:, 0], periods[:, 1]
    is_period = start <= stop
    groups, start, stop = groups[is_period], start[is_period], stop[is_period]

    # Real visibility arrives sorted per block, so sorting is usually skipped.
    if not _ascending_within_groups(start, groups):
        order = np.lexsort((start, groups)) if group_count > 1 else np.argsort(start)
        groups, start, stop = groups[order], start[order], stop[order]
    reach = _grouped_running_max(stop, groups)
    opens = np.ones(len(start), dtype=bool)
    opens[1:] = (groups[1:] != groups[:-1]) | (start[1:] > reach[:-1])
    closes = np.ones(len(start), dtype=bool)
    closes[:-1] = opens[1:]

    merged = np.column_stack((start[opens], reach[closes]))
    merged_offsets = np.zeros(group_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups[opens], minlength=group_count), out=merged_offsets[1:])
    return merged, merged_offsets


def _ascending_within_groups(values: np.ndarray, groups: np.ndarray) -> bool:
    return bool(np.all((values[1:] >= values[:-1]) | (groups[1:] != groups[:-1])))


def _grouped_running_max(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Running maximum of ``values`` that restarts at every group (``groups`` sorted)."""
    if _ascending_within_groups(values, groups):
        return values
    if groups[0] == groups[-1]:
        return np.maximum.accumulate(values)
    # Offsetting integer ranks by group lets one accumulate serve every group, where float
    # offsets would cost precision on MJD values.
    by_value = np.argsort(values)
    rank = np.empty_like(by_value)
    rank[by_value] = np.arange(len(values))
    group_base = groups * len(values)
    running = np.maximum.accumulate(rank + group_base)
    return values[by_value[running - group_base]]


def contained_in_periods(
    merged: np.ndarray, start: np.ndarray, stop: np.ndarray, tolerance: float = 0.0
) -> np.ndarray:
    """Whether each ``[start, stop]`` lies inside one row of ``merged`` (a ``merge_periods``
    result), allowing ``tolerance`` at both ends. NaN queries are never contained."""
    merged = np.asarray(merged, dtype=np.float64).reshape(-1, 2)
    start = np.asarray(start, dtype=np.float64)
    stop = np.asarray(stop, dtype=np.float64)
    if not len(merged):
        return np.zeros(len(start), dtype=bool)
    # Rows are disjoint and sorted, so the last row starting early enough reaches furthest.
    candidate = np.searchsorted(merged[:, 0], start + tolerance, side="right") - 1
    reach = merged[np.maximum(candidate, 0), 1]
    return (candidate >= 0) & (stop <= reach + tolerance)


def contained_in_own_periods(
    merged: np.ndarray,
    merged_offsets: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    tolerance: float = 0.0,
) -> np.ndarray:
    """Whether interval ``g`` lies inside one of group ``g``'s merged periods (a
    ``merge_grouped_periods`` result), allowing ``tolerance`` at both ends."""
    group_count = len(merged_offsets) - 1
    groups = np.repeat(np.arange(group_count), np.diff(merged_offsets))
    inside = (merged[:, 0] - tolerance <= start[groups]) & (
        stop[groups] <= merged[:, 1] + tolerance
    )
    return np.bincount(groups[inside], minlength=group_count) > 0


def find_overlapping_pairs(
    start: np.ndarray, stop: np.ndarray, max_later_partners: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of intervals overlapping by more than zero, as ``(i, j, overlap_days)``
    with ``i < j`` original indices, sorted by ``(i, j)``. Touching is not overlapping.

    Sort-and-sweep: after sorting by start, an interval's later-starting partners are exactly
    the following intervals that start before it stops, a contiguous run found with
    ``searchsorted``, so the cost is O(n log n + pairs). ``max_later_partners`` caps that run
    per interval, bounding the work when almost everything overlaps (the result is then a
    subset of the true pairs).
    """
    start = np.asarray(start, dtype=np.float64)
    stop = np.asarray(stop, dtype=np.float64)
    index = np.flatnonzero(start < stop)
    order = index[np.lexsort((stop[index], start[index]))]
    sorted_start, sorted_stop = start[order], stop[order]

    positions = np.arange(len(order))
    run_end = np.searchsorted(sorted_start, sorted_stop, side="left")
    partner_counts = run_end - positions - 1
    if max_later_partners is not None:
        partner_counts = np.minimum(partner_counts, max_later_partners)

    earlier = np.repeat(positions, partner_counts)
    run_offsets = np.cumsum(partner_counts) - partner_counts
    later = earlier + 1 + np.arange(len(earlier)) - np.repeat(run_offsets, partner_counts)
    overlap = np.minimum(sorted_stop[earlier], sorted_stop[later]) - sorted_start[later]

    first, second = order[earlier], order[later]
    i, j = np.minimum(first, second), np.maximum(first, second)
    pair_order = np.lexsort((j, i))
    return i[pair_order], j[pair_order], overlap[pair_order]


def overlap_counts(start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """How many other intervals each interval overlaps by more than zero, in O(n log n).

    Interval ``x`` overlaps ``y`` iff ``y`` starts before ``x`` stops and does not stop by the
    time ``x`` starts; the second set is inside the first, so two binary searches suffice.
    """
    start = np.asarray(start, dtype=np.float64)
    stop = np.asarray(stop, dtype=np.float64)
    positive = start < stop
    counts = np.zeros(len(start), dtype=np.int64)
    start, stop = start[positive], stop[positive]
    starting_before_stop = np.searchsorted(np.sort(start), stop, side="left")
    stopped_by_start = np.searchsorted(np.sort(stop), start, side="right")
    counts[positive] = starting_before_stop - stopped_by_start - 1
    return counts


def overlap_durations(start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Each interval's overlap with all the others, summed (days), in O(n log n).

    The sum equals the integral over the interval of (coverage - 1), where coverage counts the
    intervals covering each instant; a prefix integral of coverage at the sorted endpoints
    answers every interval with two binary searches.
    """
    start = np.asarray(start, dtype=np.float64)
    stop = np.asarray(stop, dtype=np.float64)
    positive = start < stop
    totals = np.zeros(len(start), dtype=np.float64)
    start, stop = start[positive], stop[positive]
    if not len(start):
        return totals

    edges = np.concatenate((start, stop))
    steps = np.concatenate((np.ones(len(start)), -np.ones(len(stop))))
    order = np.argsort(edges, kind="stable")
    edges = edges[order]
    coverage = np.cumsum(steps[order])
    area = np.concatenate(([0.0], np.cumsum(coverage[:-1] * np.diff(edges))))

    def area_until(points: np.ndarray) -> np.ndarray:
        # side="right" lands on the last event at a shared edge, whose coverage is the one
        # that holds just after that edge.
        edge = np.searchsorted(edges, points, side="right") - 1
        return area[edge] + coverage[edge] * (points - edges[edge])

    covered = area_until(stop) - area_until(start)
    totals[positive] = np.maximum(covered - (stop - start), 0.0)
    return totals
