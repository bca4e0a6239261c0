"""Computed visibility: window edges against astropy's own alt/az, hand-checkable targets,
limits, fixed windows, minimum observation and the ScheduleData layout."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units
from astropy.coordinates import ICRS, AltAz

from schedules.intervals import merge_periods
from schedules.schedule_data import ScheduleData
from schedules.sky.astrometry import apparent_places
from schedules.sky.hour_angles import wrap
from schedules.sky.nights import dark_periods
from schedules.sky.offline import earth_location, utc_times
from schedules.sky.sites import ORM, PARANAL
from schedules.sky.visibility import schedule_visibility, visibility_windows
from schedules.synthetic import generate_schedule_data
from tests.schedules.sky.samples import SECONDS_PER_DAY, our_windows, sample_targets

SPAN = (61420.0, 61436.0)


@pytest.fixture(scope="module", params=[ORM, PARANAL], ids=["la-palma", "paranal"])
def site_and_dark(request):
    return request.param, dark_periods(request.param, *SPAN)


def astropy_altaz(site, ra_deg, dec_deg, mjd) -> tuple[np.ndarray, np.ndarray]:
    """Altitude and azimuth (degrees) of target ``i`` at time ``mjd[i]``, by astropy."""
    frame = AltAz(obstime=utc_times(mjd), location=earth_location(site))
    place = ICRS(ra=ra_deg * units.deg, dec=dec_deg * units.deg).transform_to(frame)
    return place.alt.to_value(units.deg), place.az.to_value(units.deg)


def exact_edges(site, targets, block, edges) -> np.ndarray:
    """Astropy's time for each edge: Newton on the limit that the edge sits on."""
    ra, dec = targets["ra_deg"][block], targets["dec_deg"][block]
    alt, az = astropy_altaz(site, ra, dec, edges)
    candidates = np.vstack(
        (
            np.abs(alt - targets["min_alt_deg"][block]),
            np.abs(alt - targets["max_alt_deg"][block]),
            np.abs(np.degrees(wrap(np.radians(az - targets["min_az_deg"][block])))),
            np.abs(np.degrees(wrap(np.radians(az - targets["max_az_deg"][block])))),
        )
    )
    limit = np.argmin(candidates, axis=0)
    level = np.choose(
        limit,
        [targets[key][block] for key in ("min_alt_deg", "max_alt_deg", "min_az_deg", "max_az_deg")],
    )

    def distance(mjd):
        alt, az = astropy_altaz(site, ra, dec, mjd)
        return np.where(limit < 2, alt - level, np.degrees(wrap(np.radians(az - level))))

    mjd = edges.copy()
    step = 1.0 / SECONDS_PER_DAY
    for _ in range(3):
        slope = (distance(mjd + step) - distance(mjd - step)) / (2.0 * step)
        mjd = mjd - distance(mjd) / slope
    return mjd


def test_window_edges_are_astropys_limit_crossings(site_and_dark):
    site, dark = site_and_dark
    targets = sample_targets(SPAN[0])
    windows = our_windows(site, dark, targets)
    block = np.concatenate([np.full(2 * len(w), i) for i, w in enumerate(windows)])
    edges = np.concatenate([w.ravel() for w in windows])
    fixed = np.concatenate((targets["fixed_start_mjd"], targets["fixed_stop_mjd"]))
    on_given_edge = (np.abs(edges[:, None] - dark.ravel()[None, :]).min(axis=1) < 1e-9) | (
        np.abs(edges[:, None] - fixed[None, :]) < 1e-9
    ).any(axis=1)
    block, edges = block[~on_given_edge], edges[~on_given_edge]
    residual = np.abs(edges - exact_edges(site, targets, block, edges)) * SECONDS_PER_DAY
    assert len(residual) >= 50
    assert np.median(residual) < 0.1
    assert residual.max() < 1.0


