"""Schedule overview: the headline summary, validation counts and the versions of a name."""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from analytics.block_frame import computed_block_frame_and_result
from analytics.data_source import ETL, current_data_source
from analytics.models import ScheduleSummary
from analytics.transform import SummaryValues
from schedules.models import Schedule
from schedules.selectors import schedule_versions

logger = logging.getLogger(__name__)
_SUMMARY_FIELDS = tuple(f.name for f in fields(SummaryValues))


@dataclass(frozen=True)
class ScheduleOverview:
    schedule: Schedule
    summary: SummaryValues
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


def schedule_overview(schedule: Schedule) -> ScheduleOverview:
    versions = list(schedule_versions(schedule))
    older = [other for other in versions if other.version < schedule.version]
    return ScheduleOverview(
        schedule=schedule,
        summary=schedule_summary(schedule),
        versions=versions,
        previous_version=older[0] if older else None,
    )
