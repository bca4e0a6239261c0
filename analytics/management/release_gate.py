"""``--fail-if`` for the management commands (DESIGN §13): conditions a schedule must meet,
checked against the figures of ``summarize --json`` so that a scheduler's CI can stop a
release that schedules worse.

Exit codes: 3 when a condition does not hold (one line per failed condition on stderr), 2 for
a usage error (a condition that cannot be read, or one naming no figure, with the known ones).
"""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser, OutputWrapper

from analytics.gate import Condition, MalformedCondition, UnknownMetric, parse_condition
from schedules.models import Schedule

EXIT_GATE_FAILED = 3
EXIT_USAGE = 2


def add_fail_if_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--fail-if",
        action="append",
        default=[],
        metavar='"METRIC OP VALUE"',
        help="a condition the schedule must meet, on any figure of `summarize --json` by its "
        "dotted name, e.g. 'kpis.composite >= 0.5' or 'reasons.feasible_free <= 10' (OP is "
        "one of < <= > >= == !=; VALUE a number or a percentage); repeatable. Exits 3 naming "
        "each condition that does not hold",
    )


def parse_fail_if(texts: list[str]) -> list[Condition]:
    """Every condition read before any work is done, so a typo costs nothing."""
    try:
        return [parse_condition(text) for text in texts]
    except MalformedCondition as error:
        raise CommandError(str(error), returncode=EXIT_USAGE) from None


def enforce(schedule: Schedule, conditions: list[Condition], stderr: OutputWrapper) -> None:
    """Raise ``CommandError`` (exit 3) after one line per failed condition on ``stderr``."""
    if not conditions:
        return
    # Imported here: the selectors cost an ingest without --fail-if 0.2 s of start-up.
    from analytics.selectors.figures import release_gate

    try:
        outcome = release_gate(schedule, conditions)
    except UnknownMetric as error:
        raise CommandError(
            f"{error} (`manage.py summarize {schedule.pk} --json` prints every figure)",
            returncode=EXIT_USAGE,
        ) from None
    for failure in outcome.failures:
        stderr.write(f"Failed: {failure.message}")
    if not outcome.passed:
        raise CommandError(
            f"{len(outcome.failures)} of {len(conditions)} conditions failed for schedule "
            f"{schedule.pk} ({schedule.name} v{schedule.version}).",
            returncode=EXIT_GATE_FAILED,
        )
