"""Nights at a site: sunset, the three twilights, moonrise and moonset per night, and the
dark periods a schedule is made in when its file brings none (DESIGN §12)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from schedules.intervals import merge_periods
from schedules.sky.ephemeris import MOON, SUN, BodyModel, Crossings, moon_illumination
from schedules.sky.periods import intersect_periods
from schedules.sky.sites import Site

# The almanac's sunset and sunrise: upper limb on the horizon under standard refraction.
SUNSET_DEG = -0.8333
CIVIL_DEG = -6.0
NAUTICAL_DEG = -12.0
ASTRONOMICAL_DEG = -18.0
MOON_HORIZON_DEG = 0.0
_SUN_LEVELS = (SUNSET_DEG, CIVIL_DEG, NAUTICAL_DEG, ASTRONOMICAL_DEG)


@dataclass(frozen=True, slots=True)
class NightEvents:
    """One row per night, from local mean noon to the next (``noon_mjd``), UTC MJD; NaN when
    the event does not happen that night (polar day, the Moon staying up or down)."""

    noon_mjd: np.ndarray
    sunset: np.ndarray
    sunrise: np.ndarray
    civil_dusk: np.ndarray
    civil_dawn: np.ndarray
    nautical_dusk: np.ndarray
    nautical_dawn: np.ndarray
    astronomical_dusk: np.ndarray
    astronomical_dawn: np.ndarray
    moonrise: np.ndarray
    moonset: np.ndarray
    moon_illumination: np.ndarray

    @property
    def midnight_mjd(self) -> np.ndarray:
        return self.noon_mjd + 0.5


def night_events(
    site: Site, start_mjd: float, end_mjd: float, *, refine: bool = True
) -> NightEvents:
    """The nights whose local noon-to-noon span meets ``[start, end]``; the first event of
    each kind in a night is kept (at observatory latitudes there is at most one). Without
    ``refine`` the events are the model's crossings, a few times faster and well under a
    second from astropy's (for charts)."""
    first_noon = _local_noon(site, math.floor(start_mjd) - 1.0)
    noon = first_noon + np.arange(math.ceil(end_mjd - first_noon) + 1)
    noon = noon[(noon + 1.0 > start_mjd) & (noon < end_mjd)]
    low, high = float(noon[0]), float(noon[-1] + 1.0)
    sun = BodyModel(SUN, site, low, high).crossings(low, high, list(_SUN_LEVELS), refine=refine)
    moon = BodyModel(MOON, site, low, high).crossings(low, high, [MOON_HORIZON_DEG], refine=refine)

    def per_night(crossings: Crossings, level: int, rising: bool) -> np.ndarray:
        chosen = (crossings.level == level) & (crossings.rising == rising)
        mjd = crossings.mjd[chosen]
        night = np.floor(mjd - noon[0]).astype(np.int64)
        values = np.full(len(noon), np.nan)
        nights, first = np.unique(night, return_index=True)
        values[nights] = mjd[first]
        return values

    return NightEvents(
        noon_mjd=noon,
        sunset=per_night(sun, 0, rising=False),
        sunrise=per_night(sun, 0, rising=True),
        civil_dusk=per_night(sun, 1, rising=False),
        civil_dawn=per_night(sun, 1, rising=True),
        nautical_dusk=per_night(sun, 2, rising=False),
        nautical_dawn=per_night(sun, 2, rising=True),
        astronomical_dusk=per_night(sun, 3, rising=False),
        astronomical_dawn=per_night(sun, 3, rising=True),
        moonrise=per_night(moon, 0, rising=True),
        moonset=per_night(moon, 0, rising=False),
        moon_illumination=moon_illumination(noon + 0.5),
    )


def dark_periods(
    site: Site,
    start_mjd: float,
    end_mjd: float,
    *,
    moon: bool = True,
    sun_altitude_deg: float = ASTRONOMICAL_DEG,
) -> np.ndarray:
    """Dark time in ``[start, end]``: the Sun's centre below ``sun_altitude_deg`` and, unless
    ``moon`` is False, the Moon's centre below the horizon; sorted, merged ``(k, 2)`` MJD."""
    if not end_mjd > start_mjd:
        return np.empty((0, 2))
    sun = BodyModel(SUN, site, start_mjd, end_mjd)
    sun_down = sun.below_periods(start_mjd, end_mjd, sun_altitude_deg, refine=False)
    if not moon:
        return _refined(
            merge_periods(sun_down), [(sun, sun_down, sun_altitude_deg)], start_mjd, end_mjd
        )
    lunar = BodyModel(MOON, site, start_mjd, end_mjd)
    moon_down = lunar.below_periods(start_mjd, end_mjd, MOON_HORIZON_DEG, refine=False)
    # Only the crossings that end up as edges are worth astropy's time: about half of them.
    return _refined(
        intersect_periods(sun_down, moon_down),
        [(sun, sun_down, sun_altitude_deg), (lunar, moon_down, MOON_HORIZON_DEG)],
        start_mjd,
        end_mjd,
    )


def _refined(
    dark: np.ndarray,
    sources: list[tuple[BodyModel, np.ndarray, float]],
    start_mjd: float,
    end_mjd: float,
) -> np.ndarray:
    """``dark`` with each edge that is a body's crossing refined on astropy; the edges are
    copies of the crossings, so exact equality says which body each came from."""
    edges = dark.ravel().copy()
    pending = (edges > start_mjd) & (edges < end_mjd)
    for model, periods, level in sources:
        own = pending & np.isin(edges, periods.ravel())
        edges[own] = np.clip(model.refine(edges[own], level), start_mjd, end_mjd)
        pending &= ~own
    dark = edges.reshape(-1, 2)
    return dark[dark[:, 1] > dark[:, 0]]


def _local_noon(site: Site, day_mjd: float) -> float:
    """Local mean noon (UTC MJD) of the civil day starting at ``day_mjd``: nights then never
    straddle two rows."""
    return day_mjd + 0.5 - site.lon_deg / 360.0
