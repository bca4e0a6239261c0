"""Night hourglass: every night of the schedule side by side, its scheduled blocks at their
hours, between the curves of sunset, the twilights and sunrise, with the Moon's hours up."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from analytics.block_frame import BlockFrame, load_block_frame
from analytics.selectors.filters import SCHEDULED, BlockFilters, selected_blocks
from analytics.selectors.nights import (
    SkyNights,
    choose_site,
    night_dates,
    schedule_nights,
    schedule_span,
)
from schedules.models import Schedule
from schedules.sky.periods import intersect_with_periods
from schedules.sky.sites import Site

LOCAL, UTC = "local", "utc"


@dataclass(frozen=True)
class HourglassFilters(BlockFilters):
    """The block filters pick the scheduled blocks drawn; ``utc`` measures hours from the UTC
    midnight nearest local midnight instead of from local mean midnight."""

    site: Site | None = None
    utc: bool = False


@dataclass(frozen=True)
class HourglassData:
    """Per night (``night_dates``, the local date of its evening) the zero of its hours axis
    (``reference_mjd``); the pieces of Moon-up time between sunset and sunrise; and the
    scheduled blocks starting in the nights, in start order, with their night's index."""

    site: Site | None
    site_source: str  # "parameter", "schedule" or ""
    time_axis: str  # "local" (mean solar time at the site) or "utc"
    nights: SkyNights | None
    night_dates: list[str]
    reference_mjd: np.ndarray
    moon_night: np.ndarray
    moon_start_mjd: np.ndarray
    moon_stop_mjd: np.ndarray
    observations: BlockFrame
    observation_night: np.ndarray
    scheduled_blocks: int  # passing the filters, in the nights or not
    outside_nights: int  # of those, starting outside every night shown


def hourglass(schedule: Schedule, filters: HourglassFilters) -> HourglassData:
    frame = load_block_frame(schedule)
    scheduled = frame.take(selected_blocks(schedule, frame, replace(filters, status=SCHEDULED)))
    scheduled = scheduled.take(np.argsort(scheduled.scheduled_start_mjd, kind="stable"))
    choice = choose_site(schedule, filters.site)
    span = schedule_span(schedule, frame.scheduled_start_mjd)
    axis = UTC if filters.utc else LOCAL
    if choice.site is None or span is None:
        none = np.empty(0)
        return HourglassData(
            choice.site,
            choice.source,
            axis,
            None,
            [],
            none,
            np.empty(0, np.int64),
            none,
            none,
            scheduled.take(np.zeros(len(scheduled), dtype=bool)),
            np.empty(0, np.int64),
            len(scheduled),
            len(scheduled),
        )
    nights = schedule_nights(schedule, choice.site, span)
    midnight = nights.noon_mjd + 0.5
    reference = np.round(midnight) if filters.utc else midnight
    dark = np.column_stack((nights.sunset, nights.sunrise))
    dark = dark[np.isfinite(dark).all(axis=1)]
    _, moon_start, moon_stop = intersect_with_periods(
        nights.moon_up[:, 0], nights.moon_up[:, 1], dark
    )
    night = nights.night_of(scheduled.scheduled_start_mjd)
    inside = night >= 0
    return HourglassData(
        site=choice.site,
        site_source=choice.source,
        time_axis=axis,
        nights=nights,
        night_dates=night_dates(choice.site, nights.noon_mjd).tolist(),
        reference_mjd=reference,
        moon_night=nights.night_of(moon_start),
        moon_start_mjd=moon_start,
        moon_stop_mjd=moon_stop,
        observations=scheduled.take(inside),
        observation_night=night[inside],
        scheduled_blocks=len(scheduled),
        outside_nights=int((~inside).sum()),
    )
