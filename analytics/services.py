"""Writes for analytics: store the ETL's per-block metrics and summary, and rebuild them."""

from __future__ import annotations

import logging
from dataclasses import asdict

import numpy as np
from django.db import transaction

from analytics.models import BlockAnalytics, ScheduleSummary
from analytics.transform import TransformResult, transform
from schedules.bulk_writes import finite_or_none, insert_rows, reserve_ids
from schedules.models import Schedule
from schedules.schedule_data import ScheduleData
from schedules.selectors import load_schedule_data
from validation.models import ValidationResult
from validation.services import store_findings

logger = logging.getLogger(__name__)

ANALYTICS_FIELDS = (
    "id",
    "schedule_id",
    "block_id",
    "source_block_id",
    "display_name",
    "ra_deg",
    "dec_deg",
    "priority",
    "priority_bucket",
    "requested_hours",
    "min_observation_hours",
    "total_visibility_hours",
    "visibility_period_count",
    "max_visibility_period_hours",
    "elevation_range_deg",
    "is_scheduled",
    "scheduled_start_mjd",
    "scheduled_stop_mjd",
    "scheduled_hours",
    "has_zero_visibility",
    "is_impossible",
)


def store_analytics(
    schedule: Schedule, data: ScheduleData, block_ids: np.ndarray, result: TransformResult
) -> None:
    """Insert one BlockAnalytics row per block and the schedule's summary."""
    metrics = result.metrics
    display_names = [
        block_name or target_name
        for block_name, target_name in zip(data.block_names, data.target_names, strict=True)
    ]
    rows = zip(
        reserve_ids(BlockAnalytics, data.block_count).tolist(),
        [schedule.pk] * data.block_count,
        block_ids.tolist(),
        data.source_ids,
        display_names,
        data.ra_deg.tolist(),
        data.dec_deg.tolist(),
        data.priority.tolist(),
        metrics.priority_bucket.tolist(),
        metrics.requested_hours.tolist(),
        metrics.min_observation_hours.tolist(),
        metrics.total_visibility_hours.tolist(),
        metrics.visibility_period_count.tolist(),
        metrics.max_visibility_period_hours.tolist(),
        metrics.elevation_range_deg.tolist(),
        metrics.is_scheduled.tolist(),
        finite_or_none(metrics.scheduled_start_mjd),
        finite_or_none(metrics.scheduled_stop_mjd),
        finite_or_none(metrics.scheduled_hours),
        metrics.has_zero_visibility.tolist(),
        result.is_impossible.tolist(),
        strict=True,
    )
    insert_rows(BlockAnalytics, ANALYTICS_FIELDS, rows)
    ScheduleSummary.objects.create(schedule=schedule, **asdict(result.summary))


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


def has_analytics(schedule: Schedule) -> bool:
    return ScheduleSummary.objects.filter(schedule=schedule).exists()
