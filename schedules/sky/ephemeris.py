"""The Sun and the Moon over a site: altitudes, Moon illumination and separation, and the
times they cross given altitudes.

Astropy's ``get_body`` costs about 0.3 ms per time, so a year at minute resolution would
take minutes. Instead astropy gives each body's geocentric CIRS position at nodes (the Sun
every two days, the Moon every twelve hours), a cubic through four nodes fills in between, and the
observer's position and zenith follow from the Earth rotation angle; topocentric parallax
(about 1° for the Moon) is exact vector geometry. That model agrees with astropy to about an
arcsecond. Crossing times are bracketed on a 10-minute grid of the model, solved on it, then
corrected with one astropy evaluation per crossing, all crossings in one vectorised call.
Refraction is ignored; the Moon's and Sun's altitudes are those of their centres.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from astropy import units
from astropy.coordinates import CIRS, AltAz, get_body

from schedules.sky.astrometry import EarthRotation, apparent_places
from schedules.sky.offline import earth_location, utc_times
from schedules.sky.sites import Site

SUN, MOON = "sun", "moon"
NODE_SPACING_DAYS = {SUN: 2.0, MOON: 0.5}
SAMPLE_STEP_DAYS = 10.0 / 1440.0
# Half the finite-difference baseline used for slopes (one second).
_SLOPE_DAYS = 1.0 / 86400.0
# WGS84, for the observer's geocentric position.
_EQUATORIAL_RADIUS_KM = 6378.137
_FLATTENING = 1.0 / 298.257223563


@dataclass(frozen=True, slots=True)
class Crossings:
    """Times a body's altitude crosses given levels: ``level`` indexes the levels asked for,
    ``rising`` is True when the body goes up through it."""

    mjd: np.ndarray
    level: np.ndarray
    rising: np.ndarray


class BodyModel:
    """Topocentric altitude of the Sun or the Moon over ``[start, end]``, cheap at any time."""

    def __init__(self, body: str, site: Site, start_mjd: float, end_mjd: float) -> None:
        if body not in NODE_SPACING_DAYS:
            raise ValueError(f"unknown body {body!r}; expected {SUN!r} or {MOON!r}")
        self.body, self.site = body, site
        self.step = NODE_SPACING_DAYS[body]
        self.first_node = start_mjd - 2.0 * self.step
        count = math.ceil((end_mjd - start_mjd) / self.step) + 5
        node_mjd = self.first_node + self.step * np.arange(count)
        times = utc_times(node_mjd)
        place = get_body(body, times).transform_to(CIRS(obstime=times))
        self.nodes = np.asarray(place.cartesian.xyz.to_value(units.km), dtype=np.float64).T
        self.rotation = EarthRotation(site, start_mjd - 1.0, end_mjd + 1.0)
        lat = math.radians(site.lat_deg)
        self._sin_lat, self._cos_lat = math.sin(lat), math.cos(lat)
        # Geocentric distance from the axis and height above the equator of the observer.
        e2 = _FLATTENING * (2.0 - _FLATTENING)
        normal = _EQUATORIAL_RADIUS_KM / math.sqrt(1.0 - e2 * self._sin_lat**2)
        height_km = site.height_m / 1000.0
        self._axis_km = (normal + height_km) * self._cos_lat
        self._z_km = (normal * (1.0 - e2) + height_km) * self._sin_lat

    def geocentric(self, mjd: np.ndarray) -> np.ndarray:
        """Geocentric CIRS position (km), shape ``(*mjd.shape, 3)``: cubic through 4 nodes."""
        mjd = np.asarray(mjd, dtype=np.float64)
        position = (mjd - self.first_node) / self.step
        left = np.clip(np.floor(position).astype(np.int64), 1, len(self.nodes) - 3)
        x = (position - left)[..., None]
        weights = (
            -x * (x - 1.0) * (x - 2.0) / 6.0,
            (x + 1.0) * (x - 1.0) * (x - 2.0) / 2.0,
            -(x + 1.0) * x * (x - 2.0) / 2.0,
            (x + 1.0) * x * (x - 1.0) / 6.0,
        )
        return sum(
            weight * self.nodes[left + shift]
            for weight, shift in zip(weights, (-1, 0, 1, 2), strict=True)
        )

    def topocentric(self, mjd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit vector from the observer to the body and the zenith, both CIRS."""
        mjd = np.asarray(mjd, dtype=np.float64)
        angle = self.rotation.angle(mjd)
        cos_angle, sin_angle = np.cos(angle), np.sin(angle)
        observer = np.stack(
            (self._axis_km * cos_angle, self._axis_km * sin_angle, np.full_like(angle, self._z_km)),
            axis=-1,
        )
        zenith = np.stack(
            (
                self._cos_lat * cos_angle,
                self._cos_lat * sin_angle,
                np.full_like(angle, self._sin_lat),
            ),
            axis=-1,
        )
        line = self.geocentric(mjd) - observer
        return line / np.linalg.norm(line, axis=-1, keepdims=True), zenith

    def altitude_deg(self, mjd: np.ndarray) -> np.ndarray:
        direction, zenith = self.topocentric(mjd)
        sin_alt = np.clip(np.sum(direction * zenith, axis=-1), -1.0, 1.0)
        return np.degrees(np.arcsin(sin_alt))

    def crossings(
        self, start_mjd: float, end_mjd: float, levels_deg: list[float], *, refine: bool = True
    ) -> Crossings:
        """Every crossing of each level in ``[start, end]``, to well under a second; without
        ``refine`` on the model alone (about 0.1 s), for callers that refine what they keep."""
        count = max(2, math.ceil((end_mjd - start_mjd) / SAMPLE_STEP_DAYS) + 1)
        grid = np.linspace(start_mjd, end_mjd, count)
        altitude = self.altitude_deg(grid)
        found = []
        for index, level in enumerate(levels_deg):
            above = altitude >= level
            bracket = np.flatnonzero(above[1:] != above[:-1])
            found.append((bracket, np.full(len(bracket), index), above[bracket + 1]))
        bracket, level, rising = (np.concatenate(parts) for parts in zip(*found, strict=True))
        low, high = grid[bracket], grid[bracket + 1]
        target = np.asarray(levels_deg, dtype=np.float64)[level]
        # Secant start inside each bracket, then Newton on the model.
        below_low, below_high = altitude[bracket] - target, altitude[bracket + 1] - target
        mjd = low + (high - low) * below_low / (below_low - below_high)
        for _ in range(3):
            mjd = np.clip(mjd - (self.altitude_deg(mjd) - target) / self._slope(mjd), low, high)
        if refine:
            mjd = self.refine(mjd, target)
        order = np.argsort(mjd, kind="stable")
        return Crossings(mjd=mjd[order], level=level[order], rising=rising[order])

    def refine(self, mjd: np.ndarray, level_deg: np.ndarray | float) -> np.ndarray:
        """One Newton step on astropy's altitude from crossings found on the model: the model
        is within an arcsecond, so one step lands within milliseconds of astropy's crossing."""
        mjd = np.asarray(mjd, dtype=np.float64)
        miss = astropy_altitude_deg(self.body, self.site, mjd) - level_deg
        return mjd - miss / self._slope(mjd)

    def below_periods(
        self, start_mjd: float, end_mjd: float, level_deg: float, *, refine: bool = True
    ) -> np.ndarray:
        """``(k, 2)`` MJD periods inside ``[start, end]`` when the body is below ``level``."""
        crossings = self.crossings(start_mjd, end_mjd, [level_deg], refine=refine)
        starts_below = self.altitude_deg(np.array([start_mjd]))[0] < level_deg
        # Crossings alternate (they come from sign changes on one grid), so the edges pair up.
        edges = np.concatenate(([start_mjd] if starts_below else [], crossings.mjd, [end_mjd]))
        pairs = len(edges) // 2
        return np.column_stack((edges[0 : 2 * pairs : 2], edges[1 : 2 * pairs : 2]))

    def _slope(self, mjd: np.ndarray) -> np.ndarray:
        ahead = self.altitude_deg(mjd + _SLOPE_DAYS)
        behind = self.altitude_deg(mjd - _SLOPE_DAYS)
        slope = (ahead - behind) / (2.0 * _SLOPE_DAYS)
        # A grazing body barely moves in altitude; keep the step finite.
        return np.where(np.abs(slope) < 1e-6, np.copysign(1e-6, slope), slope)


