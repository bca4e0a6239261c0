"""The trends page: how the scheduling rate depends on priority, visibility and requested
time; smoothed curves, a heatmap, and a logistic model."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from analytics.forms import TrendsForm
from analytics.pages.legend import SCHEDULED, SEQUENTIAL_SCALE, VARIABLE_TITLES, no_blocks
from analytics.selectors import TrendsData, trends
from analytics.selectors.trends import RateBin, SmoothedCurve
from tsi_site.web.charts import Empty, new_figure
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, preview
from tsi_site.web.tables import Column, Table


class TrendsPage(ReportPage, page="trends", form=TrendsForm):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent:
        data = trends(schedule, form.filters())
        by_priority = rate_bins_table(data.by_priority, "Priority")
        by_visibility = rate_bins_table(data.by_visibility, "Mean visibility (h)")
        by_requested = rate_bins_table(data.by_requested, "Mean requested (h)")
        model = model_table(data)
        return PageContent(
            {
                "data": data,
                "by_priority": preview(by_priority),
                "by_visibility": preview(by_visibility),
                "by_requested": preview(by_requested),
                "model": preview(model),
            },
            charts=[
                ChartSpec(
                    "rate-by-priority", lambda: rate_by_priority_figure(data), lambda: by_priority
                ),
                ChartSpec(
                    "rate-by-visibility",
                    lambda: rate_by_bins_figure(data.by_visibility, "total_visibility_hours", data),
                    lambda: by_visibility,
                ),
                ChartSpec(
                    "rate-by-requested",
                    lambda: rate_by_bins_figure(data.by_requested, "requested_hours", data),
                    lambda: by_requested,
                ),
                ChartSpec(
                    "smoothed-visibility",
                    lambda: smoothed_figure(
                        data.smoothed_visibility, "total_visibility_hours", data
                    ),
                    lambda: smoothed_table(data.smoothed_visibility, "Visibility (h)"),
                ),
                ChartSpec(
                    "smoothed-requested",
                    lambda: smoothed_figure(data.smoothed_requested, "requested_hours", data),
                    lambda: smoothed_table(data.smoothed_requested, "Requested (h)"),
                ),
                ChartSpec(
                    "rate-heatmap", lambda: rate_heatmap_figure(data), lambda: heatmap_table(data)
                ),
            ],
            tables={"model": lambda: model},
        )


NOTHING_SCHEDULED = "Nothing is scheduled, so every rate is 0 %."

# Bar labels ("n=1,234") are drawn only when (bars × longest label) characters fit along the
# x axis: about 140 on a full-width chart, 65 on a half-width one. Past that plotly shrinks
# them until they cannot be read; the hover always gives n.
FULL_WIDTH_LABEL_ROOM, HALF_WIDTH_LABEL_ROOM = 140, 65

FEW_BLOCKS = 5  # heatmap cells with fewer blocks are greyed out: their rate means little

HEATMAP_TEXT_CELLS = 225  # block counts are written into the cells up to 15 × 15 cells


def _no_rates(data: TrendsData) -> Empty | None:
    """Why the rate charts have nothing to show, or None when they do."""
    if data.total_blocks == 0:
        return no_blocks(None)
    if data.scheduled_blocks == 0:
        return Empty(NOTHING_SCHEDULED)
    return None


def rate_by_priority_figure(data: TrendsData) -> go.Figure | Empty:
    if empty := _no_rates(data):
        return empty
    bins = data.by_priority
    figure = new_figure(height=360, showlegend=False)
    figure.add_trace(
        _rate_bars(bins, [b.value for b in bins], [0.8] * len(bins), FULL_WIDTH_LABEL_ROOM)
    )
    figure.update_xaxes(title_text="Priority (rounded)", dtick=1)
    _rate_axis(figure)
    return figure


def rate_by_bins_figure(bins: list[RateBin], variable: str, data: TrendsData) -> go.Figure | Empty:
    """A half-width chart of the rate per bin of ``variable``."""
    if empty := _no_rates(data):
        return empty
    title = VARIABLE_TITLES[variable]
    figure = new_figure(height=360, showlegend=False)
    centres = [(b.low + b.high) / 2 for b in bins]
    widths = [0.94 * ((b.high - b.low) or 1.0) for b in bins]
    figure.add_trace(_rate_bars(bins, centres, widths, HALF_WIDTH_LABEL_ROOM))
    figure.update_xaxes(title_text=title)
    _rate_axis(figure)
    return figure


def _rate_bars(bins: list[RateBin], x: list[float], widths: list[float], room: int) -> go.Bar:
    """Rate bars, labelled with their block count when the labels fit (see the room above)."""
    labels = [f"n={b.count:,}" for b in bins]
    fits = len(labels) * max(map(len, labels), default=0) <= room
    return go.Bar(
        x=x,
        y=[b.rate for b in bins],
        width=widths,
        marker_color=SCHEDULED.colour,
        text=labels if fits else None,
        textposition="outside" if fits else "none",
        textfont={"size": 11},
        cliponaxis=False,
        customdata=[[b.label, b.count, b.scheduled] for b in bins],
        hovertemplate=(
            "%{customdata[0]}<br>%{customdata[2]:,} of %{customdata[1]:,} scheduled "
            "(%{y:.1%})<br>n = %{customdata[1]:,} blocks<extra></extra>"
        ),
    )


def _rate_axis(figure: go.Figure) -> None:
    figure.update_yaxes(title_text="Scheduling rate", tickformat=".0%", range=[0, 1.1])


def smoothed_figure(curve: SmoothedCurve, variable: str, data: TrendsData) -> go.Figure | Empty:
    if empty := _no_rates(data):
        return empty
    title = VARIABLE_TITLES[variable]
    figure = new_figure(height=340, showlegend=False)
    figure.add_trace(
        go.Scatter(
            x=curve.x,
            y=curve.rate,
            mode="lines+markers" if len(curve.x) == 1 else "lines",
            line={"color": SCHEDULED.colour, "width": 2.5},
            customdata=curve.samples,
            hovertemplate=(
                f"{title} %{{x:.2f}}: rate %{{y:.1%}}<br>%{{customdata}} blocks weigh in"
                "<extra></extra>"
            ),
        )
    )
    figure.update_xaxes(title_text=title)
    _rate_axis(figure)
    return figure


def rate_heatmap_figure(data: TrendsData) -> go.Figure | Empty:
    """The rate per visibility × requested-time cell, with each cell's block count; cells with
    fewer than ``FEW_BLOCKS`` blocks are drawn grey on top, so a cell of one or two blocks at
    0 % or 100 % does not stand out."""
    if empty := _no_rates(data):
        return empty
    heatmap = data.heatmap
    if heatmap is None:
        return Empty("The heatmap needs blocks with different visibility and requested times.")
    rate = [[None if math.isnan(value) else value for value in row] for row in heatmap.rate]
    count = np.asarray(heatmap.count)
    few = (count > 0) & (count < FEW_BLOCKS)
    show_text = count.size <= HEATMAP_TEXT_CELLS

    def counts(where: np.ndarray) -> list[list[str]]:
        """Block counts as cell text where ``where`` holds: plotly writes the text of every
        cell of a trace, even of cells it leaves empty."""
        return [
            [f"{n:,}" if flag else "" for n, flag in zip(row, flags, strict=True)]
            for row, flags in zip(count.tolist(), where.tolist(), strict=True)
        ]

    cell = {
        "x": heatmap.requested_edges,
        "y": heatmap.visibility_edges,
        "customdata": count,
        "texttemplate": "%{text}" if show_text else None,
        "textfont": {"size": 11},
        "zmin": 0,
        "zmax": 1,
        "hoverongaps": False,
        "xgap": 1,
        "ygap": 1,
    }
    hover = "Visibility %{y:.1f} h, requested %{x:.2f} h<br>rate %{z:.1%} of %{customdata:,} "
    figure = new_figure(height=460, margin={"r": 110})  # the colour bar's room
    figure.add_trace(
        go.Heatmap(
            z=rate,
            colorscale=SEQUENTIAL_SCALE,
            colorbar={"title": {"text": "Rate"}, "tickformat": ".0%", "thickness": 14},
            hovertemplate=hover + "blocks<extra></extra>",
            name="rate",
            text=counts((count > 0) & ~few),
            **cell,
        )
    )
    if few.any():
        figure.add_trace(
            go.Heatmap(
                z=[
                    [value if flag else None for value, flag in zip(row, flags, strict=True)]
                    for row, flags in zip(rate, few.tolist(), strict=True)
                ],
                colorscale=[[0, "#d5d9de"], [1, "#d5d9de"]],
                showscale=False,
                hovertemplate=hover + f"blocks (fewer than {FEW_BLOCKS})<extra></extra>",
                name=f"fewer than {FEW_BLOCKS} blocks",
                text=counts(few),
                **cell,
            )
        )
    figure.update_xaxes(title_text=VARIABLE_TITLES["requested_hours"], showgrid=False)
    figure.update_yaxes(title_text=VARIABLE_TITLES["total_visibility_hours"], showgrid=False)
    return figure


def rate_bins_table(bins: list[RateBin], value_title: str) -> Table:
    return Table(
        (
            Column("Bin"),
            Column(value_title, 2),
            Column("From", 2),
            Column("To", 2),
            Column("Blocks"),
            Column(SCHEDULED.label),
            Column("Scheduling rate", 3),
        ),
        [(b.label, b.value, b.low, b.high, b.count, b.scheduled, b.rate) for b in bins],
    )


def smoothed_table(curve: SmoothedCurve, value_title: str) -> Table:
    return Table(
        (Column(value_title, 3), Column("Smoothed scheduling rate", 3), Column("Blocks weighing")),
        list(zip(curve.x.tolist(), curve.rate.tolist(), curve.samples.tolist(), strict=True)),
    )


def heatmap_table(data: TrendsData) -> Table:
    heatmap = data.heatmap
    columns = (
        Column("Visibility from (h)", 2),
        Column("Visibility to (h)", 2),
        Column("Requested from (h)", 2),
        Column("Requested to (h)", 2),
        Column("Blocks"),
        Column("Scheduling rate", 3),
    )
    if heatmap is None:
        return Table(columns, [])
    v_edges, r_edges = heatmap.visibility_edges.tolist(), heatmap.requested_edges.tolist()
    rows = []
    for i in range(len(v_edges) - 1):
        for j in range(len(r_edges) - 1):
            rate = float(heatmap.rate[i, j])
            rows.append(
                (
                    v_edges[i],
                    v_edges[i + 1],
                    r_edges[j],
                    r_edges[j + 1],
                    int(heatmap.count[i, j]),
                    None if math.isnan(rate) else rate,
                )
            )
    return Table(columns, rows)


def model_table(data: TrendsData) -> Table:
    model = data.model
    rows = [] if model is None else [("intercept", model.intercept), *model.coefficients.items()]
    return Table((Column("Feature"), Column("Coefficient", 4)), rows)
