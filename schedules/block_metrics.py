"""The derived columns of every block (DESIGN §7), computed from its file columns.

Pure numpy over whole columns. The validation rules judge blocks by these numbers and the
analytics store them, so both read one computation; ``schedules.block_schema`` lists them.
"""

from __future__ import annotations

from dataclasses import make_dataclass

import numpy as np

from schedules.block_schema import DERIVED_COLUMNS, display_name
from schedules.intervals import HOURS_PER_DAY
from schedules.schedule_data import ScheduleData

SECONDS_PER_HOUR = 3600.0


BlockMetrics = make_dataclass(
    "BlockMetrics", [(column.name, np.ndarray) for column in DERIVED_COLUMNS]
)
BlockMetrics.__doc__ = "One array of length n per derived column of ``schedules.block_schema``."


def compute_block_metrics(data: ScheduleData) -> BlockMetrics:
    block_count = data.block_count
    period_counts = data.visibility_counts()
    periods = data.visibility_periods
    # A reversed or NaN period contributes no visible time rather than a negative amount.
    period_hours = np.fmax(periods[:, 1] - periods[:, 0], 0.0) * HOURS_PER_DAY
    owner = np.repeat(np.arange(block_count), period_counts)
    total_visibility_hours = np.bincount(owner, weights=period_hours, minlength=block_count)

    longest_period_hours = np.zeros(block_count)
    has_periods = period_counts > 0
    if has_periods.any():
        # Segments between consecutive non-empty blocks' offsets are exactly those blocks.
        first_rows = data.visibility_offsets[:-1][has_periods]
        longest_period_hours[has_periods] = np.maximum.reduceat(period_hours, first_rows)

    is_scheduled, scheduled_start, scheduled_stop = scheduled_bounds(
        data.scheduled_start_mjd, data.scheduled_stop_mjd
    )
    names = [
        display_name(block_name, target_name)
        for block_name, target_name in zip(data.block_names, data.target_names, strict=True)
    ]
    return BlockMetrics(
        display_name=np.array(names, dtype=object),
        priority_bucket=priority_buckets(data.priority),
        requested_hours=data.requested_duration_s / SECONDS_PER_HOUR,
        min_observation_hours=data.min_observation_s / SECONDS_PER_HOUR,
        total_visibility_hours=total_visibility_hours,
        visibility_period_count=period_counts.astype(np.int64),
        max_visibility_period_hours=longest_period_hours,
        elevation_range_deg=data.max_alt_deg - data.min_alt_deg,
        is_scheduled=is_scheduled,
        scheduled_start_mjd=scheduled_start,
        scheduled_stop_mjd=scheduled_stop,
        scheduled_hours=(scheduled_stop - scheduled_start) * HOURS_PER_DAY,
        has_zero_visibility=total_visibility_hours == 0,
    )


def scheduled_bounds(
    start: np.ndarray, stop: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A block is scheduled when its period has start < stop; the others' bounds are NaN."""
    is_scheduled = start < stop
    return (
        is_scheduled,
        np.where(is_scheduled, start, np.nan),
        np.where(is_scheduled, stop, np.nan),
    )


def priority_buckets(priority: np.ndarray) -> np.ndarray:
    """Bucket 1 to 4 by position within this schedule's priority range (quarters of max - min),
    so every schedule uses all four colours whatever its priority scale."""
    priority = np.asarray(priority, dtype=np.float64)
    if not len(priority):
        return np.empty(0, dtype=np.int64)
    lowest, spread = priority.min(), priority.max() - priority.min()
    if spread == 0:
        return np.full(len(priority), 2, dtype=np.int64)
    position = (priority - lowest) / spread
    return 1 + (position >= 0.25).astype(np.int64) + (position >= 0.5) + (position >= 0.75)
