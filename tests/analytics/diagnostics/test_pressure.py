import numpy as np
import pytest

from analytics.diagnostics.operable import operable_time, scheduled_periods, usable_windows
from analytics.diagnostics.pressure import compute_pressure
from tests.analytics.factories import BASE_MJD, make_schedule_data

HOUR = 3600.0


def pressure_of(blocks, dark=None):
    data = make_schedule_data(
        blocks, dark_periods=dark, period_start_mjd=BASE_MJD, period_end_mjd=BASE_MJD + 2
    )
    operable = operable_time(data)
    windows = usable_windows(data, operable)
    is_scheduled, _ = scheduled_periods(data)
    return compute_pressure(data, operable, windows, is_scheduled)


class TestNightPressure:
    def test_a_block_visible_on_two_nights_spreads_its_request(self):
        # Two 6 h nights. Block 0 asks 3 h and is visible 3 h on night 1, 1.5 h on night 2
        # and 1.5 h in daylight (6 h in all): 3 * 3/6 = 1.5 h to night 1, 3 * 1.5/6 = 0.75 h
        # to night 2. Block 1 asks 2 h, visible all of night 2 (its fixed window does not
        # matter here): 2 h to night 2. Block 2 has no visibility: nothing.
        night_1, night_2 = (BASE_MJD, BASE_MJD + 0.25), (BASE_MJD + 1, BASE_MJD + 1.25)
        blocks = [
            {
                "requested_duration_s": 3 * HOUR,
                "visibility": [
                    (BASE_MJD, BASE_MJD + 0.125),
                    (BASE_MJD + 0.5, BASE_MJD + 0.5625),
                    (BASE_MJD + 1, BASE_MJD + 1.0625),
                ],
            },
            {
                "requested_duration_s": 2 * HOUR,
                "visibility": [night_2],
                "fixed": (BASE_MJD + 1.2, BASE_MJD + 1.25),
            },
            {"requested_duration_s": 5 * HOUR, "visibility": []},
        ]
        pressure = pressure_of(blocks, dark=[night_1, night_2])
        np.testing.assert_allclose(pressure.night_start_mjd, [night_1[0], night_2[0]])
        np.testing.assert_allclose(pressure.night_operable_hours, [6.0, 6.0])
        np.testing.assert_allclose(pressure.night_demand_hours, [1.5, 2.75])
        np.testing.assert_allclose(pressure.night_pressure, [0.25, 2.75 / 6])

    def test_overlapping_visibility_rows_count_once(self):
        # Rows [0,0.25] and [0.125,0.25] are one 6 h period: all 1 h asked goes to the night.
        blocks = [
            {"visibility": [(BASE_MJD, BASE_MJD + 0.25), (BASE_MJD + 0.125, BASE_MJD + 0.25)]}
        ]
        pressure = pressure_of(blocks, dark=[(BASE_MJD, BASE_MJD + 0.25)])
        np.testing.assert_allclose(pressure.night_demand_hours, [1.0])

    def test_without_dark_periods_the_period_is_one_night(self):
        pressure = pressure_of([{"visibility": [(BASE_MJD, BASE_MJD + 0.5)]}])
        assert pressure.basis.all_operable
        np.testing.assert_allclose(pressure.night_operable_hours, [48.0])
        np.testing.assert_allclose(pressure.night_pressure, [1.0 / 48])


class TestRaHours:
    def test_requested_hours_by_right_ascension_hour(self):
        # RA 0 and 7.5 deg are hour 0; 15 is hour 1; 359.99 and -15 (345) are hour 23.
        blocks = [
            {"ra_deg": 0.0, "requested_duration_s": 3 * HOUR},
            {
                "ra_deg": 7.5,
                "requested_duration_s": 1 * HOUR,
                "scheduled": (BASE_MJD, BASE_MJD + 0.1),
            },
            {"ra_deg": 15.0, "requested_duration_s": 5 * HOUR},
            {"ra_deg": 359.99, "requested_duration_s": 2 * HOUR},
            {
                "ra_deg": -15.0,
                "requested_duration_s": 0.5 * HOUR,
                "scheduled": (BASE_MJD, BASE_MJD + 0.1),
            },
            {"ra_deg": np.nan, "requested_duration_s": 9 * HOUR},
        ]
        pressure = pressure_of(blocks)
        unscheduled = np.zeros(24)
        unscheduled[[0, 1, 23]] = [3.0, 5.0, 2.0]
        scheduled = np.zeros(24)
        scheduled[[0, 23]] = [1.0, 0.5]
        np.testing.assert_allclose(pressure.ra_hour_unscheduled_hours, unscheduled)
        np.testing.assert_allclose(pressure.ra_hour_scheduled_hours, scheduled)
        assert pressure.ra_hour_unscheduled_hours.sum() == pytest.approx(10.0)
