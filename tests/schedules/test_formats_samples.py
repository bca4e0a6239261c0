"""The real sample files parse to exactly the values they hold."""

import math

import numpy as np
import pytest

from schedules.formats import InputFile, read_dark_periods, read_schedule
from schedules.schedule_data import Location, SourceFormat


@pytest.fixture(scope="module")
def raw_one_block(shared_data):
    return read_schedule(
        InputFile.from_path(shared_data / "schedule_raw_one_block.json"),
        dark_periods=InputFile.from_path(shared_data / "dark_periods_raw.json"),
    )


@pytest.fixture(scope="module")
def native_example(shared_data):
    return read_schedule(InputFile.from_path(shared_data / "schedule_native_example.json"))


def test_raw_one_block_values(raw_one_block):
    data = raw_one_block
    assert data.source_format == SourceFormat.RAW
    assert data.name == ""
    assert data.source_ids == ["1000004990"]
    assert data.block_names == [""]
    assert data.target_names == ["T32"]
    assert data.priority.tolist() == [8.5]
    assert data.ra_deg.tolist() == [158.03297990185885]
    assert data.dec_deg.tolist() == [-68.02521140748772]
    assert data.pm_ra_mas_per_year.tolist() == [0.0]
    assert data.pm_dec_mas_per_year.tolist() == [0.0]
    assert data.equinox.tolist() == [2000.0]
    assert (data.min_alt_deg[0], data.max_alt_deg[0]) == (60.0, 90.0)
    assert (data.min_az_deg[0], data.max_az_deg[0]) == (0.0, 360.0)
    assert data.min_observation_s.tolist() == data.requested_duration_s.tolist() == [1200.0]
    assert math.isnan(data.fixed_start_mjd[0]) and math.isnan(data.fixed_stop_mjd[0])
    assert data.scheduled_start_mjd.tolist() == [61894.19429606479]
    assert data.scheduled_stop_mjd.tolist() == [61894.20818495378]


def test_raw_schedule_without_visibility_file_has_zero_visibility(raw_one_block):
    assert raw_one_block.visibility_offsets.tolist() == [0, 0]
    assert raw_one_block.visibility_periods.shape == (0, 2)


def test_raw_dark_periods_location_and_time_window(raw_one_block):
    data = raw_one_block
    assert data.dark_periods.shape == (314, 2)
    assert data.dark_periods[0].tolist() == [61771.0, 61771.276910532266]
    assert (data.dark_periods[:, 0] < data.dark_periods[:, 1]).all()
    assert data.location == Location(lat_deg=28.7618, lon_deg=-17.8916, height_m=2423.0)
    assert (data.period_start_mjd, data.period_end_mjd) == (61771.0, 62137.0)


def test_read_dark_periods_alone(shared_data):
    periods, location, window = read_dark_periods(
        InputFile.from_path(shared_data / "dark_periods_raw.json")
    )
    assert periods.shape == (314, 2)
    assert periods.dtype == np.float64
    assert location == Location(lat_deg=28.7618, lon_deg=-17.8916, height_m=2423.0)
    assert window == (61771.0, 62137.0)


def test_native_example_values(native_example):
    data = native_example
    assert data.source_format == SourceFormat.NATIVE
    assert data.name == "example-schedule-2026-04-01"
    assert data.source_ids == ["block-1000001", "block-1000002"]
    assert data.block_names == ["", ""]
    assert data.target_names == ["", ""]
    assert data.priority.tolist() == [9.0, 7.5]
    assert data.ra_deg.tolist() == [83.6331, 201.2983]
    assert data.dec_deg.tolist() == [22.0145, -11.1613]
    assert data.min_alt_deg.tolist() == [35.0, 30.0]
    assert data.max_alt_deg.tolist() == [88.0, 85.0]
    assert data.min_az_deg.tolist() == [0.0, 20.0]
    assert data.max_az_deg.tolist() == [360.0, 340.0]
    assert data.min_observation_s.tolist() == [900.0, 1200.0]
    assert data.requested_duration_s.tolist() == [1800.0, 2400.0]
    assert math.isnan(data.fixed_start_mjd[0])
    assert (data.fixed_start_mjd[1], data.fixed_stop_mjd[1]) == (60695.18, 60695.26)
    assert math.isnan(data.scheduled_start_mjd[0])
    assert (data.scheduled_start_mjd[1], data.scheduled_stop_mjd[1]) == (60695.20, 60695.24)


def test_native_example_possible_periods_replace_visibility(native_example):
    data = native_example
    assert data.visibility_counts().tolist() == [2, 1]
    assert data.visibility_of(0).tolist() == [[60694.19, 60694.24], [60696.12, 60696.20]]
    assert data.visibility_of(1).tolist() == [[60695.18, 60695.26]]


def test_native_example_site_and_period(native_example):
    data = native_example
    assert data.location == Location(lat_deg=28.7624, lon_deg=-17.8892, height_m=2396.0)
    assert (data.period_start_mjd, data.period_end_mjd) == (60694.0, 60701.0)
    assert data.dark_periods.tolist() == [[60694.10, 60694.35], [60695.10, 60695.35]]
