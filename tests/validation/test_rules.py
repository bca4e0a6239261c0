import numpy as np
import pytest

from schedules.block_metrics import compute_block_metrics
from tests.analytics.factories import BASE_MJD, make_schedule_data
from validation import rules
from validation.models import Criticality, Status, ValidationResult
from validation.rules import RULES, Findings, evaluate_rules

NAN = np.nan
HOUR = 3600.0


def mjd_span(start_day: float, stop_day: float) -> tuple[float, float]:
    return (BASE_MJD + start_day, BASE_MJD + stop_day)


def evaluate(*blocks: dict, dark_periods=None, **metric_overrides) -> Findings:
    """Findings for a schedule of ``blocks``; ``metric_overrides`` replace metric columns so
    thresholds can be hit exactly rather than through MJD arithmetic."""
    data = make_schedule_data(list(blocks), dark_periods=dark_periods)
    metrics = compute_block_metrics(data)
    for name, values in metric_overrides.items():
        setattr(metrics, name, np.asarray(values, dtype=np.float64))
    return evaluate_rules(data, metrics)


def rows(findings: Findings, block: int = 0) -> dict[str, dict[str, str]]:
    """The block's rows keyed by rule."""
    columns = ("status", "criticality", "category", "field", "current_value", "expected_value")
    return {
        findings.rule[k]: {name: getattr(findings, name)[k] for name in (*columns, "message")}
        for k in np.flatnonzero(findings.block_index == block).tolist()
    }


def fired(*blocks: dict, **kwargs) -> set[str]:
    return set(rows(evaluate(*blocks, **kwargs)))


def assert_row(findings: Findings, rule: str, **expected: str) -> None:
    row = rows(findings)[rule]
    definition = RULES[rule]
    assert (row["status"], row["criticality"], row["category"]) == (
        definition.status,
        definition.criticality,
        definition.category,
    )
    for name, value in expected.items():
        assert row[name] == value, name


class TestCleanBlocks:
    def test_a_clean_block_gets_exactly_one_valid_row(self):
        findings = evaluate({})
        assert len(findings) == 1
        assert findings.block_index.tolist() == [0]
        assert rows(findings) == {
            "valid": {
                "status": "valid",
                "criticality": "",
                "category": "",
                "field": "",
                "current_value": "",
                "expected_value": "",
                "message": "No issues found",
            }
        }

    def test_empty_schedule_has_no_rows(self):
        findings = evaluate()
        assert len(findings) == 0
        assert findings.block_index.dtype == np.int64

    def test_rows_are_ordered_by_block_then_rule_order(self):
        findings = evaluate(
            {"priority": -1.0, "visibility": []},
            {},
            {"ra_deg": 400.0, "min_alt_deg": 60.0, "max_alt_deg": 50.0},
        )
        assert list(zip(findings.block_index.tolist(), findings.rule, strict=True)) == [
            (0, "no_visibility"),
            (0, "negative_priority"),
            (1, "valid"),
            (2, "invalid_ra"),
            (2, "invalid_elevation_range"),
            (2, "impossible_elevation_range"),
        ]
        assert all(
            len(getattr(findings, name)) == len(findings)
            for name in ("rule", "status", "criticality", "category", "field", "message")
        )


class TestRuleTable:
    def test_every_rule_has_a_stored_status_criticality_and_fitting_text(self):
        stored_statuses = set(Status.values) - {Status.VALID}
        for slug, rule in RULES.items():
            assert rule.slug == slug
            assert rule.status in stored_statuses
            assert rule.criticality in Criticality.values
            assert len(slug) <= ValidationResult._meta.get_field("rule").max_length
            assert len(rule.category) <= ValidationResult._meta.get_field("category").max_length
            assert rule.title

    def test_only_visibility_rules_make_a_block_impossible(self):
        impossible = {slug for slug, rule in RULES.items() if rule.status == "impossible"}
        assert impossible == {"no_visibility", "visibility_below_min_observation"}
        assert {RULES[slug].criticality for slug in impossible} == {"Critical"}

    def test_rule_slugs(self):
        assert list(RULES) == [
            "no_visibility",
            "visibility_below_min_observation",
            "visibility_below_requested",
            "negative_priority",
            "negative_requested_duration",
            "negative_min_observation",
            "min_observation_exceeds_requested",
            "invalid_ra",
            "invalid_dec",
            "invalid_elevation_range",
            "impossible_elevation_range",
            "narrow_elevation_range",
            "invalid_fixed_window",
            "fixed_window_shorter_than_requested",
            "invalid_scheduled_period",
            "scheduled_longer_than_requested",
            "scheduled_outside_fixed_window",
            "scheduled_outside_visibility",
            "scheduled_outside_dark_periods",
            "scheduled_below_min_altitude",
            "scheduled_overlap",
        ]


