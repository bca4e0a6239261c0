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

    Starts and stops are sorted separately (a plain sort is several times faster than the
    argsort a sweep needs): with k-th smallest start S[k] and stop E[k], time between
    E[k-1] and S[k] is covered by nothing exactly when E[k-1] < S[k], since the k periods
    starting first have all stopped there and no other has started.
    """
    periods = np.asarray(periods, dtype=np.float64).reshape(-1, 2)
    periods = periods[periods[:, 0] <= periods[:, 1]]
    if not len(periods):
        return np.empty((0, 2), dtype=np.float64)
    start, stop = np.sort(periods[:, 0]), np.sort(periods[:, 1])
    gap_after = np.flatnonzero(start[1:] > stop[:-1])
    return np.column_stack(
        (np.append(start[0], start[gap_after + 1]), np.append(stop[gap_after], stop[-1]))
    )


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


# Below this many queries np.searchsorted alone is quicker than building the grid.
GRID_SEARCH_MIN_QUERIES = 4096
GRID_SEARCH_MAX_BUCKETS = 1 << 20


def search_sorted(values: np.ndarray, queries: np.ndarray, side: str = "left") -> np.ndarray:
    """``np.searchsorted(values, queries, side)`` for many queries in no particular order.

    A binary search per query misses the cache at every step when queries jump about (a
    block's windows after another's), which costs several times more than searching sorted
    queries. Here a uniform grid over the values' range holds each bucket's answer (found by
    searching the sorted bucket edges); a query reads its bucket's answer and moves it one
    value at a time to the exact one, which takes a step or two while buckets hold few values.
    """
    values = np.asarray(values, dtype=np.float64)
    queries = np.asarray(queries, dtype=np.float64)
    count = len(values)
    if count < 2 or queries.size < GRID_SEARCH_MIN_QUERIES:
        return np.searchsorted(values, queries, side=side)
    low, high = values[0], values[-1]
    if not (np.isfinite(low) and np.isfinite(high) and high > low):
        return np.searchsorted(values, queries, side=side)
    buckets = min(4 * count, GRID_SEARCH_MAX_BUCKETS)
    scale = buckets / (high - low)
    bucket_answer = np.searchsorted(values, low + np.arange(buckets) / scale, side=side)
    where = (queries - low) * scale
    finite = np.isfinite(where)
    position = bucket_answer[np.clip(np.where(finite, where, 0.0), 0, buckets - 1).astype(np.int64)]
    # padded[k] is values[k - 1]: the value just before position k, -inf before the first.
    padded = np.concatenate(([-np.inf], values, [np.inf]))
    before = np.less_equal if side == "right" else np.less
    moving = np.flatnonzero(finite & ~before(padded[position], queries))
    while moving.size:
        position[moving] -= 1
        moving = moving[~before(padded[position[moving]], queries[moving])]
    moving = np.flatnonzero(finite & before(padded[position + 1], queries))
    while moving.size:
        position[moving] += 1
        moving = moving[before(padded[position[moving] + 1], queries[moving])]
    if not finite.all():
        position[~finite] = np.searchsorted(values, queries[~finite], side=side)
    return position


def intersect_grouped_with_periods(
    periods: np.ndarray, offsets: np.ndarray, merged: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's periods cut to one shared set ``merged`` (a ``merge_periods`` result).

    Returns ``(pieces, piece_offsets, merged_rows)`` in the grouped layout of
    ``merge_grouped_periods``: the positive-length pieces of every row inside every merged
    period, and for each piece the row of ``merged`` it lies in (so callers can total time per
    night). Pieces keep the input order, so merged groups give sorted, disjoint pieces.
    """
    periods = np.asarray(periods, dtype=np.float64).reshape(-1, 2)
    offsets = np.asarray(offsets, dtype=np.int64)
    merged = np.asarray(merged, dtype=np.float64).reshape(-1, 2)
    group_count = len(offsets) - 1
    start, stop = periods[:, 0], periods[:, 1]
    # Merged rows overlapping [start, stop] are those stopping after start and starting
    # before stop: a contiguous run, since merged rows are sorted and disjoint.
    first = search_sorted(merged[:, 1], start, side="right")
    counts = search_sorted(merged[:, 0], stop, side="left") - first
    counts = np.where(start < stop, np.maximum(counts, 0), 0)
    rows, merged_rows = _expand_runs(first, counts)
    piece_start = np.maximum(start[rows], merged[merged_rows, 0])
    piece_stop = np.minimum(stop[rows], merged[merged_rows, 1])
    positive = piece_start < piece_stop
    rows, merged_rows = rows[positive], merged_rows[positive]
    groups = np.repeat(np.arange(group_count), np.diff(offsets))[rows]
    piece_offsets = np.zeros(group_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=group_count), out=piece_offsets[1:])
    pieces = np.column_stack((piece_start[positive], piece_stop[positive]))
    return pieces, piece_offsets, merged_rows


