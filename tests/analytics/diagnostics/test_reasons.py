import numpy as np
import pytest

from analytics.diagnostics.operable import operable_time, scheduled_periods, usable_windows
from analytics.diagnostics.reasons import (
    BLOCKERS_KEPT,
    REASONS,
    error_flags_from_findings,
    explain_unscheduled,
    find_blockers,
)
from tests.analytics.factories import BASE_MJD, make_schedule_data
from validation.rules import Findings

HOUR = 3600.0
MS = 0.001


def at(hours: float) -> float:
    return BASE_MJD + hours / 24


def explain(blocks, error_flags=None, **fields):
    fields.setdefault("period_start_mjd", at(0))
    fields.setdefault("period_end_mjd", at(12))
    data = make_schedule_data(blocks, **fields)
    operable = operable_time(data)
    windows = usable_windows(data, operable)
    is_scheduled, union = scheduled_periods(data)
    flags = np.zeros(len(blocks), dtype=bool) if error_flags is None else np.array(error_flags)
    reasons = explain_unscheduled(data, windows, is_scheduled, union, flags)
    return data, windows, is_scheduled, reasons


# Every block asks for 1 h with a 30 min minimum unless it says otherwise, in a 12 h period
# without dark periods; the only scheduled block is block 7, at 5.5-6.5 h.
REASON_BLOCKS = [
    # 0: longest period 0.0005 h < 0.001 h.
    {"visibility": [(at(0), at(0.0005))]},
    # 1: visible 30 min, below its 45 min minimum: no usable window.
    {"visibility": [(at(1), at(1.5))], "min_observation_s": 2700.0},
    # 2: two 1 h windows, 2 h in all, but 1.5 h asked: no single window holds it.
    {"visibility": [(at(1), at(2)), (at(3), at(4))], "requested_duration_s": 1.5 * HOUR},
    # 3: room enough, but an error finding.
    {"visibility": [(at(9), at(11))]},
    # 4: the window [5,7] would hold 1 h, but block 7 sits at 5.5-6.5: 30 min free each side.
    {"visibility": [(at(5), at(7))]},
    # 5: the window [7,9] is free.
    {"visibility": [(at(7), at(9))]},
    # 6: no visibility rows at all.
    {"visibility": []},
    # 7: scheduled.
    {"visibility": [(at(5), at(7))], "scheduled": (at(5.5), at(6.5))},
]


class TestReasons:
    def test_each_reason_first_match_wins(self):
        flags = [True, False, True, True, False, False, False, False]
        *_, reasons = explain(REASON_BLOCKS, flags)
        # Blocks 0 and 2 also carry error flags: their earlier reasons win.
        assert reasons.names().tolist() == [
            "no_visibility",
            "no_window_fits",
            "requested_exceeds_visibility",
            "other_validation_issue",
            "blocked",
            "feasible_free",
            "no_visibility",
            "scheduled",
        ]
        assert reasons.counts == {
            "no_visibility": 2,
            "no_window_fits": 1,
            "requested_exceeds_visibility": 1,
            "other_validation_issue": 1,
            "blocked": 1,
            "feasible_free": 1,
        }
        assert list(reasons.counts) == list(REASONS)
        # Longest free stretch: 0.5 h for the blocked block, 2 h for the free one.
        np.testing.assert_allclose(reasons.longest_free_hours[[4, 5]], [0.5, 2.0])
        assert np.isnan(reasons.longest_free_hours[[0, 1, 2, 3, 6, 7]]).all()

    @pytest.mark.parametrize(
        ("hours", "reason"), [(0.0009, "no_visibility"), (0.0011, "feasible_free")]
    )
    def test_no_visibility_below_a_thousandth_of_an_hour(self, hours, reason):
        block = {
            "visibility": [(at(1), at(1 + hours))],
            "min_observation_s": 1.0,
            "requested_duration_s": 1.0,
        }
        *_, reasons = explain([block])
        assert reasons.names().tolist() == [reason]

    @pytest.mark.parametrize(
        ("extra_ms", "reason"), [(0.5, "feasible_free"), (2.0, "requested_exceeds_visibility")]
    )
    def test_a_window_exactly_as_long_as_the_request_holds_it_within_1_ms(self, extra_ms, reason):
        *_, reasons = explain(
            [{"visibility": [(at(1), at(2))], "requested_duration_s": HOUR + extra_ms * MS}]
        )
        assert reasons.names().tolist() == [reason]

    def test_a_free_stretch_touching_a_scheduled_block_holds_the_request(self):
        # Free [4.5,5.5] is exactly 1 h and touches the scheduled block at 5.5.
        blocks = [{"visibility": [(at(4.5), at(6.5))]}, REASON_BLOCKS[7]]
        *_, reasons = explain(blocks)
        assert reasons.names().tolist() == ["feasible_free", "scheduled"]

    def test_a_warning_is_not_an_error(self):
        findings = Findings(
            block_index=np.array([0, 1, 1, 2, 3]),
            rule=["a", "b", "c", "d", "valid"],
            status=["warning", "warning", "error", "impossible", "valid"],
            criticality=[""] * 5,
            category=[""] * 5,
            field=[""] * 5,
            current_value=[""] * 5,
            expected_value=[""] * 5,
            message=[""] * 5,
        )
        assert error_flags_from_findings(findings, 5).tolist() == [False, True, True, False, False]


