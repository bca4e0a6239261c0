"""The downloadable insights report (Markdown and standalone HTML), built from the insights
selector's data so the report says exactly what the page says."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from analytics.selectors import InsightsData
from analytics.tables import (
    Table,
    conflicts_table,
    correlation_table,
    top_blocks_table,
)
from analytics.templatetags.tsi_format import num, percent
from schedules.models import Schedule

ROWS = 50  # per table; the conflicts list can be long


def _sections(data: InsightsData) -> dict[str, Table]:
    return {
        "Correlations (Spearman ρ)": correlation_table(data),
        "Top 10 blocks by priority": top_blocks_table(data.top_by_priority),
        "Top 10 blocks by total visibility": top_blocks_table(data.top_by_visibility),
        "Overlapping scheduled blocks": conflicts_table(data),
    }


def _summary(data: InsightsData) -> list[tuple[str, str]]:
    m = data.metrics
    return [
        ("Blocks analysed", num(m.total_blocks)),
        ("Scheduled", f"{num(m.scheduled_blocks)} ({percent(m.scheduling_rate)})"),
        ("Unscheduled", num(m.unscheduled_blocks)),
        ("Impossible blocks in the schedule", num(m.impossible_blocks)),
        ("Mean priority", num(m.priority_mean)),
        ("Median priority", num(m.priority_median)),
        ("Mean priority, scheduled", num(m.priority_mean_scheduled)),
        ("Mean priority, unscheduled", num(m.priority_mean_unscheduled)),
        ("Priority capture ratio", percent(m.priority_capture_ratio)),
        ("Total visibility (h)", num(m.total_visibility_hours, 1)),
        ("Mean requested time (h)", num(m.mean_requested_hours)),
        ("Scheduled time (h)", num(m.scheduled_hours, 1)),
    ]


def _md_cell(value: str) -> str:
    """Table cells: pipes would split the cell and raw HTML would be rendered."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(cell) for cell in header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def insights_markdown(schedule: Schedule, data: InsightsData) -> str:
    lines = [
        f"# Scheduling report: {_md_cell(schedule.name)} v{schedule.version}",
        "",
        f"Generated {timezone.now():%Y-%m-%d %H:%M} UTC by TSI.",
        "",
        "## Summary",
        "",
        *_md_table(["Metric", "Value"], [list(row) for row in _summary(data)]),
        "",
        "## Findings",
        "",
        *(f"- {_md_cell(finding)}" for finding in data.findings),
    ]
    for title, table in _sections(data).items():
        rows = [[cell.text for cell in row] for row in table.display_rows(table.rows[:ROWS])]
        lines += ["", f"## {title}", ""]
        if rows:
            lines += _md_table(table.header, rows)
            if len(table) > len(rows):
                lines += ["", f"First {len(rows)} of {len(table):,} rows."]
        else:
            lines.append("None.")
    return "\n".join(lines) + "\n"


def insights_html(schedule: Schedule, data: InsightsData) -> str:
    sections = []
    for title, table in _sections(data).items():
        rows = table.display_rows(table.rows[:ROWS])
        sections.append({"title": title, "header": table.header, "rows": rows, "total": len(table)})
    return render_to_string(
        "analytics/insights_report.html",
        {
            "schedule": schedule,
            "generated": timezone.now(),
            "summary": _summary(data),
            "findings": data.findings,
            "sections": sections,
        },
    )