def test_circumpolar_and_pole_targets_see_every_dark_minute():
    dark = dark_periods(ORM, *SPAN)
    offsets, periods = visibility_windows(
        ORM,
        dark,
        ra_deg=np.array([12.0, 200.0]),
        dec_deg=np.array([90.0, 85.0]),
        min_alt_deg=np.array([20.0, 20.0]),
        max_alt_deg=np.array([90.0, 90.0]),
        min_az_deg=np.zeros(2),
        max_az_deg=np.full(2, 360.0),
        fixed_start_mjd=np.full(2, np.nan),
        fixed_stop_mjd=np.full(2, np.nan),
        min_observation_s=np.zeros(2),
    )
    assert np.array_equal(offsets, [0, len(dark), 2 * len(dark)])
    assert np.array_equal(periods[: len(dark)], dark)
    assert np.array_equal(periods[len(dark) :], dark)


def test_pole_target_below_its_minimum_altitude_is_never_visible():
    dark = dark_periods(PARANAL, *SPAN)
    offsets, periods = visibility_windows(PARANAL, dark, **_one(dec=-90.0, min_alt=30.0))
    assert offsets.tolist() == [0, 0] and periods.shape == (0, 2)
    # At Paranal the south pole stands 24.6° up: a 20° floor lets it through all night.
    offsets, periods = visibility_windows(PARANAL, dark, **_one(dec=-90.0, min_alt=20.0))
    assert np.array_equal(periods, dark)


@pytest.mark.parametrize(("site", "dec"), [(ORM, -70.0), (PARANAL, 70.0), (ORM, -40.0)])
def test_target_that_never_rises_high_enough_has_no_windows(site, dec):
    dark = dark_periods(site, *SPAN)
    offsets, periods = visibility_windows(site, dark, **_one(dec=dec, min_alt=30.0))
    assert offsets.tolist() == [0, 0] and len(periods) == 0


def test_windows_centre_on_the_meridian_transit():
    # A target with only an altitude floor is up as long before transit as after, so a
    # window the night does not cut is centred on the transit, where alt = 90° − |φ − δ|
    # with δ the declination of date.
    dark = dark_periods(ORM, *SPAN, moon=False)
    _, periods = visibility_windows(ORM, dark, **_one(dec=0.0, min_alt=30.0, ra=150.0))
    uncut = ~np.isin(periods.ravel(), dark.ravel()).reshape(-1, 2).any(axis=1)
    middle = periods[uncut].mean(axis=1)
    assert len(middle) >= 3
    alt, az = astropy_altaz(ORM, np.full(len(middle), 150.0), np.zeros(len(middle)), middle)
    _, dec_of_date = apparent_places(np.array([150.0]), np.array([0.0]), middle)
    expected = 90.0 - np.abs(ORM.lat_deg - np.degrees(dec_of_date[0]))
    assert np.abs(alt - expected).max() * 3600.0 < 2.0
    assert np.abs(az - 180.0).max() < 0.01


def test_fixed_window_and_minimum_observation_cut_windows():
    dark = dark_periods(ORM, *SPAN)
    free = _one(dec=20.0, min_alt=30.0, ra=120.0)
    _, every = visibility_windows(ORM, dark, **free)
    fixed = dict(free, fixed_start_mjd=np.array([SPAN[0] + 3.0]), fixed_stop_mjd=[SPAN[0] + 6.0])
    _, inside = visibility_windows(ORM, dark, **fixed)
    assert inside.min() >= SPAN[0] + 3.0 and inside.max() <= SPAN[0] + 6.0
    clipped = np.clip(every, SPAN[0] + 3.0, SPAN[0] + 6.0)
    assert np.allclose(inside, clipped[clipped[:, 1] > clipped[:, 0]])

    lengths = (every[:, 1] - every[:, 0]) * SECONDS_PER_DAY
    threshold = float(np.median(lengths))
    _, long_only = visibility_windows(
        ORM, dark, **dict(free, min_observation_s=np.array([threshold]))
    )
    assert np.array_equal(long_only, every[lengths >= threshold])


