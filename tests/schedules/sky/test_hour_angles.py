"""Closed-form hour-angle sets, against cases checkable by hand and a brute-force grid."""

from __future__ import annotations

import math

import numpy as np
import pytest

from schedules.sky.hour_angles import allowed_hour_angles, altitude_deg, wrap

LA_PALMA_LAT = 28.7624


def pieces(dec_deg, min_alt=0.0, max_alt=90.0, min_az=0.0, max_az=360.0, lat=LA_PALMA_LAT):
    counts, low, high = allowed_hour_angles(
        lat, np.radians([dec_deg]), min_alt, max_alt, min_az, max_az
    )
    assert counts[0] == len(low) == len(high)
    return np.degrees(np.column_stack((low, high)))


def test_altitude_at_the_meridian_is_ninety_minus_latitude_gap():
    dec = np.array([-40.0, 0.0, 28.7624, 60.0])
    expected = 90.0 - np.abs(LA_PALMA_LAT - dec)
    assert altitude_deg(LA_PALMA_LAT, np.radians(dec), 0.0) == pytest.approx(expected)


def test_altitude_at_lower_culmination():
    # Below the pole: altitude = latitude + declination − 90°.
    assert altitude_deg(LA_PALMA_LAT, np.radians(80.0), math.pi) == pytest.approx(
        LA_PALMA_LAT + 80.0 - 90.0
    )


def test_pole_target_is_always_at_the_latitude():
    assert pieces(90.0, min_alt=LA_PALMA_LAT - 1.0).tolist() == [[-180.0, 180.0]]
    assert pieces(90.0, min_alt=LA_PALMA_LAT + 1.0).tolist() == []
    # Due north, whatever the hour angle.
    assert pieces(90.0, min_az=350.0, max_az=10.0).tolist() == [[-180.0, 180.0]]
    assert pieces(90.0, min_az=10.0, max_az=350.0).tolist() == []


def test_target_that_never_rises_has_no_hour_angles():
    assert pieces(-70.0).tolist() == []
    # Culminates at 90 − |28.76 + 40| = 21.2°, below a 30° limit.
    assert pieces(-40.0, min_alt=30.0).tolist() == []


def test_circumpolar_target_is_up_all_day():
    # Lower culmination at 28.76 + 85 − 90 = 23.8°.
    assert pieces(85.0, min_alt=20.0).tolist() == [[-180.0, 180.0]]


def test_rise_and_set_hour_angle_follow_the_textbook_formula():
    dec, limit = 10.0, 30.0
    lat = math.radians(LA_PALMA_LAT)
    cos_h = (math.sin(math.radians(limit)) - math.sin(lat) * math.sin(math.radians(dec))) / (
        math.cos(lat) * math.cos(math.radians(dec))
    )
    half = math.degrees(math.acos(cos_h))
    assert pieces(dec, min_alt=limit) == pytest.approx(np.array([[-half, half]]))


def test_maximum_altitude_cuts_out_the_transit():
    # Culminates at 86.2°; above 80° near transit is excluded.
    result = pieces(25.0, min_alt=30.0, max_alt=80.0)
    assert len(result) == 2
    assert result[0, 1] < 0.0 < result[1, 0]
    assert result[0, 1] == pytest.approx(-result[1, 0])


def test_azimuth_south_half_keeps_hour_angles_around_transit():
    # An equatorial target crosses the south meridian at transit, east before, west after.
    result = pieces(0.0, min_az=90.0, max_az=270.0)
    assert len(result) == 1
    assert result[0, 0] < 0.0 < result[0, 1]


def test_azimuth_range_through_north():
    # δ = 85° circles the pole 5° away: its azimuth stays within about ±6° of north.
    whole = pieces(85.0, min_alt=20.0, min_az=340.0, max_az=20.0)
    assert whole.tolist() == [[-180.0, 180.0]]
    # East of the meridian, it is before upper transit: H from −180° to 0°.
    east_only = pieces(85.0, min_alt=20.0, min_az=0.0, max_az=90.0)
    assert east_only == pytest.approx(np.array([[-180.0, 0.0]]), abs=1e-9)


@pytest.mark.parametrize("lat", [LA_PALMA_LAT, -24.6272, 0.0, 65.0])
def test_pieces_match_a_brute_force_grid(lat):
    rng = np.random.default_rng(7)
    rows = 400
    dec = np.radians(np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, rows))))
    min_alt = rng.uniform(-10.0, 60.0, rows)
    max_alt = np.where(rng.random(rows) < 0.5, 90.0, min_alt + rng.uniform(5.0, 40.0, rows))
    restricted = rng.random(rows) < 0.6
    min_az = np.where(restricted, rng.uniform(0.0, 360.0, rows), 0.0)
    max_az = np.where(restricted, np.mod(min_az + rng.uniform(20.0, 300.0, rows), 360.0), 360.0)
    counts, low, high = allowed_hour_angles(lat, dec, min_alt, max_alt, min_az, max_az)

    grid = np.linspace(-math.pi, math.pi, 7201)
    owner = np.repeat(np.arange(rows), counts)
    inside = np.zeros((rows, grid.size), dtype=bool)
    for row, start, stop in zip(owner, low, high, strict=True):
        inside[row] |= (grid >= start) & (grid <= stop)

    phi = math.radians(lat)
    sin_alt = math.sin(phi) * np.sin(dec)[:, None] + math.cos(phi) * np.cos(dec)[:, None] * np.cos(
        grid
    )
    alt = np.degrees(np.arcsin(sin_alt))
    azimuth = np.degrees(
        np.arctan2(
            -np.cos(dec)[:, None] * np.sin(grid),
            math.cos(phi) * np.sin(dec)[:, None]
            - math.sin(phi) * np.cos(dec)[:, None] * np.cos(grid),
        )
    )
    width = np.mod(max_az - min_az, 360.0)
    in_az = ~restricted[:, None] | (np.mod(azimuth - min_az[:, None], 360.0) <= width[:, None])
    expected = (alt >= min_alt[:, None]) & (alt <= max_alt[:, None]) & in_az

    # Grid points within a hair of a limit may fall either way.
    margin = 1e-6
    near_edge = (
        (np.abs(alt - min_alt[:, None]) < margin)
        | (np.abs(alt - max_alt[:, None]) < margin)
        | (restricted[:, None] & (np.abs(wrap(np.radians(azimuth - min_az[:, None]))) < 1e-7))
        | (restricted[:, None] & (np.abs(wrap(np.radians(azimuth - max_az[:, None]))) < 1e-7))
    )
    assert np.array_equal(inside & ~near_edge, expected & ~near_edge)
    assert np.all(high >= low)


def test_pieces_are_sorted_and_disjoint_within_a_row():
    counts, low, high = allowed_hour_angles(
        LA_PALMA_LAT,
        np.radians([25.0, 50.0]),
        [30.0, 20.0],
        [80.0, 90.0],
        [300.0, 0.0],
        [200.0, 360.0],
    )
    first = np.cumsum(counts) - counts
    for start, count in zip(first, counts, strict=True):
        row_low, row_high = low[start : start + count], high[start : start + count]
        assert np.all(row_low[1:] >= row_high[:-1])
