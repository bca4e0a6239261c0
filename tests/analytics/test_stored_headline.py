"""The headline stored with each summary at ingest (the KPIs beside the greedy baseline's,
hours per time-use class) is exactly what the diagnostics compute from the stored blocks, so
the overview and the compare read it instead of computing every diagnostic."""

from __future__ import annotations

import pytest

from analytics.models import ScheduleSummary
from analytics.selectors.diagnostics import fragmentation, schedule_diagnostics, schedule_kpis
from tests.analytics.diagnostics_schedule import store_why_schedule

pytestmark = pytest.mark.django_db


def test_the_stored_comparison_is_the_diagnostics(store_schedule, data_source):
    schedule = store_why_schedule(store_schedule)
    computed = schedule_diagnostics(schedule).kpis
    stored = schedule_kpis(schedule)
    assert stored == computed  # floats survive the JSON column exactly
    summary = ScheduleSummary.objects.get(schedule=schedule)
    assert summary.time_use_hours == pytest.approx(fragmentation(schedule).hours)


def test_the_overview_reads_no_diagnostics_on_etl(store_schedule, monkeypatch):
    schedule = store_why_schedule(store_schedule)
    expected = schedule_diagnostics(schedule).kpis

    def refuse(_schedule):
        raise AssertionError("the diagnostics were computed")

    monkeypatch.setattr("analytics.selectors.diagnostics.schedule_diagnostics", refuse)
    assert schedule_kpis(schedule).greedy == expected.greedy


def test_an_older_summary_falls_back_to_the_diagnostics(store_schedule):
    schedule = store_why_schedule(store_schedule)
    ScheduleSummary.objects.filter(schedule=schedule).update(kpi_comparison={})
    assert schedule_kpis(schedule) == schedule_diagnostics(schedule).kpis
