"""Scheduled timeline: the scheduled blocks in time order, by month, with the dark periods."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from analytics.block_frame import BlockFrame, load_block_frame
from analytics.selectors.filters import SCHEDULED, BlockFilters, block_mask, text_matches
from schedules.mjd import month_labels
from schedules.models import Schedule


@dataclass(frozen=True)
class TimelineFilters(BlockFilters):
    """``search`` and ``month`` pick the observations listed; the totals cover every
    scheduled block passing the other filters."""

    month: str = ""  # YYYY-MM of the scheduled start


@dataclass(frozen=True)
class TimelineData:
    observations: BlockFrame  # scheduled blocks passing the filters, ordered by start
    months: list[str]  # months with a scheduled start or a dark period, sorted
    dark_periods: np.ndarray  # (k, 2) MJD
    scheduled_blocks: int
    total_scheduled_hours: float
    mean_scheduled_hours: float | None
    first_start_mjd: float | None
    last_stop_mjd: float | None
    dark_period_hours: float


def timeline(schedule: Schedule, filters: TimelineFilters) -> TimelineData:
    frame = load_block_frame(schedule)
    scheduled_filters = replace(filters, status=SCHEDULED, search="")
    scheduled = frame.take(block_mask(frame, scheduled_filters))
    scheduled = scheduled.take(np.argsort(scheduled.scheduled_start_mjd, kind="stable"))
    dark = np.array(schedule.dark_periods, dtype=np.float64).reshape(-1, 2)
    start_months = month_labels(scheduled.scheduled_start_mjd)
    months = sorted(set(start_months.tolist()) | set(month_labels(dark.ravel()).tolist()))
    shown = np.ones(len(scheduled), dtype=bool)
    if filters.month:
        shown &= start_months == filters.month
    if filters.search:
        shown &= np.isin(scheduled.block_id, text_matches(schedule, filters.search))
    observations = scheduled.take(shown)
    hours = scheduled.scheduled_hours
    return TimelineData(
        observations=observations,
        months=months,
        dark_periods=dark,
        scheduled_blocks=len(scheduled),
        total_scheduled_hours=float(hours.sum()),
        mean_scheduled_hours=float(hours.mean()) if len(hours) else None,
        first_start_mjd=float(scheduled.scheduled_start_mjd.min()) if len(scheduled) else None,
        last_stop_mjd=float(scheduled.scheduled_stop_mjd.max()) if len(scheduled) else None,
        dark_period_hours=float(((dark[:, 1] - dark[:, 0]) * 24.0).sum()),
    )
