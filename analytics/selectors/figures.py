"""A schedule's headline figures as one nested JSON object, and the release gate over them
(DESIGN §13): what ``summarize --json`` prints is exactly what ``--fail-if`` and the gate
endpoint read, by dotted name (``summary.scheduling_rate``, ``kpis.composite``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from analytics.frame_cache import cached_per_schedule
from analytics.gate import Condition, check_conditions, flatten_figures
from analytics.selectors.diagnostics import schedule_diagnostics
from analytics.selectors.overview import schedule_summary
from schedules.models import Schedule
from validation.selectors import validation_counts


def schedule_figures(schedule: Schedule) -> dict:
    """The schedule, its summary, its validation counts and every diagnostic figure, with the
    notes that say what the diagnostics assumed about operable time."""
    return {
        "schedule": {
            "id": schedule.pk,
            "name": schedule.name,
            "version": schedule.version,
            "checksum": schedule.checksum,
            "source_format": schedule.source_format,
            "blocks": schedule.block_count,
        },
        # Everything else belongs to the schedule version: read and computed once.
        **cached_per_schedule("figures", schedule, lambda: _version_figures(schedule)),
    }


def _version_figures(schedule: Schedule) -> dict:
    report = validation_counts(schedule)
    diagnostics = schedule_diagnostics(schedule)
    return {
        "summary": asdict(schedule_summary(schedule)),
        "validation": {
            "blocks_by_status": report.blocks_by_status,
            "issues_by_criticality": report.issues_by_criticality,
            "issues_by_rule": {count.rule: count.blocks for count in report.rule_counts},
        },
        **diagnostics.figures,
        "notes": diagnostics.notes,
    }


@dataclass(frozen=True)
class GateFailure:
    condition: str
    metric: str
    actual: float
    message: str


@dataclass(frozen=True)
class GateOutcome:
    """Whether every condition holds; `values` are the figures the conditions name."""

    passed: bool
    conditions: list[str]
    failures: list[GateFailure]
    values: dict[str, float]


def release_gate(schedule: Schedule, conditions: Sequence[Condition]) -> GateOutcome:
    """Check ``conditions`` against the schedule's figures; raises ``UnknownMetric`` naming
    the known ones when a condition names no figure."""
    figures = schedule_figures(schedule)
    failures = check_conditions(conditions, figures)
    flat = flatten_figures(figures)
    return GateOutcome(
        passed=not failures,
        conditions=[str(condition) for condition in conditions],
        failures=[
            GateFailure(str(f.condition), f.condition.metric, f.actual, f.message) for f in failures
        ],
        values={condition.metric: flat[condition.metric] for condition in conditions},
    )
