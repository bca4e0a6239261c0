import numpy as np
import pytest

from analytics.diagnostics.operable import operable_time, usable_windows
from tests.analytics.factories import BASE_MJD, make_schedule_data

NAN = np.nan
MS = 0.001


def at(hours: float) -> float:
    return BASE_MJD + hours / 24


class TestOperableTime:
    def test_dark_periods_are_merged_and_clipped_to_the_schedule_period(self):
        data = make_schedule_data(
            [{}],
            dark_periods=[(at(-2), at(5)), (at(4), at(7)), (at(22), at(30))],
            period_start_mjd=at(0),
            period_end_mjd=at(24),
        )
        operable = operable_time(data)
        # [-2,5] and [4,7] merge into [-2,7], cut to [0,7]; [22,30] is cut to [22,24].
        np.testing.assert_allclose(operable.periods, [[at(0), at(7)], [at(22), at(24)]])
        assert operable.hours == pytest.approx(9.0)
        assert not operable.basis.all_operable and not operable.basis.window_from_content
        assert operable.basis.notes() == []

    def test_without_dark_periods_the_whole_period_is_operable_and_says_so(self):
        data = make_schedule_data([{}], period_start_mjd=at(0), period_end_mjd=at(10))
        operable = operable_time(data)
        np.testing.assert_allclose(operable.periods, [[at(0), at(10)]])
        assert operable.basis.all_operable
        assert "no dark periods" in operable.basis.notes()[0]

    def test_computed_dark_periods_replace_missing_ones(self):
        data = make_schedule_data([{}], period_start_mjd=at(0), period_end_mjd=at(10))
        operable = operable_time(data, np.array([[at(2), at(4)]]))
        np.testing.assert_allclose(operable.periods, [[at(2), at(4)]])
        assert not operable.basis.all_operable

    def test_dark_periods_that_miss_the_period_leave_no_operable_time(self):
        data = make_schedule_data(
            [{}], dark_periods=[(at(30), at(40))], period_start_mjd=at(0), period_end_mjd=at(10)
        )
        operable = operable_time(data)
        assert operable.periods.shape == (0, 2) and operable.hours == 0.0
        assert not operable.basis.all_operable

    def test_without_a_period_the_span_of_the_content_is_used(self):
        data = make_schedule_data(
            [
                {"visibility": [(at(2), at(8))], "scheduled": (at(3), at(4))},
                {"visibility": [(at(6), at(15))]},
            ],
            dark_periods=[(at(1), at(9))],
        )
        operable = operable_time(data)
        # Earliest thing in the file: the dark period at 1 h; latest: visibility to 15 h.
        assert (operable.basis.window_start_mjd, operable.basis.window_stop_mjd) == (
            at(1),
            at(15),
        )
        assert operable.basis.window_from_content
        assert "no period" in operable.basis.notes()[0]


class TestUsableWindows:
    def windows_of(self, block: dict, dark=None, **period):
        data = make_schedule_data(
            [block], dark_periods=dark, period_start_mjd=at(0), period_end_mjd=at(24), **period
        )
        windows = usable_windows(data, operable_time(data))
        return windows.of(0), windows

    def test_touching_visibility_merges_into_one_window_long_enough(self):
        # [1,2] and [2,4] touch: one 3 h window, exactly the 3 h minimum observation.
        window, windows = self.windows_of(
            {"visibility": [(at(1), at(2)), (at(2), at(4))], "min_observation_s": 3 * 3600}
        )
        np.testing.assert_allclose(window, [[at(1), at(4)]])
        assert windows.longest_hours[0] == pytest.approx(3.0)

    @pytest.mark.parametrize(("extra_ms", "kept"), [(0.5, True), (2.0, False)])
    def test_minimum_observation_allows_one_millisecond(self, extra_ms, kept):
        window, _ = self.windows_of(
            {"visibility": [(at(1), at(3))], "min_observation_s": 2 * 3600 + extra_ms * MS}
        )
        assert len(window) == (1 if kept else 0)

    def test_fixed_window_open_bounds_and_operable_time_cut_the_visibility(self):
        window, _ = self.windows_of(
            {
                "visibility": [(at(1), at(6)), (at(8), at(12))],
                "fixed": (NAN, at(10)),
                "min_observation_s": 1800,
            },
            dark=[(at(2), at(11))],
        )
        # Dark time [2,11] leaves [2,6] and [8,11]; the fixed window closes at 10.
        np.testing.assert_allclose(window, [[at(2), at(6)], [at(8), at(10)]])

    def test_fixed_window_with_only_a_start(self):
        window, _ = self.windows_of(
            {"visibility": [(at(1), at(6))], "fixed": (at(4), NAN), "min_observation_s": 60}
        )
        np.testing.assert_allclose(window, [[at(4), at(6)]])

    def test_a_fixed_window_that_ends_before_it_starts_is_ignored(self):
        window, _ = self.windows_of(
            {"visibility": [(at(1), at(6))], "fixed": (at(5), at(2)), "min_observation_s": 60}
        )
        np.testing.assert_allclose(window, [[at(1), at(6)]])

    def test_pieces_shorter_than_the_minimum_observation_are_dropped(self):
        window, windows = self.windows_of(
            {
                "visibility": [(at(1), at(1.5)), (at(3), at(5))],
                "min_observation_s": 3600,
            }
        )
        np.testing.assert_allclose(window, [[at(3), at(5)]])
        # The half-hour period is still visible time, inside operable time.
        np.testing.assert_allclose(windows.visible, [[at(1), at(1.5)], [at(3), at(5)]])
        assert windows.hours[0] == pytest.approx(2.0)
        assert windows.visibility_hours[0] == pytest.approx(2.5)
