"""Sky map: where the targets sit on the sky, coloured by priority bucket or status, with the
galactic plane, the ecliptic and, when the site is known, the declinations it never sees high
enough."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Min

from analytics.block_frame import BlockFrame, load_block_frame
from analytics.selectors.filters import BlockFilters, selected_blocks
from analytics.selectors.nights import choose_site
from schedules.models import Schedule, SchedulingBlock
from schedules.sky.sites import Site


@dataclass(frozen=True)
class SkyMapFilters(BlockFilters):
    """A scheduled block passes the window if its start is in [from, to); others always pass."""

    scheduled_from_mjd: float | None = None
    scheduled_to_mjd: float | None = None
    site: Site | None = None  # instead of the schedule's location


@dataclass(frozen=True)
class SkyMapData:
    points: BlockFrame
    total_blocks: int
    shown_blocks: int
    scheduled_shown: int
    priority_min: float | None
    priority_max: float | None
    ra_coverage_deg: float
    dec_coverage_deg: float
    scheduled_start_min_mjd: float | None
    scheduled_start_max_mjd: float | None
    max_requested_hours: float
    site: Site | None
    site_source: str  # "parameter", "schedule" or ""
    altitude_limit_deg: float | None  # the lowest minimum altitude of any block
    # Declinations below the first (above the second) never reach that altitude at the site.
    never_high_below_dec_deg: float | None
    never_high_above_dec_deg: float | None
    galactic_plane: np.ndarray  # (k, 2) RA, Dec from the galactic centre
    ecliptic: np.ndarray  # (k, 2) RA, Dec


def sky_map(schedule: Schedule, filters: SkyMapFilters) -> SkyMapData:
    frame = load_block_frame(schedule)
    mask = selected_blocks(schedule, frame, filters)
    start = frame.scheduled_start_mjd
    scheduled = frame.is_scheduled
    if filters.scheduled_from_mjd is not None:
        mask &= ~scheduled | (start >= filters.scheduled_from_mjd)
    if filters.scheduled_to_mjd is not None:
        mask &= ~scheduled | (start < filters.scheduled_to_mjd)
    points = frame.take(mask)
    starts = frame.scheduled_start_mjd[scheduled]
    return SkyMapData(
        points=points,
        total_blocks=len(frame),
        shown_blocks=len(points),
        scheduled_shown=int(points.is_scheduled.sum()),
        priority_min=float(frame.priority.min()) if len(frame) else None,
        priority_max=float(frame.priority.max()) if len(frame) else None,
        ra_coverage_deg=_span(points.ra_deg),
        dec_coverage_deg=_span(points.dec_deg),
        scheduled_start_min_mjd=float(starts.min()) if starts.size else None,
        scheduled_start_max_mjd=float(starts.max()) if starts.size else None,
        max_requested_hours=float(points.requested_hours.max()) if len(points) else 0.0,
        **_site_limits(schedule, filters.site),
        **_reference_circles(),
    )


def _site_limits(schedule: Schedule, requested: Site | None) -> dict:
    choice = choose_site(schedule, requested)
    limits = {"site": choice.site, "site_source": choice.source, "altitude_limit_deg": None}
    limits |= {"never_high_below_dec_deg": None, "never_high_above_dec_deg": None}
    if choice.site is None or not schedule.block_count:
        return limits
    lowest = SchedulingBlock.objects.filter(schedule=schedule).aggregate(low=Min("min_alt_deg"))
    altitude = max(float(lowest["low"]), 0.0)
    # A star culminates at 90° − |φ − δ|: it never reaches h when |φ − δ| > 90° − h.
    reach = 90.0 - altitude
    below, above = choice.site.lat_deg - reach, choice.site.lat_deg + reach
    limits["altitude_limit_deg"] = altitude
    limits["never_high_below_dec_deg"] = below if below > -90.0 else None
    limits["never_high_above_dec_deg"] = above if above < 90.0 else None
    return limits


def _reference_circles() -> dict:
    from schedules.sky.great_circles import ecliptic, galactic_plane

    return {"galactic_plane": galactic_plane(), "ecliptic": ecliptic()}


def _span(values: np.ndarray) -> float:
    return float(values.max() - values.min()) if values.size else 0.0
