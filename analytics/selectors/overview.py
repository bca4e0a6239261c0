"""Schedule overview: the headline summary, validation counts and the versions of a name."""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

import numpy as np

from analytics.block_frame import computed_block_frame_and_result, load_block_frame
from analytics.data_source import ETL, current_data_source
from analytics.models import ScheduleSummary
from analytics.selectors.filters import BlockFilters, block_mask
from analytics.transform import SummaryValues
from schedules.models import Schedule
from schedules.selectors import schedule_versions

logger = logging.getLogger(__name__)
_SUMMARY_FIELDS = tuple(f.name for f in fields(SummaryValues))


ALL_BLOCKS, FEASIBLE_BLOCKS, IMPOSSIBLE_BLOCKS = "all", "feasible", "impossible"


@dataclass(frozen=True)
class Headline:
    """The overview's headline figures over the chosen blocks, naming that choice."""

    scope: str  # all | feasible (impossible blocks left out) | impossible
    total_blocks: int
    scheduled_blocks: int
    unscheduled_blocks: int
    impossible_blocks: int
    scheduling_rate: float
    scheduled_hours: float
    priority_capture_ratio: float

    @property
    def label(self) -> str:
        return {
            ALL_BLOCKS: "all blocks",
            FEASIBLE_BLOCKS: "feasible blocks",
            IMPOSSIBLE_BLOCKS: "impossible blocks only",
        }[self.scope]


@dataclass(frozen=True)
class ScheduleOverview:
    schedule: Schedule
    summary: SummaryValues
    headline: Headline
    versions: list[Schedule]
    previous_version: Schedule | None


def schedule_summary(schedule: Schedule) -> SummaryValues:
    """The stored summary (etl) or one computed from the blocks (legacy, or when missing)."""
    if current_data_source() == ETL:
        stored = ScheduleSummary.objects.filter(schedule=schedule).values(*_SUMMARY_FIELDS).first()
        if stored is not None:
            return SummaryValues(**stored)
        logger.warning(
            "Schedule %s has no stored summary; computing it from its blocks.", schedule.pk
        )
    _, result = computed_block_frame_and_result(schedule)
    return result.summary


def schedule_overview(schedule: Schedule, filters: BlockFilters | None = None) -> ScheduleOverview:
    """The overview; ``filters`` choose the headline's blocks (all of them by default)."""
    versions = list(schedule_versions(schedule))
    older = [other for other in versions if other.version < schedule.version]
    summary = schedule_summary(schedule)
    return ScheduleOverview(
        schedule=schedule,
        summary=summary,
        headline=headline(schedule, summary, filters or BlockFilters(exclude_impossible=False)),
        versions=versions,
        previous_version=older[0] if older else None,
    )


def scope_of(filters: BlockFilters) -> str:
    if filters.only_impossible:
        return IMPOSSIBLE_BLOCKS
    return FEASIBLE_BLOCKS if filters.exclude_impossible else ALL_BLOCKS


def headline(schedule: Schedule, summary: SummaryValues, filters: BlockFilters) -> Headline:
    """All blocks come from the summary as stored; another scope is counted on the frame."""
    scope = scope_of(filters)
    if scope == ALL_BLOCKS:
        return Headline(
            scope,
            summary.total_blocks,
            summary.scheduled_blocks,
            summary.unscheduled_blocks,
            summary.impossible_blocks,
            summary.scheduling_rate,
            summary.scheduled_hours,
            summary.priority_capture_ratio,
        )
    frame = load_block_frame(schedule)
    shown = frame.take(block_mask(frame, filters))
    scheduled = shown.is_scheduled
    total, count = len(shown), int(scheduled.sum())
    priority_total = float(shown.priority.sum())
    return Headline(
        scope,
        total,
        count,
        total - count,
        int(shown.is_impossible.sum()),
        count / total if total else 0.0,
        float(np.nansum(shown.scheduled_hours)),
        float(shown.priority[scheduled].sum()) / priority_total if priority_total else 0.0,
    )
