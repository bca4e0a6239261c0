"""The compare page: a schedule against another (by default the previous version of its name),
blocks matched on their source block id."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from analytics.block_frame import BlockFrame
from analytics.forms import CompareForm
from analytics.pages.legend import VARIABLE_TITLES, status_labels, with_reasons
from analytics.selectors import CompareData, compare
from analytics.selectors.compare import BlockChange
from analytics.selectors.diagnostics import SCHEDULED_LABEL, reasons_by_source_id
from analytics.statistics import histogram_edges
from schedules.mjd import mjd_to_iso
from schedules.selectors import schedule_versions
from tsi_site.web.charts import Empty, new_figure
from tsi_site.web.links import block_link
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, preview
from tsi_site.web.tables import CellLink, Column, Table, missing

COMPARE_COLOURS = {"A": "#E69F00", "B": "#0072B2"}


class ComparePage(ReportPage, page="compare"):
    def get_form(self, request, schedule) -> CompareForm:
        # Not schedule_overview(): it would also read the summary (legacy: transform every block).
        self.previous = schedule_versions(schedule).filter(version__lt=schedule.version).first()
        return CompareForm(
            request.GET if "other" in request.GET else None,
            schedule=schedule,
            initial_other=self.previous,
        )

    def context(self, schedule, form) -> dict:
        return super().context(schedule, form) | {"previous": self.previous}

    def content(self, request, schedule, form) -> PageContent:
        other = form.cleaned_data["other"] if form.is_bound else self.previous
        fractions = form.is_bound and form.cleaned_data["fractions"]
        if other is None:
            return PageContent()
        data = compare(other, schedule)
        metrics = compare_metrics_table(data)
        # Blocks of A link to the other schedule's pages; the rest to this one's (B).
        link_a, link_b = block_link(other.pk), block_link(schedule.pk)
        only_a = only_in_table(data.only_in_a_blocks, link_a)
        only_b = only_in_table(data.only_in_b_blocks, link_b)
        newly_scheduled = block_changes_table(data.newly_scheduled, sides="B", link=link_b)
        newly_unscheduled = block_changes_table(data.newly_unscheduled, sides="A", link=link_b)
        retimed = block_changes_table(data.retimed, link=link_b)
        # Why a block is unscheduled, on the side where it is (A is the other schedule).
        only_a = with_reasons(
            only_a, reasons_by_source_id(other, only_a.column("Block ID")), "Reason in A"
        )
        only_b = with_reasons(
            only_b, reasons_by_source_id(schedule, only_b.column("Block ID")), "Reason in B"
        )
        newly_scheduled = with_reasons(
            newly_scheduled,
            reasons_by_source_id(other, newly_scheduled.column("Block ID")),
            "Reason in A",
        )
        newly_unscheduled = with_reasons(
            newly_unscheduled,
            reasons_by_source_id(schedule, newly_unscheduled.column("Block ID")),
            "Reason in B",
        )
        retimed = with_reasons(retimed, [SCHEDULED_LABEL] * len(retimed))
        return PageContent(
            {
                "other": other,
                "data": data,
                "metrics": preview(metrics),
                "only_in_a": preview(only_a),
                "only_in_b": preview(only_b),
                "newly_scheduled": preview(newly_scheduled),
                "newly_unscheduled": preview(newly_unscheduled),
                "retimed": preview(retimed),
            },
            charts=[
                ChartSpec(
                    "scheduled-priority",
                    lambda: compare_priority_figure(data, fractions),
                    lambda: compare_values_table(data, "scheduled_priorities", "Priority", 2),
                ),
                ChartSpec(
                    "scheduled-requested",
                    lambda: compare_requested_figure(data),
                    lambda: compare_values_table(
                        data, "scheduled_requested_hours", "Requested (h)", 2
                    ),
                ),
            ],
            tables={
                "metrics": lambda: metrics,
                "only-in-a": lambda: only_a,
                "only-in-b": lambda: only_b,
                "newly-scheduled": lambda: newly_scheduled,
                "newly-unscheduled": lambda: newly_unscheduled,
                "retimed": lambda: retimed,
            },
        )


def _side_label(data: CompareData, side: str) -> str:
    schedule = data.a if side == "A" else data.b
    return f"{side}: {schedule.name} v{schedule.version}"


def compare_priority_figure(data: CompareData, fractions: bool = False) -> go.Figure | Empty:
    """Scheduled priorities of both sides in shared bins snapped to the priorities' resolution;
    as counts, or as fractions of each side's scheduled blocks (sides of different sizes)."""
    a, b = data.a.scheduled_priorities, data.b.scheduled_priorities
    if not a and not b:
        return Empty("Neither schedule has scheduled blocks.")
    edges = histogram_edges(np.asarray(a + b, dtype=np.float64), 30)
    bins = {"start": float(edges[0]), "end": float(edges[-1]), "size": float(edges[1] - edges[0])}
    unit = "share of its scheduled blocks" if fractions else "blocks"
    # Side by side in shared bins: overlaid translucent bars would mix into a third colour
    # that the legend does not show.
    figure = new_figure(height=380, barmode="group", bargap=0.12, bargroupgap=0.0)
    for side, values in (("A", a), ("B", b)):
        figure.add_trace(
            go.Histogram(
                x=np.asarray(values),
                name=html.escape(_side_label(data, side), quote=False),
                xbins=bins,
                histnorm="probability" if fractions else "",
                marker_color=COMPARE_COLOURS[side],
                hovertemplate=f"Priority %{{x}}: %{{y}} {unit}<extra>{side}</extra>",
            )
        )
    figure.update_xaxes(title_text="Priority")
    figure.update_yaxes(
        title_text="Share of scheduled blocks" if fractions else "Scheduled blocks",
        tickformat=".0%" if fractions else "",
    )
    return figure


