"""``manage.py summarize``: a schedule's summary, validation counts and diagnostics, for
operators and pipelines (``--json`` for machines, ``--fail-if`` for release gates)."""

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.diagnostics.kpis import KPI_NAMES
from analytics.management.release_gate import add_fail_if_argument, enforce, parse_fail_if
from analytics.selectors.figures import schedule_figures
from schedules.models import Schedule


class Command(BaseCommand):
    help = (
        "Print a schedule's summary, its validation counts by status and by rule, and its "
        "diagnostics (KPIs, reasons, inversions, pressure, the greedy baseline)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("schedule", help="schedule id, or a name (its latest version)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        add_fail_if_argument(parser)

    def handle(self, *args, **options) -> None:
        conditions = parse_fail_if(options["fail_if"])
        schedule = _find_schedule(options["schedule"])
        result = {**schedule_figures(schedule), "sky": _sky(schedule)}
        if options["json"]:
            self.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
        else:
            self.stdout.write(_as_text(result))
        enforce(schedule, conditions, self.stderr)


def _find_schedule(reference: str) -> Schedule:
    if reference.isdigit():
        schedule = Schedule.objects.filter(pk=int(reference)).first()
    else:
        schedule = Schedule.objects.filter(name=reference).order_by("-version").first()
    if schedule is None:
        raise CommandError(f"No schedule {reference!r} (give an id or a schedule name).")
    return schedule


def _sky(schedule: Schedule) -> dict:
    """Where the site, dark periods and visibility came from, and how computed ones were made."""
    location = None
    if schedule.location_lat_deg is not None:
        location = {
            "lat_deg": schedule.location_lat_deg,
            "lon_deg": schedule.location_lon_deg,
            "height_m": schedule.location_height_m,
        }
    return {
        "site_name": schedule.site_name,
        "location": location,
        "visibility_source": schedule.visibility_source,
        **schedule.sky_model,
    }


def _sky_text(sky: dict) -> list[str]:
    location = sky["location"]
    site = (
        "none"
        if location is None
        else f"{sky['site_name'] or 'from the files'} (lon {location['lon_deg']:.4f}°, "
        f"lat {location['lat_deg']:.4f}°, {location['height_m'] or 0:,.0f} m)"
    )
    dark = sky.get("dark_periods", "-")
    if dark == "computed":
        dark += " (Sun below -18°" + (" and Moon down)" if sky.get("moon") else ", Moon ignored)")
    lines = [
        f"  site {site}",
        f"  dark periods {dark}; visibility {sky['visibility_source']}",
    ]
    if sky.get("method"):
        lines.append(f"  sky model {sky['method']}")
    return lines


def _as_text(result: dict) -> str:
    schedule, summary, validation = result["schedule"], result["summary"], result["validation"]
    lines = [
        f"Schedule {schedule['id']}: {schedule['name']} v{schedule['version']} "
        f"({schedule['source_format']}, {schedule['blocks']:,} blocks)",
        f"  checksum {schedule['checksum']}",
        *_sky_text(result["sky"]),
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
    return "\n".join(lines + _diagnostics_text(result))


def _diagnostics_text(result: dict) -> list[str]:
    kpis, greedy = result["kpis"], result["greedy"]["kpis"]
    lines = ["", "Diagnostics", *(f"  {note}" for note in result["notes"])]
    lines.append(f"  {'KPI':<32} {'schedule':>9} {'greedy':>9}")
    for name in (*KPI_NAMES, "composite"):
        lines.append(f"  {name.replace('_', ' '):<32} {kpis[name]:>9.4f} {greedy[name]:>9.4f}")
    lines.append(f"  The schedule {result['greedy']['verdict']}.")
    lines.append("  Unscheduled blocks by reason")
    lines += [f"    {reason:<32} {count:,}" for reason, count in result["reasons"].items()]
    inversions, gaps = result["inversions"], result["fragmentation"]["gaps"]
    lines.append(
        f"  Priority inversions: {inversions['pairs']:,} pairs, "
        f"{inversions['priority_weighted_hours']:,.1f} priority-weighted hours at stake"
    )
    lines.append(
        f"  Idle gaps: {gaps['count']:,}, median {gaps['median_hours']:.2f} h, "
        f"p90 {gaps['p90_hours']:.2f} h, largest {gaps['largest_hours']:.2f} h"
    )
    pressure = result["pressure"]
    lines.append(
        f"  Nights: {pressure['nights']:,}, {pressure['nights_oversubscribed']:,} "
        f"oversubscribed (max pressure {pressure['max']:.2f})"
    )
    return lines
