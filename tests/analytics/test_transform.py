import dataclasses
import json
import math

import numpy as np
import pytest
from scipy.stats import spearmanr

from analytics.diagnostics.kpis import KPI_NAMES
from analytics.diagnostics.report import diagnose
from analytics.models import ScheduleSummary
from analytics.transform import gap_statistics, spearman_correlations, transform
from tests.analytics.factories import BASE_MJD, make_schedule_data

NAN = np.nan


def mjd_span(start_day: float, stop_day: float) -> tuple[float, float]:
    return (BASE_MJD + start_day, BASE_MJD + stop_day)


class TestSpearman:
    def test_ties_take_their_average_rank(self):
        # x ranks 1, 2.5, 2.5, 4 against y ranks 1..4:
        # sum(dx*dy) = 4.5, sum(dx^2) = 4.5, sum(dy^2) = 5, so rho = 4.5 / sqrt(22.5).
        columns = {"x": np.array([1.0, 2.0, 2.0, 3.0]), "y": np.array([10.0, 20, 30, 40])}
        [pair] = spearman_correlations(columns)
        assert pair["x"] == "x"
        assert pair["y"] == "y"
        assert pair["rho"] == pytest.approx(math.sqrt(0.9))
        assert pair["rho"] == pytest.approx(spearmanr(columns["x"], columns["y"]).statistic)

    def test_equals_scipy_on_data_with_many_ties(self):
        rng = np.random.default_rng(7)
        columns = {name: rng.integers(0, 6, size=40).astype(float) for name in "abcd"}
        correlations = spearman_correlations(columns)
        assert [(pair["x"], pair["y"]) for pair in correlations] == [
            ("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"), ("c", "d")
        ]  # fmt: skip
        for pair in correlations:
            expected = spearmanr(columns[pair["x"]], columns[pair["y"]]).statistic
            assert pair["rho"] == pytest.approx(expected, abs=1e-12)
            assert type(pair["rho"]) is float

    @pytest.mark.parametrize(
        ("x", "y"),
        [([], []), ([1.0], [2.0]), ([1.0, 2.0, 3.0], [4.0, 4.0, 4.0]), ([1.0, NAN], [1.0, 2.0])],
        ids=["empty", "single", "constant", "one-finite-row"],
    )
    def test_undefined_correlation_is_none(self, x, y):
        [pair] = spearman_correlations({"x": np.array(x), "y": np.array(y)})
        assert pair["rho"] is None

    def test_rows_with_a_missing_value_are_left_out(self):
        x = np.array([1.0, 2.0, NAN, 3.0])
        y = np.array([3.0, 2.0, 5.0, 1.0])
        [pair] = spearman_correlations({"x": x, "y": y})
        assert pair["rho"] == pytest.approx(-1.0)


class TestGapStatistics:
    @staticmethod
    def gaps(periods: list[tuple[float, float]]):
        periods = np.array(periods, dtype=np.float64).reshape(-1, 2)
        return gap_statistics(periods[:, 0], periods[:, 1])

    def test_gaps_between_consecutive_periods_in_hours(self):
        # Gaps of 0.5, 1 and 0.25 days, given out of order.
        periods = [(3.0, 4.0), (0.0, 1.0), (4.25, 5.0), (1.5, 2.0)]
        assert self.gaps(periods) == (3, 14.0, 12.0)

    def test_median_of_an_even_count_is_the_mean_of_the_middle_two(self):
        periods = [(0.0, 1.0), (1.5, 2.0), (3.0, 4.0), (4.25, 5.0), (6.0, 7.0)]
        assert self.gaps(periods) == (4, 16.5, 18.0)

    def test_touching_and_overlapping_periods_leave_no_gap(self):
        assert self.gaps([(0.0, 1.0), (1.0, 2.0), (1.5, 3.0)]) == (0, None, None)

    def test_each_gap_is_measured_from_the_previous_period_in_start_order(self):
        assert self.gaps([(0.0, 10.0), (1.0, 2.0), (5.0, 6.0)]) == (1, 72.0, 72.0)

    @pytest.mark.parametrize(
        "periods", [[], [(0.0, 1.0)], [(0.0, 1.0), (2.0, 2.0), (NAN, NAN), (5.0, 3.0)]]
    )
    def test_fewer_than_two_scheduled_periods_give_no_gaps(self, periods):
        assert self.gaps(periods) == (0, None, None)


