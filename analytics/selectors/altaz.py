"""Alt/Az: altitude, azimuth and airmass of up to ten of a schedule's targets over one night or a
few, every few minutes, with the twilights and the Moon, at the schedule's site or another."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from analytics.block_frame import load_block_frame
from analytics.selectors.filters import text_matches
from analytics.selectors.nights import (
    SkyNights,
    choose_site,
    curve_times,
    local_midnight_mjd,
    night_dates,
    nights_between,
    nights_for,
    sampled_altaz,
    schedule_nights,
    schedule_span,
)
from schedules.models import Schedule
from schedules.sky.sites import Site

MAX_TARGETS = 10
DEFAULT_TARGETS = 5
LISTED_TARGETS = 200
MAX_SHOWN_NIGHTS = 14
DEFAULT_STEP_MINUTES = 5
_MJD_EPOCH = datetime.date(1858, 11, 17)


@dataclass(frozen=True)
class AltAzQuery:
    """``targets`` are block ids, each standing for its block's RA and Dec; none picks the
    targets scheduled first that night. ``date`` is the local date of the first evening."""

    site: Site | None = None
    search: str = ""
    targets: tuple[int, ...] = ()
    date: datetime.date | None = None
    nights: int = 1
    step_minutes: int = DEFAULT_STEP_MINUTES


@dataclass(frozen=True)
class TargetOption:
    """One position on the sky, with the block that stands for it (the highest priority
    there) and how many blocks observe it."""

    block_id: int
    label: str
    ra_deg: float
    dec_deg: float
    blocks: int


@dataclass(frozen=True)
class AltAzData:
    """Curves are ``(targets, times)``; airmass is sec z above the horizon, null below. The
    Moon's altitude is topocentric. ``nights`` holds the twilights of the nights shown."""

    site: Site | None
    site_source: str  # "parameter", "schedule" or ""
    options: list[TargetOption]  # the first LISTED_TARGETS positions matching the search
    matching_positions: int
    targets: list[TargetOption]  # drawn
    first_night: str  # YYYY-MM-DD, the local date of the first evening
    mjd: np.ndarray
    alt_deg: np.ndarray
    az_deg: np.ndarray
    airmass: np.ndarray
    moon_alt_deg: np.ndarray
    nights: SkyNights | None
    night_dates: list[str]


def altaz(schedule: Schedule, query: AltAzQuery) -> AltAzData:
    frame = load_block_frame(schedule)
    # One option per position: the highest-priority block there stands for it.
    order = np.lexsort((frame.block_id, -frame.priority))
    _, first, inverse, counts = np.unique(
        np.column_stack((frame.ra_deg[order], frame.dec_deg[order])),
        axis=0,
        return_index=True,
        return_inverse=True,
        return_counts=True,
    )
    position_of_row = np.empty(len(frame), dtype=np.int64)
    position_of_row[order] = inverse.ravel()
    representative = order[first]  # frame rows, one per position
    ranked = np.argsort(first, kind="stable")  # positions by their best block's priority
    listed = ranked
    if query.search:
        matching = np.isin(frame.block_id, text_matches(schedule, query.search))
        wanted = np.zeros(len(first), dtype=bool)
        wanted[position_of_row[matching]] = True
        listed = ranked[wanted[ranked]]

    def option(position: int) -> TargetOption:
        row = representative[position]
        return TargetOption(
            block_id=int(frame.block_id[row]),
            label=f"{frame.display_name[row]} ({frame.source_block_id[row]})",
            ra_deg=float(frame.ra_deg[row]),
            dec_deg=float(frame.dec_deg[row]),
            blocks=int(counts[position]),
        )

    options = [option(int(position)) for position in listed[:LISTED_TARGETS]]
    choice = choose_site(schedule, query.site)
    span = schedule_span(schedule, frame.scheduled_start_mjd)
    if choice.site is None or (span is None and query.date is None):
        none = np.empty((0, 0))
        return AltAzData(
            site=choice.site,
            site_source=choice.source,
            options=options,
            matching_positions=len(listed),
            targets=[],
            first_night="",
            mjd=np.empty(0),
            alt_deg=none,
            az_deg=none,
            airmass=none,
            moon_alt_deg=np.empty(0),
            nights=None,
            night_dates=[],
        )
    site = choice.site
    if query.date is not None:
        first_midnight = local_midnight_mjd(site, (query.date - _MJD_EPOCH).days)
        nights = _nights(schedule, site, span, first_midnight, query.nights)
    else:
        nights = schedule_nights(schedule, site, span).take(slice(0, query.nights))
    if query.targets:
        rows = np.searchsorted(frame.block_id, np.array(query.targets, dtype=np.int64))
        rows = rows[(rows < len(frame))]
        rows = rows[np.isin(frame.block_id[rows], query.targets)]
        chosen = position_of_row[rows].tolist()
    else:
        # The targets scheduled in these nights, highest priority first, else the highest.
        start = frame.scheduled_start_mjd[order]
        inside = (start >= nights.noon_mjd[0]) & (start < nights.noon_mjd[-1] + 1.0)
        chosen = position_of_row[order[inside]].tolist() or ranked.tolist()
    targets = [option(position) for position in list(dict.fromkeys(chosen))[:MAX_TARGETS]]
    if not query.targets:
        targets = targets[:DEFAULT_TARGETS]
    return _curves(site, choice.source, options, len(listed), targets, nights, query.step_minutes)


def _nights(
    schedule: Schedule,
    site: Site,
    span: tuple[float, float] | None,
    first_midnight: float,
    count: int,
) -> SkyNights:
    """The nights from a date: cached with the schedule's when they are among them."""
    if span is None:
        return nights_between(site, first_midnight, first_midnight + count - 1.0).take(
            slice(0, count)
        )
    return nights_for(schedule_nights(schedule, site, span), site, first_midnight, count)


def _curves(
    site: Site,
    source: str,
    options: list[TargetOption],
    matching: int,
    targets: list[TargetOption],
    nights: SkyNights,
    step_minutes: int,
) -> AltAzData:
    from schedules.sky.ephemeris import moon_altitude_deg

    times = curve_times(nights, step_minutes)
    if targets:
        curves = sampled_altaz(
            site,
            np.array([target.ra_deg for target in targets]),
            np.array([target.dec_deg for target in targets]),
            times,
        )
        alt, az, airmass = curves.alt_deg, curves.az_deg, curves.airmass
    else:
        alt = az = airmass = np.empty((0, len(times)))
    dates = night_dates(site, nights.noon_mjd).tolist()
    return AltAzData(
        site=site,
        site_source=source,
        options=options,
        matching_positions=matching,
        targets=targets,
        first_night=dates[0],
        mjd=times,
        alt_deg=alt,
        az_deg=az,
        airmass=airmass,
        moon_alt_deg=moon_altitude_deg(site, times),
        nights=nights,
        night_dates=dates,
    )
