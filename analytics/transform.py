"""The analytics transform: one schedule's column arrays in, every derived number out.

Pure numpy over whole columns with no database access, so ingest and ``refresh_analytics`` run
the same code and the loader only has to write the arrays it gets back. Definitions follow
DESIGN §7 (relative priority buckets, average ranks for Spearman ties, population statistics).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from analytics.diagnostics.report import headline
from analytics.ranks import average_ranks
from schedules.block_metrics import BlockMetrics, compute_block_metrics
from schedules.block_schema import BlockColumn, Origin
from schedules.intervals import HOURS_PER_DAY, merge_periods, overlap_counts
from schedules.schedule_data import ScheduleData
from validation.rules import Findings, evaluate_rules


@dataclass
class SummaryValues:
    """The ``ScheduleSummary`` columns as plain Python values, ready for the ORM and JSON."""

    total_blocks: int
    scheduled_blocks: int
    unscheduled_blocks: int
    impossible_blocks: int
    scheduling_rate: float
    priority_min: float | None
    priority_max: float | None
    priority_mean: float | None
    priority_median: float | None
    priority_mean_scheduled: float | None
    priority_mean_unscheduled: float | None
    visibility_total_hours: float
    visibility_mean_hours: float | None
    visibility_min_hours: float | None
    visibility_max_hours: float | None
    requested_total_hours: float
    requested_mean_hours: float | None
    scheduled_hours: float
    correlations: list[dict]
    conflict_count: int
    gap_count: int
    gap_mean_hours: float | None
    gap_median_hours: float | None
    priority_capture_ratio: float
    # The diagnostics' KPIs (DESIGN §13; scheduling_rate above is the first), stored so lists
    # and environments rank by them without recomputing; None in summaries written before.
    scheduled_fraction_of_operable: float | None
    visibility_use: float | None
    priority_alignment: float | None
    gap_compactness: float | None
    composite_score: float | None
    # Hours of each fragmentation class (DESIGN §13), for the compare's time-use chart, and
    # the KPIs beside the greedy baseline's (``Headline.kpi_comparison``), for the overview;
    # {} in summaries written before.
    time_use_hours: dict[str, float]
    kpi_comparison: dict


@dataclass
class TransformResult:
    metrics: BlockMetrics
    findings: Findings
    is_impossible: np.ndarray
    summary: SummaryValues
    possible_periods: np.ndarray

    def source_of(self, column: BlockColumn, data: ScheduleData) -> object:
        """Where an analytics column's values are: the input, the metrics, or the verdict."""
        return {Origin.FILE: data, Origin.METRICS: self.metrics, Origin.RULES: self}[column.origin]


def transform(data: ScheduleData) -> TransformResult:
    """Everything the loader stores for one schedule, computed without the database."""
    metrics = compute_block_metrics(data)
    findings = evaluate_rules(data, metrics)
    is_impossible = np.zeros(data.block_count, dtype=bool)
    impossible_rows = np.array(findings.status, dtype=object) == "impossible"
    is_impossible[findings.block_index[impossible_rows]] = True
    return TransformResult(
        metrics=metrics,
        findings=findings,
        is_impossible=is_impossible,
        summary=compute_summary(data, metrics, is_impossible),
        possible_periods=merge_periods(data.visibility_periods),
    )