def four_block_schedule():
    """Two scheduled blocks 1.5 h apart, one never visible, one waiting."""
    return make_schedule_data(
        [
            {
                "priority": 8.0,
                "requested_duration_s": 7200.0,
                "visibility": [mjd_span(0, 0.5)],
                "scheduled": mjd_span(0, 0.0625),
            },
            {
                "priority": 2.0,
                "requested_duration_s": 3600.0,
                "visibility": [mjd_span(0, 0.25)],
                "scheduled": mjd_span(0.125, 0.1875),
            },
            {"priority": 4.0, "requested_duration_s": 1800.0, "visibility": []},
            {
                "priority": 7.0,
                "requested_duration_s": 3600.0,
                "visibility": [mjd_span(1, 1.25), mjd_span(2, 2.125)],
            },
        ]
    )


class TestSummary:
    def test_hand_computed_schedule(self):
        summary = transform(four_block_schedule()).summary
        assert dataclasses.asdict(summary) == {
            "total_blocks": 4,
            "scheduled_blocks": 2,
            "unscheduled_blocks": 2,
            "impossible_blocks": 1,
            "scheduling_rate": 0.5,
            "priority_min": 2.0,
            "priority_max": 8.0,
            "priority_mean": 5.25,
            "priority_median": 5.5,
            "priority_mean_scheduled": 5.0,
            "priority_mean_unscheduled": 5.5,
            "visibility_total_hours": 27.0,
            "visibility_mean_hours": 6.75,
            "visibility_min_hours": 0.0,
            "visibility_max_hours": 12.0,
            "requested_total_hours": 4.5,
            "requested_mean_hours": 1.125,
            "scheduled_hours": 3.0,
            "correlations": [
                # Ranks: priority 4,1,2,3; visibility 4,2,1,3; requested 4,2.5,1,2.5;
                # every block has the same elevation range, so its pairs are undefined.
                {"x": "priority", "y": "total_visibility_hours", "rho": pytest.approx(0.8)},
                {"x": "priority", "y": "requested_hours", "rho": pytest.approx(math.sqrt(0.4))},
                {"x": "priority", "y": "elevation_range_deg", "rho": None},
                {
                    "x": "total_visibility_hours",
                    "y": "requested_hours",
                    "rho": pytest.approx(math.sqrt(0.9)),
                },
                {"x": "total_visibility_hours", "y": "elevation_range_deg", "rho": None},
                {"x": "requested_hours", "y": "elevation_range_deg", "rho": None},
            ],
            "conflict_count": 0,
            "gap_count": 1,
            "gap_mean_hours": 1.5,
            "gap_median_hours": 1.5,
            "priority_capture_ratio": pytest.approx(10 / 21),
            # The diagnostics' own figures, stored so that lists and environments rank by them.
            **{name: getattr(diagnose(four_block_schedule()).kpis, name) for name in KPI_NAMES[1:]},
            "composite_score": diagnose(four_block_schedule()).kpis.composite,
            "time_use_hours": diagnose(four_block_schedule()).fragmentation.hours,
            "kpi_comparison": {
                "notes": [
                    "The schedule has no period; the span of its visibility, dark and "
                    "scheduled periods is used instead.",
                    "There are no dark periods; the whole schedule period counts as operable.",
                ],
                "schedule": diagnose(four_block_schedule()).kpis.as_dict(),
                "greedy": diagnose(four_block_schedule()).greedy.kpis.as_dict(),
                "wins": diagnose(four_block_schedule()).greedy.wins,
                "ties": diagnose(four_block_schedule()).greedy.ties,
                "losses": diagnose(four_block_schedule()).greedy.losses,
                "verdict": diagnose(four_block_schedule()).greedy.verdict,
            },
        }

    def test_values_are_plain_python_and_json_ready(self):
        summary = transform(four_block_schedule()).summary
        values = dataclasses.asdict(summary)
        json.dumps(values)
        for name, value in values.items():
            if name not in ("correlations", "time_use_hours", "kpi_comparison"):
                assert type(value) in (int, float, type(None)), name
        assert {type(pair["rho"]) for pair in summary.correlations} <= {float, type(None)}
        assert {type(hours) for hours in summary.time_use_hours.values()} == {float}

    def test_fields_are_the_schedule_summary_columns(self):
        columns = {
            field.name
            for field in ScheduleSummary._meta.concrete_fields
            if field.name not in {"id", "schedule", "computed_at"}
        }
        assert {
            field.name for field in dataclasses.fields(transform(make_schedule_data()).summary)
        } == columns

    def test_empty_schedule(self):
        result = transform(make_schedule_data())
        summary = result.summary
        assert (summary.total_blocks, summary.scheduled_blocks, summary.unscheduled_blocks) == (
            0,
            0,
            0,
        )
        assert summary.impossible_blocks == 0
        assert summary.scheduling_rate == 0.0
        for name in (
            "priority_min",
            "priority_max",
            "priority_mean",
            "priority_median",
            "priority_mean_scheduled",
            "priority_mean_unscheduled",
            "visibility_mean_hours",
            "visibility_min_hours",
            "visibility_max_hours",
            "requested_mean_hours",
            "gap_mean_hours",
            "gap_median_hours",
        ):
            assert getattr(summary, name) is None, name
        assert summary.visibility_total_hours == 0.0
        assert summary.requested_total_hours == 0.0
        assert summary.scheduled_hours == 0.0
        assert [pair["rho"] for pair in summary.correlations] == [None] * 6
        assert (summary.conflict_count, summary.gap_count) == (0, 0)
        assert summary.priority_capture_ratio == 0.0
        assert len(result.findings) == 0
        assert result.is_impossible.shape == (0,)
        assert result.possible_periods.shape == (0, 2)

    def test_group_means_are_none_when_a_group_is_empty(self):
        summary = transform(make_schedule_data([{"priority": 3.0}])).summary
        assert summary.priority_mean_unscheduled == 3.0
        assert summary.priority_mean_scheduled is None

    def test_conflicts_count_pairs_overlapping_by_more_than_zero(self):
        # Three mutually overlapping periods, plus one that only touches the third.
        spans = [(0.0, 0.25), (0.0625, 0.3125), (0.125, 0.375), (0.375, 0.5)]
        blocks = [
            {"scheduled": mjd_span(*span), "requested_duration_s": 6 * 3600.0} for span in spans
        ]
        assert transform(make_schedule_data(blocks)).summary.conflict_count == 3

    def test_capture_ratio_is_zero_when_priorities_sum_to_zero(self):
        blocks = [{"priority": 0.0, "scheduled": mjd_span(0, 0.01)}, {"priority": 0.0}]
        assert transform(make_schedule_data(blocks)).summary.priority_capture_ratio == 0.0


class TestTransform:
    def test_impossible_flags_follow_impossible_findings(self):
        result = transform(four_block_schedule())
        assert result.is_impossible.tolist() == [False, False, True, False]

    def test_possible_periods_are_the_union_of_all_visibility(self):
        result = transform(four_block_schedule())
        np.testing.assert_array_equal(
            result.possible_periods,
            [mjd_span(0, 0.5), mjd_span(1, 1.25), mjd_span(2, 2.125)],
        )


def test_average_ranks_match_scipy_on_ties():
    from scipy.stats import rankdata

    from analytics.ranks import average_ranks

    values = np.array([3.0, 1.0, 3.0, 2.0, 3.0, 1.0, 7.0])
    assert average_ranks(values).tolist() == [5.0, 1.5, 5.0, 3.0, 5.0, 1.5, 7.0]
    assert average_ranks(values).tolist() == rankdata(values).tolist()
    assert average_ranks(np.array([])).tolist() == []