class TestVisibilityRules:
    def test_no_visibility_periods(self):
        findings = evaluate({"visibility": [], "requested_duration_s": 5400.0})
        assert set(rows(findings)) == {"no_visibility"}
        assert_row(
            findings,
            "no_visibility",
            field="max_visibility_period_hours",
            current_value="0.00 h",
            expected_value=">= 1.50 h",
            message="The block has no visibility periods; 1.50 h requested.",
        )

    def test_longest_period_exactly_at_the_threshold_is_visible(self):
        base = {"min_observation_s": 0.0, "requested_duration_s": 0.0}
        assert "no_visibility" in fired(base, max_visibility_period_hours=[0.00099])
        assert fired(base, max_visibility_period_hours=[0.001]) == {"valid"}

    def test_only_tiny_periods_count_as_no_visibility(self):
        tiny = [mjd_span(0, 1e-6), mjd_span(1, 1 + 1e-6)]
        findings = evaluate({"visibility": tiny})
        assert set(rows(findings)) == {"no_visibility"}
        assert rows(findings)["no_visibility"]["message"] == (
            "None of the block's 2 visibility periods lasts 0.001 h; 1.00 h requested."
        )

    def test_minimum_observation_is_compared_with_the_longest_single_period(self):
        # Two 6 h periods: 12 h in total, but no single window holds more than 6 h.
        block = {
            "visibility": [mjd_span(0, 0.25), mjd_span(1, 1.25)],
            "requested_duration_s": 7 * HOUR,
        }
        assert fired({**block, "min_observation_s": 6 * HOUR}) == {"valid"}
        findings = evaluate({**block, "min_observation_s": 6 * HOUR + 1})
        assert set(rows(findings)) == {"visibility_below_min_observation"}
        assert_row(
            findings,
            "visibility_below_min_observation",
            field="max_visibility_period_hours",
            current_value="6.00 h",
            expected_value=">= 6.00 h",
        )

    def test_total_visibility_below_requested_is_an_error_not_impossible(self):
        block = {"visibility": [mjd_span(0, 0.25), mjd_span(1, 1.25)]}
        assert fired({**block, "requested_duration_s": 12 * HOUR}) == {"valid"}
        # Within the 1e-6 h tolerance.
        assert fired({**block, "requested_duration_s": 12 * HOUR + 0.001}) == {"valid"}
        findings = evaluate({**block, "requested_duration_s": 12 * HOUR + 1})
        assert set(rows(findings)) == {"visibility_below_requested"}
        assert_row(
            findings,
            "visibility_below_requested",
            field="total_visibility_hours",
            current_value="12.00 h",
            expected_value=">= 12.00 h",
            message="Needs 12.00 h but the target is visible for only 12.00 h in total.",
        )

    def test_first_matching_visibility_rule_wins(self):
        block = {"visibility": [], "min_observation_s": 99 * HOUR, "requested_duration_s": 99e3}
        assert fired(block) & {rule for rule in RULES if RULES[rule].category == "visibility"} == {
            "no_visibility"
        }


