"""Visibility over time: how many blocks could be observed in each time bin.

Computed on demand from the blocks' visibility periods (never stored). A block counts once in
a bin when any of its periods overlaps the bin strictly (touching edges do not count).
"""

from __future__ import annotations

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
    block_ids, offsets, periods = cached_per_schedule(
        "visibility", schedule, lambda: load_visibility(schedule)
    )
    if not np.array_equal(block_ids, frame.block_id):
        raise RuntimeError(f"schedule {schedule.pk}: blocks changed while reading")
    start, end = _time_range(schedule, periods)
    selected = frame.take(mask)
    empty = VisibilityHistogram(
        np.empty(0), np.empty(0), np.empty(0, np.int64), np.zeros((4, 0), np.int64),
        start, end, 0.0, len(frame), len(selected), int(selected.is_scheduled.sum()),
        float(selected.visibility_period_count.mean()) if len(selected) else 0.0,
    )  # fmt: skip
    if start is None or end is None or end <= start:
        return empty
    edges = _bin_edges(start, end, filters)
    owner = np.repeat(np.arange(len(frame)), np.diff(offsets))
    keep = mask[owner]
    first, last = _overlapped_bins(periods[keep], edges)
    counts_by_bucket = _count_blocks_per_bin(
        owner[keep], first, last, frame.priority_bucket, len(edges) - 1
    )
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


def _time_range(schedule: Schedule, periods: np.ndarray) -> tuple[float | None, float | None]:
    """The schedule period when known, else the span of all visibility."""
    if schedule.period_start_mjd is not None and schedule.period_end_mjd is not None:
        return schedule.period_start_mjd, schedule.period_end_mjd
    if len(periods) == 0:
        return None, None
    return float(periods[:, 0].min()), float(periods[:, 1].max())


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


def _overlapped_bins(periods: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last bin each period overlaps strictly; ``first > last`` means none."""
    lower, upper = edges[:-1], edges[1:]
    # first bin whose end is after the period start; last bin whose start is before its stop
    first = _bin_search(upper, np.ascontiguousarray(periods[:, 0]), strictly_after=True)
    last = _bin_search(lower, np.ascontiguousarray(periods[:, 1]), strictly_after=False) - 1
    return first, last


def _bin_search(bounds: np.ndarray, values: np.ndarray, *, strictly_after: bool) -> np.ndarray:
    """``np.searchsorted(bounds, values, side="right" if strictly_after else "left")`` for
    nearly even ``bounds``: an arithmetic guess, then exact comparisons fix the guess where
    rounding put it one bound off. Several times faster than a binary search per value."""
    count = len(bounds)
    if count < 2:
        return np.searchsorted(bounds, values, side="right" if strictly_after else "left")
    width = (bounds[-1] - bounds[0]) / (count - 1)
    guess = np.floor((values - bounds[0]) / width).astype(np.int64) + 1
    np.clip(guess, 0, count, out=guess)
    below = np.greater_equal if strictly_after else np.greater
    # Move right while bounds[guess] still counts as below the value, left while bounds[guess-1]
    # does not; the even spacing keeps each correction to a step or two.
    for _ in range(8):
        at = np.minimum(guess, count - 1)
        right = (guess < count) & below(values, bounds[at])
        left = (guess > 0) & ~below(values, bounds[np.maximum(guess - 1, 0)])
        if not (right.any() or left.any()):
            return guess
        guess += right.astype(np.int64) - left
    return np.searchsorted(bounds, values, side="right" if strictly_after else "left")


def _count_blocks_per_bin(
    owner: np.ndarray, first: np.ndarray, last: np.ndarray, bucket: np.ndarray, bins: int
) -> np.ndarray:
    """Count each block once per bin, split by priority bucket, with a difference array."""
    valid = first <= last
    owner, first, last = owner[valid], first[valid], last[valid]
    # Periods arrive grouped by block and, almost always, sorted within it: sort only if not.
    in_order = (np.diff(owner) > 0) | (np.diff(first) >= 0)
    if not in_order.all():
        order = np.lexsort((first, owner))
        owner, first, last = owner[order], first[order], last[order]
    # Clip each range against the furthest bin already counted for the same block, so bins
    # shared by two periods of one block are counted once.
    stride = bins + 2
    furthest = np.maximum.accumulate(owner * stride + last + 1) - owner * stride - 1
    previous = np.full(len(owner), -1)
    same_block = np.zeros(len(owner), dtype=bool)
    same_block[1:] = owner[1:] == owner[:-1]
    previous[1:] = np.where(same_block[1:], furthest[:-1], -1)
    first = np.maximum(first, previous + 1)
    counted = first <= last
    owner, first, last = owner[counted], first[counted], last[counted]
    # One difference array per bucket, laid end to end so two bincounts fill all four.
    row = (bucket[owner] - 1) * (bins + 1)
    size = 4 * (bins + 1)
    delta = np.bincount(row + first, minlength=size) - np.bincount(row + last + 1, minlength=size)
    return np.ascontiguousarray(np.cumsum(delta.reshape(4, bins + 1), axis=1)[:, :bins])
