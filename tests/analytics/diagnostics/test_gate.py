import re

import pytest

from analytics.gate import (
    MalformedCondition,
    UnknownMetric,
    check_conditions,
    flatten_figures,
    parse_condition,
)

FIGURES = {
    "kpis": {"composite": 0.412, "scheduling_rate": 0.8},
    "summary": {"scheduled_blocks": 10, "name": "text is left out", "correlations": [{"rho": 0.5}]},
    "operable": {"all_operable": True, "missing": None},
}


class TestParse:
    @pytest.mark.parametrize(
        ("text", "metric", "operator", "value"),
        [
            ("kpis.composite >= 0.5", "kpis.composite", ">=", 0.5),
            ("kpis.composite>=0.5", "kpis.composite", ">=", 0.5),
            ("  a < -1e-3 ", "a", "<", -0.001),
            ("a <= 2", "a", "<=", 2.0),
            ("a > 2", "a", ">", 2.0),
            ("a == 2", "a", "==", 2.0),
            ("a != 2", "a", "!=", 2.0),
            ("summary.scheduling_rate >= 80%", "summary.scheduling_rate", ">=", 0.8),
            ("x.y_z.0 < 12.5 %", "x.y_z.0", "<", 0.125),
        ],
    )
    def test_conditions(self, text, metric, operator, value):
        condition = parse_condition(text)
        assert (condition.metric, condition.operator) == (metric, operator)
        assert condition.value == pytest.approx(value)

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "kpis.composite",
            "kpis.composite 0.5",
            ">= 0.5",
            "kpis composite >= 0.5",
            "kpis..composite >= 0.5",
            "kpis.composite => 0.5",
            "kpis.composite = 0.5",
            "0kpis >= 1",
        ],
    )
    def test_malformed_conditions_say_what_was_expected(self, text):
        with pytest.raises(MalformedCondition, match="expected METRIC OP VALUE"):
            parse_condition(text)

    @pytest.mark.parametrize(
        "value", ["", "abc", "0x10", "nan", "inf", "1.2.3", "__import__('os')", "5 6"]
    )
    def test_values_must_be_numbers(self, value):
        with pytest.raises(MalformedCondition, match="expected a number"):
            parse_condition(f"kpis.composite >= {value}")


class TestCheck:
    @pytest.mark.parametrize(
        ("condition", "passes"),
        [
            ("kpis.composite < 0.5", True),
            ("kpis.composite < 0.412", False),
            ("kpis.composite <= 0.412", True),
            ("kpis.composite > 0.412", False),
            ("kpis.composite >= 0.412", True),
            ("kpis.composite == 0.412", True),
            ("kpis.composite == 41.2%", True),
            ("kpis.composite != 0.412", False),
            ("kpis.scheduling_rate >= 80%", True),
            ("kpis.scheduling_rate > 80%", False),
            ("summary.scheduled_blocks == 10", True),
            ("summary.correlations.0.rho >= 0.5", True),
            ("operable.all_operable == 1", True),
        ],
    )
    def test_each_operator(self, condition, passes):
        assert (check_conditions([condition], FIGURES) == []) is passes

    def test_failures_have_a_one_line_message(self):
        failures = check_conditions(
            ["kpis.composite >= 0.5", "kpis.scheduling_rate > 0.5"], FIGURES
        )
        assert [f.message for f in failures] == ["kpis.composite = 0.412, expected >= 0.5"]
        assert failures[0].actual == 0.412

    def test_an_unknown_metric_names_the_closest(self):
        with pytest.raises(UnknownMetric, match=re.escape("did you mean kpis.composite")) as raised:
            check_conditions(["kpis.compsite >= 0.5"], FIGURES)
        assert raised.value.metric == "kpis.compsite"

    def test_an_unknown_metric_far_from_all_lists_the_known_ones(self):
        with pytest.raises(
            UnknownMetric, match=re.escape("known metrics: kpis.composite, kpis.scheduling_rate")
        ):
            check_conditions(["zzz >= 1"], FIGURES)

    def test_a_typo_is_reported_even_after_a_passing_condition(self):
        with pytest.raises(UnknownMetric):
            check_conditions(["kpis.composite < 1", "kpis.nope > 0"], FIGURES)

    def test_flattening(self):
        assert flatten_figures(FIGURES) == {
            "kpis.composite": 0.412,
            "kpis.scheduling_rate": 0.8,
            "summary.scheduled_blocks": 10.0,
            "summary.correlations.0.rho": 0.5,
            "operable.all_operable": 1.0,
        }
