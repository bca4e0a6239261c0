import dataclasses
import json

import numpy as np
import pytest

from analytics.diagnostics.report import diagnose
from analytics.gate import check_conditions
from tests.analytics.diagnostics.test_greedy import REPLAY_BLOCKS, at
from tests.analytics.factories import make_schedule_data


def replay_schedule(**fields):
    fields.setdefault("period_start_mjd", at(0))
    fields.setdefault("period_end_mjd", at(10))
    return make_schedule_data(REPLAY_BLOCKS, **fields)


class TestDiagnose:
    def test_without_dark_periods_every_result_says_the_period_is_operable(self):
        result = diagnose(replay_schedule())
        bases = [
            getattr(result, field.name).basis
            for field in dataclasses.fields(result)
            if hasattr(getattr(result, field.name), "basis")
        ]
        assert len(bases) == len(dataclasses.fields(result)) - 1  # all but the KPIs
        assert all(basis.all_operable for basis in bases)
        assert result.figures()["operable"]["all_operable"] is True
        assert result.operable.hours == pytest.approx(10.0)

    def test_computed_dark_periods_are_used_when_given(self):
        result = diagnose(replay_schedule(), dark_periods=np.array([[at(0), at(5)]]))
        assert not result.operable.basis.all_operable
        assert result.operable.hours == pytest.approx(5.0)
        assert result.pressure.night_operable_hours.tolist() == pytest.approx([5.0])

    def test_error_flags_reach_the_reasons(self):
        data = replay_schedule()
        flags = np.zeros(data.block_count, dtype=bool)
        flags[0] = True
        assert diagnose(data).reasons.names()[0] == "feasible_free"
        assert diagnose(data, flags).reasons.names()[0] == "other_validation_issue"

    def test_figures_are_json_and_feed_the_gate(self):
        figures = diagnose(replay_schedule()).figures()
        assert json.loads(json.dumps(figures)) == figures
        assert figures["greedy"]["verdict"] == "beats greedy on 0 of 5 KPIs"
        failures = check_conditions(["kpis.composite >= 0.9", "greedy.losses < 5"], figures)
        assert [f.condition.metric for f in failures] == ["kpis.composite"]

    def test_an_empty_schedule(self):
        result = diagnose(make_schedule_data([]))
        assert result.kpis.composite == 0.0
        assert json.dumps(result.figures())
