"""Insights: headline metrics, findings in words, correlations, top blocks and conflicts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.block_frame import BlockFrame, load_block_frame
from analytics.models import PriorityBucket
from analytics.selectors.filters import BlockFilters, selected_blocks
from analytics.statistics import mean_or_none
from analytics.transform import spearman_correlations
from schedules.intervals import find_overlapping_pairs, overlap_counts
from schedules.models import Schedule

CORRELATION_VARIABLES = (
    "priority",
    "total_visibility_hours",
    "requested_hours",
    "elevation_range_deg",
)
TOP_COUNT = 10
# The conflicts table lists the largest overlaps; the count above it is always exact.
CONFLICT_LIST_LIMIT = 500
CONFLICT_PARTNERS_PER_BLOCK = 50
STRONG_CORRELATION = 0.7
MODERATE_CORRELATION = 0.4
PRIORITY_BIAS_THRESHOLD = 0.5
VARIABLE_LABELS = {
    "priority": "priority",
    "total_visibility_hours": "total visibility",
    "requested_hours": "requested time",
    "elevation_range_deg": "elevation range",
}


@dataclass(frozen=True)
class InsightMetrics:
    total_blocks: int
    scheduled_blocks: int
    unscheduled_blocks: int
    scheduling_rate: float
    priority_mean: float | None
    priority_median: float | None
    priority_mean_scheduled: float | None
    priority_mean_unscheduled: float | None
    total_visibility_hours: float
    mean_requested_hours: float | None
    scheduled_hours: float
    priority_capture_ratio: float
    impossible_blocks: int
    excluded_impossible: int


@dataclass(frozen=True)
class Conflict:
    block_a: str
    block_b: str
    start_a_mjd: float
    stop_a_mjd: float
    start_b_mjd: float
    stop_b_mjd: float
    overlap_hours: float


@dataclass(frozen=True)
class InsightsData:
    metrics: InsightMetrics
    findings: list[str]
    correlations: list[dict]  # [{x, y, rho}]
    correlation_matrix: list[list[float | None]]  # 4×4 in CORRELATION_VARIABLES order
    top_by_priority: BlockFrame
    top_by_visibility: BlockFrame
    conflict_count: int
    conflicts: list[Conflict]  # the largest overlaps, at most CONFLICT_LIST_LIMIT


def insights(schedule: Schedule, filters: BlockFilters) -> InsightsData:
    frame = load_block_frame(schedule)
    shown = frame.take(selected_blocks(schedule, frame, filters))
    metrics = _metrics(frame, shown, filters)
    correlations = spearman_correlations(
        {name: getattr(shown, name) for name in CORRELATION_VARIABLES}
    )
    scheduled = shown.take(shown.is_scheduled)
    conflict_count = int(
        overlap_counts(scheduled.scheduled_start_mjd, scheduled.scheduled_stop_mjd).sum() // 2
    )
    return InsightsData(
        metrics=metrics,
        findings=_findings(metrics, correlations, shown, conflict_count),
        correlations=correlations,
        correlation_matrix=_matrix(correlations),
        top_by_priority=shown.take(_top(shown.priority)),
        top_by_visibility=shown.take(_top(shown.total_visibility_hours)),
        conflict_count=conflict_count,
        conflicts=_conflicts(scheduled),
    )


def _metrics(frame: BlockFrame, shown: BlockFrame, filters: BlockFilters) -> InsightMetrics:
    scheduled = shown.is_scheduled
    total = len(shown)
    priority_sum = float(shown.priority.sum())
    return InsightMetrics(
        total_blocks=total,
        scheduled_blocks=int(scheduled.sum()),
        unscheduled_blocks=int(total - scheduled.sum()),
        scheduling_rate=float(scheduled.sum() / total) if total else 0.0,
        priority_mean=mean_or_none(shown.priority),
        priority_median=float(np.median(shown.priority)) if total else None,
        priority_mean_scheduled=mean_or_none(shown.priority[scheduled]),
        priority_mean_unscheduled=mean_or_none(shown.priority[~scheduled]),
        total_visibility_hours=float(shown.total_visibility_hours.sum()),
        mean_requested_hours=mean_or_none(shown.requested_hours),
        scheduled_hours=float(np.nansum(shown.scheduled_hours)),
        priority_capture_ratio=float(shown.priority[scheduled].sum() / priority_sum)
        if priority_sum
        else 0.0,
        impossible_blocks=int(frame.is_impossible.sum()),
        excluded_impossible=int(frame.is_impossible.sum()) if filters.exclude_impossible else 0,
    )


def _top(values: np.ndarray) -> np.ndarray:
    """Indices of the ``TOP_COUNT`` largest values; ties keep block order."""
    return np.argsort(-values, kind="stable")[:TOP_COUNT]


def _conflicts(scheduled: BlockFrame) -> list[Conflict]:
    first, second, overlap = find_overlapping_pairs(
        scheduled.scheduled_start_mjd,
        scheduled.scheduled_stop_mjd,
        max_later_partners=CONFLICT_PARTNERS_PER_BLOCK,
    )
    order = np.argsort(-overlap, kind="stable")[:CONFLICT_LIST_LIMIT]
    start, stop, ids = (
        scheduled.scheduled_start_mjd,
        scheduled.scheduled_stop_mjd,
        scheduled.source_block_id,
    )
    return [
        Conflict(
            block_a=str(ids[first[k]]),
            block_b=str(ids[second[k]]),
            start_a_mjd=float(start[first[k]]),
            stop_a_mjd=float(stop[first[k]]),
            start_b_mjd=float(start[second[k]]),
            stop_b_mjd=float(stop[second[k]]),
            overlap_hours=float(overlap[k] * 24.0),
        )
        for k in order.tolist()
    ]


def _matrix(correlations: list[dict]) -> list[list[float | None]]:
    index = {name: position for position, name in enumerate(CORRELATION_VARIABLES)}
    size = len(CORRELATION_VARIABLES)
    matrix: list[list[float | None]] = [
        [1.0 if row == column else None for column in range(size)] for row in range(size)
    ]
    for pair in correlations:
        row, column = index[pair["x"]], index[pair["y"]]
        matrix[row][column] = matrix[column][row] = pair["rho"]
    return matrix


def _findings(
    metrics: InsightMetrics, correlations: list[dict], shown: BlockFrame, conflicts: int
) -> list[str]:
    if metrics.total_blocks == 0:
        return ["No blocks match the current filters."]
    findings = [
        f"{metrics.scheduled_blocks:,} of {metrics.total_blocks:,} blocks are scheduled "
        f"({metrics.scheduling_rate:.1%}), using {metrics.scheduled_hours:,.1f} h of "
        "telescope time."
    ]
    scheduled_mean = metrics.priority_mean_scheduled
    unscheduled_mean = metrics.priority_mean_unscheduled
    if scheduled_mean is not None and unscheduled_mean is not None:
        difference = scheduled_mean - unscheduled_mean
        if abs(difference) > PRIORITY_BIAS_THRESHOLD:
            direction = "higher" if difference > 0 else "lower"
            findings.append(
                f"Priority bias: scheduled blocks have a {direction} mean priority "
                f"({scheduled_mean:.2f}) than unscheduled ones ({unscheduled_mean:.2f})."
            )
        else:
            findings.append(
                f"No strong priority bias: mean priority {scheduled_mean:.2f} scheduled vs "
                f"{unscheduled_mean:.2f} unscheduled."
            )
    findings.append(
        f"Scheduled blocks capture {metrics.priority_capture_ratio:.1%} of the total priority."
    )
    left_out = shown.take((shown.priority_bucket == PriorityBucket.HIGH) & ~shown.is_scheduled)
    if len(left_out):
        examples = ", ".join(str(block_id) for block_id in left_out.source_block_id[:5])
        findings.append(
            f"{len(left_out):,} high-priority blocks are unscheduled (e.g. {examples}); "
            f"{int(left_out.has_zero_visibility.sum()):,} of them have no visibility."
        )
    findings.append(
        f"Total visibility is {metrics.total_visibility_hours:,.1f} h "
        f"({metrics.total_visibility_hours / metrics.total_blocks:,.1f} h per block on average)."
    )
    if metrics.excluded_impossible:
        findings.append(
            f"{metrics.excluded_impossible:,} impossible blocks are excluded from these numbers."
        )
    for pair in correlations:
        rho = pair["rho"]
        if rho is None or abs(rho) < MODERATE_CORRELATION:
            continue
        strength = "strong" if abs(rho) >= STRONG_CORRELATION else "moderate"
        sign = "positive" if rho > 0 else "negative"
        findings.append(
            f"{strength.capitalize()} {sign} correlation between {VARIABLE_LABELS[pair['x']]} and "
            f"{VARIABLE_LABELS[pair['y']]} (Spearman ρ = {rho:.2f})."
        )
    findings.append(
        f"{conflicts:,} {'pair' if conflicts == 1 else 'pairs'} of scheduled blocks "
        "overlap in time."
        if conflicts
        else "No scheduled blocks overlap in time."
    )
    return findings
