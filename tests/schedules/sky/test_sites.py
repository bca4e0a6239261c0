"""Site presets and the ``--site`` parser."""

from __future__ import annotations

import pytest

from schedules.schedule_data import Location
from schedules.sky.sites import (
    CERRO_PACHON,
    LA_SILLA,
    MAUNA_KEA,
    ORM,
    PARANAL,
    Site,
    parse_site,
    preset_names,
    site_from_location,
)


def test_presets_carry_the_design_coordinates():
    assert (ORM.lon_deg, ORM.lat_deg, ORM.height_m) == (-17.8892, 28.7624, 2396.0)
    assert (PARANAL.lon_deg, PARANAL.lat_deg, PARANAL.height_m) == (-70.4041, -24.6272, 2635.0)


@pytest.mark.parametrize(
    ("site", "lon", "lat", "height"),
    [
        (MAUNA_KEA, -155.478, 19.828, 4160.0),
        (LA_SILLA, -70.730, -29.257, 2347.0),
        (CERRO_PACHON, -70.737, -30.241, 2750.0),
    ],
)
def test_other_presets_are_where_the_observatories_are(site, lon, lat, height):
    assert site.lon_deg == pytest.approx(lon, abs=1e-3)
    assert site.lat_deg == pytest.approx(lat, abs=1e-3)
    assert site.height_m == height


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("orm", ORM),
        ("ORM", ORM),
        ("la-palma", ORM),
        (" La Palma ", ORM),
        ("la_palma", ORM),
        ("paranal", PARANAL),
        ("mauna-kea", MAUNA_KEA),
        ("Mauna Kea", MAUNA_KEA),
        ("la-silla", LA_SILLA),
        ("cerro-pachon", CERRO_PACHON),
        ("Cerro Pachón", CERRO_PACHON),
    ],
)
def test_parser_accepts_presets_and_aliases(text, expected):
    assert parse_site(text) is expected


def test_parser_accepts_lon_lat_height():
    site = parse_site(" -17.8892, 28.7624 ,2396 ")
    assert (site.lon_deg, site.lat_deg, site.height_m) == (-17.8892, 28.7624, 2396.0)
    assert parse_site("289.5,-24.6,2635").lon_deg == pytest.approx(-70.5)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ["no site given", "orm", "lon,lat,height"]),
        ("atlantis", ["unknown site 'atlantis'", "paranal", "lon,lat,height"]),
        ("1,2", ["2 comma-separated values, not 3"]),
        ("1,2,3,4", ["4 comma-separated values, not 3"]),
        ("east,28,2396", ["longitude 'east' is not a number"]),
        ("-17,north,2396", ["latitude 'north' is not a number"]),
        ("-17,28,high", ["height 'high' is not a number"]),
        ("-17,95,2396", ["latitude 95 is outside -90..90"]),
        ("-400,28,2396", ["longitude -400 is outside"]),
        ("-17,28,2.396e6", ["height 2.396e+06 m is outside -500..9000 m"]),
        ("-17,nan,2396", ["latitude nan is outside"]),
    ],
)
def test_parser_rejects_bad_input_saying_what_is_wrong(text, words):
    with pytest.raises(ValueError) as error:
        parse_site(text)
    for word in words:
        assert word in str(error.value)
    assert "expected" in str(error.value) or "outside" in str(error.value)


def test_site_checks_its_own_coordinates():
    with pytest.raises(ValueError, match="latitude 91"):
        Site("bad", lon_deg=0.0, lat_deg=91.0, height_m=0.0)


def test_schedule_location_round_trips():
    location = Location(lat_deg=28.7618, lon_deg=-17.8916, height_m=2423.0)
    site = site_from_location(location)
    assert (site.lon_deg, site.lat_deg, site.height_m) == (-17.8916, 28.7618, 2423.0)
    assert site.to_location() == location


def test_every_preset_parses_by_its_own_name():
    assert [parse_site(name).name for name in preset_names()] == [
        ORM.name,
        PARANAL.name,
        MAUNA_KEA.name,
        LA_SILLA.name,
        CERRO_PACHON.name,
    ]
