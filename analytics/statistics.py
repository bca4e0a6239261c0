"""Descriptive statistics and histograms used by the page selectors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Stats:
    """Summary of a sample; ``std`` is the population standard deviation (÷ n)."""

    count: int
    mean: float | None
    median: float | None
    std: float | None
    min: float | None
    max: float | None
    sum: float


def describe(values: np.ndarray) -> Stats:
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return Stats(0, None, None, None, None, None, 0.0)
    return Stats(
        count=int(values.size),
        mean=float(values.mean()),
        median=float(np.median(values)),  # mean of the two middle values for even counts
        std=float(values.std()),
        min=float(values.min()),
        max=float(values.max()),
        sum=float(values.sum()),
    )


@dataclass(frozen=True)
class SplitHistogram:
    """Counts per bin of one variable, split into scheduled and unscheduled blocks."""

    edges: np.ndarray  # len(bins) + 1
    scheduled: np.ndarray
    unscheduled: np.ndarray


def split_histogram(values: np.ndarray, is_scheduled: np.ndarray, bins: int) -> SplitHistogram:
    """At most ``bins`` equal-width bins over the range of ``values`` (see ``histogram_edges``);
    the last bin includes the maximum."""
    values = np.asarray(values, dtype=np.float64)
    edges = histogram_edges(values, bins)
    scheduled, _ = np.histogram(values[is_scheduled], bins=edges)
    unscheduled, _ = np.histogram(values[~is_scheduled], bins=edges)
    return SplitHistogram(edges, scheduled, unscheduled)


# Values within this fraction of the grid step of a multiple of it lie on the grid.
GRID_TOLERANCE = 1e-6
# Only this many distinct values are examined for a grid: more would rarely lie on one.
GRID_PROBE = 10_000


def histogram_edges(values: np.ndarray, bins: int) -> np.ndarray:
    """At most ``bins`` equal-width bins over the values' range, snapped to their resolution.

    Values on a grid (priorities in whole numbers, altitude limits in 5° steps) get bins that
    each hold the same number of grid values, edges half a step off the values; otherwise
    bins of equal width span the range. Without this, 2.25° bins over 5°-step data leave every
    other bin empty.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.linspace(0.0, 1.0, bins + 1)
    low, high = float(finite.min()), float(finite.max())
    if low == high:  # a single value still gets a visible, centred bin
        return np.linspace(low - 0.5, high + 0.5, bins + 1)
    step = grid_step(finite)
    if step is None:
        return np.linspace(low, high, bins + 1)
    points = round((high - low) / step) + 1
    per_bin = -(-points // bins)  # ceil: the fewest grid values per bin within ``bins`` bins
    count = -(-points // per_bin)
    return low - step / 2 + step * per_bin * np.arange(count + 1)


def grid_step(values: np.ndarray) -> float | None:
    """The step of the grid the values lie on (the largest that divides every gap between
    distinct values), or None when they lie on none coarser than their spread allows."""
    distinct = np.unique(values)
    if len(distinct) < 2 or len(distinct) > GRID_PROBE:
        return None
    gaps = np.diff(distinct)
    step = float(gaps.min())
    multiples = gaps / step
    if np.abs(multiples - np.rint(multiples)).max() > GRID_TOLERANCE * max(1.0, multiples.max()):
        return None
    return step


def mean_or_none(values: np.ndarray) -> float | None:
    return float(np.mean(values)) if len(values) else None
