"""The galactic plane and the ecliptic in ICRS right ascension and declination, for sky maps.

Both come from astropy's frame transformations (Galactic → ICRS, the J2000 mean ecliptic →
ICRS), computed once per process: they do not depend on the site or the date.
"""

from __future__ import annotations

import functools

import numpy as np
from astropy import units
from astropy.coordinates import ICRS, BarycentricMeanEcliptic, Galactic

from schedules.sky.offline import use_bundled_tables

POINTS = 361  # one a degree of longitude: smooth at any map size


@functools.cache
def galactic_plane(points: int = POINTS) -> np.ndarray:
    """``(points, 2)`` RA and Dec (degrees) of galactic latitude 0, from l = 0 (the centre)."""
    use_bundled_tables()
    longitude = np.linspace(0.0, 360.0, points)
    plane = Galactic(l=longitude * units.deg, b=np.zeros(points) * units.deg)
    return _radec(plane.transform_to(ICRS()))


@functools.cache
def ecliptic(points: int = POINTS) -> np.ndarray:
    """``(points, 2)`` RA and Dec (degrees) of the J2000 mean ecliptic, from λ = 0."""
    use_bundled_tables()
    longitude = np.linspace(0.0, 360.0, points)
    circle = BarycentricMeanEcliptic(
        lon=longitude * units.deg, lat=np.zeros(points) * units.deg, equinox="J2000"
    )
    return _radec(circle.transform_to(ICRS()))


def _radec(place: ICRS) -> np.ndarray:
    values = np.column_stack((place.ra.to_value(units.deg), place.dec.to_value(units.deg)))
    values.flags.writeable = False  # cached and shared: nobody may change it
    return values
