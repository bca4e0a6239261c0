"""Fixtures for the sky model: the real year of dark periods."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from schedules.sky.sites import Site
from tests.conftest import SHARED_DATA_DIR


@dataclass(frozen=True)
class RealNights:
    site: Site
    start_mjd: float
    end_mjd: float
    dark_periods: np.ndarray


@pytest.fixture(scope="session")
def real_nights() -> RealNights:
    """The real dark-period file: a year of nights at the site named in its ``Location``."""
    raw = json.loads((SHARED_DATA_DIR / "dark_periods_raw.json").read_text())
    place = raw["Location"]["coordinates::ConstGeographic"]
    window = raw["Time Window"]
    periods = np.array(
        [[p["startTime"]["value"], p["stopTime"]["value"]] for p in raw["dark_periods"]]
    )
    return RealNights(
        site=Site("file", lon_deg=place["lon"], lat_deg=place["lat"], height_m=place["alt"]),
        start_mjd=window["startTime"]["value"],
        end_mjd=window["stopTime"]["value"],
        dark_periods=periods,
    )
