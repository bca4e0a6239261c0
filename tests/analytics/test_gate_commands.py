"""``summarize --json`` prints every diagnostic figure, and ``--fail-if`` on ``summarize`` and
``ingest`` gates a release on them: exit 3 naming each condition that does not hold, exit 2
for a condition that cannot be read or names no figure."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connections

from analytics.diagnostics.reasons import REASONS
from analytics.gate import flatten_figures
from analytics.selectors.diagnostics import DiagnosticsFilters, diagnostics, fragmentation
from analytics.selectors.figures import schedule_figures
from schedules.formats import export_native
from schedules.models import Schedule
from schedules.synthetic import generate_schedule_data
from tests.analytics.diagnostics_schedule import store_why_schedule
from tests.analytics.factories import make_schedule_data

FIGURE_SECTIONS = (
    "schedule", "summary", "validation", "operable", "fragmentation", "reasons", "blockers",
    "inversions", "pressure", "kpis", "greedy", "notes",
)  # fmt: skip


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        run(*args)
    return caught.value


@pytest.fixture
def why(store_schedule) -> Schedule:
    return store_why_schedule(store_schedule)


def test_summarize_json_prints_every_diagnostic_figure(why, data_source):
    printed = json.loads(run("summarize", str(why.pk), "--json")[0])
    figures = json.loads(json.dumps(schedule_figures(why)))
    assert tuple(figures) == FIGURE_SECTIONS
    assert {section: printed[section] for section in FIGURE_SECTIONS} == figures
    assert printed["reasons"] == dict.fromkeys(REASONS, 1)
    data = diagnostics(why, DiagnosticsFilters())
    assert printed["kpis"]["composite"] == data.kpis.schedule.composite
    assert printed["summary"]["composite_score"] == pytest.approx(data.kpis.schedule.composite)
    assert printed["greedy"]["verdict"] == data.kpis.verdict
    assert printed["inversions"]["pairs"] == data.inversion_pairs
    assert printed["fragmentation"]["gaps"]["p90_hours"] == fragmentation(why).gaps.p90_hours
    assert printed["notes"] == data.notes


def test_summarize_text_ends_with_the_diagnostics(why):
    text = run("summarize", str(why.pk))[0]
    assert "Diagnostics" in text
    assert "Operable time = the dark periods given" in text
    assert f"The schedule {diagnostics(why, DiagnosticsFilters()).kpis.verdict}." in text
    assert "blocked" in text and "Priority inversions: 1 pairs" in text


@pytest.mark.parametrize(
    ("passes", "fails"),
    [
        ("reasons.blocked < 2", "reasons.blocked < 1"),
        ("reasons.blocked <= 1", "reasons.blocked <= 0.5"),
        ("summary.total_blocks > 7", "summary.total_blocks > 8"),
        ("summary.scheduling_rate >= 25%", "summary.scheduling_rate >= 25.1%"),
        ("inversions.pairs == 1", "inversions.pairs == 0"),
        ("blockers.pairs != 0", "blockers.pairs != 1"),
    ],
)
def test_every_operator_passes_and_fails(why, passes, fails):
    _, err = run("summarize", str(why.pk), "--fail-if", passes)
    assert err == ""
    error = refused("summarize", str(why.pk), "--fail-if", passes, "--fail-if", fails)
    assert error.returncode == 3
    assert "1 of 2 conditions failed" in str(error)


def test_each_failed_condition_gets_one_line(why):
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "summarize",
            str(why.pk),
            "--fail-if=kpis.composite >= 0.99",
            "--fail-if=reasons.feasible_free == 0",
            "--fail-if=summary.total_blocks == 8",
            stdout=StringIO(),
            stderr=err,
        )
    assert caught.value.returncode == 3
    lines = err.getvalue().splitlines()
    composite = flatten_figures(schedule_figures(why))["kpis.composite"]
    assert lines == [
        f"Failed: kpis.composite = {composite:.6g}, expected >= 0.99",
        "Failed: reasons.feasible_free = 1, expected == 0",
    ]


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        ("kpis.composite is high", "expected METRIC OP VALUE"),
        ("kpis.composite >= much", "cannot read the value"),
        ("kpis.compsite >= 0.5", "did you mean kpis.composite"),
        ("nothing.like.this > 1", "known metrics: blockers.blocked_blocks, blockers.pairs"),
        ("nothing.like.this > 1", "--json` prints every figure"),
    ],
)
def test_unreadable_conditions_and_unknown_metrics_are_usage_errors(why, condition, words):
    error = refused("summarize", str(why.pk), "--fail-if", condition)
    assert error.returncode == 2
    assert words in str(error)


def test_the_process_exits_3_and_2(why, capsys, monkeypatch):
    """Through ``manage.py``'s own entry point, as a CI job runs it."""
    # The entry point closes every connection when the command ends; the test's transaction
    # lives on one of them, so it stays open here.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    for condition, code in (("inversions.pairs == 0", 3), ("no.such > 0", 2)):
        utility = ManagementUtility(["manage.py", "summarize", str(why.pk), "--fail-if", condition])
        with pytest.raises(SystemExit) as exited:
            utility.execute()
        assert exited.value.code == code
    assert "Failed: inversions.pairs = 1, expected == 0" in capsys.readouterr().err


def test_ingest_gates_the_schedule_it_stored(tmp_path, db):
    path = tmp_path / "night.json"
    path.write_bytes(
        export_native(make_schedule_data([dict(priority=3.0), dict(priority=5.0)]), "night")
    )
    out, _ = run("ingest", str(path), "--fail-if", "summary.total_blocks == 2")
    assert "Ingested schedule" in out
    error = refused("ingest", str(path), "--fail-if", "summary.scheduled_blocks >= 1")
    assert error.returncode == 3
    assert Schedule.objects.count() == 1  # the gate judges; it does not undo the ingest
    assert refused("ingest", str(path), "--dry-run", "--fail-if", "x > 1").returncode == 2
    assert refused("ingest", str(path), "--fail-if", "x >>= 1").returncode == 2


@pytest.mark.slow
def test_a_real_size_schedule_is_gated_on_ingest(tmp_path, db):
    """2,650 blocks × ~260 visibility periods, the size of a real schedule."""
    data = generate_schedule_data(blocks=2650, periods_per_block=260, seed=2650)
    path = tmp_path / "real.json"
    path.write_bytes(export_native(data, "real size"))
    error = refused(
        "ingest",
        str(path),
        "--json",
        "--fail-if",
        "summary.total_blocks == 2650",
        "--fail-if",
        "kpis.composite > 0",
        "--fail-if",
        "fragmentation.gaps.count == 0",
    )
    assert error.returncode == 3
    assert "1 of 3 conditions failed" in str(error)
    schedule = Schedule.objects.get(name="real size")
    figures = flatten_figures(schedule_figures(schedule))
    assert figures["summary.total_blocks"] == 2650
    assert figures["fragmentation.gaps.count"] > 0
    assert figures["kpis.composite"] == pytest.approx(figures["summary.composite_score"])
