"""The sky over a schedule: its site, and the nights of its period with their twilights and the
Moon, shared by the block, alt/az, hourglass and sky map pages.

Night events and the Moon's periods above the horizon come from the sky model's crossings
without astropy's refinement (0.1 s at most from the refined times, invisible on a chart; a
year in under a second instead of three), cached per schedule version and site.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from analytics.frame_cache import cached_per_schedule
from schedules.models import Schedule
from schedules.schedule_data import Location
from schedules.sky.sites import Site, site_from_location

if TYPE_CHECKING:  # astropy is imported only when something is computed
    from schedules.sky.altitudes import AltAzCurves

PARAMETER, SCHEDULE = "parameter", "schedule"
# A schedule spanning years would cost a second of astronomy per month; beyond this the
# pages show the first nights and say so.
MAX_NIGHTS = 400
# Night rows in the order of the Sun going down, as the pages name them.
TWILIGHTS = (
    ("civil", "Civil twilight", "sunset", "civil_dusk", "civil_dawn", "sunrise"),
    ("nautical", "Nautical twilight", "civil_dusk", "nautical_dusk", "nautical_dawn", "civil_dawn"),
    (
        "astronomical",
        "Astronomical twilight",
        "nautical_dusk",
        "astronomical_dusk",
        "astronomical_dawn",
        "nautical_dawn",
    ),
)
NIGHT_LABEL = "Night (Sun below −18°)"
# Curves through the night run from an hour before sunset to an hour after sunrise.
CURVE_MARGIN_DAYS = 1.0 / 24.0
ASTROMETRY_STEP_MINUTES = 30.0


@dataclass(frozen=True)
class SiteChoice:
    """The site a page computes for: the ``site`` parameter when given, else the schedule's
    location; ``site`` is None when neither exists (``source`` is then "")."""

    site: Site | None
    source: str


def schedule_site(schedule: Schedule) -> Site | None:
    if schedule.location_lat_deg is None or schedule.location_lon_deg is None:
        return None
    location = Location(
        lat_deg=schedule.location_lat_deg,
        lon_deg=schedule.location_lon_deg,
        height_m=schedule.location_height_m or 0.0,
    )
    return site_from_location(location)


def choose_site(schedule: Schedule, requested: Site | None) -> SiteChoice:
    if requested is not None:
        return SiteChoice(requested, PARAMETER)
    own = schedule_site(schedule)
    return SiteChoice(own, SCHEDULE if own is not None else "")


def schedule_span(
    schedule: Schedule, extra_mjd: np.ndarray | None = None
) -> tuple[float, float] | None:
    """The schedule's period; else the extent of its dark and possible periods (and of
    ``extra_mjd``, e.g. scheduled times); None when nothing says when it is."""
    if schedule.period_start_mjd is not None and schedule.period_end_mjd is not None:
        start, end = schedule.period_start_mjd, schedule.period_end_mjd
    else:
        edges = np.concatenate(
            [
                np.asarray(schedule.dark_periods, dtype=np.float64).ravel(),
                np.asarray(schedule.possible_periods, dtype=np.float64).ravel(),
                np.asarray(extra_mjd if extra_mjd is not None else [], dtype=np.float64).ravel(),
            ]
        )
        edges = edges[np.isfinite(edges)]
        if not edges.size:
            return None
        start, end = float(edges.min()), float(edges.max())
    return start, min(end, start + MAX_NIGHTS)


@dataclass(frozen=True)
class SkyNights:
    """Nights at a site, one row per night from local mean noon to the next (the columns of
    ``schedules.sky.nights.NightEvents``, UTC MJD, NaN when an event does not happen), and
    the periods the Moon's centre is above the horizon."""

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
    moon_up: np.ndarray  # (k, 2) MJD

    def __len__(self) -> int:
        return len(self.noon_mjd)

    def night_of(self, mjd: np.ndarray) -> np.ndarray:
        """Index of the night each time falls in, −1 outside them all."""
        mjd = np.asarray(mjd, dtype=np.float64)
        if not len(self):
            return np.full(mjd.shape, -1, dtype=np.int64)
        index = np.floor(np.nan_to_num(mjd - self.noon_mjd[0], nan=-1.0)).astype(np.int64)
        return np.where((index >= 0) & (index < len(self)), index, -1)

    def take(self, rows: np.ndarray | slice) -> SkyNights:
        """Some nights, with the Moon's periods that meet them."""
        noon = self.noon_mjd[rows]
        moon = self.moon_up
        if len(noon):
            moon = moon[(moon[:, 1] > noon.min()) & (moon[:, 0] < noon.max() + 1.0)]
        columns = {name: getattr(self, name)[rows] for name in _EVENT_NAMES}
        return SkyNights(**columns, moon_up=moon)

    def twilight_periods(self) -> dict[str, np.ndarray]:
        """``(k, 2)`` periods of each twilight (dusk and dawn) and of the night proper, keyed
        by the labels of ``TWILIGHTS`` and ``NIGHT_LABEL``; nights missing an edge skip it."""
        periods = {}
        for _, label, outer_dusk, inner_dusk, inner_dawn, outer_dawn in TWILIGHTS:
            pieces = np.concatenate(
                (
                    np.column_stack((getattr(self, outer_dusk), getattr(self, inner_dusk))),
                    np.column_stack((getattr(self, inner_dawn), getattr(self, outer_dawn))),
                )
            )
            periods[label] = _sorted_finite(pieces)
        night = np.column_stack((self.astronomical_dusk, self.astronomical_dawn))
        periods[NIGHT_LABEL] = _sorted_finite(night)
        return periods


