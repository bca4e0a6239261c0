"""Strictly offline: bundled IERS tables, no downloads, and a warning (not an error) for
times past the bundled predictions."""

from __future__ import annotations

import warnings

import numpy as np
from astropy.utils import data as astropy_data
from astropy.utils import iers
from erfa import ErfaWarning

from schedules.sky import offline
from schedules.sky.nights import dark_periods
from schedules.sky.offline import SkyAccuracyWarning, use_bundled_tables, utc_times
from schedules.sky.sites import ORM, PARANAL
from schedules.sky.visibility import visibility_windows


def test_configuration_points_at_the_bundled_tables():
    first, last = use_bundled_tables()
    assert iers.conf.auto_download is False
    assert astropy_data.conf.allow_internet is False
    table = iers.earth_orientation_table.get()
    assert isinstance(table, iers.IERS_A)
    assert table.meta["data_path"] == iers.IERS_A_FILE
    assert first < 50000.0 < 61000.0 < last


def test_dark_periods_and_visibility_without_a_network(no_network):
    for site, start in ((ORM, 61420.0), (PARANAL, 61800.0)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SkyAccuracyWarning)
            dark = dark_periods(site, start, start + 5.0)
            offsets, periods = visibility_windows(
                site,
                dark,
                ra_deg=np.array([30.0, 200.0]),
                dec_deg=np.array([-20.0, 10.0]),
                min_alt_deg=np.array([20.0, 30.0]),
                max_alt_deg=np.array([90.0, 85.0]),
                min_az_deg=np.array([0.0, 90.0]),
                max_az_deg=np.array([360.0, 270.0]),
                fixed_start_mjd=np.full(2, np.nan),
                fixed_stop_mjd=np.full(2, np.nan),
                min_observation_s=np.array([600.0, 600.0]),
            )
        assert len(dark) >= 3
        assert offsets[-1] == len(periods) > 0


def test_times_past_the_bundled_predictions_warn_once_and_still_compute():
    _, last = use_bundled_tables()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error", SkyAccuracyWarning)
        utc_times(np.array([last - 30.0, last - 1.0]))
    assert not caught

    with warnings.catch_warnings(record=True) as caught:
        dark = dark_periods(ORM, last + 400.0, last + 403.0)
    assert len(dark) >= 2
    categories = {type(item.message) for item in caught}
    assert SkyAccuracyWarning in categories
    # Astropy's own repeated messages for the same condition are replaced by ours.
    assert not categories & {iers.IERSDegradedAccuracyWarning, ErfaWarning}


def test_the_cached_iers_table_equals_the_parsed_one(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    parsed = offline._bundled_iers_a()  # parses the bundled file and writes the cache
    assert list((tmp_path / "cache").glob("iers-a-*.npz"))
    cached = offline._bundled_iers_a()
    assert cached.colnames == parsed.colnames and cached.meta == parsed.meta
    for name in parsed.colnames:
        assert type(cached[name]) is type(parsed[name])
        assert getattr(cached[name], "unit", None) == getattr(parsed[name], "unit", None)
        values = np.asarray(parsed[name])
        nan = values.dtype.kind == "f"
        assert np.array_equal(np.asarray(cached[name]), values, equal_nan=nan)
        assert np.array_equal(np.ma.getmaskarray(cached[name]), np.ma.getmaskarray(parsed[name]))
    times = utc_times(np.linspace(41700.0, 61500.0, 5000))
    for method in ("ut1_utc", "pm_xy", "dcip_xy"):
        for ours, astropys in zip(
            getattr(cached, method)(times, return_status=True),
            getattr(parsed, method)(times, return_status=True),
            strict=True,
        ):
            assert np.array_equal(np.asarray(ours), np.asarray(astropys), equal_nan=True)