def compute_summary(
    data: ScheduleData, metrics: BlockMetrics, is_impossible: np.ndarray
) -> SummaryValues:
    """Headline numbers over all blocks (impossible ones included)."""
    block_count = data.block_count
    scheduled = metrics.is_scheduled
    scheduled_count = int(scheduled.sum())
    priority = data.priority
    priority_total = float(priority.sum())
    start, stop = metrics.scheduled_start_mjd[scheduled], metrics.scheduled_stop_mjd[scheduled]
    gap_count, gap_mean, gap_median = gap_statistics(start, stop)
    figures = headline(data)
    kpis = figures.kpis
    return SummaryValues(
        total_blocks=block_count,
        scheduled_blocks=scheduled_count,
        unscheduled_blocks=block_count - scheduled_count,
        impossible_blocks=int(np.count_nonzero(is_impossible)),
        scheduling_rate=scheduled_count / block_count if block_count else 0.0,
        priority_min=_statistic(np.min, priority),
        priority_max=_statistic(np.max, priority),
        priority_mean=_statistic(np.mean, priority),
        priority_median=_statistic(np.median, priority),
        priority_mean_scheduled=_statistic(np.mean, priority[scheduled]),
        priority_mean_unscheduled=_statistic(np.mean, priority[~scheduled]),
        visibility_total_hours=float(metrics.total_visibility_hours.sum()),
        visibility_mean_hours=_statistic(np.mean, metrics.total_visibility_hours),
        visibility_min_hours=_statistic(np.min, metrics.total_visibility_hours),
        visibility_max_hours=_statistic(np.max, metrics.total_visibility_hours),
        requested_total_hours=float(metrics.requested_hours.sum()),
        requested_mean_hours=_statistic(np.mean, metrics.requested_hours),
        scheduled_hours=float(metrics.scheduled_hours[scheduled].sum()),
        correlations=spearman_correlations(
            {
                "priority": priority,
                "total_visibility_hours": metrics.total_visibility_hours,
                "requested_hours": metrics.requested_hours,
                "elevation_range_deg": metrics.elevation_range_deg,
            }
        ),
        conflict_count=int(overlap_counts(start, stop).sum()) // 2,
        gap_count=gap_count,
        gap_mean_hours=gap_mean,
        gap_median_hours=gap_median,
        priority_capture_ratio=(
            float(priority[scheduled].sum()) / priority_total if priority_total else 0.0
        ),
        scheduled_fraction_of_operable=kpis.scheduled_fraction_of_operable,
        visibility_use=kpis.visibility_use,
        priority_alignment=kpis.priority_alignment,
        gap_compactness=kpis.gap_compactness,
        composite_score=kpis.composite,
        time_use_hours=figures.time_use_hours,
        kpi_comparison=figures.kpi_comparison(),
    )


def _statistic(reduce: Callable[[np.ndarray], np.floating], values: np.ndarray) -> float | None:
    return float(reduce(values)) if len(values) else None


def spearman_correlations(columns: Mapping[str, np.ndarray]) -> list[dict]:
    """Spearman's rho for every pair of ``columns`` (in mapping order, i < j), ties ranked by
    their average rank. rho is None when it is undefined: fewer than two rows with both values
    finite, or a column that is constant over those rows."""
    names = list(columns)
    values = {name: np.asarray(columns[name], dtype=np.float64) for name in names}
    finite = {name: np.isfinite(column) for name, column in values.items()}
    # Columns finite in every row (the usual case) are ranked once for all their pairs.
    whole = {name: _centred_ranks(values[name]) for name in names if finite[name].all()}
    correlations = []
    for first, x_name in enumerate(names):
        for y_name in names[first + 1 :]:
            if x_name in whole and y_name in whole:
                x_rank, y_rank = whole[x_name], whole[y_name]
            else:
                both = finite[x_name] & finite[y_name]
                x_rank = _centred_ranks(values[x_name][both])
                y_rank = _centred_ranks(values[y_name][both])
            correlations.append(
                {"x": x_name, "y": y_name, "rho": _rank_correlation(x_rank, y_rank)}
            )
    return correlations


def _centred_ranks(values: np.ndarray) -> np.ndarray:
    return average_ranks(values) - (len(values) + 1) / 2


def _rank_correlation(x_rank: np.ndarray, y_rank: np.ndarray) -> float | None:
    """Pearson's r of centred ranks. The sums are numpy's own, not BLAS dot products: on a busy
    machine OpenBLAS's threads cost milliseconds per call to wake."""
    if len(x_rank) < 2:
        return None
    scale = np.sqrt(np.sum(x_rank * x_rank) * np.sum(y_rank * y_rank))
    if scale == 0:
        return None
    return float(np.clip(np.sum(x_rank * y_rank) / scale, -1.0, 1.0))


def gap_statistics(start: np.ndarray, stop: np.ndarray) -> tuple[int, float | None, float | None]:
    """Idle time between scheduled periods: ``(count, mean_hours, median_hours)``.

    Periods are taken in start order and each gap is the next start minus the previous
    period's stop; only gaps above zero count, so touching or overlapping periods add none.
    Rows that are not scheduled (NaN or start >= stop) are ignored.
    """
    start = np.asarray(start, dtype=np.float64)
    stop = np.asarray(stop, dtype=np.float64)
    scheduled = start < stop
    start, stop = start[scheduled], stop[scheduled]
    order = np.lexsort((stop, start))
    gaps = start[order][1:] - stop[order][:-1]
    gap_hours = gaps[gaps > 0] * HOURS_PER_DAY
    if not len(gap_hours):
        return 0, None, None
    return len(gap_hours), float(gap_hours.mean()), float(np.median(gap_hours))