class TestBlockFieldRules:
    @pytest.mark.parametrize(
        ("block", "rule", "should_fire"),
        [
            ({"priority": -0.5}, "negative_priority", True),
            ({"priority": 0.0}, "negative_priority", False),
            ({"requested_duration_s": -1.0}, "negative_requested_duration", True),
            (
                {"requested_duration_s": 0.0, "min_observation_s": 0.0},
                "negative_requested_duration",
                False,
            ),
            ({"min_observation_s": -1.0}, "negative_min_observation", True),
            ({"min_observation_s": 0.0}, "negative_min_observation", False),
            ({"min_observation_s": HOUR + 1}, "min_observation_exceeds_requested", True),
            ({"min_observation_s": HOUR}, "min_observation_exceeds_requested", False),
            ({"ra_deg": -0.01}, "invalid_ra", True),
            ({"ra_deg": 0.0}, "invalid_ra", False),
            ({"ra_deg": 359.99}, "invalid_ra", False),
            ({"ra_deg": 360.0}, "invalid_ra", True),
            ({"dec_deg": -90.0}, "invalid_dec", False),
            ({"dec_deg": 90.0}, "invalid_dec", False),
            ({"dec_deg": 90.01}, "invalid_dec", True),
            ({"dec_deg": -90.01}, "invalid_dec", True),
            ({"min_alt_deg": 50.0, "max_alt_deg": 50.0}, "invalid_elevation_range", False),
            ({"min_alt_deg": 50.1, "max_alt_deg": 50.0}, "invalid_elevation_range", True),
            ({"min_alt_deg": -90.0, "max_alt_deg": 90.0}, "impossible_elevation_range", False),
            ({"min_alt_deg": -91.0, "max_alt_deg": 90.0}, "impossible_elevation_range", True),
            ({"min_alt_deg": 60.0, "max_alt_deg": 50.0}, "impossible_elevation_range", True),
            ({"min_alt_deg": 40.0, "max_alt_deg": 45.0}, "narrow_elevation_range", False),
            ({"min_alt_deg": 40.0, "max_alt_deg": 44.9}, "narrow_elevation_range", True),
            ({"min_alt_deg": 40.0, "max_alt_deg": 40.0}, "narrow_elevation_range", False),
            ({"fixed": mjd_span(0.3, 0.2)}, "invalid_fixed_window", True),
            ({"fixed": mjd_span(0.3, 0.3)}, "invalid_fixed_window", False),
        ],
    )
    def test_fires_exactly_past_its_boundary(self, block, rule, should_fire):
        assert (rule in fired(block)) is should_fire

    def test_fixed_window_shorter_than_requested_allows_0_001_h(self):
        window = {"fixed": mjd_span(0, 0.25), "min_observation_s": 0.0}
        assert fired({**window, "requested_duration_s": 6 * HOUR}) == {"valid"}
        assert fired({**window, "requested_duration_s": 6 * HOUR + 3}) == {"valid"}
        findings = evaluate({**window, "requested_duration_s": 6 * HOUR + 4})
        assert set(rows(findings)) == {"fixed_window_shorter_than_requested"}
        assert_row(
            findings,
            "fixed_window_shorter_than_requested",
            field="fixed_window_hours",
            current_value="6.00 h",
            expected_value=">= 6.00 h",
        )

    def test_messages_carry_values_and_units(self):
        findings = evaluate(
            {
                "priority": -2.5,
                "min_observation_s": 5400.0,
                "ra_deg": 361.25,
                "min_alt_deg": 60.0,
                "max_alt_deg": 50.0,
                "fixed": mjd_span(0.5, 0.25),
            }
        )
        assert_row(
            findings,
            "negative_priority",
            field="priority",
            current_value="-2.5",
            expected_value=">= 0",
            message="Priority -2.5 is negative.",
        )
        assert_row(
            findings,
            "min_observation_exceeds_requested",
            field="min_observation_s",
            current_value="5400 s",
            expected_value="<= 3600 s",
        )
        assert_row(findings, "invalid_ra", field="ra_deg", current_value="361.25°")
        assert_row(
            findings,
            "invalid_elevation_range",
            field="min_alt_deg",
            current_value="60.00°",
            expected_value="<= 50.00°",
        )
        assert_row(
            findings,
            "impossible_elevation_range",
            current_value="-10.00°",
            expected_value="0° to 180°",
        )
        assert_row(
            findings,
            "invalid_fixed_window",
            field="fixed_start_mjd",
            current_value="60000.5000",
            expected_value="<= 60000.2500",
            message="The fixed window starts at MJD 60000.5000, after it stops at MJD 60000.2500.",
        )
        # The reversed window is also shorter than the request.
        assert "fixed_window_shorter_than_requested" in rows(findings)