_EVENT_NAMES = (
    "noon_mjd",
    "sunset",
    "sunrise",
    "civil_dusk",
    "civil_dawn",
    "nautical_dusk",
    "nautical_dawn",
    "astronomical_dusk",
    "astronomical_dawn",
    "moonrise",
    "moonset",
    "moon_illumination",
)


def nights_between(site: Site, start_mjd: float, end_mjd: float) -> SkyNights:
    """The nights meeting ``[start, end]`` at ``site``, computed (no cache)."""
    # Imported here: astropy takes half a second to import, and most pages never need it.
    from schedules.sky.ephemeris import MOON, BodyModel
    from schedules.sky.nights import night_events

    events = night_events(site, start_mjd, end_mjd, refine=False)
    low, high = float(events.noon_mjd[0]), float(events.noon_mjd[-1] + 1.0)
    moon_down = BodyModel(MOON, site, low, high).below_periods(low, high, 0.0, refine=False)
    return SkyNights(
        **{name: getattr(events, name) for name in _EVENT_NAMES},
        moon_up=_complement(moon_down, low, high),
    )


def schedule_nights(schedule: Schedule, site: Site, span: tuple[float, float]) -> SkyNights:
    """The nights of ``span`` at ``site``, once per schedule version, site and span."""
    start, end = span
    key = f"nights:{site.lon_deg!r}:{site.lat_deg!r}:{site.height_m!r}:{start!r}:{end!r}"
    return cached_per_schedule(key, schedule, lambda: nights_between(site, start, end))


def nights_for(schedule_nights: SkyNights, site: Site, first_mjd: float, count: int) -> SkyNights:
    """``count`` nights from the one containing ``first_mjd``: taken from the schedule's nights
    when they hold them, else computed."""
    first = int(schedule_nights.night_of(np.array([first_mjd]))[0])
    if first >= 0 and first + count <= len(schedule_nights):
        return schedule_nights.take(slice(first, first + count))
    computed = nights_between(site, first_mjd, first_mjd + count - 1.0)
    return computed.take(slice(0, count))


def curve_times(night: SkyNights, step_minutes: float) -> np.ndarray:
    """Sample times over the nights: an hour before the first sunset to an hour after the
    last sunrise (noon to noon where the Sun does not set)."""
    noon = night.noon_mjd
    start = night.sunset[0] - CURVE_MARGIN_DAYS
    stop = night.sunrise[-1] + CURVE_MARGIN_DAYS
    start = float(start) if np.isfinite(start) else float(noon[0])
    stop = float(stop) if np.isfinite(stop) else float(noon[-1] + 1.0)
    step = step_minutes / 1440.0
    return start + step * np.arange(int(np.floor((stop - start) / step)) + 1)


def sampled_altaz(
    site: Site, ra_deg: np.ndarray, dec_deg: np.ndarray, mjd: np.ndarray
) -> AltAzCurves:
    """``altaz_curves`` with astropy's per-time astrometry interpolated every 30 minutes: half
    the time at 5-minute sampling, and a few microarcseconds from the full computation."""
    from astropy import units
    from astropy.coordinates.erfa_astrom import ErfaAstromInterpolator, erfa_astrom

    from schedules.sky.altitudes import altaz_curves

    with erfa_astrom.set(ErfaAstromInterpolator(ASTROMETRY_STEP_MINUTES * units.min)):
        return altaz_curves(site, ra_deg, dec_deg, mjd)


def local_midnight_mjd(site: Site, evening_day_mjd: float) -> float:
    """Local mean midnight (UTC MJD) after the evening of the civil day ``evening_day_mjd``."""
    return math.floor(evening_day_mjd) + 1.0 - site.lon_deg / 360.0


def night_dates(site: Site, noon_mjd: np.ndarray) -> np.ndarray:
    """The local date (``YYYY-MM-DD``) of each night's evening."""
    day = np.floor(np.asarray(noon_mjd, dtype=np.float64) + site.lon_deg / 360.0)
    epoch = np.datetime64("1858-11-17", "D")
    return np.datetime_as_string(epoch + day.astype(np.int64), unit="D").astype(object)


def _complement(periods: np.ndarray, start: float, end: float) -> np.ndarray:
    """The times in ``[start, end]`` outside the sorted, disjoint ``periods``."""
    edges = np.concatenate(([start], periods.ravel(), [end])).reshape(-1, 2)
    return edges[edges[:, 1] > edges[:, 0]]


def _sorted_finite(periods: np.ndarray) -> np.ndarray:
    periods = periods[np.isfinite(periods).all(axis=1) & (periods[:, 1] > periods[:, 0])]
    return periods[np.argsort(periods[:, 0], kind="stable")]