class TestBlockers:
    # Block 0 asks for 2 h in windows [1,4] and [6,9]. Scheduled: 1 at 0.5-1.5 (0.5 h inside),
    # 2 at 2-3.5 (1.5 h), 3 at 3.75-6.25 across both windows (0.25 h + 0.25 h), 4 at 7-8.5
    # (1.5 h) and 5 at 7.5-8 overlapping 4 (0.5 h). Free: [1.5,2], [3.5,3.75], [6.25,7],
    # [8.5,9]: nothing of 2 h, so block 0 is blocked.
    BLOCKS = [
        {
            "visibility": [(at(1), at(4)), (at(6), at(9))],
            "requested_duration_s": 2 * HOUR,
            "min_observation_s": 1800.0,
        },
        {"scheduled": (at(0.5), at(1.5)), "priority": 1.0},
        {"scheduled": (at(2), at(3.5)), "priority": 2.0},
        {"scheduled": (at(3.75), at(6.25)), "priority": 3.0},
        {"scheduled": (at(7), at(8.5)), "priority": 4.0},
        {"scheduled": (at(7.5), at(8)), "priority": 5.0},
    ]

    def blockers(self, blocks):
        data, windows, is_scheduled, reasons = explain(blocks)
        return reasons, find_blockers(data, windows, reasons, is_scheduled)

    def test_largest_first_ties_by_index_summed_over_windows(self):
        reasons, blockers = self.blockers(self.BLOCKS)
        assert reasons.names()[0] == "blocked"
        assert blockers.blocked_blocks.tolist() == [0]
        assert blockers.offsets.tolist() == [0, 5]
        assert blockers.blocker.tolist() == [2, 4, 1, 3, 5]
        np.testing.assert_allclose(blockers.hours, [1.5, 1.5, 0.5, 0.5, 0.5])
        np.testing.assert_allclose(blockers.priority, [2, 4, 1, 3, 5])
        assert blockers.blocker_count.tolist() == [5]
        assert blockers.taken_hours == pytest.approx([4.5])
        assert blockers.blocked.tolist() == [0] * 5

    def test_only_the_largest_are_kept_but_all_are_counted(self):
        # Twelve scheduled blocks of 10, 11, ... 21 minutes in one 6 h window asking for 6 h.
        blocks = [{"visibility": [(at(0), at(6))], "requested_duration_s": 6 * HOUR}]
        blocks += [{"scheduled": (at(k / 2), at(k / 2) + (10 + k) / 1440)} for k in range(12)]
        _, blockers = self.blockers(blocks)
        assert blockers.blocker_count.tolist() == [12]
        assert len(blockers.blocker) == BLOCKERS_KEPT
        assert blockers.blocker.tolist() == list(range(12, 2, -1))
        assert blockers.taken_hours[0] == pytest.approx(sum(10 + k for k in range(12)) / 60)

    def test_a_scheduled_block_covering_the_whole_window_takes_all_of_it(self):
        blocks = [
            {"visibility": [(at(1), at(2))], "min_observation_s": 1800.0},
            {"scheduled": (at(0.5), at(3))},
        ]
        reasons, blockers = self.blockers(blocks)
        assert reasons.names()[0] == "blocked"
        assert blockers.blocker.tolist() == [1]
        np.testing.assert_allclose(blockers.hours, [1.0])

    def test_no_blocked_blocks(self):
        _, blockers = self.blockers([{"visibility": [(at(1), at(3))]}])
        assert len(blockers.blocked_blocks) == 0 and len(blockers.blocker) == 0
        assert blockers.offsets.tolist() == [0]
