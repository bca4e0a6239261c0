"""Alt/az curves (astropy) and the closed-form altitude used by validation rules."""

from __future__ import annotations

import numpy as np
import pytest

from schedules.sky.altitudes import altaz_curves, altitude_at
from schedules.sky.astrometry import EarthRotation, apparent_places
from schedules.sky.sites import ORM, PARANAL

NIGHT = 61425.0


def test_curves_have_one_row_per_target_and_airmass_above_the_horizon():
    times = np.linspace(NIGHT, NIGHT + 1.0, 97)
    curves = altaz_curves(
        PARANAL, np.array([10.0, 100.0, 250.0]), np.array([-30.0, 0.0, 60.0]), times
    )
    assert curves.alt_deg.shape == curves.az_deg.shape == curves.airmass.shape == (3, 97)
    up = curves.alt_deg > 0.0
    assert np.allclose(curves.airmass[up], 1.0 / np.sin(np.radians(curves.alt_deg[up])))
    assert np.isnan(curves.airmass[~up]).all()
    assert np.all((curves.az_deg >= 0.0) & (curves.az_deg < 360.0))
    # δ = 60° never rises at Paranal.
    assert curves.alt_deg[2].max() < 90.0 - 24.6272 - 60.0 + 0.5


def test_celestial_pole_stands_at_the_latitude():
    curves = altaz_curves(ORM, np.array([0.0]), np.array([90.0]), np.linspace(NIGHT, NIGHT + 1, 9))
    # The ICRS pole is a few arcminutes from the pole of date (precession since 2000).
    assert curves.alt_deg == pytest.approx(ORM.lat_deg, abs=0.2)
    assert np.all(np.minimum(curves.az_deg, 360.0 - curves.az_deg) < 0.5)


def test_closed_form_altitude_matches_astropy():
    rng = np.random.default_rng(5)
    count = 300
    ra, dec = rng.uniform(0.0, 360.0, count), rng.uniform(-60.0, 85.0, count)
    start = NIGHT + rng.uniform(0.0, 150.0, count)
    times = np.column_stack((start, start + 0.02, start + 0.04))
    ours = altitude_at(ORM, ra, dec, times)
    reference = np.array(
        [altaz_curves(ORM, ra[i : i + 1], dec[i : i + 1], times[i]).alt_deg[0] for i in range(40)]
    )
    assert ours.shape == (count, 3)
    assert np.abs(ours[:40] - reference).max() * 3600.0 < 10.0


def test_closed_form_altitude_at_the_meridian():
    ra, dec = np.array([83.0]), np.array([-5.0])
    rotation = EarthRotation(PARANAL, NIGHT, NIGHT + 1.0)
    alpha, delta = apparent_places(ra, dec, np.array([NIGHT + 0.5]))
    grid = np.linspace(NIGHT, NIGHT + 1.0, 200001)
    hour_angle = np.angle(np.exp(1j * (rotation.angle(grid) - alpha[0, 0])))
    transit = grid[np.argmin(np.abs(hour_angle))]
    expected = 90.0 - abs(PARANAL.lat_deg - np.degrees(delta[0, 0]))
    assert altitude_at(PARANAL, ra, dec, np.array([transit]))[0] == pytest.approx(
        expected, abs=1e-3
    )


def test_missing_times_give_missing_altitudes():
    result = altitude_at(
        ORM, np.array([10.0, 20.0]), np.array([0.0, 10.0]), np.array([np.nan, NIGHT])
    )
    assert np.isnan(result[0]) and np.isfinite(result[1])
    assert np.isnan(altitude_at(ORM, np.array([1.0]), np.array([1.0]), np.array([np.nan]))).all()
