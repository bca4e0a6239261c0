"""Scheduled timeline: the scheduled blocks in time order, by month, with the dark periods."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from analytics.block_frame import BlockFrame, load_block_frame
from analytics.selectors.filters import SCHEDULED, BlockFilters, block_mask, text_matches
from schedules.mjd import datetime64_to_mjd, month_labels
from schedules.models import Schedule


@dataclass(frozen=True)
class TimelineFilters(BlockFilters):
    """``month`` and ``search`` narrow everything the page shows: the observations, the
    totals, the chart and its dark periods."""

    month: str = ""  # YYYY-MM of the scheduled start


@dataclass(frozen=True)
class TimelineData:
    observations: BlockFrame  # scheduled blocks passing the filters, ordered by start
    months: list[str]  # months with a scheduled start or a dark period, sorted
    shown_months: list[str]  # the chart's rows: the chosen month, or every month
    dark_periods: np.ndarray  # (k, 2) MJD, within the chosen month
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
    if filters.month:
        dark = _within_month(dark, filters.month)
    hours = observations.scheduled_hours
    count = len(observations)
    return TimelineData(
        observations=observations,
        months=months,
        shown_months=[filters.month] if filters.month else months,
        dark_periods=dark,
        scheduled_blocks=count,
        total_scheduled_hours=float(hours.sum()),
        mean_scheduled_hours=float(hours.mean()) if count else None,
        first_start_mjd=float(observations.scheduled_start_mjd.min()) if count else None,
        last_stop_mjd=float(observations.scheduled_stop_mjd.max()) if count else None,
        dark_period_hours=float(((dark[:, 1] - dark[:, 0]) * 24.0).sum()),
    )


def _within_month(periods: np.ndarray, month: str) -> np.ndarray:
    """The parts of ``periods`` inside the UTC month ``YYYY-MM``."""
    first = np.datetime64(month, "M")
    bounds = datetime64_to_mjd(np.array([first, first + np.timedelta64(1, "M")]))
    start = np.maximum(periods[:, 0], bounds[0])
    stop = np.minimum(periods[:, 1], bounds[1])
    keep = stop > start
    return np.column_stack([start[keep], stop[keep]])