class TestScheduledPeriodRules:
    def test_reversed_scheduled_period_is_invalid_but_not_otherwise_judged(self):
        findings = evaluate({"scheduled": mjd_span(0.3, 0.2), "fixed": mjd_span(0.5, 0.6)})
        assert set(rows(findings)) == {"invalid_scheduled_period"}
        assert_row(findings, "invalid_scheduled_period", field="scheduled_start_mjd")

    def test_unscheduled_blocks_skip_scheduled_rules(self):
        assert fired({"scheduled": (NAN, NAN), "fixed": mjd_span(0.5, 0.6)}) == {"valid"}

    def test_scheduled_longer_than_requested_allows_one_percent(self):
        six_hours = {"scheduled": mjd_span(0, 0.25), "min_observation_s": 0.0}
        assert fired({**six_hours, "requested_duration_s": 6 * HOUR}) == {"valid"}
        assert fired({**six_hours, "requested_duration_s": 5.95 * HOUR}) == {"valid"}
        findings = evaluate({**six_hours, "requested_duration_s": 5.9 * HOUR})
        assert set(rows(findings)) == {"scheduled_longer_than_requested"}
        assert_row(
            findings,
            "scheduled_longer_than_requested",
            field="scheduled_hours",
            current_value="6.00 h",
            expected_value="",
        )

    @pytest.mark.parametrize(
        ("fixed", "scheduled", "should_fire"),
        [
            (mjd_span(0.1, 0.3), mjd_span(0.1, 0.3), False),
            (mjd_span(0.1, 0.3), mjd_span(0.1 - 0.5e-4, 0.3 + 0.5e-4), False),
            (mjd_span(0.1, 0.3), mjd_span(0.1 - 2e-4, 0.2), True),
            (mjd_span(0.1, 0.3), mjd_span(0.2, 0.3 + 2e-4), True),
            ((BASE_MJD + 0.1, NAN), mjd_span(0.2, 0.45), False),
            ((BASE_MJD + 0.1, NAN), mjd_span(0.05, 0.2), True),
        ],
    )
    def test_scheduled_outside_fixed_window(self, fixed, scheduled, should_fire):
        block = {"fixed": fixed, "scheduled": scheduled, "requested_duration_s": 0.35 * 86400}
        assert ("scheduled_outside_fixed_window" in fired(block)) is should_fire

    @pytest.mark.parametrize(
        ("visibility", "scheduled", "should_fire"),
        [
            ([mjd_span(0, 0.5)], mjd_span(0.1, 0.2), False),
            ([mjd_span(0, 0.5)], mjd_span(-0.5e-4, 0.5 + 0.5e-4), False),
            ([mjd_span(0, 0.5)], mjd_span(0.4, 0.5 + 2e-4), True),
            ([mjd_span(0, 0.25), mjd_span(0.25, 0.5)], mjd_span(0.2, 0.3), False),
            ([mjd_span(0, 0.25), mjd_span(0.26, 0.5)], mjd_span(0.2, 0.3), True),
            ([mjd_span(1, 1.5)], mjd_span(0.1, 0.2), True),
        ],
        ids=["inside", "within-tolerance", "past-tolerance", "touching", "across-gap", "elsewhere"],
    )
    def test_scheduled_outside_visibility(self, visibility, scheduled, should_fire):
        block = {"visibility": visibility, "scheduled": scheduled, "requested_duration_s": 43200}
        assert ("scheduled_outside_visibility" in fired(block)) is should_fire

    def test_a_scheduled_block_with_no_visibility_is_outside_it(self):
        findings = evaluate(
            {"visibility": [], "scheduled": mjd_span(0.1, 0.2), "requested_duration_s": 8640}
        )
        assert set(rows(findings)) == {"no_visibility", "scheduled_outside_visibility"}
        assert_row(
            findings,
            "scheduled_outside_visibility",
            field="scheduled_period",
            current_value="[60000.1000, 60000.2000] MJD",
            message=(
                "Scheduled [60000.1000, 60000.2000] MJD, but the block has no visibility periods."
            ),
        )

    def test_only_the_blocks_own_visibility_counts(self):
        findings = evaluate(
            {"visibility": [mjd_span(0, 0.5)]},
            {"visibility": [mjd_span(1, 1.5)], "scheduled": mjd_span(0.1, 0.2)},
        )
        assert "scheduled_outside_visibility" in rows(findings, block=1)

    @pytest.mark.parametrize(
        ("dark_periods", "scheduled", "should_fire"),
        [
            (None, mjd_span(0.1, 0.2), False),
            ([mjd_span(0, 0.3)], mjd_span(0.1, 0.2), False),
            ([mjd_span(0, 0.15), mjd_span(0.15, 0.3)], mjd_span(0.1, 0.2), False),
            ([mjd_span(0, 0.15 - 0.5e-4)], mjd_span(0.1, 0.15), False),
            ([mjd_span(0, 0.15)], mjd_span(0.1, 0.2), True),
            ([mjd_span(0.3, 0.4)], mjd_span(0.1, 0.2), True),
        ],
        ids=["no-dark-periods", "inside", "touching", "within-tolerance", "past", "elsewhere"],
    )
    def test_scheduled_outside_dark_periods(self, dark_periods, scheduled, should_fire):
        block = {"scheduled": scheduled, "requested_duration_s": 0.1 * 86400}
        findings = evaluate(block, dark_periods=dark_periods)
        assert ("scheduled_outside_dark_periods" in rows(findings)) is should_fire
        if should_fire:
            assert_row(
                findings, "scheduled_outside_dark_periods", expected_value="inside one dark period"
            )


