"""``manage.py summarize``: a schedule's summary and validation counts, for operators and
pipelines (``--json`` for machines)."""

from collections import Counter
from dataclasses import asdict

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.selectors import schedule_summary
from schedules.models import Schedule
from validation.selectors import validation_counts


class Command(BaseCommand):
    help = "Print a schedule's summary and its validation counts by status and by rule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("schedule", help="schedule id, or a name (its latest version)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        schedule = _find_schedule(options["schedule"])
        summary = asdict(schedule_summary(schedule))
        report = validation_counts(schedule)
        by_rule = Counter()
        for count in report.rule_counts:
            by_rule[count.rule] = count.blocks
        result = {
            "schedule": {
                "id": schedule.pk,
                "name": schedule.name,
                "version": schedule.version,
                "checksum": schedule.checksum,
                "source_format": schedule.source_format,
                "blocks": schedule.block_count,
            },
            "summary": summary,
            "validation": {
                "blocks_by_status": report.blocks_by_status,
                "issues_by_criticality": report.issues_by_criticality,
                "issues_by_rule": dict(by_rule),
            },
        }
        if options["json"]:
            self.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
            return
        self.stdout.write(_as_text(result))


def _find_schedule(reference: str) -> Schedule:
    if reference.isdigit():
        schedule = Schedule.objects.filter(pk=int(reference)).first()
    else:
        schedule = Schedule.objects.filter(name=reference).order_by("-version").first()
    if schedule is None:
        raise CommandError(f"No schedule {reference!r} (give an id or a schedule name).")
    return schedule


def _as_text(result: dict) -> str:
    schedule, summary, validation = result["schedule"], result["summary"], result["validation"]
    lines = [
        f"Schedule {schedule['id']}: {schedule['name']} v{schedule['version']} "
        f"({schedule['source_format']}, {schedule['blocks']:,} blocks)",
        f"  checksum {schedule['checksum']}",
        "",
        "Summary",
    ]
    for key, value in summary.items():
        if key == "correlations":
            continue
        shown = f"{value:,.4f}" if isinstance(value, float) else "-" if value is None else value
        lines.append(f"  {key.replace('_', ' '):<28} {shown}")
    lines.append("  Spearman correlations")
    for pair in summary["correlations"]:
        rho = "undefined" if pair["rho"] is None else f"{pair['rho']:+.3f}"
        lines.append(f"    {pair['x']} × {pair['y']}: {rho}")
    lines += ["", "Validation (blocks by status)"]
    by_status = validation["blocks_by_status"]
    lines += [f"  {status:<12} {count:,}" for status, count in by_status.items()]
    if validation["issues_by_rule"]:
        lines += ["", "Issues by rule"]
        lines += [f"  {rule:<40} {count:,}" for rule, count in validation["issues_by_rule"].items()]
    return "\n".join(lines)
