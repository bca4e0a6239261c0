"""The distributions page: histograms of block properties split by scheduling outcome, a
priority violin, and descriptive statistics."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from analytics.forms import BlockFiltersForm
from analytics.pages.legend import SCHEDULED, UNSCHEDULED, VARIABLE_TITLES, no_blocks
from analytics.selectors import DistributionsData, distributions
from analytics.statistics import SplitHistogram, Stats
from tsi_site.web.charts import Empty, new_figure, note
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, preview
from tsi_site.web.tables import Column, Table


class DistributionsPage(ReportPage, page="distributions", form=BlockFiltersForm):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent:
        data = distributions(schedule, form.filters())
        statistics = statistics_table(data)

        def histogram(variable: str) -> ChartSpec:
            histogram = data.histograms[variable]
            return ChartSpec(
                f"{variable.replace('_', '-')}-histogram",
                lambda: histogram_figure(histogram, variable, data),
                lambda: histogram_table(histogram, variable),
            )

        return PageContent(
            {"data": data, "statistics": preview(statistics)},
            charts=[
                *(histogram(variable) for variable in data.histograms),
                ChartSpec(
                    "priority-by-status",
                    lambda: priority_violin_figure(data),
                    lambda: priority_by_status_table(data),
                ),
            ],
            tables={"statistics": lambda: statistics},
        )


def histogram_figure(
    histogram: SplitHistogram, variable: str, data: DistributionsData
) -> go.Figure | Empty:
    if data.shown_blocks == 0:
        return no_blocks(data.total_blocks)
    title = VARIABLE_TITLES[variable]
    edges = histogram.edges
    centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    figure = new_figure(
        height=360,
        barmode="stack",
        bargap=0.04,
        legend_traceorder="normal",
        showlegend=True,  # even with one group: the legend says which one its colour is
    )
    ranges = np.column_stack([edges[:-1], edges[1:]])
    for status, counts in ((SCHEDULED, histogram.scheduled), (UNSCHEDULED, histogram.unscheduled)):
        if not counts.any():  # no legend entry for a group with no blocks
            continue
        figure.add_trace(
            go.Bar(
                x=centres,
                y=counts,
                width=widths,
                name=status.label,
                marker_color=status.colour,
                customdata=ranges,
                hovertemplate=(
                    f"{title} %{{customdata[0]:.3g}} – %{{customdata[1]:.3g}}<br>"
                    f"{status.label}: %{{y}} blocks<extra></extra>"
                ),
            )
        )
    figure.update_xaxes(title_text=title)
    figure.update_yaxes(title_text="Blocks")
    filled = np.flatnonzero(histogram.scheduled + histogram.unscheduled)
    if len(filled) == 1 and len(centres) > 1:
        # Bins span the values from the smallest to the largest, which land in the first and
        # the last bin; a single filled bin means a single value, in the middle of the range.
        value = (edges[0] + edges[-1]) / 2
        note(figure, f"All blocks shown have the same value, {value:.4g}.")
    return figure


def priority_violin_figure(data: DistributionsData) -> go.Figure | Empty:
    if data.shown_blocks == 0:
        return no_blocks(data.total_blocks)
    figure = new_figure(height=380, showlegend=False)
    single = []
    for status, values in (
        (SCHEDULED, data.priority_scheduled),
        (UNSCHEDULED, data.priority_unscheduled),
    ):
        if not values:  # a group with no blocks is left out
            continue
        label, colour = status.label, status.colour
        if min(values) == max(values):
            # A single value has no violin, only a flat line: show the blocks as points.
            single.append(f"all {label.lower()} blocks have priority {values[0]:.4g}")
            shape = {
                "line": {"color": colour, "width": 0},
                "fillcolor": "rgba(0, 0, 0, 0)",
                "points": "all",
                "jitter": 0.5,
                "pointpos": 0,
                "marker": {"color": colour, "size": 9, "opacity": 0.8},
                "hoveron": "points",
            }
        else:
            shape = {
                "line_color": colour,
                "box_visible": True,
                "meanline_visible": True,
                "points": False,
                "hoveron": "kde+points",
            }
        figure.add_trace(go.Violin(y=np.asarray(values), name=label, spanmode="hard", **shape))
    figure.update_xaxes(title_text="Scheduling outcome")
    figure.update_yaxes(title_text="Priority")
    if single:
        text = "; ".join(single)
        note(figure, f"{text[0].upper()}{text[1:]}.")
    return figure


def histogram_table(histogram: SplitHistogram, variable: str) -> Table:
    title = VARIABLE_TITLES[variable]
    return Table(
        (
            Column(f"{title} from", 3),
            Column(f"{title} to", 3),
            Column(SCHEDULED.label),
            Column(UNSCHEDULED.label),
        ),
        list(
            zip(
                histogram.edges[:-1].tolist(),
                histogram.edges[1:].tolist(),
                histogram.scheduled.tolist(),
                histogram.unscheduled.tolist(),
                strict=True,
            )
        ),
    )


def priority_by_status_table(data: DistributionsData) -> Table:
    rows = [(SCHEDULED.label, value) for value in data.priority_scheduled]
    rows += [(UNSCHEDULED.label, value) for value in data.priority_unscheduled]
    return Table((Column("Status"), Column("Priority", 2)), rows)


def statistics_table(data: DistributionsData) -> Table:
    def row(label: str, stats: Stats) -> tuple:
        return (
            label,
            stats.count,
            stats.mean,
            stats.median,
            stats.std,
            stats.min,
            stats.max,
            stats.sum,
        )

    return Table(
        (
            Column("Variable"),
            Column("Count"),
            Column("Mean", 2),
            Column("Median", 2),
            Column("Std. dev.", 2),
            Column("Min", 2),
            Column("Max", 2),
            Column("Sum", 1),
        ),
        [
            row("Priority", data.priority_stats),
            row(VARIABLE_TITLES["total_visibility_hours"], data.visibility_stats),
            row(VARIABLE_TITLES["requested_hours"], data.requested_stats),
            row(VARIABLE_TITLES["elevation_range_deg"], data.elevation_range_stats),
        ],
    )
