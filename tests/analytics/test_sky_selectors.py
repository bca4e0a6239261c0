"""The sky selectors against the sky model and astropy itself: the nights are night_events',
the Moon is up when its altitude is positive, and Vega culminates at La Palma where spherical
astronomy puts it (90° − |φ − δ|)."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from astropy import units
from astropy.coordinates import AltAz, EarthLocation, SkyCoord
from astropy.time import Time

from analytics.selectors.altaz import AltAzQuery, altaz
from analytics.selectors.block import (
    BEST_NIGHT,
    LONGEST_WINDOW,
    SCHEDULED_NIGHT,
    BlockQuery,
    block_detail,
)
from analytics.selectors.hourglass import HourglassFilters, hourglass
from analytics.selectors.nights import schedule_nights, schedule_site, schedule_span
from schedules.models import SchedulingBlock
from schedules.sky.altitudes import altaz_curves, altitude_at
from schedules.sky.ephemeris import moon_altitude_deg
from schedules.sky.nights import night_events
from schedules.sky.sites import ORM, parse_site
from tests.analytics.sky_sample import END, START, VEGA_DEC, VEGA_SCHEDULED, store_sky_schedule

SECOND = 1.0 / 86400.0
EVENTS = (
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
)
VEGA_CULMINATION = 90.0 - abs(ORM.lat_deg - VEGA_DEC)


@pytest.fixture
def sky(store_schedule):
    return store_sky_schedule(store_schedule)


def block_id(schedule, source_id: str) -> int:
    return SchedulingBlock.objects.get(schedule=schedule, source_block_id=source_id).pk


def assert_same_events(found, expected, rows=slice(None)) -> None:
    for name in EVENTS:
        got, want = getattr(found, name), getattr(expected, name)[rows]
        assert np.array_equal(np.isnan(got), np.isnan(want)), name
        assert np.nanmax(np.abs(got - want), initial=0.0) < SECOND, name


def test_the_schedules_nights_are_night_events_with_the_moon_up_when_it_is(sky):
    site = schedule_site(sky)
    assert (site.lon_deg, site.lat_deg, site.height_m) == (ORM.lon_deg, ORM.lat_deg, 2396.0)
    span = schedule_span(sky)
    assert span == (START, END)
    nights = schedule_nights(sky, site, span)
    events = night_events(site, START, END)
    assert np.array_equal(nights.noon_mjd, events.noon_mjd)
    assert_same_events(nights, events)
    assert np.allclose(nights.moon_illumination, events.moon_illumination)
    # The Moon is above the horizon inside its periods and below between them.
    up = nights.moon_up
    assert (moon_altitude_deg(site, up.mean(axis=1)) > 0).all()
    gaps = np.column_stack((up[:-1, 1], up[1:, 0]))
    assert (moon_altitude_deg(site, gaps.mean(axis=1)) < 0).all()
    # Its edges are the horizon crossings (the model, unrefined: well under a second).
    edges = up.ravel()[(up.ravel() > nights.noon_mjd[0]) & (up.ravel() < nights.noon_mjd[-1] + 1)]
    assert np.abs(moon_altitude_deg(site, edges)).max() < 0.01


def test_vegas_block_shows_its_scheduled_night_and_culminates_where_it_must(sky):
    detail = block_detail(sky, block_id(sky, "vega-1"), BlockQuery())
    night = detail.sky.night
    assert night.reason == SCHEDULED_NIGHT
    assert night.noon_mjd < VEGA_SCHEDULED[0] < night.noon_mjd + 1.0
    expected = night_events(ORM, night.noon_mjd + 0.5, night.noon_mjd + 0.5)
    for name in EVENTS:
        assert getattr(night, name) == pytest.approx(getattr(expected, name)[0], abs=SECOND)
    curve = detail.sky.altitude
    assert curve.alt_deg.max() == pytest.approx(VEGA_CULMINATION, abs=0.1)
    assert curve.mjd[0] == pytest.approx(night.sunset - 1.0 / 24.0)
    assert curve.mjd[-1] == pytest.approx(night.sunrise + 1.0 / 24.0, abs=5.0 / 1440.0)
    assert np.allclose(np.diff(curve.mjd), 5.0 / 1440.0)
    reference = altaz_curves(ORM, np.array([detail.block.ra_deg]), np.array([VEGA_DEC]), curve.mjd)
    # astropy's astrometry interpolated every 30 minutes: microarcseconds from the full one
    assert np.allclose(curve.alt_deg, reference.alt_deg[0], rtol=0, atol=1e-8)
    assert np.allclose(curve.az_deg, reference.az_deg[0], rtol=0, atol=1e-8)
    up = curve.alt_deg > 0
    assert np.allclose(curve.airmass[up], 1.0 / np.sin(np.radians(curve.alt_deg[up])))
    assert np.isnan(curve.airmass[~up]).all()
    assert np.allclose(curve.moon_alt_deg, moon_altitude_deg(ORM, curve.mjd))
    assert detail.block.is_scheduled and not detail.block.is_impossible
    assert [n.source_block_id for n in detail.same_target] == ["vega-2"]


def test_unscheduled_blocks_show_their_longest_window_or_their_best_night(sky):
    m13 = block_detail(sky, block_id(sky, "m13"), BlockQuery(altitude=False))
    periods = m13.block.visibility_periods
    longest = periods[np.argmax(periods[:, 1] - periods[:, 0])]
    assert m13.sky.night.reason == LONGEST_WINDOW
    assert m13.sky.night.noon_mjd < longest.mean() < m13.sky.night.noon_mjd + 1.0
    assert m13.sky.altitude is None
    south = block_detail(sky, block_id(sky, "south"), BlockQuery())
    assert south.sky.night.reason == BEST_NIGHT
    nights = schedule_nights(sky, ORM, (START, END))
    midnights = nights.noon_mjd + 0.5
    heights = altitude_at(ORM, np.array([100.0]), np.array([-70.0]), midnights[None])[0]
    assert south.sky.night.noon_mjd == nights.noon_mjd[np.argmax(heights)]
    # Dec −70° never rises at La Palma, and the block says so.
    assert south.sky.altitude.alt_deg.max() < 0
    assert south.block.is_impossible
    assert {issue.status for issue in south.findings} >= {"impossible"}


def test_a_block_without_a_site_has_no_night_until_one_is_given(store_schedule):
    schedule = store_sky_schedule(store_schedule, located=False, name="nowhere")
    vega = block_id(schedule, "vega-1")
    bare = block_detail(schedule, vega, BlockQuery())
    assert bare.sky.site is None and bare.sky.night is None and bare.sky.altitude is None
    paranal = block_detail(schedule, vega, BlockQuery(site=parse_site("paranal")))
    assert paranal.sky.site_source == "parameter"
    assert paranal.sky.altitude.alt_deg.max() == pytest.approx(
        90.0 - abs(-24.6272 - VEGA_DEC), abs=0.1
    )


def test_altaz_curves_are_astropys(sky):
    data = altaz(
        sky,
        AltAzQuery(targets=(block_id(sky, "vega-1"),), date=datetime.date(2025, 5, 25), nights=1),
    )
    assert data.first_night == "2025-05-25"
    assert [target.label for target in data.targets] == ["Vega (vega-1)"]
    location = EarthLocation.from_geodetic(ORM.lon_deg, ORM.lat_deg, ORM.height_m)
    sample = data.mjd[::12]
    frame = AltAz(obstime=Time(sample, format="mjd", scale="utc"), location=location)
    vega = SkyCoord(ra=data.targets[0].ra_deg * units.deg, dec=VEGA_DEC * units.deg)
    expected = vega.transform_to(frame)
    assert np.allclose(data.alt_deg[0, ::12], expected.alt.deg, atol=1e-6)
    assert np.allclose(data.az_deg[0, ::12], expected.az.deg, atol=1e-6)
    assert data.alt_deg.max() == pytest.approx(VEGA_CULMINATION, abs=0.1)
    events = night_events(ORM, data.nights.noon_mjd[0] + 0.5, data.nights.noon_mjd[0] + 0.5)
    assert_same_events(data.nights, events)
    assert data.mjd[0] == pytest.approx(events.sunset[0] - 1.0 / 24.0)


def test_altaz_lists_each_position_once_and_picks_the_nights_scheduled_targets(sky):
    data = altaz(sky, AltAzQuery())
    labels = [option.label for option in data.options]
    assert labels == [
        "Vega (vega-1)", "M13 (m13)", "Deep south (south)", "<b>bold</b> & co (<i>A</i>)"
    ]  # fmt: skip
    assert [option.blocks for option in data.options] == [2, 1, 1, 1]
    # No target named: the first night's scheduled ones, else the highest priorities.
    assert data.first_night == "2025-05-22" and len(data.nights) == 1
    assert [target.label for target in data.targets] == labels[:4]
    scheduled_night = altaz(sky, AltAzQuery(date=datetime.date(2025, 5, 25)))
    assert [target.label for target in scheduled_night.targets] == ["Vega (vega-1)"]
    searched = altaz(sky, AltAzQuery(search="m1"))
    assert [option.label for option in searched.options] == ["M13 (m13)"]
    assert searched.matching_positions == 1
    several = altaz(sky, AltAzQuery(date=datetime.date(2025, 5, 24), nights=3, step_minutes=10))
    assert several.night_dates == ["2025-05-24", "2025-05-25", "2025-05-26"]
    assert np.allclose(np.diff(several.mjd), 10.0 / 1440.0)


def test_hourglass_hours_are_measured_from_local_or_utc_midnight(sky):
    local = hourglass(sky, HourglassFilters())
    nights = local.nights
    assert np.allclose(local.reference_mjd, nights.noon_mjd + 0.5)
    assert local.night_dates[0] == "2025-05-22" and len(local.night_dates) == len(nights)
    utc = hourglass(sky, HourglassFilters(utc=True))
    assert np.array_equal(utc.reference_mjd, np.round(nights.noon_mjd + 0.5))
    # La Palma is 1h11m west of Greenwich: local mean midnight is 01:11 UTC.
    assert (local.reference_mjd - utc.reference_mjd) * 24.0 == pytest.approx(
        -ORM.lon_deg / 15.0, abs=1e-6
    )
    (night,) = local.observation_night
    assert nights.noon_mjd[night] < VEGA_SCHEDULED[0] < nights.noon_mjd[night] + 1.0
    assert local.observations.source_block_id.tolist() == ["vega-1"]
    # The Moon's pieces lie between sunset and sunrise of their night.
    index = local.moon_night
    assert (local.moon_start_mjd >= nights.sunset[index] - 1e-9).all()
    assert (local.moon_stop_mjd <= nights.sunrise[index] + 1e-9).all()
    assert (moon_altitude_deg(ORM, (local.moon_start_mjd + local.moon_stop_mjd) / 2) > 0).all()
