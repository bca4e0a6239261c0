"""The insights page: headline metrics, findings in words, correlations, top blocks and
conflicts; and the same insights as a Markdown or standalone HTML report."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from analytics.block_frame import BlockFrame
from analytics.forms import BlockFiltersForm
from analytics.pages.legend import VARIABLE_TITLES, status_labels, with_reasons
from analytics.selectors import InsightsData, insights
from analytics.selectors.diagnostics import reasons_by_block_id
from analytics.selectors.insights import CORRELATION_VARIABLES
from analytics.templatetags.tsi_format import num, percent
from schedules.mjd import mjd_to_iso
from schedules.models import Schedule
from tsi_site.web.charts import Empty, new_figure
from tsi_site.web.downloads import download_name
from tsi_site.web.links import block_link
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, ScheduleView, preview
from tsi_site.web.tables import CellLink, Column, Table

DIVERGING_SCALE = "RdBu"
ROWS = 50  # per table of a report; the conflicts list can be long
REPORT_FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


class InsightsPage(ReportPage, page="insights", form=BlockFiltersForm):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent:
        data = insights(schedule, form.filters())
        link = block_link(schedule.pk)
        top_priority = top_blocks_table(data.top_by_priority, link)
        top_visibility = top_blocks_table(data.top_by_visibility, link)
        conflicts = conflicts_table(data, link)
        tops = (data.top_by_priority, data.top_by_visibility)
        reasons = reasons_by_block_id(
            schedule,
            np.concatenate([blocks.block_id for blocks in tops]),
            np.concatenate([blocks.is_scheduled for blocks in tops]),
        )
        split = len(data.top_by_priority)
        top_priority = with_reasons(top_priority, reasons[:split])
        top_visibility = with_reasons(top_visibility, reasons[split:])
        return PageContent(
            {
                "data": data,
                "metrics": data.metrics,
                "top_priority": preview(top_priority),
                "top_visibility": preview(top_visibility),
                "conflicts": preview(conflicts),
            },
            charts=[
                ChartSpec(
                    "correlations",
                    lambda: correlation_figure(data),
                    lambda: correlation_table(data),
                )
            ],
            tables={
                "top-priority": lambda: top_priority,
                "top-visibility": lambda: top_visibility,
                "conflicts": lambda: conflicts,
            },
        )


class InsightsReport(ScheduleView):
    """The insights as a Markdown or standalone HTML document, for the current filters."""

    form_class = BlockFiltersForm
    extension: str = "md"

    def respond(self, request, schedule, form) -> HttpResponse:
        data = insights(schedule, form.filters())
        render_report = insights_markdown if self.extension == "md" else insights_html
        response = HttpResponse(
            render_report(schedule, data), content_type=REPORT_FORMATS[self.extension]
        )
        filename = download_name(schedule, "insights-report", self.extension)
        # The HTML report reads in the browser; Markdown, or ?download=1, saves a file.
        inline = self.extension == "html" and not request.GET.get("download")
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        return response


def correlation_figure(data: InsightsData) -> go.Figure | Empty:
    if data.metrics.total_blocks < 2:
        return Empty("Correlations need at least two blocks.")
    titles = [VARIABLE_TITLES[name] for name in CORRELATION_VARIABLES]
    matrix = data.correlation_matrix
    text = [
        ["" if value is None else f"{round(value, 2) + 0.0:.2f}" for value in row] for row in matrix
    ]
    figure = new_figure(height=440, margin={"l": 150, "r": 100})  # names, colour bar
    figure.add_trace(
        go.Heatmap(
            z=matrix,
            x=titles,
            y=titles,
            text=text,
            texttemplate="%{text}",
            colorscale=DIVERGING_SCALE,
            zmid=0,
            zmin=-1,
            zmax=1,
            colorbar={"title": {"text": "ρ"}, "thickness": 14},
            hovertemplate="%{y} vs %{x}: ρ = %{z:.3f}<extra></extra>",
            hoverongaps=False,
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(showgrid=False)
    figure.update_yaxes(showgrid=False)
    return figure


def correlation_table(data: InsightsData) -> Table:
    titles = [VARIABLE_TITLES[name] for name in CORRELATION_VARIABLES]
    return Table(
        (Column("Variable"), *(Column(title, 3) for title in titles)),
        [(title, *row) for title, row in zip(titles, data.correlation_matrix, strict=True)],
    )


def top_blocks_table(blocks: BlockFrame, link: CellLink | None = None) -> Table:
    return Table(
        (
            Column("Block ID", link=link),
            Column("Name", wrap=True),
            Column("Priority", 2),
            Column("Visibility (h)", 2),
            Column("Requested (h)", 2),
            Column("Status"),
        ),
        list(
            zip(
                blocks.source_block_id.tolist(),
                blocks.display_name.tolist(),
                blocks.priority.tolist(),
                blocks.total_visibility_hours.tolist(),
                blocks.requested_hours.tolist(),
                status_labels(blocks.is_scheduled),
                strict=True,
            )
        ),
    )


def conflicts_table(data: InsightsData, link: CellLink | None = None) -> Table:
    conflicts = data.conflicts
    starts_a = mjd_to_iso(np.array([c.start_a_mjd for c in conflicts]))
    stops_a = mjd_to_iso(np.array([c.stop_a_mjd for c in conflicts]))
    starts_b = mjd_to_iso(np.array([c.start_b_mjd for c in conflicts]))
    stops_b = mjd_to_iso(np.array([c.stop_b_mjd for c in conflicts]))
    return Table(
        (
            Column("Block A", link=link),
            Column("Block B", link=link),
            Column("A start (UTC)", utc=True),
            Column("A stop (UTC)", utc=True),
            Column("B start (UTC)", utc=True),
            Column("B stop (UTC)", utc=True),
            Column("Overlap (h)", 3),
        ),
        [
            (c.block_a, c.block_b, start_a, stop_a, start_b, stop_b, c.overlap_hours)
            for c, start_a, stop_a, start_b, stop_b in zip(
                conflicts, starts_a, stops_a, starts_b, stops_b, strict=True
            )
        ],
    )


# --- The report ------------------------------------------------------------------------------


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
