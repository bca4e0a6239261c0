"""The load step: write a schedule's rows (targets, blocks, analytics, summary, findings).

Runs inside the caller's transaction. Column lists come from ``schedules.block_schema``, so a
new block column is written wherever it belongs without touching this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict

import numpy as np
import orjson
from django.utils import timezone

from analytics.models import BlockAnalytics, ScheduleSummary
from analytics.transform import TransformResult
from schedules.block_schema import ANALYTICS_COLUMNS, BLOCK_OWN_COLUMNS, TARGET_COLUMNS
from schedules.models import Schedule, SchedulingBlock, Target
from schedules.pipeline.bulk_writes import (
    find_or_create_ids,
    insert_rows,
    insert_rows_in_background,
    reserve_ids,
    uses_copy,
)
from schedules.schedule_data import ScheduleData
from validation.models import ValidationResult
from validation.rules import FINDING_COLUMNS, Findings

BLOCK_FIELDS = (
    "id",
    "schedule_id",
    "target_id",
    *(column.stored for column in BLOCK_OWN_COLUMNS),
    "visibility_periods",
    "scheduled_period",
)
ANALYTICS_FIELDS = ("id", "schedule_id", "block_id", *(c.name for c in ANALYTICS_COLUMNS))
RESULT_FIELDS = ("id", "schedule_id", "block_id", *FINDING_COLUMNS, "created_at")


def start_blocks(schedule_id: int, data: ScheduleData) -> tuple[np.ndarray, Callable[[], None]]:
    """Upsert the targets, then write the blocks while the caller goes on (see
    ``insert_rows_in_background``); returns the block ids and the function that waits for
    the write. The database is the worker's until that function has been called."""
    target_ids = upsert_targets(data)
    block_ids = reserve_ids(SchedulingBlock, data.block_count)
    rows = _block_rows(schedule_id, data, target_ids, block_ids)
    return block_ids, insert_rows_in_background(SchedulingBlock, BLOCK_FIELDS, rows)


def store_results(
    schedule: Schedule,
    data: ScheduleData,
    block_ids: np.ndarray,
    result: TransformResult,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Write the analytics, summary and findings of a new schedule whose blocks are stored."""
    step = progress or (lambda fraction: None)
    store_analytics(schedule, data, block_ids, result)
    step(0.5)
    store_findings(schedule, block_ids, result.findings)
    step(1.0)


def upsert_targets(data: ScheduleData) -> np.ndarray:
    """Find or create every distinct target of the schedule; returns a target id per block."""
    fields = [column.stored.removeprefix("target__") for column in TARGET_COLUMNS]
    keys = list(zip(*(column.values_of(data) for column in TARGET_COLUMNS), strict=True))
    if uses_copy():
        return find_or_create_ids(Target, fields, keys)
    distinct = list(dict.fromkeys(keys))
    targets = Target.objects.bulk_create(
        [Target(**dict(zip(fields, key, strict=True))) for key in distinct],
        update_conflicts=True,
        unique_fields=fields,
        update_fields=["name"],
        batch_size=2000,
    )
    id_of = {key: target.pk for key, target in zip(distinct, targets, strict=True)}
    return np.fromiter((id_of[key] for key in keys), dtype=np.int64, count=len(keys))


def _block_rows(
    schedule_id: int, data: ScheduleData, target_ids: np.ndarray, block_ids: np.ndarray
) -> Iterator[tuple]:
    offsets = data.visibility_offsets.tolist()
    periods = data.visibility_periods
    scheduled = np.column_stack([data.scheduled_start_mjd, data.scheduled_stop_mjd])
    has_period = (~np.isnan(data.scheduled_start_mjd)).tolist()
    own = zip(*(column.values_of(data) for column in BLOCK_OWN_COLUMNS), strict=True)
    for index, (block_id, target_id, values) in enumerate(
        zip(block_ids.tolist(), target_ids.tolist(), own, strict=True)
    ):
        visibility = periods[offsets[index] : offsets[index + 1]]
        yield (
            block_id,
            schedule_id,
            target_id,
            *values,
            orjson.dumps(visibility, option=orjson.OPT_SERIALIZE_NUMPY).decode(),
            orjson.dumps(scheduled[index : index + 1], option=orjson.OPT_SERIALIZE_NUMPY).decode()
            if has_period[index]
            else "[]",
        )


def store_analytics(
    schedule: Schedule, data: ScheduleData, block_ids: np.ndarray, result: TransformResult
) -> None:
    """Insert one BlockAnalytics row per block and the schedule's summary."""
    count = data.block_count
    rows = zip(
        reserve_ids(BlockAnalytics, count).tolist(),
        [schedule.pk] * count,
        block_ids.tolist(),
        *(column.values_of(result.source_of(column, data)) for column in ANALYTICS_COLUMNS),
        strict=True,
    )
    insert_rows(BlockAnalytics, ANALYTICS_FIELDS, rows)
    ScheduleSummary.objects.create(schedule=schedule, **asdict(result.summary))


def store_findings(schedule: Schedule, block_ids: np.ndarray, findings: Findings) -> None:
    """Insert one ValidationResult row per finding (valid rows included)."""
    count = len(findings)
    now = timezone.now()
    rows = zip(
        reserve_ids(ValidationResult, count).tolist(),
        [schedule.pk] * count,
        block_ids[findings.block_index].tolist(),
        *(getattr(findings, name) for name in FINDING_COLUMNS),
        [now] * count,
        strict=True,
    )
    insert_rows(ValidationResult, RESULT_FIELDS, rows)
