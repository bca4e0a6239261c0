"""The lineage page: every version of the schedule's name and, step by step, how many blocks
were added, removed, newly scheduled or unscheduled, retimed or given another priority, and
the share of blocks that changed (DESIGN §14)."""

from __future__ import annotations

import plotly.graph_objects as go
from django.urls import reverse

from analytics.pages.legend import CHANGE_COLOURS, CHANGE_TITLES
from analytics.selectors.lineage import LineageData, lineage_report
from tsi_site.web.charts import new_figure
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage
from tsi_site.web.tables import Column, Table

CHURN_COLOUR = "#000000"
CURRENT_BAND = "rgba(0, 114, 178, 0.08)"


class LineagePage(ReportPage, page="lineage"):
    def content(self, request, schedule, form) -> PageContent:
        data = lineage_report(schedule)
        steps = steps_table(data)
        return PageContent(
            {
                "data": data,
                "steps_header": steps.page_header,
                "steps": [
                    {"cells": cells, "current": current_step(data, index)}
                    for index, cells in enumerate(steps.display_rows(page_columns=True))
                ],
                "versions": version_rows(data),
                "version_note": f"this is v{data.current_version}",
            },
            # One version has no steps: no chart, but the (empty) CSV still answers.
            charts=[ChartSpec("steps", lambda: steps_figure(data), lambda: steps)]
            if data.steps
            else [],
            tables={"steps": lambda: steps, "versions": lambda: versions_table(data)},
        )


def step_label(from_version: int, to_version: int) -> str:
    return f"v{from_version} → v{to_version}"


def current_step(data: LineageData, index: int) -> bool:
    """A step the shown schedule takes part in."""
    step = data.steps[index]
    return data.current_version in (step.from_version, step.to_version)


def steps_figure(data: LineageData) -> go.Figure:
    labels = [step_label(step.from_version, step.to_version) for step in data.steps]
    figure = new_figure(height=420, barmode="group", hovermode="x unified")
    for name, title in CHANGE_TITLES.items():
        figure.add_trace(
            go.Bar(
                x=labels,
                y=[getattr(step, name) for step in data.steps],
                name=title,
                marker={"color": CHANGE_COLOURS[name]},
                hovertemplate=f"{title}: %{{y:,}}<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[step.churn_rate for step in data.steps],
            name="Churn rate",
            yaxis="y2",
            mode="lines+markers",
            line={"color": CHURN_COLOUR, "width": 2},
            hovertemplate="Churn rate: %{y:.1%}<extra></extra>",
        )
    )
    # The steps into and out of the shown version, shaded.
    shapes = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": index - 0.5,
            "x1": index + 0.5,
            "y0": 0,
            "y1": 1,
            "fillcolor": CURRENT_BAND,
            "line": {"width": 0},
            "layer": "below",
        }
        for index in range(len(data.steps))
        if current_step(data, index)
    ]
    figure.update_xaxes(title_text="Step", type="category")
    figure.update_yaxes(title_text="Blocks", rangemode="tozero")
    figure.update_layout(
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "title": {"text": "Churn rate"},
            "tickformat": ".0%",
            "tickmode": "auto",  # its own round ticks, not aligned with the counts' grid
            # Room above the highest point, so that it does not sit on the frame.
            "range": [0, max(step.churn_rate for step in data.steps) * 1.15 or 1.0],
            "showgrid": False,
        },
        shapes=shapes,
        legend={"traceorder": "normal"},
    )
    return figure


def steps_table(data: LineageData) -> Table:
    return Table(
        (
            Column("Step"),
            Column("From version", page=False),
            Column("To version", page=False),
            *(Column(title) for title in CHANGE_TITLES.values()),
            Column("Blocks in either"),
            Column("Churn rate", 4),
        ),
        [
            (
                step_label(step.from_version, step.to_version),
                step.from_version,
                step.to_version,
                *(getattr(step, name) for name in CHANGE_TITLES),
                step.blocks,
                step.churn_rate,
            )
            for step in data.steps
        ],
        cell_format=lambda row, index: f"{row[index]:.1%}" if index == len(row) - 1 else None,
    )


def versions_table(data: LineageData) -> Table:
    return Table(
        (
            Column("Version"),
            Column("Schedule id"),
            Column("Uploaded (UTC)", utc=True),
            Column("Blocks"),
            Column("Scheduled blocks"),
            Column("Shown"),
        ),
        [
            (
                version.version,
                version.schedule_id,
                version.uploaded_at,
                version.blocks,
                version.scheduled_blocks,
                version.is_current,
            )
            for version in data.versions
        ],
    )


def version_rows(data: LineageData) -> list[dict]:
    """The versions as the page lists them: each linked to its overview and lineage."""
    return [
        {
            "version": version,
            "overview": reverse("analytics:overview", args=[version.schedule_id]),
            "lineage": reverse("analytics:lineage", args=[version.schedule_id]),
            "uploaded": version.uploaded_at.replace("T", " ").removesuffix("Z")[:16],
        }
        for version in data.versions
    ]
