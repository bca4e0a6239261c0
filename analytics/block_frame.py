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
from schedules.block_schema import ANALYTICS_COLUMNS, columns_named
from schedules.models import Schedule
from schedules.selectors import load_schedule_data

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class BlockFrame:
    """Row ``i`` of every column describes one block; rows are in block-id order.

    The columns are ``block_id`` and the analytics columns of ``schedules.block_schema``.
    """

    block_id: np.ndarray
    source_block_id: np.ndarray  # object array of str
    ra_deg: np.ndarray
    dec_deg: np.ndarray
    priority: np.ndarray
    display_name: np.ndarray  # object array of str
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


COLUMNS = columns_named(ANALYTICS_COLUMNS)


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
        BlockAnalytics.objects.filter(schedule=schedule)
        .order_by("block_id")
        .values_list("block_id", *COLUMNS)
    )
    if len(rows) != schedule.block_count:
        return None
    block_ids, *columns = zip(*rows, strict=True) if rows else [()] * (len(COLUMNS) + 1)
    return BlockFrame(
        block_id=np.array(block_ids, dtype=np.int64),
        **{
            column.name: np.array(values, dtype=column.dtype)
            for column, values in zip(ANALYTICS_COLUMNS, columns, strict=True)
        },
    )


def computed_block_frame(schedule: Schedule) -> BlockFrame:
    """Recompute the frame from the stored blocks alone (the legacy path)."""
    frame, _ = computed_block_frame_and_result(schedule)
    return frame


def computed_block_frame_and_result(schedule: Schedule) -> tuple[BlockFrame, TransformResult]:
    data, block_ids = load_schedule_data(schedule)
    result = transform(data)
    frame = BlockFrame(
        block_id=block_ids,
        **{
            column.name: np.asarray(
                getattr(result.source_of(column, data), column.attribute), dtype=column.dtype
            )
            for column in ANALYTICS_COLUMNS
        },
    )
    return frame, result
