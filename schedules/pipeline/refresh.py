"""Rebuild a stored schedule's analytics, summary and findings from its blocks (DESIGN §6)."""

from __future__ import annotations

import logging

from django.db import transaction

from analytics.models import BlockAnalytics, ScheduleSummary
from analytics.transform import TransformResult, transform
from schedules.models import Schedule
from schedules.pipeline.load import store_analytics, store_findings
from schedules.selectors import load_schedule_data
from validation.models import ValidationResult

logger = logging.getLogger(__name__)


@transaction.atomic
def refresh_analytics(schedule: Schedule) -> TransformResult:
    """Recompute a schedule's analytics, summary and validation from its stored blocks."""
    data, block_ids = load_schedule_data(schedule)
    result = transform(data)
    BlockAnalytics.objects.filter(schedule=schedule).delete()
    ScheduleSummary.objects.filter(schedule=schedule).delete()
    ValidationResult.objects.filter(schedule=schedule).delete()
    store_analytics(schedule, data, block_ids, result)
    store_findings(schedule, block_ids, result.findings)
    Schedule.objects.filter(pk=schedule.pk).update(
        possible_periods=result.possible_periods.tolist(), block_count=data.block_count
    )
    logger.info("Refreshed analytics of schedule %s", schedule.pk)
    return result