class TestScheduledOverlap:
    @staticmethod
    def scheduled_blocks(*spans: tuple[float, float]) -> list[dict]:
        return [
            {
                "scheduled": mjd_span(*span),
                "visibility": [mjd_span(0, 1)],
                "requested_duration_s": 86400,
            }
            for span in spans
        ]

    def test_each_overlapping_block_gets_one_row_naming_the_others(self):
        findings = evaluate(*self.scheduled_blocks((0, 0.125), (0.0625, 0.25), (0.5, 0.75)))
        assert_row(
            findings,
            "scheduled_overlap",
            field="scheduled_period",
            current_value="[60000.0000, 60000.1250] MJD",
            expected_value="no overlap with other scheduled blocks",
            message="Overlaps 1 other scheduled block for 1.50 h in total: sb-1.",
        )
        assert rows(findings, block=1)["scheduled_overlap"]["message"] == (
            "Overlaps 1 other scheduled block for 1.50 h in total: sb-0."
        )
        assert set(rows(findings, block=2)) == {"valid"}

    def test_touching_periods_do_not_overlap(self):
        findings = evaluate(*self.scheduled_blocks((0, 0.25), (0.25, 0.5)))
        assert set(findings.rule) == {"valid"}

    def test_at_most_five_partners_are_named_earliest_first(self):
        spans = [(0.01 * k, 0.5 + 0.01 * k) for k in range(7)]
        findings = evaluate(*self.scheduled_blocks(*reversed(spans)))
        message = rows(findings, block=6)["scheduled_overlap"]["message"]
        assert message.startswith("Overlaps 6 other scheduled blocks for ")
        assert message.endswith(": sb-5, sb-4, sb-3, sb-2, sb-1 and 1 more.")

    def test_overlap_total_sums_every_partner(self):
        # The long block overlaps 1.5 h + 3 h; the nested ones overlap only the long one.
        findings = evaluate(*self.scheduled_blocks((0, 0.5), (0.0625, 0.125), (0.25, 0.375)))
        assert rows(findings)["scheduled_overlap"]["message"] == (
            "Overlaps 2 other scheduled blocks for 4.50 h in total: sb-1, sb-2."
        )

    def test_beyond_the_pair_budget_counts_stay_exact(self, monkeypatch):
        monkeypatch.setattr(rules, "OVERLAP_PAIR_BUDGET", 0)
        monkeypatch.setattr(rules, "NEARBY_OVERLAP_PARTNERS", 1)
        # The long block overlaps all three short ones, but is nearby in start order only to
        # the first, so the last short block's only partner goes unnamed.
        findings = evaluate(*self.scheduled_blocks((0, 1), (0.1, 0.2), (0.3, 0.4), (0.5, 0.6)))
        assert rows(findings)["scheduled_overlap"]["message"].startswith(
            "Overlaps 3 other scheduled blocks for 7.20 h in total"
        )
        assert rows(findings, block=3)["scheduled_overlap"]["message"] == (
            "Overlaps 1 other scheduled block for 2.40 h in total."
        )