def compare_requested_figure(data: CompareData) -> go.Figure | Empty:
    a, b = data.a.scheduled_requested_hours, data.b.scheduled_requested_hours
    if not a and not b:
        return Empty("Neither schedule has scheduled blocks.")
    figure = new_figure(height=360, showlegend=False)
    for side, values in (("A", a), ("B", b)):
        figure.add_trace(
            go.Box(
                y=np.asarray(values),
                name=html.escape(_side_label(data, side), quote=False),
                marker_color=COMPARE_COLOURS[side],
                boxmean=True,
                boxpoints=False,
            )
        )
    figure.update_yaxes(title_text=VARIABLE_TITLES["requested_hours"])
    return figure


PERCENT_METRICS = ("Scheduling rate", "Priority capture ratio")


def compare_metrics_table(data: CompareData) -> Table:
    """The metrics of both sides. A side without blocks has no rate (not 0 %); rates show as
    percentages on a page (their difference in percentage points) and as fractions in the CSV."""
    a, b = data.a, data.b

    def share(side, value: float) -> float | None:
        return value if side.total_blocks else None

    metrics = (
        ("Blocks", a.total_blocks, b.total_blocks),
        ("Scheduled blocks", a.scheduled_blocks, b.scheduled_blocks),
        ("Scheduling rate", share(a, a.scheduling_rate), share(b, b.scheduling_rate)),
        ("Priority sum of scheduled", a.priority_sum_scheduled, b.priority_sum_scheduled),
        ("Mean priority of scheduled", a.priority_mean_scheduled, b.priority_mean_scheduled),
        ("Median priority of scheduled", a.priority_median_scheduled, b.priority_median_scheduled),
        (
            "Priority capture ratio",
            share(a, a.priority_capture_ratio),
            share(b, b.priority_capture_ratio),
        ),
        ("Scheduled hours", a.scheduled_hours, b.scheduled_hours),
        ("Mean planned time of scheduled (h)", a.planned_hours_mean, b.planned_hours_mean),
        ("Median planned time of scheduled (h)", a.planned_hours_median, b.planned_hours_median),
        ("Gaps between observations", a.gap_count, b.gap_count),
        ("Mean gap (h)", a.gap_mean_hours, b.gap_mean_hours),
        ("Median gap (h)", a.gap_median_hours, b.gap_median_hours),
    )

    def percentages(row: Sequence, index: int) -> str | None:
        value = row[index]
        if index == 0 or row[0] not in PERCENT_METRICS or missing(value):
            return None
        return f"{value * 100:.1f} pp" if index == 3 else f"{value * 100:.1f} %"

    return Table(
        (Column("Metric", wrap=True), Column("A", 2), Column("B", 2), Column("B − A", 2)),
        [
            (
                label,
                value_a,
                value_b,
                None if value_a is None or value_b is None else value_b - value_a,
            )
            for label, value_a, value_b in metrics
        ],
        cell_format=percentages,
    )


def only_in_table(blocks: BlockFrame, link: CellLink | None = None) -> Table:
    """Blocks of one side only: what they are and whether that side scheduled them."""
    return Table(
        (
            Column("Block ID", link=link),
            Column("Name", wrap=True),
            Column("Priority", 2),
            Column("Status"),
        ),
        list(
            zip(
                blocks.source_block_id.tolist(),
                blocks.display_name.tolist(),
                blocks.priority.tolist(),
                status_labels(blocks.is_scheduled),
                strict=True,
            )
        ),
    )


def block_changes_table(
    changes: list[BlockChange], sides: str = "AB", link: CellLink | None = None
) -> Table:
    """Blocks that changed between A and B. ``sides`` names the schedules whose times a page
    shows ("A", "B" or "AB", which adds the start shift); the CSV has every column."""

    def iso(values: list[float | None]) -> list[str]:
        return mjd_to_iso(np.array([np.nan if v is None else v for v in values], dtype=float))

    columns = [
        iso([c.start_a_mjd for c in changes]),
        iso([c.stop_a_mjd for c in changes]),
        iso([c.start_b_mjd for c in changes]),
        iso([c.stop_b_mjd for c in changes]),
    ]
    return Table(
        (
            Column("Block ID", link=link),
            Column("Name", wrap=True),
            Column("Priority in A", 2),
            Column("Priority in B", 2),
            Column("Start in A (UTC)", utc=True, page="A" in sides),
            Column("Stop in A (UTC)", utc=True, page="A" in sides),
            Column("Start in B (UTC)", utc=True, page="B" in sides),
            Column("Stop in B (UTC)", utc=True, page="B" in sides),
            Column("Start shift (h)", 2, page=sides == "AB"),
        ),
        [
            (
                c.source_block_id,
                c.display_name,
                c.priority_a,
                c.priority_b,
                *times,
                c.start_shift_hours,
            )
            for c, *times in zip(changes, *columns, strict=True)
        ],
    )


def compare_values_table(data: CompareData, attribute: str, title: str, decimals: int) -> Table:
    """One row per value of a per-schedule list (e.g. priorities of scheduled blocks)."""
    rows = [("A", value) for value in getattr(data.a, attribute)]
    rows += [("B", value) for value in getattr(data.b, attribute)]
    return Table((Column("Schedule"), Column(title, decimals)), rows)
