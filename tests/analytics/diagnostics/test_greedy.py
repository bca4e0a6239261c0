import numpy as np
import pytest

from analytics.diagnostics.fragmentation import fragment
from analytics.diagnostics.greedy import greedy_baseline, place_greedily, replay_order
from analytics.diagnostics.kpis import compute_kpis
from analytics.diagnostics.operable import operable_time, scheduled_periods, usable_windows
from tests.analytics.factories import BASE_MJD, make_schedule_data

HOUR = 3600.0


def at(hours: float) -> float:
    return BASE_MJD + hours / 24


def block(source_id, priority, hours, *visibility, scheduled=None):
    return {
        "source_id": source_id,
        "priority": priority,
        "requested_duration_s": hours * HOUR,
        "min_observation_s": 1800.0,
        "visibility": [(at(a), at(b)) for a, b in visibility],
        "scheduled": scheduled and (at(scheduled[0]), at(scheduled[1])),
    }


# Replay order: D (priority 8); then priority 5 by fewer usable hours: C (2 h), then B and A
# (3.5 h each) by id, 9 before 10 as numbers; then E (priority 1).
#   D: [3,4].  C: wants 1 h in [2,4]: [2,3], touching D.  B: [1,2], its first window.
#   A: [1,2] is taken, so [5,6] in its second window.  E: 2 h in [0,10]: [0,1] and [4,5] are
#   1 h only; [6,8], touching A.
REPLAY_BLOCKS = [
    block("10", 5.0, 1, (1, 2), (5, 7.5)),
    block("9", 5.0, 1, (1, 2), (4.5, 7), scheduled=(4.5, 5.5)),
    block("3", 5.0, 1, (2, 4)),
    block("4", 8.0, 1, (3, 4), scheduled=(3, 4)),
    block("5", 1.0, 2, (0, 10)),
]


def replay(blocks):
    data = make_schedule_data(blocks, period_start_mjd=at(0), period_end_mjd=at(10))
    operable = operable_time(data)
    windows = usable_windows(data, operable)
    return data, operable, windows


def hours_of(start, stop):
    return [
        None if np.isnan(a) else (round((a - BASE_MJD) * 24, 9), round((b - BASE_MJD) * 24, 9))
        for a, b in zip(start, stop, strict=True)
    ]


class TestReplay:
    def test_placements_worked_by_hand(self):
        data, _, windows = replay(REPLAY_BLOCKS)
        start, stop, order = place_greedily(data, windows)
        assert order.tolist() == [3, 2, 1, 0, 4]
        assert hours_of(start, stop) == [(5, 6), (1, 2), (2, 3), (3, 4), (6, 8)]

    def test_ids_that_are_not_all_integers_order_as_text(self):
        # "10" < "9" as text, so A goes first and takes [1,2]; B then takes [4.5,5.5] and E
        # finds [0,1], [4,4.5] too short and [5.5,7.5] free.
        blocks = [dict(b) for b in REPLAY_BLOCKS] + [block("x", 0.0, 1)]
        data, _, windows = replay(blocks)
        start, stop, order = place_greedily(data, windows)
        assert order.tolist() == [3, 2, 0, 1, 4, 5]
        assert hours_of(start, stop)[:5] == [(1, 2), (4.5, 5.5), (2, 3), (3, 4), (5.5, 7.5)]
        assert hours_of(start, stop)[5] is None

    def test_order_ties_on_usable_hours_then_id(self):
        order = replay_order(
            np.array([1.0, 1.0, 1.0, 2.0]), np.array([3.0, 2.0, 2.0, 9.0]), ["1", "12", "011", "7"]
        )
        # Priority 2 first; then 2 usable hours before 3; "011" is 11 < 12.
        assert order.tolist() == [3, 2, 1, 0]

    @pytest.mark.parametrize(
        ("ids", "expected"),
        [
            (["12", "7", "011"], [1, 2, 0]),
            (["12", "7", "x"], [0, 1, 2]),
            (["99999999999999999999", "7", "8"], [1, 2, 0]),
            (["99999999999999999999", "7", "x"], [1, 0, 2]),
        ],
    )
    def test_ids_rank_as_numbers_only_when_all_are_integers(self, ids, expected):
        order = replay_order(np.zeros(3), np.zeros(3), ids)
        assert order.tolist() == expected

    def test_blocks_that_cannot_be_placed_and_empty_requests(self):
        blocks = [
            block("1", 5.0, 3, (0, 2)),  # longer than its only window
            block("2", 5.0, 0, (0, 2)),  # nothing to place
            block("3", 5.0, 1, (0, 2)),
        ]
        data, _, windows = replay(blocks)
        start, stop, _ = place_greedily(data, windows)
        assert hours_of(start, stop) == [None, None, (0, 1)]

    @pytest.mark.parametrize("batch", [1, 2, 3])
    def test_batches_of_any_size_give_the_same_replay(self, batch):
        data, _, windows = replay(REPLAY_BLOCKS)
        start, stop, _ = place_greedily(data, windows, batch_blocks=batch)
        assert hours_of(start, stop) == [(5, 6), (1, 2), (2, 3), (3, 4), (6, 8)]


class TestBaseline:
    def test_kpis_and_verdict_against_the_uploaded_schedule(self):
        data, operable, windows = replay(REPLAY_BLOCKS)
        is_scheduled, union = scheduled_periods(data)
        schedule_kpis = compute_kpis(
            data.priority,
            is_scheduled,
            fragment(operable, windows, union),
            operable.hours,
            windows.union_hours,
        )
        baseline = greedy_baseline(data, operable, windows, is_scheduled, schedule_kpis)
        # The upload schedules D and B (2 of 5, 2 h of 10); greedy all five (6 h). Usable
        # windows cover [0,10]. Priority alignment: both capped at 1 (6.5/4.8 and 4.8/4.8).
        # Idle gaps: upload [0,3], [4,4.5], [5.5,10] -> p90 at rank 1.8 of (0.5, 3, 4.5) =
        # 3 + 0.8 * 1.5 = 4.2; greedy [0,1], [4,5], [8,10] -> 1 + 0.8 * 1 = 1.8.
        assert schedule_kpis.components() == pytest.approx(
            {
                "scheduling_rate": 0.4,
                "scheduled_fraction_of_operable": 0.2,
                "visibility_use": 0.2,
                "priority_alignment": 1.0,
                "gap_compactness": 1 - 4.2 / 10,
            }
        )
        assert baseline.kpis.components() == pytest.approx(
            {
                "scheduling_rate": 1.0,
                "scheduled_fraction_of_operable": 0.6,
                "visibility_use": 0.6,
                "priority_alignment": 1.0,
                "gap_compactness": 1 - 1.8 / 10,
            }
        )
        assert (baseline.wins, baseline.ties, baseline.losses) == (0, 1, 4)
        assert baseline.verdict == "beats greedy on 0 of 5 KPIs"
        assert baseline.only_greedy.tolist() == [0, 2, 4]
        assert baseline.only_schedule.tolist() == []
        assert baseline.placed.tolist() == [True] * 5