def astropy_altitude_deg(body: str, site: Site, mjd: np.ndarray) -> np.ndarray:
    """Altitude of the body's centre from astropy's full chain (no refraction): the
    reference the model is corrected to, at about 0.3 ms per time."""
    mjd = np.asarray(mjd, dtype=np.float64)
    if not mjd.size:
        return np.empty(mjd.shape)
    location = earth_location(site)
    times = utc_times(mjd)
    place = get_body(body, times, location).transform_to(AltAz(obstime=times, location=location))
    return np.asarray(place.alt.to_value(units.deg), dtype=np.float64)


def sun_altitude_deg(site: Site, mjd: np.ndarray) -> np.ndarray:
    """Altitude of the Sun's centre (degrees) at each time, from the model (≈1″)."""
    return _model(SUN, site, mjd).altitude_deg(mjd)


def moon_altitude_deg(site: Site, mjd: np.ndarray) -> np.ndarray:
    """Topocentric altitude of the Moon's centre (degrees) at each time (≈1″)."""
    return _model(MOON, site, mjd).altitude_deg(mjd)


def moon_illumination(mjd: np.ndarray) -> np.ndarray:
    """Illuminated fraction of the Moon's disc (0 new, 1 full) seen from the Earth's centre."""
    mjd = np.asarray(mjd, dtype=np.float64)
    times = utc_times(mjd)
    sun = get_body(SUN, times).transform_to(CIRS(obstime=times)).cartesian.xyz
    moon = get_body(MOON, times).transform_to(CIRS(obstime=times)).cartesian.xyz
    sun_km = np.moveaxis(sun.to_value(units.km), 0, -1)
    moon_km = np.moveaxis(moon.to_value(units.km), 0, -1)
    # Phase angle at the Moon between the directions to the Sun and to the Earth.
    to_sun = sun_km - moon_km
    to_earth = -moon_km
    cos_phase = np.sum(to_sun * to_earth, axis=-1) / (
        np.linalg.norm(to_sun, axis=-1) * np.linalg.norm(to_earth, axis=-1)
    )
    return 0.5 * (1.0 + cos_phase)