def test_windows_lie_in_dark_time_sorted_and_disjoint(site_and_dark):
    site, dark = site_and_dark
    for windows in our_windows(site, dark, sample_targets(SPAN[0])):
        assert np.all(windows[:, 1] > windows[:, 0])
        assert np.all(windows[1:, 0] > windows[:-1, 1])
        assert np.array_equal(merge_periods(np.vstack((dark, windows))), dark)


def test_no_blocks_or_no_dark_time():
    empty = {key: value[:0] for key, value in _one(dec=0.0, min_alt=30.0).items()}
    offsets, periods = visibility_windows(ORM, np.array([[SPAN[0], SPAN[1]]]), **empty)
    assert offsets.tolist() == [0] and periods.shape == (0, 2)
    offsets, periods = visibility_windows(ORM, np.empty((0, 2)), **_one(dec=0.0, min_alt=30.0))
    assert offsets.tolist() == [0, 0] and periods.shape == (0, 2)


def test_schedule_data_layout():
    data = generate_schedule_data(
        blocks=40, periods_per_block=5, seed=3, start_mjd=SPAN[0], days=int(SPAN[1] - SPAN[0])
    )
    dark = dark_periods(ORM, *SPAN)
    offsets, periods = schedule_visibility(data, ORM, dark)
    assert isinstance(data, ScheduleData)
    assert offsets.shape == (41,) and offsets[0] == 0 and offsets[-1] == len(periods)
    assert np.all(np.diff(offsets) >= 0)
    direct = visibility_windows(
        ORM,
        dark,
        ra_deg=data.ra_deg,
        dec_deg=data.dec_deg,
        min_alt_deg=data.min_alt_deg,
        max_alt_deg=data.max_alt_deg,
        min_az_deg=data.min_az_deg,
        max_az_deg=data.max_az_deg,
        fixed_start_mjd=data.fixed_start_mjd,
        fixed_stop_mjd=data.fixed_stop_mjd,
        min_observation_s=data.min_observation_s,
    )
    assert np.array_equal(direct[0], offsets) and np.array_equal(direct[1], periods)
    # Without an explicit argument the schedule's own dark periods are used.
    own_offsets, own_periods = schedule_visibility(data, ORM)
    assert np.array_equal(
        merge_periods(np.vstack((data.dark_periods, own_periods))), merge_periods(data.dark_periods)
    )
    assert own_offsets.shape == (41,)


def test_proper_motion_and_equinox_move_the_target():
    dark = dark_periods(ORM, *SPAN)
    still = _one(dec=20.0, min_alt=30.0, ra=120.0)
    _, base = visibility_windows(ORM, dark, **still)
    # 3.6″/yr in RA over 27 years is 97″ ≈ 6.5 s of time later.
    _, moving = visibility_windows(
        ORM, dark, **still, pm_ra_mas_per_year=np.array([3600.0 * np.cos(np.radians(20.0))])
    )
    shift = (moving - base)[1:-1].ravel() * SECONDS_PER_DAY
    interior = ~np.isin(base[1:-1].ravel(), dark.ravel())
    assert np.median(shift[interior]) == pytest.approx(97.0 / 15.0, abs=0.5)
    _, b1950 = visibility_windows(ORM, dark, **still, equinox=np.array([1950.0]))
    assert np.abs(b1950 - base).max() * SECONDS_PER_DAY > 60.0


def _one(dec: float, min_alt: float, ra: float = 0.0) -> dict[str, np.ndarray]:
    return {
        "ra_deg": np.array([ra]),
        "dec_deg": np.array([dec]),
        "min_alt_deg": np.array([min_alt]),
        "max_alt_deg": np.array([90.0]),
        "min_az_deg": np.array([0.0]),
        "max_az_deg": np.array([360.0]),
        "fixed_start_mjd": np.array([np.nan]),
        "fixed_stop_mjd": np.array([np.nan]),
        "min_observation_s": np.array([0.0]),
    }
