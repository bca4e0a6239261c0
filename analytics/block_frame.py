"""Per-block analytics of one schedule as numpy columns: the input of every page selector.

``load_block_frame`` is where the data source switch acts: the ``etl`` path reads the stored
BlockAnalytics rows; the ``legacy`` path parses the blocks and recomputes the same numbers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

import numpy as np

from analytics.data_source import ETL, current_data_source
from analytics.frame_cache import cached_per_schedule
from analytics.models import BlockAnalytics
from analytics.transform import TransformResult, transform
from schedules.models import Schedule
from schedules.selectors import load_schedule_data

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class BlockFrame:
    """Row ``i`` of every column describes one block; rows are in block-id order."""

    block_id: np.ndarray
    source_block_id: np.ndarray  # object array of str
    display_name: np.ndarray  # object array of str
    ra_deg: np.ndarray
    dec_deg: np.ndarray
    priority: np.ndarray
    priority_bucket: np.ndarray
    requested_hours: np.ndarray
    min_observation_hours: np.ndarray
    total_visibility_hours: np.ndarray
    visibility_period_count: np.ndarray
    max_visibility_period_hours: np.ndarray
    elevation_range_deg: np.ndarray
    is_scheduled: np.ndarray
    scheduled_start_mjd: np.ndarray  # NaN when unscheduled
    scheduled_stop_mjd: np.ndarray
    scheduled_hours: np.ndarray
    has_zero_visibility: np.ndarray
    is_impossible: np.ndarray

    def __len__(self) -> int:
        return len(self.block_id)

    def take(self, selector: np.ndarray) -> BlockFrame:
        """The rows picked by a boolean mask or an index array, as a new frame."""
        return BlockFrame(**{f.name: getattr(self, f.name)[selector] for f in fields(self)})


COLUMNS = tuple(f.name for f in fields(BlockFrame))
_DTYPES = {
    "block_id": np.int64,
    "source_block_id": object,
    "display_name": object,
    "priority_bucket": np.int64,
    "visibility_period_count": np.int64,
    "is_scheduled": bool,
    "has_zero_visibility": bool,
    "is_impossible": bool,
}


def load_block_frame(schedule: Schedule) -> BlockFrame:
    """The schedule's block frame from the configured data source.

    ``etl`` falls back to ``legacy`` (with a warning) when the schedule's analytics are missing.
    """
    if current_data_source() == ETL:
        frame = cached_per_schedule("frame", schedule, lambda: stored_block_frame(schedule))
        if frame is not None:
            return frame
        logger.warning(
            "Schedule %s has no stored analytics; computing them from its blocks.", schedule.pk
        )
    return computed_block_frame(schedule)


def stored_block_frame(schedule: Schedule) -> BlockFrame | None:
    """Read the ETL's BlockAnalytics rows; ``None`` when they do not cover every block."""
    rows = list(
        BlockAnalytics.objects.filter(schedule=schedule).order_by("block_id").values_list(*COLUMNS)
    )
    if len(rows) != schedule.block_count:
        return None
    columns = zip(*rows, strict=True) if rows else [()] * len(COLUMNS)
    return BlockFrame(
        **{
            name: np.array(values, dtype=_DTYPES.get(name, np.float64))
            for name, values in zip(COLUMNS, columns, strict=True)
        }
    )


def computed_block_frame(schedule: Schedule) -> BlockFrame:
    """Recompute the frame from the stored blocks alone (the legacy path)."""
    frame, _ = computed_block_frame_and_result(schedule)
    return frame


def computed_block_frame_and_result(schedule: Schedule) -> tuple[BlockFrame, TransformResult]:
    data, block_ids = load_schedule_data(schedule)
    result = transform(data)
    metrics = result.metrics
    display_names = [
        block_name or target_name
        for block_name, target_name in zip(data.block_names, data.target_names, strict=True)
    ]
    frame = BlockFrame(
        block_id=block_ids,
        source_block_id=np.array(data.source_ids, dtype=object),
        display_name=np.array(display_names, dtype=object),
        ra_deg=data.ra_deg,
        dec_deg=data.dec_deg,
        priority=data.priority,
        priority_bucket=metrics.priority_bucket.astype(np.int64),
        requested_hours=metrics.requested_hours,
        min_observation_hours=metrics.min_observation_hours,
        total_visibility_hours=metrics.total_visibility_hours,
        visibility_period_count=metrics.visibility_period_count.astype(np.int64),
        max_visibility_period_hours=metrics.max_visibility_period_hours,
        elevation_range_deg=metrics.elevation_range_deg,
        is_scheduled=metrics.is_scheduled.astype(bool),
        scheduled_start_mjd=metrics.scheduled_start_mjd,
        scheduled_stop_mjd=metrics.scheduled_stop_mjd,
        scheduled_hours=metrics.scheduled_hours,
        has_zero_visibility=metrics.has_zero_visibility.astype(bool),
        is_impossible=result.is_impossible.astype(bool),
    )
    return frame, result
