"""Intersections with a sorted set of MJD periods (dark time), for every window at once.

``schedules.intervals`` merges and tests containment; the sky model also needs to cut many
windows by the night, which two binary searches per window do without pairwise comparison.
"""

from __future__ import annotations

import numpy as np

from schedules.intervals import merge_periods


def intersect_with_periods(
    start: np.ndarray, stop: np.ndarray, periods: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each window ``[start[i], stop[i]]`` cut by the sorted, disjoint ``periods``: returns
    ``(window_index, piece_start, piece_stop)`` for every piece of positive length, in window
    order and, within a window, in time order."""
    start = np.asarray(start, dtype=np.float64)
    stop = np.asarray(stop, dtype=np.float64)
    periods = np.asarray(periods, dtype=np.float64).reshape(-1, 2)
    first = np.searchsorted(periods[:, 1], start, side="right")
    last = np.searchsorted(periods[:, 0], stop, side="left")
    counts = np.maximum(last - first, 0)
    window = np.repeat(np.arange(len(start)), counts)
    period = np.repeat(first, counts) + ramp(counts)
    piece_start = np.maximum(start[window], periods[period, 0])
    piece_stop = np.minimum(stop[window], periods[period, 1])
    keep = piece_stop > piece_start
    return window[keep], piece_start[keep], piece_stop[keep]


def intersect_periods(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The times inside both sets of periods, as sorted, disjoint ``[start, stop]`` rows."""
    first, second = merge_periods(first), merge_periods(second)
    _, start, stop = intersect_with_periods(first[:, 0], first[:, 1], second)
    return merge_periods(np.column_stack((start, stop)))


def ramp(counts: np.ndarray) -> np.ndarray:
    """``0..counts[0]-1, 0..counts[1]-1, …`` concatenated: the position inside each run."""
    counts = np.asarray(counts, dtype=np.int64)
    run_starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(run_starts, counts)