def overlapping_pairs_between(
    first_start: np.ndarray,
    first_stop: np.ndarray,
    second_start: np.ndarray,
    second_stop: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``(i, j)`` of an interval of the first set and one of the second that
    overlap by more than zero, with the overlap, in O((n + m) log(n + m) + pairs).

    A pair overlaps iff the second starts inside ``[first start, first stop)`` or the first
    starts inside ``(second start, second stop)``; each case is a contiguous run of the other
    set sorted by start, and the two cases never count a pair twice. Pairs come grouped by
    case, not sorted.
    """
    first_start = np.asarray(first_start, dtype=np.float64)
    first_stop = np.asarray(first_stop, dtype=np.float64)
    second_start = np.asarray(second_start, dtype=np.float64)
    second_stop = np.asarray(second_stop, dtype=np.float64)
    first_index = np.flatnonzero(first_start < first_stop)
    second_index = np.flatnonzero(second_start < second_stop)
    first_index = first_index[np.argsort(first_start[first_index], kind="stable")]
    second_index = second_index[np.argsort(second_start[second_index], kind="stable")]
    sorted_first_start = first_start[first_index]
    sorted_second_start = second_start[second_index]

    low = np.searchsorted(sorted_second_start, sorted_first_start, side="left")
    high = np.searchsorted(sorted_second_start, first_stop[first_index], side="left")
    owners_a, partners_a = _expand_runs(low, high - low)
    low = np.searchsorted(sorted_first_start, sorted_second_start, side="right")
    high = np.searchsorted(sorted_first_start, second_stop[second_index], side="left")
    owners_b, partners_b = _expand_runs(low, np.maximum(high - low, 0))

    i = np.concatenate((first_index[owners_a], first_index[partners_b]))
    j = np.concatenate((second_index[partners_a], second_index[owners_b]))
    overlap = np.minimum(first_stop[i], second_stop[j]) - np.maximum(
        first_start[i], second_start[j]
    )
    return i, j, overlap


def _expand_runs(first: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs ``first[k] : first[k] + counts[k]``, every ``(k, member)`` pair as two arrays."""
    counts = np.asarray(counts, dtype=np.int64)
    owners = np.repeat(np.arange(len(counts)), counts)
    run_offsets = np.cumsum(counts) - counts
    members = (
        np.asarray(first, dtype=np.int64)[owners] + np.arange(len(owners)) - run_offsets[owners]
    )
    return owners, members


class RangeMaximum:
    """Maxima of ``values`` over runs of consecutive positions, for many runs at once.

    A sparse table (row ``k`` holds the maximum of ``values[i : i + 2**k]`` at ``i``) answers
    a run in O(1) and "the first position in a run reaching a threshold" in O(log n)
    vectorised steps; runs of sorted, disjoint intervals met by a query interval are what
    the callers ask about (the gaps between busy periods, the periods' owners' priorities).
    """

    def __init__(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64)
        width = len(values)
        table = np.full((max(1, width.bit_length()), width), -np.inf)
        table[0] = values
        for level in range(1, len(table)):
            half = 1 << (level - 1)
            table[level, : width - half] = np.maximum(
                table[level - 1, : width - half], table[level - 1, half:]
            )
        self._table = table

    def between(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Maximum over each inclusive ``[low, high]``; -inf for empty runs."""
        low = np.asarray(low, dtype=np.int64)
        high = np.asarray(high, dtype=np.int64)
        table = self._table
        width = table.shape[1]
        if not width:
            return np.full(len(low), -np.inf)
        level = np.frexp(np.maximum(high - low + 1, 1))[1].astype(np.int64) - 1  # floor(log2)
        left = np.clip(low, 0, width - 1)
        right = np.clip(high - (1 << level) + 1, 0, width - 1)
        best = np.maximum(table[level, left], table[level, right])
        return np.where(high >= low, best, -np.inf)

    def first_at_least(
        self, low: np.ndarray, high: np.ndarray, threshold: np.ndarray
    ) -> np.ndarray:
        """The first position in each ``[low, high]`` whose value is at least ``threshold``,
        or a position past ``high`` when there is none (binary lifting)."""
        table = self._table
        position = np.asarray(low, dtype=np.int64).copy()
        width = table.shape[1]
        if not width:
            return np.maximum(position, np.asarray(high, dtype=np.int64) + 1)
        for level in range(len(table) - 1, -1, -1):
            step = 1 << level
            inside = position + step - 1 <= high
            below = table[level, np.clip(position, 0, width - 1)] < threshold
            position += np.where(inside & below, step, 0)
        return position


class FreeTime:
    """The time left free around a set of busy periods, for queries on many intervals at once.

    Free time is the gaps between the merged busy periods (unbounded before the first and
    after the last). A query interval meets a contiguous run of gaps: the two end gaps are cut
    by the query and the inner ones lie wholly inside it, so a ``RangeMaximum`` of gap lengths
    answers "longest free stretch" and "earliest free stretch of a given length" in O(log n)
    vectorised steps per query, without looping over gaps. Touching busy periods leave no gap
    between them.
    """

    def __init__(self, busy: np.ndarray) -> None:
        merged = merge_periods(busy)
        merged = merged[merged[:, 0] < merged[:, 1]]
        self.busy = merged
        self.gap_start = np.concatenate(([-np.inf], merged[:, 1]))
        self.gap_stop = np.concatenate((merged[:, 0], [np.inf]))
        self._lengths = RangeMaximum(self.gap_stop - self.gap_start)

    def _runs(self, start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # First gap ending after start, last gap starting before stop; first > last when the
        # whole query is busy.
        first = search_sorted(self.busy[:, 0], start, side="right")
        last = search_sorted(self.busy[:, 1], stop, side="left")
        return first, last

    def longest_within(self, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Length of the longest free stretch inside each ``[start, stop]`` (0 when none)."""
        start = np.asarray(start, dtype=np.float64)
        stop = np.asarray(stop, dtype=np.float64)
        first, last = self._runs(start, stop)
        head = np.minimum(stop, self.gap_stop[first]) - np.maximum(start, self.gap_start[first])
        tail_gap = np.maximum(last, first)
        tail = np.minimum(stop, self.gap_stop[tail_gap]) - np.maximum(
            start, self.gap_start[tail_gap]
        )
        inner = self._lengths.between(first + 1, last - 1)
        longest = np.maximum(np.maximum(head, tail), inner)
        return np.where(first <= last, np.maximum(longest, 0.0), 0.0)

    def earliest_fit(self, start: np.ndarray, stop: np.ndarray, length: np.ndarray) -> np.ndarray:
        """The earliest ``t`` with ``[t, t + length]`` free and inside ``[start, stop]``, per
        query; NaN when there is none. Inner gaps are compared by their length, so a fit
        decided by the last bit of rounding may go either way."""
        start = np.asarray(start, dtype=np.float64)
        stop = np.asarray(stop, dtype=np.float64)
        length = np.broadcast_to(np.asarray(length, dtype=np.float64), start.shape)
        first, last = self._runs(start, stop)
        meets = first <= last
        head_start = np.maximum(start, self.gap_start[first])
        head_fits = meets & (head_start + length <= np.minimum(stop, self.gap_stop[first]))
        # Binary lifting only where an inner gap is known to be long enough.
        inner = np.full(len(first), np.iinfo(np.int64).max)
        search = np.flatnonzero(
            meets & ~head_fits & (self._lengths.between(first + 1, last - 1) >= length)
        )
        inner[search] = self._lengths.first_at_least(
            first[search] + 1, last[search] - 1, length[search]
        )
        inner_fits = meets & (inner <= last - 1)
        tail_start = self.gap_start[np.maximum(last, 0)]
        tail_fits = (
            meets
            & (last > first)
            & (tail_start + length <= np.minimum(stop, self.gap_stop[np.maximum(last, 0)]))
        )
        inner_start = self.gap_start[np.minimum(inner, len(self.gap_start) - 1)]
        return np.where(
            head_fits,
            head_start,
            np.where(inner_fits, inner_start, np.where(tail_fits, tail_start, np.nan)),
        )
