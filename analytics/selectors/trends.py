"""Trends: how the chance of being scheduled varies with priority, visibility and requested
time — binned rates, Gaussian-smoothed curves, a heatmap and a logistic model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.block_frame import BlockFrame, load_block_frame
from analytics.logistic import balanced_weights, fit_logistic, roc_auc
from analytics.selectors.filters import BlockFilters, selected_blocks
from schedules.models import Schedule

MIN_MODEL_ROWS = 20
MODEL_FEATURES = (
    "priority",
    "visibility",
    "requested",
    "priority × visibility",
    "priority × requested",
    "visibility × requested",
)


@dataclass(frozen=True)
class TrendsFilters(BlockFilters):
    visibility_min_hours: float | None = None
    visibility_max_hours: float | None = None
    requested_min_hours: float | None = None
    requested_max_hours: float | None = None
    bins: int = 10
    bandwidth: float = 0.3
    points: int = 100
    balanced: bool = True


@dataclass(frozen=True)
class RateBin:
    label: str
    value: float  # rounded priority, or the mean of the values in the bin
    low: float
    high: float
    count: int
    scheduled: int
    rate: float


@dataclass(frozen=True)
class SmoothedCurve:
    x: np.ndarray
    rate: np.ndarray
    samples: np.ndarray  # how many blocks carry a weight above 0.01 at each x


@dataclass(frozen=True)
class Heatmap:
    visibility_edges: np.ndarray
    requested_edges: np.ndarray
    rate: np.ndarray  # (visibility bins, requested bins); NaN where empty
    count: np.ndarray


@dataclass(frozen=True)
class LogisticModel:
    samples: int
    scheduled: int
    accuracy: float
    roc_auc: float | None
    intercept: float
    coefficients: dict[str, float]
    balanced: bool


@dataclass(frozen=True)
class TrendsData:
    total_blocks: int
    scheduled_blocks: int
    scheduling_rate: float
    zero_visibility_blocks: int
    by_priority: list[RateBin]
    by_visibility: list[RateBin]
    by_requested: list[RateBin]
    smoothed_visibility: SmoothedCurve
    smoothed_requested: SmoothedCurve
    heatmap: Heatmap | None
    model: LogisticModel | None
    model_message: str


def trends(schedule: Schedule, filters: TrendsFilters) -> TrendsData:
    frame = load_block_frame(schedule)
    shown = frame.take(selected_blocks(schedule, frame, filters))
    outcome = shown.is_scheduled
    visibility, requested = shown.total_visibility_hours, shown.requested_hours
    model_rows = _model_mask(shown, filters)
    model, message = logistic_model(shown.take(model_rows), balanced=filters.balanced)
    return TrendsData(
        total_blocks=len(shown),
        scheduled_blocks=int(outcome.sum()),
        scheduling_rate=float(outcome.mean()) if len(shown) else 0.0,
        zero_visibility_blocks=int(shown.has_zero_visibility.sum()),
        by_priority=rate_by_rounded_priority(shown.priority, outcome),
        by_visibility=rate_by_bins(visibility, outcome, filters.bins, "Visibility"),
        by_requested=rate_by_bins(requested, outcome, filters.bins, "Requested"),
        smoothed_visibility=smoothed_rate(visibility, outcome, filters.bandwidth, filters.points),
        smoothed_requested=smoothed_rate(requested, outcome, filters.bandwidth, filters.points),
        heatmap=rate_heatmap(visibility, requested, outcome, filters.bins),
        model=model,
        model_message=message,
    )


def rate_by_rounded_priority(priority: np.ndarray, outcome: np.ndarray) -> list[RateBin]:
    """Scheduling rate per priority rounded half away from zero."""
    rounded = np.sign(priority) * np.floor(np.abs(priority) + 0.5)
    result = []
    for value in np.unique(rounded):
        members = rounded == value
        count, scheduled = int(members.sum()), int(outcome[members].sum())
        result.append(
            RateBin(f"Priority {value:g}", float(value), float(value), float(value), count,
                    scheduled, scheduled / count)
        )  # fmt: skip
    return result


def _bin_index(values: np.ndarray, low: float, width: float, bins: int) -> np.ndarray:
    """Equal-width bin of each value; the maximum goes into the last bin."""
    return np.minimum(np.floor((values - low) / width).astype(np.int64), bins - 1)


def rate_by_bins(values: np.ndarray, outcome: np.ndarray, bins: int, prefix: str) -> list[RateBin]:
    """Scheduling rate in ``bins`` equal-width bins; empty bins are dropped."""
    if values.size == 0:
        return []
    low, high = float(values.min()), float(values.max())
    if low == high:
        scheduled = int(outcome.sum())
        return [RateBin(f"{prefix} [{low:.1f}]", low, low, high, values.size, scheduled,
                        scheduled / values.size)]  # fmt: skip
    width = (high - low) / bins
    index = _bin_index(values, low, width, bins)
    counts = np.bincount(index, minlength=bins)
    scheduled = np.bincount(index, weights=outcome.astype(np.float64), minlength=bins)
    sums = np.bincount(index, weights=values, minlength=bins)
    result = []
    for k in np.flatnonzero(counts).tolist():
        lo, hi = low + k * width, low + (k + 1) * width
        result.append(
            RateBin(f"{prefix} [{lo:.1f}-{hi:.1f}]", float(sums[k] / counts[k]), lo, hi,
                    int(counts[k]), int(scheduled[k]), float(scheduled[k] / counts[k]))
        )  # fmt: skip
    return result


def smoothed_rate(
    values: np.ndarray, outcome: np.ndarray, bandwidth: float, points: int
) -> SmoothedCurve:
    """Nadaraya–Watson (Gaussian kernel) estimate of the rate; bandwidth is a share of the range."""
    if values.size == 0:
        return SmoothedCurve(np.empty(0), np.empty(0), np.empty(0, np.int64))
    low, high = float(values.min()), float(values.max())
    if low == high:
        return SmoothedCurve(
            np.array([low]), np.array([float(outcome.mean())]), np.array([values.size])
        )
    grid = np.linspace(low, high, points)
    scale = bandwidth * (high - low)
    weights = np.exp(-0.5 * ((values[None, :] - grid[:, None]) / scale) ** 2)
    rate = weights @ outcome.astype(np.float64) / weights.sum(axis=1)
    return SmoothedCurve(grid, rate, (weights > 0.01).sum(axis=1))


def rate_heatmap(
    visibility: np.ndarray, requested: np.ndarray, outcome: np.ndarray, bins: int
) -> Heatmap | None:
    """Rate per (visibility, requested) cell; ``None`` when either axis has no range."""
    if visibility.size == 0 or np.ptp(visibility) == 0 or np.ptp(requested) == 0:
        return None
    v_low, v_width = float(visibility.min()), float(np.ptp(visibility)) / bins
    r_low, r_width = float(requested.min()), float(np.ptp(requested)) / bins
    cell = _bin_index(visibility, v_low, v_width, bins) * bins + _bin_index(
        requested, r_low, r_width, bins
    )
    count = np.bincount(cell, minlength=bins * bins).reshape(bins, bins)
    scheduled = np.bincount(
        cell, weights=outcome.astype(np.float64), minlength=bins * bins
    ).reshape(bins, bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(count > 0, scheduled / count, np.nan)
    return Heatmap(
        visibility_edges=v_low + v_width * np.arange(bins + 1),
        requested_edges=r_low + r_width * np.arange(bins + 1),
        rate=rate,
        count=count,
    )


def _model_mask(shown: BlockFrame, filters: TrendsFilters) -> np.ndarray:
    mask = np.ones(len(shown), dtype=bool)
    bounds = (
        (shown.total_visibility_hours, filters.visibility_min_hours, filters.visibility_max_hours),
        (shown.requested_hours, filters.requested_min_hours, filters.requested_max_hours),
    )
    for values, low, high in bounds:
        if low is not None:
            mask &= values >= low
        if high is not None:
            mask &= values <= high
    return mask


def logistic_model(rows: BlockFrame, *, balanced: bool) -> tuple[LogisticModel | None, str]:
    """Fit "scheduled" on standardised priority, visibility, requested time and interactions."""
    labels = rows.is_scheduled
    if len(rows) < MIN_MODEL_ROWS:
        return None, f"The model needs at least {MIN_MODEL_ROWS} blocks; {len(rows)} match."
    if labels.all() or not labels.any():
        return None, "The model needs both scheduled and unscheduled blocks."
    base = np.column_stack([rows.priority, rows.total_visibility_hours, rows.requested_hours])
    spread = base.std(axis=0)
    standardised = (base - base.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    p, v, t = standardised.T
    features = np.column_stack([p, v, t, p * v, p * t, v * t])
    weights = balanced_weights(labels) if balanced else None
    fit = fit_logistic(features, labels, sample_weight=weights)
    predicted = fit.decision(features) > 0
    model = LogisticModel(
        samples=len(rows),
        scheduled=int(labels.sum()),
        accuracy=float((predicted == labels).mean()),
        roc_auc=roc_auc(labels, fit.decision(features)),
        intercept=fit.intercept,
        coefficients=dict(zip(MODEL_FEATURES, fit.coefficients.tolist(), strict=True)),
        balanced=balanced,
    )
    return model, "" if fit.converged else "The fit did not fully converge."
