"""Altitudes of targets: full astropy alt/az curves for charts, and a closed-form altitude at
one time per block for validation rules over whole schedules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from astropy import units
from astropy.coordinates import ICRS, AltAz

from schedules.sky.astrometry import EarthRotation, apparent_places, epochs_covering
from schedules.sky.hour_angles import altitude_deg
from schedules.sky.offline import earth_location, utc_times
from schedules.sky.sites import Site

# Validation needs arcminutes; a target's place of date drifts by seconds of arc a month.
EPOCH_SPACING_DAYS = 30.0
# Targets × epochs up to which one astropy call over the whole grid beats one call per epoch.
GRID_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class AltAzCurves:
    """Shape ``(targets, times)``, degrees; airmass is sec z above the horizon, NaN below."""

    alt_deg: np.ndarray
    az_deg: np.ndarray
    airmass: np.ndarray


def altaz_curves(
    site: Site, ra_deg: np.ndarray, dec_deg: np.ndarray, mjd: np.ndarray
) -> AltAzCurves:
    """Altitude, azimuth (from north through east) and airmass of ICRS targets at each time,
    with astropy's AltAz frame (no refraction), one call for all targets and times."""
    ra = np.atleast_1d(np.asarray(ra_deg, dtype=np.float64))
    dec = np.atleast_1d(np.asarray(dec_deg, dtype=np.float64))
    mjd = np.atleast_1d(np.asarray(mjd, dtype=np.float64))
    location = earth_location(site)
    times = utc_times(mjd)
    frame = AltAz(obstime=times[None, :], location=location)
    place = ICRS(ra=ra[:, None] * units.deg, dec=dec[:, None] * units.deg).transform_to(frame)
    alt = np.asarray(place.alt.to_value(units.deg), dtype=np.float64)
    az = np.asarray(place.az.to_value(units.deg), dtype=np.float64)
    with np.errstate(divide="ignore"):
        airmass = np.where(alt > 0.0, 1.0 / np.sin(np.radians(alt)), np.nan)
    return AltAzCurves(alt_deg=alt, az_deg=az, airmass=airmass)


def altitude_at(site: Site, ra_deg: np.ndarray, dec_deg: np.ndarray, mjd: np.ndarray) -> np.ndarray:
    """Altitude (degrees, no refraction) of target ``i`` at time(s) ``mjd[i]``, closed form.

    ``mjd`` is ``(n,)`` or ``(n, k)`` (say start, middle and end of each scheduled period);
    NaN times give NaN. Each target is placed of date at the epoch nearest its times.
    """
    ra = np.asarray(ra_deg, dtype=np.float64)
    dec = np.asarray(dec_deg, dtype=np.float64)
    mjd = np.asarray(mjd, dtype=np.float64)
    times = mjd.reshape(len(ra), -1)
    result = np.full(times.shape, np.nan)
    finite = np.isfinite(times)
    if not finite.any():
        return result.reshape(mjd.shape)
    first, last = float(times[finite].min()), float(times[finite].max())
    epochs = epochs_covering(first, last, EPOCH_SPACING_DAYS)
    centre = np.where(finite, times, 0.0).sum(axis=1) / np.maximum(finite.sum(axis=1), 1)
    step = epochs[1] - epochs[0]
    epoch = np.clip(np.rint((centre - epochs[0]) / step).astype(np.int64), 0, len(epochs) - 1)

    alpha = np.full(len(ra), np.nan)
    delta = np.full(len(ra), np.nan)
    used = finite.any(axis=1)
    needed = np.unique(epoch[used])
    if np.count_nonzero(used) * len(needed) <= GRID_LIMIT:
        # Few targets: one astropy call for every target at every epoch needed costs less
        # than a call per epoch (each call has a fixed cost of some milliseconds).
        grid_alpha, grid_delta = apparent_places(ra[used], dec[used], epochs[needed])
        column = np.searchsorted(needed, epoch[used])
        rows = np.arange(len(column))
        alpha[used], delta[used] = grid_alpha[rows, column], grid_delta[rows, column]
    else:
        # One astropy call per epoch (a few a year), each over the targets placed at it.
        for index in needed:
            rows = used & (epoch == index)
            row_alpha, row_delta = apparent_places(ra[rows], dec[rows], epochs[index : index + 1])
            alpha[rows], delta[rows] = row_alpha[:, 0], row_delta[:, 0]
    rotation = EarthRotation(site, first, last)
    hour_angle = rotation.angle(np.where(finite, times, first)) - alpha[:, None]
    result[finite] = altitude_deg(
        site.lat_deg, np.broadcast_to(delta[:, None], times.shape), hour_angle
    )[finite]
    return result.reshape(mjd.shape)
