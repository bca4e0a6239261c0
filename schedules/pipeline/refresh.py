"""Rebuild a stored schedule's analytics, summary and findings from its blocks (DESIGN §6), and
keep its checksum describing what is stored after an edit."""

from __future__ import annotations

import logging

import numpy as np
from django.db import transaction

from analytics.models import BlockAnalytics, ScheduleSummary
from analytics.transform import TransformResult, transform
from schedules.models import Schedule
from schedules.pipeline.environments import assign_environment
from schedules.pipeline.load import store_analytics, store_findings
from schedules.schedule_data import ScheduleData
from schedules.selectors import load_schedule_data
from validation.models import ValidationResult

logger = logging.getLogger(__name__)


class ContentClash(Exception):
    """An edit would make a schedule's content identical to another stored schedule's."""

    def __init__(self, schedule: Schedule, other: Schedule) -> None:
        super().__init__(
            f"After this change “{schedule}” would hold exactly the content of “{other}” "
            f"(#{other.pk}), which is already stored; nothing was changed."
        )
        self.other = other


@transaction.atomic
def refresh_analytics(
    schedule: Schedule, loaded: tuple[ScheduleData, np.ndarray] | None = None
) -> TransformResult:
    """Recompute a schedule's analytics, summary and validation from its stored blocks, and its
    checksum from its content (an edit changes it); raises ``ContentClash`` when that checksum
    already belongs to another schedule. ``loaded`` is what ``load_schedule_data`` would read
    now, when the caller has it already."""
    data, block_ids = loaded or load_schedule_data(schedule)
    checksum = data.checksum()
    if checksum != schedule.checksum:
        other = Schedule.objects.filter(checksum=checksum).exclude(pk=schedule.pk).first()
        if other is not None:
            raise ContentClash(schedule, other)
        schedule.checksum = checksum
    result = transform(data)
    BlockAnalytics.objects.filter(schedule=schedule).delete()
    ScheduleSummary.objects.filter(schedule=schedule).delete()
    ValidationResult.objects.filter(schedule=schedule).delete()
    store_analytics(schedule, data, block_ids, result)
    store_findings(schedule, block_ids, result.findings)
    assign_environment(schedule, data)
    Schedule.objects.filter(pk=schedule.pk).update(
        possible_periods=result.possible_periods.tolist(),
        block_count=data.block_count,
        checksum=schedule.checksum,
    )
    logger.info("Refreshed analytics of schedule %s", schedule.pk)
    return result


def refresh_after_edit(schedules: list[Schedule]) -> None:
    """Bring every schedule an edit touched back in step: analytics, findings and checksum,
    all or none (the caller's transaction)."""
    for schedule in schedules:
        refresh_analytics(schedule)
