"""The compare page: a schedule (the reference) against up to ten others, by default the
previous version of its name, blocks matched on their source block id; against a single other,
also what changed block by block."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from analytics.block_frame import BlockFrame
from analytics.forms import CompareForm
from analytics.multi_compare import STATUS_NAMES, StatusMatrix
from analytics.pages.legend import (
    CLASS_COLOURS,
    CLASS_TITLES,
    SCHEDULED,
    VARIABLE_TITLES,
    status_labels,
    with_reasons,
)
from analytics.selectors import CompareData, compare
from analytics.selectors.compare import BlockChange
from analytics.selectors.diagnostics import SCHEDULED_LABEL, reasons_by_source_id
from analytics.selectors.multi_compare import (
    SHARE_METRICS,
    CompareQuery,
    MultiCompareData,
    comparison,
    matrix_rows,
    multi_compare,
)
from analytics.statistics import histogram_edges
from schedules.mjd import mjd_to_iso
from schedules.selectors import schedule_versions
from tsi_site.web.charts import Empty, escape, new_figure
from tsi_site.web.links import block_link
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, preview
from tsi_site.web.tables import CellLink, Column, Table, missing

COMPARE_COLOURS = {"A": "#E69F00", "B": "#0072B2"}


class ComparePage(ReportPage, page="compare"):
    cache_charts = True

    def get_form(self, request, schedule) -> CompareForm:
        # Not schedule_overview(): it would also read the summary (legacy: transform every block).
        self.previous = schedule_versions(schedule).filter(version__lt=schedule.version).first()
        data = request.GET.copy()
        if "other" not in data and self.previous is not None and data:
            data["other"] = str(self.previous.pk)  # the matrix controls of the default compare
        return CompareForm(data or None, schedule=schedule, initial_other=self.previous)

    def context(self, schedule, form) -> dict:
        return super().context(schedule, form) | {"previous": self.previous}

    def charted(self, schedule) -> list:
        return self.compared

    def content(self, request, schedule, form) -> PageContent:
        if form.is_bound:
            query = form.query()
        elif self.previous is not None:
            query = CompareQuery(others=[self.previous])
        else:
            return PageContent()
        if not query.others:
            return PageContent()
        self.compared = [schedule, *query.others]
        data = multi_compare(schedule, query)
        labels = schedule_labels(data)
        metrics = metrics_table(data, labels)
        pairs = pairs_table(data, labels)
        content = PageContent(
            {
                "others": query.others,
                "multi": data,
                "labels": labels,
                "multi_metrics": preview(metrics),
                "pairs": preview(pairs),
                "pair_warnings": [
                    (labels[index + 1], warning)
                    for index, pair in enumerate(data.pairs)
                    for warning in pair.warnings
                ],
                "matrix_header": labels,
                "previous_matrix_page": data.matrix.page - 1,
                "next_matrix_page": data.matrix.page + 1,
                "matrix_body": matrix_body(data),
            },
            charts=[
                ChartSpec(
                    "time-use",
                    lambda: time_use_figure(data, labels),
                    lambda: time_use_table(data, labels),
                ),
                ChartSpec(
                    "priority-boxes",
                    lambda: priority_box_figure(data, labels),
                    lambda: priority_box_table(data, labels),
                ),
            ],
            tables={
                "multi-metrics": lambda: metrics,
                "pairs": lambda: pairs,
                "coherent-runs": lambda: coherent_runs_table(data, labels),
                "status-matrix": lambda: status_matrix_table(
                    comparison(schedule, query.others).matrix, labels, query.hide_agreeing
                ),
            },
        )
        if len(query.others) == 1:
            content = pair_content(query.others[0], schedule, form, content)
        return content


def pair_content(other, schedule, form, content: PageContent) -> PageContent:
    """The two-schedule detail under the N-way sections: what changed block by block, with
    A the other schedule and B this one."""
    fractions = form.is_bound and form.cleaned_data["fractions"]
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
        content.context
        | {
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
            *content.charts,
            ChartSpec(
                "scheduled-priority",
                lambda: compare_priority_figure(data, fractions),
                lambda: compare_values_table(data, "scheduled_priorities", "Priority", 2),
            ),
            ChartSpec(
                "scheduled-requested",
                lambda: compare_requested_figure(data),
                lambda: compare_values_table(data, "scheduled_requested_hours", "Requested (h)", 2),
            ),
        ],
        tables=dict(content.tables)
        | {
            "metrics": lambda: metrics,
            "only-in-a": lambda: only_a,
            "only-in-b": lambda: only_b,
            "newly-scheduled": lambda: newly_scheduled,
            "newly-unscheduled": lambda: newly_unscheduled,
            "retimed": lambda: retimed,
        },
    )


# --- The N-way sections -----------------------------------------------------------------------


def schedule_labels(data: MultiCompareData) -> list[str]:
    """A column title per schedule, the reference first; ids tell versions of a name apart."""
    return [
        f"{'Reference: ' if index == 0 else ''}{item.name} v{item.version} (#{item.schedule_id})"
        for index, item in enumerate(data.schedules)
    ]


BEST_MARK = " ★"


def metrics_table(data: MultiCompareData, labels: list[str]) -> Table:
    """One column per schedule, and each other's difference to the reference (on a page under
    its value). A page marks the best value of a row with a star; the CSV names its schedules.
    Shares show as percentages on a page (differences in percentage points), fractions in the
    CSV."""
    others = labels[1:]
    columns = [Column("Metric", wrap=True), Column(labels[0], 2)]
    for label in others:
        columns.append(Column(label, 2, detail=f"Δ {label}"))
        columns.append(Column(f"Δ {label}", 2, page=False))
    columns.append(Column("Best", wrap=True, page=False))
    rows = []
    for metric in data.metrics:
        row: list = [metric.label, metric.values[0]]
        for value, delta in zip(metric.values[1:], metric.deltas[1:], strict=True):
            row += [value, delta]
        row.append("; ".join(labels[index] for index in metric.best))
        rows.append(tuple(row))
    best = {metric.label: set(metric.best) for metric in data.metrics}

    def cell(row, index: int) -> str | None:
        if index == 0 or index == len(columns) - 1:
            return None
        value = row[index]
        is_delta = index >= 3 and index % 2 == 1
        text = None
        if row[0] in SHARE_METRICS and not missing(value):
            text = f"{value * 100:+.1f} pp" if is_delta else f"{value * 100:.1f} %"
        elif is_delta and not missing(value):
            text = f"{value:+,.{2 if isinstance(value, float) else 0}f}"
        schedule = 0 if index == 1 else (index - 2) // 2 + 1
        if not is_delta and schedule in best[row[0]]:
            return (text or _number(value)) + BEST_MARK
        return text

    return Table(tuple(columns), rows, cell_format=cell)


def _number(value: float | int) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"


def pairs_table(data: MultiCompareData, labels: list[str]) -> Table:
    """Each other against the reference (A): the DESIGN §14 pair figures."""
    rows = []
    for label, pair in zip(labels[1:], data.pairs, strict=True):
        timing = pair.timing
        largest = sorted(timing.coherent_runs, key=lambda run: -run.size)[:LARGEST_RUNS]
        rows.append(
            (
                label,
                pair.shared_blocks,
                timing.scheduled_either,
                timing.scheduled_both,
                timing.match_ratio,
                timing.retimed,
                timing.shift_median_minutes,
                timing.shift_mad_minutes,
                timing.order_preservation,
                len(timing.coherent_runs),
                "; ".join(
                    f"{run.size:,} blocks, {run.shift_mean_minutes:+.1f} min" for run in largest
                ),
            )
        )
    return Table(
        (
            Column("Schedule", wrap=True),
            Column("Shared blocks"),
            Column("Scheduled in either"),
            Column("Scheduled in both"),
            Column("Match ratio", 3),
            Column("Retimed"),
            Column("Shift median (min)", 1),
            Column("Shift MAD (min)", 1),
            Column("Order preservation", 3),
            Column("Coherent runs"),
            Column("Largest runs", wrap=True),
        ),
        rows,
    )


LARGEST_RUNS = 3


def coherent_runs_table(data: MultiCompareData, labels: list[str]) -> Table:
    """Every coherent run of every pair (positions are ranks by start, 0 the earliest)."""
    rows = [
        (
            label,
            run.size,
            run.a_first,
            run.a_last,
            run.b_first,
            run.b_last,
            run.shift_mean_minutes,
            run.shift_std_minutes,
            run.source_block_ids[0],
            run.source_block_ids[-1],
        )
        for label, pair in zip(labels[1:], data.pairs, strict=True)
        for run in pair.timing.coherent_runs
    ]
    return Table(
        (
            Column("Schedule"),
            Column("Blocks"),
            Column("First position in reference"),
            Column("Last position in reference"),
            Column("First position in schedule"),
            Column("Last position in schedule"),
            Column("Mean shift (min)", 1),
            Column("Shift std (min)", 1),
            Column("First block"),
            Column("Last block"),
        ),
        rows,
    )


def matrix_body(data: MultiCompareData) -> SafeString:
    """The rows of the page of the status matrix as HTML, joined here rather than in the
    template: 11 schedules × 50 blocks are 550 cells, ten times faster this way."""
    cells = '<td class="matrix-{}">{}</td>'
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (block, format_html_join("", cells, ((status, status) for status in statuses)))
            for block, statuses in zip(data.matrix.source_block_id, data.matrix.status, strict=True)
        ),
    )


def status_matrix_table(matrix: StatusMatrix, labels: list[str], hide_agreeing: bool) -> Table:
    """The whole status matrix (or its rows that disagree) for the CSV."""
    rows = matrix_rows(matrix, hide_agreeing)
    names = np.array(STATUS_NAMES, dtype=object)[matrix.status[rows]]
    return Table(
        (Column("Block ID"), *(Column(label) for label in labels)),
        [
            (block, *statuses)
            for block, statuses in zip(
                matrix.source_block_id[rows].tolist(), names.tolist(), strict=True
            )
        ],
    )


def time_use_figure(data: MultiCompareData, labels: list[str]) -> go.Figure:
    """Hours of each fragmentation class, a stacked bar per schedule."""
    figure = new_figure(
        height=380, barmode="stack", legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"}
    )
    names = escape(labels)
    for name, title in CLASS_TITLES.items():
        figure.add_trace(
            go.Bar(
                x=names,
                y=[item.time_use_hours.get(name, 0.0) for item in data.schedules],
                name=title,
                marker_color=CLASS_COLOURS[name],
                hovertemplate=f"{title}: %{{y:,.1f}} h<extra>%{{x}}</extra>",
            )
        )
    figure.update_yaxes(title_text="Hours")
    return figure


def time_use_table(data: MultiCompareData, labels: list[str]) -> Table:
    return Table(
        (Column("Schedule"), *(Column(f"{title} (h)", 2) for title in CLASS_TITLES.values())),
        [
            (label, *(item.time_use_hours.get(name, 0.0) for name in CLASS_TITLES))
            for label, item in zip(labels, data.schedules, strict=True)
        ],
    )


def priority_box_figure(data: MultiCompareData, labels: list[str]) -> go.Figure | Empty:
    """A box of the scheduled priorities per schedule, drawn from the computed statistics (no
    per-block data in the page)."""
    drawn = [
        (label, item.scheduled_priority)
        for label, item in zip(escape(labels), data.schedules, strict=True)
        if item.scheduled_priority.count
    ]
    if not drawn:
        return Empty("No schedule has scheduled blocks.")
    boxes = [box for _, box in drawn]
    figure = new_figure(height=380, showlegend=False)
    figure.add_trace(
        go.Box(
            x=[label for label, _ in drawn],
            q1=[box.q1 for box in boxes],
            median=[box.median for box in boxes],
            q3=[box.q3 for box in boxes],
            lowerfence=[box.lower_fence for box in boxes],
            upperfence=[box.upper_fence for box in boxes],
            mean=[box.mean for box in boxes],
            marker_color=SCHEDULED.colour,
            name="Scheduled priority",
        )
    )
    figure.update_yaxes(title_text="Priority of scheduled blocks")
    return figure


def priority_box_table(data: MultiCompareData, labels: list[str]) -> Table:
    return Table(
        (
            Column("Schedule"),
            Column("Scheduled blocks"),
            Column("Q1", 2),
            Column("Median", 2),
            Column("Q3", 2),
            Column("Lower whisker", 2),
            Column("Upper whisker", 2),
            Column("Mean", 2),
        ),
        [
            (
                label,
                box.count,
                box.q1,
                box.median,
                box.q3,
                box.lower_fence,
                box.upper_fence,
                box.mean,
            )
            for label, box in (
                (label, item.scheduled_priority)
                for label, item in zip(labels, data.schedules, strict=True)
            )
        ],
    )


# --- The two-schedule detail ------------------------------------------------------------------


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
