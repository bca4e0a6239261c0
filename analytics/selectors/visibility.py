"""Visibility over time: how many blocks could be observed in each time bin.

Computed on demand from the blocks' visibility periods (never stored). A block counts once in
a bin when any of its periods overlaps the bin strictly (touching edges do not count).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from analytics.block_frame import load_block_frame
from analytics.frame_cache import cached_per_schedule
from analytics.selectors.filters import BlockFilters, selected_blocks
from schedules.models import Schedule
from schedules.selectors import load_visibility

DEFAULT_BIN_COUNT = 50
MAX_BINS = 50_000  # 15-minute bins over a year (35,136) fit


@dataclass(frozen=True)
class VisibilityFilters(BlockFilters):
    """Impossible blocks are included by default: the question is what the sky offers."""

    exclude_impossible: bool = False
    bin_count: int = DEFAULT_BIN_COUNT
    bin_minutes: float | None = None  # when set, bins of this duration (the last may be short)


@dataclass(frozen=True)
class VisibilityHistogram:
    bin_start_mjd: np.ndarray
    bin_end_mjd: np.ndarray
    visible_count: np.ndarray
    visible_by_bucket: np.ndarray  # (4, bins): priority buckets 1–4
    range_start_mjd: float | None
    range_end_mjd: float | None
    bin_minutes: float
    total_blocks: int
    filtered_blocks: int
    filtered_scheduled: int
    mean_period_count: float


class TooManyBinsError(ValueError):
    """The requested bin duration would produce more than ``MAX_BINS`` bins."""


def visibility_histogram(schedule: Schedule, filters: VisibilityFilters) -> VisibilityHistogram:
    frame = load_block_frame(schedule)
    mask = selected_blocks(schedule, frame, filters)
    index = cached_per_schedule(
        "visibility-index", schedule, lambda: visibility_index(*load_visibility(schedule))
    )
    if not np.array_equal(index.block_ids, frame.block_id):
        raise RuntimeError(f"schedule {schedule.pk}: blocks changed while reading")
    start, end = _time_range(schedule, index)
    selected = frame.take(mask)
    empty = VisibilityHistogram(
        np.empty(0), np.empty(0), np.empty(0, np.int64), np.zeros((4, 0), np.int64),
        start, end, 0.0, len(frame), len(selected), int(selected.is_scheduled.sum()),
        float(selected.visibility_period_count.mean()) if len(selected) else 0.0,
    )  # fmt: skip
    if start is None or end is None or end <= start:
        return empty
    edges = _bin_edges(start, end, filters)
    # Each block's bucket row (0–3), or 4 when the filters leave it out.
    row = np.where(mask, frame.priority_bucket - 1, 4).astype(np.int8)
    digest = hashlib.blake2b(row.tobytes(), digest_size=12).hexdigest()
    selection = cached_per_schedule(
        f"visibility-selection:{digest}", schedule, lambda: select_visibility(index, row)
    )
    counts_by_bucket = count_visible_blocks(selection, edges)
    return VisibilityHistogram(
        bin_start_mjd=edges[:-1],
        bin_end_mjd=edges[1:],
        visible_count=counts_by_bucket.sum(axis=0),
        visible_by_bucket=counts_by_bucket,
        range_start_mjd=start,
        range_end_mjd=end,
        bin_minutes=float((edges[1] - edges[0]) * 1440.0),
        total_blocks=empty.total_blocks,
        filtered_blocks=empty.filtered_blocks,
        filtered_scheduled=empty.filtered_scheduled,
        mean_period_count=empty.mean_period_count,
    )


@dataclass(frozen=True)
class VisibilityIndex:
    """A schedule version's visibility, arranged so that any bins cost two binary searches.

    Each block's periods are merged into disjoint windows (overlapping or touching periods
    become one), which overlap a bin exactly when the block's periods do. Then, for a bin
    ``(lo, hi)``, the windows overlapping it number ``#(start < hi) - #(stop <= lo)``, and a
    block with ``k`` of them has ``k - 1`` gaps between its windows lying strictly inside the
    bin, so blocks = windows - inner gaps. Starts, stops and gaps are each sorted once here.
    """

    block_ids: np.ndarray
    start: np.ndarray  # window starts, sorted
    start_block: np.ndarray  # position of each start's block in ``block_ids``
    stop: np.ndarray  # window stops, sorted
    stop_block: np.ndarray
    gap_start: np.ndarray  # gaps between one block's consecutive windows, sorted by start
    gap_stop: np.ndarray
    gap_block: np.ndarray
    first_mjd: float | None  # span of all visibility
    last_mjd: float | None


def visibility_index(
    block_ids: np.ndarray, offsets: np.ndarray, periods: np.ndarray
) -> VisibilityIndex:
    owner = np.repeat(np.arange(len(block_ids), dtype=np.int32), np.diff(offsets))
    start, stop = periods[:, 0], periods[:, 1]
    if len(owner) and not ((np.diff(owner) > 0) | (np.diff(start) >= 0)).all():
        order = np.lexsort((start, owner))
        owner, start, stop = owner[order], start[order], stop[order]
    # A window opens where a period starts after every earlier stop of its block. The running
    # maximum per block is taken on integer ranks of the stops, so it is exact.
    ranks = np.empty(len(stop), dtype=np.int64)
    by_stop = np.argsort(stop, kind="stable")
    ranks[by_stop] = np.arange(len(stop))
    reach = stop[by_stop][
        np.maximum.accumulate(owner.astype(np.int64) * (len(stop) + 1) + ranks)
        - owner.astype(np.int64) * (len(stop) + 1)
    ]  # the furthest stop so far within the block
    opens = np.ones(len(owner), dtype=bool)
    opens[1:] = (owner[1:] != owner[:-1]) | (start[1:] > reach[:-1])
    first = np.flatnonzero(opens)
    closes = np.append(first[1:], len(owner))[: len(first)] - 1
    window_owner, window_start, window_stop = owner[first], start[first], reach[closes]
    inner = np.flatnonzero(window_owner[1:] == window_owner[:-1])
    gap_start, gap_stop = window_stop[inner], window_start[inner + 1]
    by_start, by_end, by_gap = (
        np.argsort(values, kind="stable") for values in (window_start, window_stop, gap_start)
    )
    return VisibilityIndex(
        block_ids=block_ids,
        start=window_start[by_start],
        start_block=window_owner[by_start],
        stop=window_stop[by_end],
        stop_block=window_owner[by_end],
        gap_start=gap_start[by_gap],
        gap_stop=gap_stop[by_gap],
        gap_block=window_owner[inner][by_gap],
        first_mjd=float(window_start.min()) if len(first) else None,
        last_mjd=float(window_stop.max()) if len(first) else None,
    )


@dataclass(frozen=True)
class VisibilitySelection:
    """The index cut to the blocks some filters select, per priority bucket: what a request
    with those filters and any bins needs, cached per schedule version and selection."""

    start: np.ndarray  # selected window starts, bucket after bucket, each run sorted
    start_bounds: np.ndarray  # (5,): bucket q's starts are start[start_bounds[q]:…[q + 1]]
    stop: np.ndarray
    stop_bounds: np.ndarray
    gap_start: np.ndarray  # selected gaps, sorted by start
    gap_stop: np.ndarray
    gap_row: np.ndarray  # bucket row of each gap's block


def select_visibility(index: VisibilityIndex, row: np.ndarray) -> VisibilitySelection:
    """``row`` gives each block's bucket row, 0–3, or 4 to leave it out."""
    row = row.astype(np.int8)

    def by_bucket(values: np.ndarray, blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = row[blocks]
        order = np.argsort(rows, kind="stable")  # keeps each bucket's values sorted
        bounds = np.searchsorted(rows[order], np.arange(5), side="left")
        return values[order[: bounds[4]]], bounds

    start, start_bounds = by_bucket(index.start, index.start_block)
    stop, stop_bounds = by_bucket(index.stop, index.stop_block)
    gap_row = row[index.gap_block]
    kept = gap_row < 4
    return VisibilitySelection(
        start, start_bounds, stop, stop_bounds,
        index.gap_start[kept], index.gap_stop[kept], gap_row[kept],
    )  # fmt: skip


def count_visible_blocks(selection: VisibilitySelection, edges: np.ndarray) -> np.ndarray:
    """Blocks visible in each bin between ``edges`` per bucket row, (4, bins): a block counts
    once in a bin if any of its periods overlaps the bin strictly."""
    bins = len(edges) - 1
    lower, upper = edges[:-1], edges[1:]
    counts = np.empty((4, bins), dtype=np.int64)
    for bucket in range(4):
        starts = selection.start[
            selection.start_bounds[bucket] : selection.start_bounds[bucket + 1]
        ]
        stops = selection.stop[selection.stop_bounds[bucket] : selection.stop_bounds[bucket + 1]]
        counts[bucket] = np.searchsorted(starts, upper, side="left") - np.searchsorted(
            stops, lower, side="right"
        )
    # Gaps strictly inside a bin: the bin holding a gap's start must also hold its stop.
    bounds = np.searchsorted(selection.gap_start, edges, side="right")
    gap_bin = np.repeat(np.arange(bins), np.diff(bounds))
    inside = selection.gap_stop[bounds[0] : bounds[-1]] < upper[gap_bin]
    gap_row = selection.gap_row[bounds[0] : bounds[-1]][inside].astype(np.int64)
    inner_gaps = np.bincount(gap_row * bins + gap_bin[inside], minlength=4 * bins)
    return counts - inner_gaps.reshape(4, bins)


def _time_range(schedule: Schedule, index: VisibilityIndex) -> tuple[float | None, float | None]:
    """The schedule period when known, else the span of all visibility."""
    if schedule.period_start_mjd is not None and schedule.period_end_mjd is not None:
        return schedule.period_start_mjd, schedule.period_end_mjd
    return index.first_mjd, index.last_mjd


def _bin_edges(start: float, end: float, filters: VisibilityFilters) -> np.ndarray:
    if filters.bin_minutes is not None:
        width = filters.bin_minutes / 1440.0
        count = int(np.ceil((end - start) / width - 1e-9))
        if count > MAX_BINS:
            raise TooManyBinsError(
                f"{filters.bin_minutes:g}-minute bins would make {count:,} bins; "
                f"the limit is {MAX_BINS:,}. Choose a longer duration."
            )
        edges = start + width * np.arange(count + 1)
        edges[-1] = end  # the last bin may be short
        return edges
    return np.linspace(start, end, filters.bin_count + 1)
