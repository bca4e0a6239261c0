import numpy as np
import pytest

from analytics.diagnostics.fragmentation import fragment
from analytics.diagnostics.kpis import KPI_NAMES, compute_kpis
from analytics.diagnostics.operable import operable_time, scheduled_periods, usable_windows
from tests.analytics.diagnostics.test_fragmentation import strip_schedule
from tests.analytics.factories import BASE_MJD, make_schedule_data


def kpis_of(data):
    operable = operable_time(data)
    windows = usable_windows(data, operable)
    is_scheduled, union = scheduled_periods(data)
    strip = fragment(operable, windows, union)
    return compute_kpis(data.priority, is_scheduled, strip, operable.hours, windows.union_hours)


class TestKpis:
    def test_each_kpi_and_the_composite_on_the_strip_schedule(self):
        kpis = kpis_of(strip_schedule())
        # 4 of 6 blocks scheduled. Operable 10 h, 3 h of it scheduled. Usable windows:
        # [1,5] and [7.5,8.5], 5 h. Mean priority 30/6 = 5, scheduled (4+5+6+0)/4 = 3.75.
        # p90 idle gap 2.1 h (see the fragmentation tests).
        expected = {
            "scheduling_rate": 4 / 6,
            "scheduled_fraction_of_operable": 0.3,
            "visibility_use": 3 / 5,
            "priority_alignment": 3.75 / 5,
            "gap_compactness": 1 - 2.1 / 10,
        }
        assert kpis.components() == pytest.approx(expected)
        assert kpis.composite == pytest.approx(sum(expected.values()) / 5)
        assert (kpis.operable_hours, kpis.usable_hours) == pytest.approx((10.0, 5.0))
        assert kpis.scheduled_operable_hours == pytest.approx(3.0)
        assert kpis.mean_priority_scheduled == pytest.approx(3.75)
        assert list(kpis.components()) == list(KPI_NAMES)

    def test_priority_alignment_is_capped_at_one(self):
        data = make_schedule_data(
            [{"priority": 9.0, "scheduled": (BASE_MJD, BASE_MJD + 0.1)}, {"priority": 1.0}],
            period_start_mjd=BASE_MJD,
            period_end_mjd=BASE_MJD + 1,
        )
        # Scheduled mean 9 over mean 5: 1.8, capped to 1.
        assert kpis_of(data).priority_alignment == 1.0

    def test_nothing_scheduled_or_a_non_positive_mean_gives_zero_alignment(self):
        nothing = make_schedule_data(
            [{"priority": 3.0}], period_start_mjd=BASE_MJD, period_end_mjd=BASE_MJD + 1
        )
        assert kpis_of(nothing).priority_alignment == 0.0
        negative = make_schedule_data(
            [{"priority": -3.0, "scheduled": (BASE_MJD, BASE_MJD + 0.1)}, {"priority": 1.0}],
            period_start_mjd=BASE_MJD,
            period_end_mjd=BASE_MJD + 1,
        )
        assert kpis_of(negative).priority_alignment == 0.0

    def test_no_operable_time_scores_zero_where_it_divides(self):
        data = make_schedule_data(
            [{"scheduled": (BASE_MJD, BASE_MJD + 0.1)}],
            dark_periods=[(BASE_MJD + 5, BASE_MJD + 6)],
            period_start_mjd=BASE_MJD,
            period_end_mjd=BASE_MJD + 1,
        )
        kpis = kpis_of(data)
        assert kpis.scheduling_rate == 1.0
        assert kpis.scheduled_fraction_of_operable == 0.0
        assert kpis.visibility_use == 0.0
        assert kpis.gap_compactness == 0.0
        assert kpis.composite == pytest.approx((1.0 + 0 + 0 + 1.0 + 0) / 5)

    def test_no_blocks(self):
        kpis = kpis_of(
            make_schedule_data([], period_start_mjd=BASE_MJD, period_end_mjd=BASE_MJD + 1)
        )
        assert kpis.scheduling_rate == 0.0 and kpis.mean_priority is None
        assert np.isfinite(kpis.composite)
