"""Where the sky stands over the site: the Earth's rotation and the targets' places of date.

Astropy's full apparent-place chain costs tens of microseconds per time, far too much for
every block at every minute. The sky moves almost rigidly, though: a star's intermediate
(CIRS) place drifts by arcseconds per month, and the Earth turns at a fixed rate. So astropy
is asked for the CIRS place of each target at a few epochs and for the Earth rotation angle
once a day; everything in between is linear, and hour angle = local ERA − CIRS right ascension.
"""

from __future__ import annotations

import math

import numpy as np
from astropy import units
from astropy.coordinates import CIRS, FK5, ICRS
from astropy.time import Time

from schedules.sky.offline import use_bundled_tables, utc_times
from schedules.sky.sites import Site

TWO_PI = 2.0 * math.pi
# Earth rotation angle per UT1 day (IAU 2000 definition of ERA), in radians.
EARTH_ROTATION_RAD_PER_DAY = TWO_PI * 1.00273781191135448
SIDEREAL_DAY = TWO_PI / EARTH_ROTATION_RAD_PER_DAY
J2000_MJD = 51544.5
DAYS_PER_JULIAN_YEAR = 365.25
MAS_TO_RAD = math.radians(1.0 / 3.6e6)


class EarthRotation:
    """Local Earth rotation angle (ERA + east longitude) over a span, from astropy once a day.

    Between the daily values the angle grows at the ERA rate; UT1−UTC drifts by about a
    millisecond a day, so the linear step is good to well under 0.1 s.
    """

    def __init__(self, site: Site, start_mjd: float, end_mjd: float) -> None:
        first = math.floor(start_mjd) - 1.0
        self.reference_mjd = np.arange(first, math.ceil(end_mjd) + 2.0, 1.0)
        era = utc_times(self.reference_mjd).earth_rotation_angle(site.lon_deg * units.deg)
        self.reference_angle = np.asarray(era.to_value(units.rad), dtype=np.float64)

    def angle(self, mjd: np.ndarray) -> np.ndarray:
        """Local Earth rotation angle in radians (not wrapped) at each UTC MJD."""
        mjd = np.asarray(mjd, dtype=np.float64)
        nearest = np.clip(
            np.rint(mjd - self.reference_mjd[0]).astype(np.int64), 0, len(self.reference_mjd) - 1
        )
        return self.reference_angle[nearest] + EARTH_ROTATION_RAD_PER_DAY * (
            mjd - self.reference_mjd[nearest]
        )


def epochs_covering(start_mjd: float, end_mjd: float, spacing_days: float) -> np.ndarray:
    """Evenly spaced epochs (at least two) from ``start`` to ``end``, at most
    ``spacing_days`` apart."""
    end_mjd = max(end_mjd, start_mjd + spacing_days)
    count = math.ceil((end_mjd - start_mjd) / spacing_days) + 1
    return np.linspace(start_mjd, end_mjd, count)


def apparent_places(
    ra_deg: np.ndarray,
    dec_deg: np.ndarray,
    epochs_mjd: np.ndarray,
    *,
    pm_ra_mas_per_year: np.ndarray | None = None,
    pm_dec_mas_per_year: np.ndarray | None = None,
    equinox: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """CIRS right ascension and declination (radians) of each target at each epoch, shape
    ``(targets, epochs)``: precession, nutation, aberration and light bending by astropy.

    Coordinates are ICRS (equinox 2000 or NaN) or FK5 of the given equinox (Julian years);
    proper motions (μα·cosδ, μδ, mas/yr from J2000) are applied linearly.
    """
    use_bundled_tables()
    ra, dec = _icrs_degrees(
        np.asarray(ra_deg, dtype=np.float64), np.asarray(dec_deg, dtype=np.float64), equinox
    )
    epochs_mjd = np.asarray(epochs_mjd, dtype=np.float64)
    ra, dec = ra[:, None], dec[:, None]
    years = ((epochs_mjd - J2000_MJD) / DAYS_PER_JULIAN_YEAR)[None, :]
    if pm_ra_mas_per_year is not None or pm_dec_mas_per_year is not None:
        pm_ra = _column(pm_ra_mas_per_year, ra.shape[0])[:, None]
        pm_dec = _column(pm_dec_mas_per_year, ra.shape[0])[:, None]
        cos_dec = np.maximum(np.cos(np.radians(dec)), 1e-12)
        ra = ra + np.degrees(pm_ra * MAS_TO_RAD * years) / cos_dec
        dec = np.clip(dec + np.degrees(pm_dec * MAS_TO_RAD * years), -90.0, 90.0)
    ra, dec = np.broadcast_arrays(ra, dec)
    times = utc_times(epochs_mjd)[None, :]
    place = ICRS(ra=ra * units.deg, dec=dec * units.deg).transform_to(CIRS(obstime=times))
    return (
        np.asarray(place.ra.to_value(units.rad), dtype=np.float64),
        np.asarray(place.dec.to_value(units.rad), dtype=np.float64),
    )


def _icrs_degrees(
    ra: np.ndarray, dec: np.ndarray, equinox: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """FK5 coordinates of another equinox turned into ICRS; J2000 ones are taken as ICRS
    (the two differ by tens of milliarcseconds)."""
    if equinox is None:
        return ra, dec
    equinox = np.asarray(equinox, dtype=np.float64)
    other = np.isfinite(equinox) & (equinox != 2000.0)
    if not other.any():
        return ra, dec
    ra, dec = ra.copy(), dec.copy()
    for value in np.unique(equinox[other]):
        rows = equinox == value
        frame = FK5(equinox=Time(value, format="jyear"))
        converted = FK5(
            ra=ra[rows] * units.deg, dec=dec[rows] * units.deg, equinox=frame.equinox
        ).transform_to(ICRS())
        ra[rows] = converted.ra.to_value(units.deg)
        dec[rows] = converted.dec.to_value(units.deg)
    return ra, dec


def _column(values: np.ndarray | None, length: int) -> np.ndarray:
    if values is None:
        return np.zeros(length)
    return np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
