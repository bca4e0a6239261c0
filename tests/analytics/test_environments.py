"""Environments (DESIGN §14): grouping by structure fingerprint at ingest, and the ranking by
composite KPI with deltas against a baseline, pinned on three hand-computed runs."""

from __future__ import annotations

import pytest

from analytics.selectors.environments import (
    RANKED_FIGURES,
    NotAMember,
    environment_list,
    environment_ranking,
)
from schedules.models import Environment, SchedulingBlock
from schedules.pipeline.environments import choose_baseline, rename_environment
from schedules.pipeline.refresh import refresh_analytics
from tests.analytics.environment_runs import EXPECTED, NIGHT, run_blocks, store_runs

pytestmark = pytest.mark.django_db


def test_runs_of_one_problem_share_an_environment_named_after_the_first(store_schedule):
    runs = store_runs(store_schedule)
    environments = {run.environment_id for run in runs.values()}
    assert len(environments) == 1
    environment = Environment.objects.get()
    assert environment.name == "run none"
    assert environment.fingerprint == runs["two"].structure_fingerprint
    assert len(environment.fingerprint) == 64


def test_priorities_do_not_change_the_problem_but_constraints_do(store_schedule):
    first = store_schedule(run_blocks(1), NIGHT, name="first")
    reweighted = store_schedule(run_blocks(2, priority=9.0), NIGHT, name="reweighted")
    stricter = store_schedule(run_blocks(1, min_alt_deg=40.0), NIGHT, name="stricter")
    assert reweighted.environment_id == first.environment_id
    assert stricter.environment_id != first.environment_id
    assert Environment.objects.count() == 2


def test_an_edit_that_changes_the_structure_moves_the_schedule_and_drops_an_empty_group(
    store_schedule,
):
    alone = store_schedule(run_blocks(1, min_alt_deg=40.0, priority=7.0), NIGHT, name="alone")
    runs = store_runs(store_schedule, order=("one",))
    SchedulingBlock.objects.filter(schedule=alone).update(min_alt_deg=30.0)
    refresh_analytics(alone)
    alone.refresh_from_db()
    assert alone.environment_id == runs["one"].environment_id
    assert Environment.objects.count() == 1


def test_the_ranking_is_by_composite_with_deltas_against_the_first_upload(store_schedule):
    runs = store_runs(store_schedule)
    ranking = environment_ranking(runs["none"].environment)
    assert [m.schedule.name for m in ranking.ranked] == ["run two", "run one", "run none"]
    assert [m.rank for m in ranking.ranked] == [1, 2, 3]
    assert [m.upload_order for m in ranking.ranked] == [3, 2, 1]
    assert ranking.baseline == runs["none"]
    by_name = {m.schedule.name.removeprefix("run "): m for m in ranking.ranked}
    for run, expected in EXPECTED.items():
        assert by_name[run].figures == pytest.approx(expected)
        assert by_name[run].deltas == pytest.approx(expected)  # the baseline's are all 0
    assert [m.is_baseline for m in ranking.ranked] == [False, False, True]
    assert [m.schedule.name for m in ranking.in_upload_order] == [
        "run none",
        "run one",
        "run two",
    ]
    assert ranking.missing_kpis == 0


def test_another_baseline_moves_every_delta(store_schedule):
    runs = store_runs(store_schedule)
    ranking = environment_ranking(runs["none"].environment, baseline_id=runs["two"].pk)
    one = next(m for m in ranking.ranked if m.schedule == runs["one"])
    assert one.deltas["composite"] == pytest.approx(0.3 - 0.4)
    assert one.deltas["scheduling_rate"] == pytest.approx(-0.25)
    assert one.deltas["priority_alignment"] == 0.0


def test_a_kept_baseline_is_used_unless_another_is_asked_for(store_schedule):
    runs = store_runs(store_schedule)
    environment = runs["one"].environment
    choose_baseline(environment, runs["one"])
    assert environment_ranking(environment).baseline == runs["one"]
    asked = environment_ranking(environment, baseline_id=runs["none"].pk)
    assert asked.baseline == runs["none"]
    choose_baseline(environment, None)
    assert environment_ranking(environment).baseline == runs["none"]


def test_a_baseline_outside_the_environment_is_refused(store_schedule):
    runs = store_runs(store_schedule)
    other = store_schedule(run_blocks(0, min_alt_deg=40.0), NIGHT, name="other")
    with pytest.raises(NotAMember, match=f"Schedule {other.pk} is not in the environment"):
        environment_ranking(runs["one"].environment, baseline_id=other.pk)
    with pytest.raises(ValueError, match="is not in the environment"):
        choose_baseline(runs["one"].environment, other)


def test_equal_composites_share_a_rank_and_keep_upload_order(store_schedule):
    first = store_schedule(run_blocks(1), NIGHT, name="first")
    # The same outcome with another block scheduled: the same figures.
    same = run_blocks(0)
    same[3]["scheduled"] = run_blocks(1)[0]["scheduled"]
    second = store_schedule(same, NIGHT, name="second")
    third = store_schedule(run_blocks(2), NIGHT, name="third")
    ranking = environment_ranking(first.environment)
    assert [(m.schedule.name, m.rank) for m in ranking.ranked] == [
        ("third", 1),
        ("first", 2),
        ("second", 2),
    ]
    assert second.environment_id == third.environment_id


def test_schedules_without_stored_kpis_come_last_unranked(store_schedule):
    runs = store_runs(store_schedule)
    runs["two"].summary.__class__.objects.filter(schedule=runs["two"]).update(
        composite_score=None, visibility_use=None
    )
    ranking = environment_ranking(runs["one"].environment)
    assert [(m.schedule.name, m.rank) for m in ranking.ranked] == [
        ("run one", 1),
        ("run none", 2),
        ("run two", None),
    ]
    last = ranking.ranked[-1]
    assert last.figures["composite"] is None and last.deltas["composite"] is None
    assert last.deltas["scheduling_rate"] == pytest.approx(0.5)
    assert ranking.missing_kpis == 1


def test_the_list_counts_schedules_and_finds_members_by_name(store_schedule):
    store_runs(store_schedule)
    store_schedule(run_blocks(0, min_alt_deg=40.0), NIGHT, name="lonely")
    listed = {e.name: e for e in environment_list()}
    assert listed["run none"].schedule_count == 3
    assert listed["run none"].best_composite == pytest.approx(0.4)
    assert listed["lonely"].schedule_count == 1
    assert [e.name for e in environment_list("two")] == ["run none"]
    assert [e.name for e in environment_list("LONE")] == ["lonely"]


def test_renaming_keeps_the_group(store_schedule):
    runs = store_runs(store_schedule)
    environment = rename_environment(runs["one"].environment, "Semester A runs")
    assert Environment.objects.get(pk=environment.pk).name == "Semester A runs"
    assert set(RANKED_FIGURES) == set(EXPECTED["one"])
