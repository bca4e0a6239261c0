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
    """Equal-width bins over the range of ``values``; the last bin includes the maximum."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        edges = np.linspace(0.0, 1.0, bins + 1)
    else:
        low, high = float(values.min()), float(values.max())
        if low == high:  # a single value still gets a visible, centred bin
            low, high = low - 0.5, high + 0.5
        edges = np.linspace(low, high, bins + 1)
    scheduled, _ = np.histogram(values[is_scheduled], bins=edges)
    unscheduled, _ = np.histogram(values[~is_scheduled], bins=edges)
    return SplitHistogram(edges, scheduled, unscheduled)


def mean_or_none(values: np.ndarray) -> float | None:
    return float(np.mean(values)) if len(values) else None