def moon_separation_deg(
    site: Site, ra_deg: np.ndarray, dec_deg: np.ndarray, mjd: np.ndarray
) -> np.ndarray:
    """Angle (degrees) between each target and the Moon as seen from the site, shape
    ``(targets, times)``; targets are ICRS, placed of date at the middle of the times."""
    mjd = np.asarray(mjd, dtype=np.float64).ravel()
    model = _model(MOON, site, mjd)
    moon, _ = model.topocentric(mjd)
    alpha, delta = apparent_places(
        np.asarray(ra_deg, dtype=np.float64).ravel(),
        np.asarray(dec_deg, dtype=np.float64).ravel(),
        np.array([0.5 * (mjd.min() + mjd.max())]),
    )
    alpha, delta = alpha[:, 0], delta[:, 0]
    target = np.stack(
        (np.cos(delta) * np.cos(alpha), np.cos(delta) * np.sin(alpha), np.sin(delta)), axis=-1
    )
    cosine = np.clip(target @ moon.T, -1.0, 1.0)
    return np.degrees(np.arccos(cosine))


def _model(body: str, site: Site, mjd: np.ndarray) -> BodyModel:
    mjd = np.asarray(mjd, dtype=np.float64)
    if not mjd.size:
        raise ValueError("no times given")
    return _model_of_days(body, site, math.floor(np.min(mjd)), math.ceil(np.max(mjd)))


@functools.lru_cache(maxsize=32)
def _model_of_days(body: str, site: Site, first_day: int, last_day: int) -> BodyModel:
    """A model over whole UTC days, kept: validation and pages ask about the same nights
    again and again, and the nodes cost astropy tens of milliseconds a year."""
    return BodyModel(body, site, float(first_day), float(last_day))
