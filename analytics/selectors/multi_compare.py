"""Compare a reference with up to ten other schedules (DESIGN §14), for the compare page, its
CSVs and the N-way compare endpoint.

The comparison of one set of schedule versions is computed once and cached
(``cached_for_schedules``); a request only cuts a page of the status matrix from it, so the
page and the endpoint give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from analytics.block_frame import load_block_frame
from analytics.comparison import PairTiming
from analytics.data_source import ETL, current_data_source
from analytics.frame_cache import cached_for_schedules, cached_per_schedule
from analytics.models import BlockAnalytics, ScheduleSummary
from analytics.multi_compare import (
    HIGHER,
    LOWER,
    STATUS_NAMES,
    BoxStatistics,
    MetricRow,
    PairFigures,
    ScheduleBlocks,
    StatusMatrix,
    box_statistics,
    metric_row,
    pair_figures,
    status_matrix,
)
from analytics.selectors.diagnostics import fragmentation
from schedules.models import Schedule

MATRIX_PAGE_SIZE = 50

# (label, ScheduleSummary field, which value is best) of the metrics table, in its order.
METRICS = (
    ("Blocks", "total_blocks", ""),
    ("Scheduled blocks", "scheduled_blocks", HIGHER),
    ("Unscheduled blocks", "unscheduled_blocks", LOWER),
    ("Impossible blocks", "impossible_blocks", ""),
    ("Scheduling rate", "scheduling_rate", HIGHER),
    ("Scheduled fraction of operable time", "scheduled_fraction_of_operable", HIGHER),
    ("Visibility use", "visibility_use", HIGHER),
    ("Priority alignment", "priority_alignment", HIGHER),
    ("Gap compactness", "gap_compactness", HIGHER),
    ("Composite score", "composite_score", HIGHER),
    ("Priority capture ratio", "priority_capture_ratio", HIGHER),
    ("Mean priority of scheduled", "priority_mean_scheduled", HIGHER),
    ("Scheduled hours", "scheduled_hours", HIGHER),
    ("Conflicts", "conflict_count", LOWER),
    ("Gaps between observations", "gap_count", ""),
    ("Mean gap (h)", "gap_mean_hours", ""),
)
# Metrics that are shares in [0, 1]: a page shows them as percentages.
SHARE_METRICS = frozenset(
    label
    for label, field, _ in METRICS
    if field.endswith(("rate", "operable", "use", "alignment", "compactness", "score", "ratio"))
)


@dataclass(frozen=True)
class ComparedSchedule:
    """One schedule of the comparison; ``time_use_hours`` are the hours of each fragmentation
    class of its period."""

    schedule_id: int
    name: str
    version: int
    total_blocks: int
    scheduled_blocks: int
    time_use_hours: dict[str, float]
    scheduled_priority: BoxStatistics


@dataclass(frozen=True)
class ComparedPair:
    """An other schedule against the reference: A is the reference, B the other; a shift is
    B's start minus A's."""

    schedule_id: int
    shared_blocks: int
    mismatched_targets: list[str]
    warnings: list[str]
    timing: PairTiming


@dataclass(frozen=True)
class Comparison:
    """Everything of one comparison: schedules, metrics and pairs in the order asked (the
    reference first), and the full status matrix."""

    schedules: list[ComparedSchedule]
    metrics: list[MetricRow]
    pairs: list[ComparedPair]
    matrix: StatusMatrix


@dataclass(frozen=True)
class CompareQuery:
    others: list[Schedule]
    hide_agreeing: bool = False  # rows of the status matrix with one status throughout
    page: int = 1  # of the status matrix, MATRIX_PAGE_SIZE rows each


@dataclass(frozen=True)
class MatrixPage:
    """A page of the status matrix: ``status`` has one row per block, one name of
    ``STATUS_NAMES`` per schedule (the reference first)."""

    hide_agreeing: bool
    page: int
    page_count: int
    page_size: int
    total_blocks: int  # source ids in any schedule
    agreeing_blocks: int
    shown_blocks: int  # rows on all pages together
    source_block_id: list[str]
    status: list[list[str]]


@dataclass(frozen=True)
class MultiCompareData:
    reference_id: int
    schedules: list[ComparedSchedule]
    metrics: list[MetricRow]
    pairs: list[ComparedPair]
    matrix: MatrixPage


def comparison(reference: Schedule, others: list[Schedule]) -> Comparison:
    """The comparison of these schedule versions, computed once."""
    schedules = [reference, *others]
    return cached_for_schedules("multi-compare", schedules, lambda: _compute(schedules))


def multi_compare(reference: Schedule, query: CompareQuery) -> MultiCompareData:
    whole = comparison(reference, query.others)
    rows = matrix_rows(whole.matrix, query.hide_agreeing)
    page_count = max(1, -(-len(rows) // MATRIX_PAGE_SIZE))
    page = min(max(query.page, 1), page_count)
    shown = rows[(page - 1) * MATRIX_PAGE_SIZE : page * MATRIX_PAGE_SIZE]
    names = np.array(STATUS_NAMES, dtype=object)
    # Kept per version, which a rename does not change: the names are read from the rows.
    renamed = {schedule.pk: schedule.name for schedule in [reference, *query.others]}
    return MultiCompareData(
        reference_id=reference.pk,
        schedules=[replace(item, name=renamed[item.schedule_id]) for item in whole.schedules],
        metrics=whole.metrics,
        pairs=whole.pairs,
        matrix=MatrixPage(
            hide_agreeing=query.hide_agreeing,
            page=page,
            page_count=page_count,
            page_size=MATRIX_PAGE_SIZE,
            total_blocks=len(whole.matrix.agree),
            agreeing_blocks=int(np.count_nonzero(whole.matrix.agree)),
            shown_blocks=len(rows),
            source_block_id=whole.matrix.source_block_id[shown].tolist(),
            status=names[whole.matrix.status[shown]].tolist(),
        ),
    )


def matrix_rows(matrix: StatusMatrix, hide_agreeing: bool) -> np.ndarray:
    """Indices of the matrix rows shown: all, or those where the schedules disagree."""
    return np.flatnonzero(~matrix.agree) if hide_agreeing else np.arange(len(matrix.agree))


def schedule_blocks(schedule: Schedule) -> ScheduleBlocks:
    """The columns the comparison reads, cached per schedule version: from the stored analytics
    only these seven columns (a third of the time of the whole block frame at 25,000 blocks),
    else from the block frame (the legacy data source, or analytics not stored)."""
    if current_data_source() == ETL:
        blocks = cached_per_schedule("compare-blocks", schedule, lambda: _stored_blocks(schedule))
        if blocks is not None:
            return blocks
    frame = load_block_frame(schedule)
    return ScheduleBlocks(**{field: getattr(frame, field) for field in BLOCK_COLUMNS})


def time_use_hours(schedule: Schedule, summary: ScheduleSummary | None) -> dict[str, float]:
    """Hours of each fragmentation class: stored with the summary at ingest; for a summary
    written before that, from the diagnostics, cached on their own (a small entry to read)."""
    if summary is not None and summary.time_use_hours:
        return dict(summary.time_use_hours)
    return cached_per_schedule("time-use", schedule, lambda: fragmentation(schedule).hours)


BLOCK_COLUMNS = {
    "source_block_id": object,
    "is_scheduled": bool,
    "is_impossible": bool,
    "scheduled_start_mjd": np.float64,  # None (unscheduled) becomes NaN
    "ra_deg": np.float64,
    "dec_deg": np.float64,
    "priority": np.float64,
}


def _stored_blocks(schedule: Schedule) -> ScheduleBlocks | None:
    rows = list(
        BlockAnalytics.objects.filter(schedule=schedule)
        .order_by("block_id")
        .values_list(*BLOCK_COLUMNS)
    )
    if len(rows) != schedule.block_count:
        return None
    columns = zip(*rows, strict=True) if rows else [()] * len(BLOCK_COLUMNS)
    return ScheduleBlocks(
        **{
            name: np.array(values, dtype=dtype)
            for (name, dtype), values in zip(BLOCK_COLUMNS.items(), columns, strict=True)
        }
    )


def _compute(schedules: list[Schedule]) -> Comparison:
    blocks = [schedule_blocks(schedule) for schedule in schedules]
    summaries = {
        summary.schedule_id: summary
        for summary in ScheduleSummary.objects.filter(schedule__in=schedules)
    }

    def value(schedule: Schedule, field: str) -> float | None:
        summary = summaries.get(schedule.pk)
        return None if summary is None else getattr(summary, field)

    return Comparison(
        schedules=[
            ComparedSchedule(
                schedule_id=schedule.pk,
                name=schedule.name,
                version=schedule.version,
                total_blocks=len(columns.source_block_id),
                scheduled_blocks=int(np.count_nonzero(columns.is_scheduled)),
                time_use_hours=time_use_hours(schedule, summaries.get(schedule.pk)),
                scheduled_priority=box_statistics(columns.priority[columns.is_scheduled]),
            )
            for schedule, columns in zip(schedules, blocks, strict=True)
        ],
        metrics=[
            metric_row(label, [value(schedule, field) for schedule in schedules], better)
            for label, field, better in METRICS
        ],
        pairs=[
            _pair(schedule, pair_figures(blocks[0], other))
            for schedule, other in zip(schedules[1:], blocks[1:], strict=True)
        ],
        matrix=status_matrix(blocks),
    )


def _pair(schedule: Schedule, figures: PairFigures) -> ComparedPair:
    return ComparedPair(
        schedule_id=schedule.pk,
        shared_blocks=figures.shared_blocks,
        mismatched_targets=figures.mismatched_targets,
        warnings=figures.warnings,
        timing=figures.timing,
    )
