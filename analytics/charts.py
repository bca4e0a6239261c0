"""Plotly figures of the report pages: pure functions from selector data to a figure.

A chart with nothing meaningful to draw returns ``Empty`` with a sentence for the page instead
of a blank or broken plot. Every user-supplied string that reaches hover text is HTML-escaped:
plotly renders hover text as HTML.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from django.utils.safestring import SafeString, mark_safe
from plotly.colors import sample_colorscale

from analytics.selectors import (
    CompareData,
    DistributionsData,
    InsightsData,
    SkyMapData,
    TimelineData,
    TrendsData,
    VisibilityHistogram,
)
from analytics.selectors.insights import CORRELATION_VARIABLES
from analytics.selectors.trends import RateBin, SmoothedCurve
from analytics.statistics import SplitHistogram
from analytics.tables import (
    BUCKET_LABELS,
    SCHEDULED_LABEL,
    UNSCHEDULED_LABEL,
    VARIABLE_TITLES,
    month_pieces,
)
from schedules.mjd import mjd_to_datetime64, mjd_to_iso

# Okabe–Ito: distinguishable with every common form of colour blindness.
STATUS_COLOURS = {SCHEDULED_LABEL: "#0072B2", UNSCHEDULED_LABEL: "#E69F00"}
BUCKET_COLOURS = {1: "#56B4E9", 2: "#009E73", 3: "#CC79A7", 4: "#D55E00"}
COMPARE_COLOURS = {"A": "#E69F00", "B": "#0072B2"}
DARK_PERIOD_COLOUR = "#332288"
SEQUENTIAL_SCALE = "Viridis"
COLOUR_STEPS = 32  # bars coloured by a continuous value use this many colours of the scale
DIVERGING_SCALE = "RdBu"

_AXIS = {
    "gridcolor": "#e3e6ea",
    "linecolor": "#9aa1a9",
    "zerolinecolor": "#c9ced4",
    "ticks": "outside",
    "tickcolor": "#9aa1a9",
    "automargin": True,
    "title": {"standoff": 8},
}
TEMPLATE = go.layout.Template(
    layout={
        "font": {
            "family": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif",
            "size": 13,
            "color": "#1f2933",
        },
        "colorway": ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"],
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 64, "r": 24, "t": 36, "b": 56},
        "hoverlabel": {"font": {"family": "system-ui, sans-serif"}, "align": "left"},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
    }
)


@dataclass(frozen=True)
class Empty:
    """Shown in place of a chart: why there is nothing to draw."""

    message: str


def figure_json(figure: go.Figure) -> SafeString:
    """The figure as JSON safe to place inside a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` become JSON unicode escapes, so no string in the data can close the
    element or open a comment; ``JSON.parse`` restores them.
    """
    text = figure.to_json()
    return mark_safe(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def escape(values: Sequence[str]) -> list[str]:
    """Text for hover labels: plotly parses it as HTML, so user strings must be escaped."""
    return [html.escape(str(value), quote=False) for value in values]


def plotly_dates(mjd: np.ndarray) -> list[str]:
    """MJD as UTC date strings plotly reads on a date axis (millisecond precision)."""
    return np.datetime_as_string(mjd_to_datetime64(mjd), unit="ms").tolist()


def block_labels(ids: np.ndarray, names: np.ndarray) -> np.ndarray:
    """Hover labels "<b>id</b> name" with both user strings escaped."""
    return np.array(
        [
            f"<b>{block_id}</b> {name}"
            for block_id, name in zip(escape(ids), escape(names), strict=True)
        ]
    )


def period_text(start_mjd: np.ndarray, stop_mjd: np.ndarray) -> np.ndarray:
    """Hover lines for periods: UTC, then MJD."""
    return np.array(
        [
            f"{start} – {stop}<br>MJD {a:.5f} – {b:.5f}"
            for start, stop, a, b in zip(
                mjd_to_iso(start_mjd),
                mjd_to_iso(stop_mjd),
                start_mjd.tolist(),
                stop_mjd.tolist(),
                strict=True,
            )
        ]
    )


def _figure(*, height: int, **layout) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(template=TEMPLATE, height=height, **layout)
    return figure


def _no_blocks(total: int | None) -> Empty:
    """``total`` is the schedule's block count, ``None`` when the selector does not say."""
    if total is None:
        return Empty("No blocks to analyse: the schedule has none, or none match the filters.")
    if total == 0:
        return Empty("This schedule has no blocks.")
    return Empty("No blocks match the current filters.")


# --- Sky map ---------------------------------------------------------------------------------


def sky_map_figure(
    data: SkyMapData, *, color_by: str, projection: str, flip_ra: bool
) -> go.Figure | Empty:
    points = data.points
    if data.shown_blocks == 0:
        return _no_blocks(data.total_blocks)
    biggest = data.max_requested_hours
    share = points.requested_hours / biggest if biggest > 0 else np.full(len(points), 0.25)
    # Crowded maps get smaller markers so that the sky stays readable.
    sizes = (5 + 14 * share) * max(0.35, min(1.0, (1500 / len(points)) ** 0.5))
    starts = mjd_to_iso(points.scheduled_start_mjd)
    status = np.array(
        [
            f"Scheduled from {start} (MJD {mjd:.5f})" if scheduled else UNSCHEDULED_LABEL
            for scheduled, start, mjd in zip(
                points.is_scheduled.tolist(),
                starts,
                points.scheduled_start_mjd.tolist(),
                strict=True,
            )
        ]
    )
    labels = block_labels(points.source_block_id, points.display_name)
    # Numbers as one float array and strings as 1-D arrays: plotly handles these fast.
    numbers = np.column_stack(
        [points.ra_deg, points.dec_deg, points.priority, points.requested_hours]
    )
    hover = (
        "%{text}<br>RA %{customdata[0]:.3f}°, Dec %{customdata[1]:.3f}°<br>"
        "Priority %{customdata[2]:.2f}, requested %{customdata[3]:.2f} h<br>"
        "%{hovertext}<extra></extra>"
    )
    if color_by == "status":
        groups = [
            (SCHEDULED_LABEL, points.is_scheduled, STATUS_COLOURS[SCHEDULED_LABEL]),
            (UNSCHEDULED_LABEL, ~points.is_scheduled, STATUS_COLOURS[UNSCHEDULED_LABEL]),
        ]
    else:
        groups = [
            (f"{label} priority", points.priority_bucket == bucket, BUCKET_COLOURS[bucket])
            for bucket, label in BUCKET_LABELS.items()
        ]
    all_sky = projection == "aitoff"
    figure = _figure(
        height=600 if all_sky else 560,
        legend_title_text="Priority bucket" if color_by != "status" else "",
        legend_itemsizing="constant",
    )
    for label, member, colour in groups:
        if not member.any():
            continue
        marker = {
            "color": colour,
            "size": sizes[member],
            "opacity": 0.75 if len(points) < 5000 else 0.6,
            "line": {"width": 0.5 if len(points) < 5000 else 0, "color": "#ffffff"},
        }
        if all_sky:
            figure.add_trace(
                go.Scattergeo(
                    lon=_sky_longitude(points.ra_deg[member], flip_ra),
                    lat=points.dec_deg[member],
                    mode="markers",
                    name=label,
                    marker=marker,
                    text=labels[member],
                    customdata=numbers[member],
                    hovertext=status[member],
                    hovertemplate=hover,
                )
            )
        else:
            figure.add_trace(
                go.Scatter(
                    x=points.ra_deg[member],
                    y=points.dec_deg[member],
                    mode="markers",
                    name=label,
                    marker=marker,
                    text=labels[member],
                    customdata=numbers[member],
                    hovertext=status[member],
                    hovertemplate=hover,
                )
            )
    if all_sky:
        _all_sky_layout(figure, flip_ra)
    else:
        figure.update_xaxes(
            title_text="Right ascension (°)",
            range=[360, 0] if flip_ra else [0, 360],
            dtick=30,
            constrain="domain",
        )
        figure.update_yaxes(
            title_text="Declination (°)",
            range=[-90, 90],
            dtick=30,
            scaleanchor="x",
            constrain="domain",
        )
    return figure


def _sky_longitude(ra_deg: np.ndarray, flip_ra: bool) -> np.ndarray:
    """RA as a map longitude, RA 0 in the centre; flipped, RA grows to the left as on the sky."""
    longitude = (ra_deg + 180.0) % 360.0 - 180.0
    return -longitude if flip_ra else longitude


def _all_sky_layout(figure: go.Figure, flip_ra: bool) -> None:
    hours = np.arange(0, 24, 2)
    longitude = _sky_longitude((hours * 15.0).astype(float), flip_ra)
    # The map clips text at its frame: the label on the edge meridian (12h) is written inwards.
    edge = np.abs(longitude) == 180.0
    position = np.where(edge & (longitude < 0), "middle right", "middle center")
    position = np.where(edge & (longitude > 0), "middle left", position)
    figure.add_trace(
        go.Scattergeo(
            lon=longitude,
            lat=np.zeros(len(hours)),
            mode="text",
            textposition=position.tolist(),
            text=[f"{hour}h" for hour in hours],
            textfont={"color": "#6b7280", "size": 11},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    figure.add_trace(
        go.Scattergeo(
            lon=np.zeros(4),
            lat=[-60, -30, 30, 60],
            mode="text",
            text=["−60°", "−30°", "+30°", "+60°"],
            textfont={"color": "#6b7280", "size": 11},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    figure.update_geos(
        projection_type="aitoff",
        showland=False,
        showocean=False,
        showlakes=False,
        showrivers=False,
        showcountries=False,
        showsubunits=False,
        showcoastlines=False,
        showframe=True,
        framecolor="#9aa1a9",
        bgcolor="#ffffff",
        lonaxis={"showgrid": True, "dtick": 30, "gridcolor": "#e3e6ea", "range": [-180, 180]},
        lataxis={"showgrid": True, "dtick": 30, "gridcolor": "#e3e6ea", "range": [-90, 90]},
    )
    figure.update_layout(margin={"l": 8, "r": 8, "t": 56, "b": 8})


# --- Distributions ---------------------------------------------------------------------------


def histogram_figure(
    histogram: SplitHistogram, variable: str, data: DistributionsData
) -> go.Figure | Empty:
    if data.shown_blocks == 0:
        return _no_blocks(data.total_blocks)
    title = VARIABLE_TITLES[variable]
    edges = histogram.edges
    centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    figure = _figure(
        height=360,
        barmode="stack",
        bargap=0.04,
        legend_traceorder="normal",
        showlegend=True,  # even with one group: the legend says which one its colour is
    )
    ranges = np.column_stack([edges[:-1], edges[1:]])
    for label, counts in (
        (SCHEDULED_LABEL, histogram.scheduled),
        (UNSCHEDULED_LABEL, histogram.unscheduled),
    ):
        if not counts.any():  # no legend entry for a group with no blocks
            continue
        figure.add_trace(
            go.Bar(
                x=centres,
                y=counts,
                width=widths,
                name=label,
                marker_color=STATUS_COLOURS[label],
                customdata=ranges,
                hovertemplate=(
                    f"{title} %{{customdata[0]:.3g}} – %{{customdata[1]:.3g}}<br>"
                    f"{label}: %{{y}} blocks<extra></extra>"
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
        _note(figure, f"All blocks shown have the same value, {value:.4g}.")
    return figure


def _note(figure: go.Figure, text: str) -> None:
    """A short remark above the plot area, e.g. why a chart looks degenerate."""
    figure.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=1.0,
        y=1.0,
        xanchor="right",
        yanchor="bottom",
        yshift=6,
        showarrow=False,
        font={"size": 12, "color": "#5f6b7a"},
        bgcolor="rgba(255, 255, 255, 0.85)",
    )


def priority_violin_figure(data: DistributionsData) -> go.Figure | Empty:
    if data.shown_blocks == 0:
        return _no_blocks(data.total_blocks)
    figure = _figure(height=380, showlegend=False)
    single = []
    for label, values in (
        (SCHEDULED_LABEL, data.priority_scheduled),
        (UNSCHEDULED_LABEL, data.priority_unscheduled),
    ):
        if not values:  # a group with no blocks is left out
            continue
        colour = STATUS_COLOURS[label]
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
        _note(figure, f"{text[0].upper()}{text[1:]}.")
    return figure


# --- Visibility over time --------------------------------------------------------------------


def visibility_figure(data: VisibilityHistogram) -> go.Figure | Empty:
    if data.total_blocks == 0:
        return _no_blocks(0)
    if data.range_start_mjd is None or len(data.bin_start_mjd) == 0:
        return Empty(
            "There is no time range to bin: the schedule has no period and no block has a "
            "visibility period."
        )
    if data.filtered_blocks == 0:
        return _no_blocks(data.total_blocks)
    if not data.visible_count.any():
        return Empty("None of the selected blocks is visible at any time in this range.")
    widths_ms = (data.bin_end_mjd - data.bin_start_mjd) * 86_400_000.0
    periods = period_text(data.bin_start_mjd, data.bin_end_mjd)
    figure = _figure(
        height=440,
        barmode="stack",
        bargap=0,
        legend_title_text="Priority bucket",
    )
    starts = plotly_dates(data.bin_start_mjd)
    for bucket, label in BUCKET_LABELS.items():
        figure.add_trace(
            go.Bar(
                x=starts,
                y=data.visible_by_bucket[bucket - 1],
                width=widths_ms,
                offset=0,
                name=label,
                marker={"color": BUCKET_COLOURS[bucket], "line": {"width": 0}},
                customdata=data.visible_count,
                hovertext=periods,
                hovertemplate=(
                    f"%{{hovertext}}<br>{label} priority: %{{y}} of %{{customdata}} visible "
                    "blocks<extra></extra>"
                ),
            )
        )
    figure.update_xaxes(title_text="Time (UTC)", type="date")
    figure.update_yaxes(title_text="Visible blocks", rangemode="tozero")
    return figure


# --- Timeline --------------------------------------------------------------------------------


def timeline_figure(data: TimelineData) -> go.Figure | Empty:
    """Month rows × day-of-month bars, from the same month pieces as ``timeline_table``."""
    if len(data.observations) == 0:
        if data.scheduled_blocks == 0:
            return Empty("Nothing is scheduled in this schedule.")
        return Empty("No scheduled block matches the current filters.")
    obs = data.observations
    observed = month_pieces(obs.scheduled_start_mjd, obs.scheduled_stop_mjd)
    dark = month_pieces(data.dark_periods[:, 0], data.dark_periods[:, 1])
    figure = _figure(height=max(320, 120 + 40 * len(data.months)), barmode="overlay")
    if len(dark.index):
        figure.add_trace(
            go.Bar(
                orientation="h",
                y=dark.month,
                base=dark.from_day,
                x=dark.to_day - dark.from_day,
                width=0.14,
                offset=0.3,
                name="Dark time (observable)",
                marker={"color": DARK_PERIOD_COLOUR, "opacity": 0.55, "line": {"width": 0}},
                hovertext=period_text(dark.start_mjd, dark.stop_mjd),
                hovertemplate="Dark time %{hovertext}<extra></extra>",
            )
        )
    priority = obs.priority[observed.index]
    low, high = float(priority.min()), float(priority.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    labels = block_labels(obs.source_block_id[observed.index], obs.display_name[observed.index])
    periods = period_text(observed.start_mjd, observed.stop_mjd)
    # One trace per colour step: plotly.js logs a warning per bar given numeric bar colours,
    # and validating one colour string per bar is slow in plotly.py.
    level = np.rint((priority - low) / (high - low) * (COLOUR_STEPS - 1)).astype(np.int64)
    palette = sample_colorscale(SEQUENTIAL_SCALE, np.linspace(0, 1, COLOUR_STEPS).tolist())
    hover = "%{text}<br>Priority %{customdata:.2f}<br>%{hovertext}<extra></extra>"
    # The bars take many colours: the legend names them with a neutral swatch, the colour
    # bar gives the scale.
    figure.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name="Scheduled observation (coloured by priority)",
            legendgroup="observations",
            marker={"symbol": "square", "size": 11, "color": "#9aa1a9"},
            hoverinfo="skip",
        )
    )
    for step in np.unique(level).tolist():
        member = level == step
        figure.add_trace(
            go.Bar(
                orientation="h",
                y=observed.month[member],
                base=observed.from_day[member],
                x=(observed.to_day - observed.from_day)[member],
                width=0.56,
                offset=-0.34,
                name="Scheduled observation",
                legendgroup="observations",
                showlegend=False,
                marker={"color": palette[step], "line": {"width": 0}},
                text=labels[member],
                textposition="none",
                customdata=priority[member],
                hovertext=periods[member],
                hovertemplate=hover,
            )
        )
    figure.add_trace(_colour_bar("Priority", low, high))
    figure.update_xaxes(title_text="Day of month (UTC)", range=[1, 32], dtick=1)
    figure.update_yaxes(
        title_text="Month",
        type="category",
        categoryorder="array",
        categoryarray=data.months,
        autorange="reversed",
    )
    figure.update_layout(legend={"y": 1.0, "yanchor": "bottom"}, dragmode="pan")
    return figure


def _colour_bar(title: str, low: float, high: float) -> go.Scatter:
    """An invisible trace that only draws the colour bar of the stepped bar colours."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        showlegend=False,
        hoverinfo="skip",
        marker={
            "color": [low],
            "colorscale": SEQUENTIAL_SCALE,
            "cmin": low,
            "cmax": high,
            "showscale": True,
            "colorbar": {"title": {"text": title}, "thickness": 14},
        },
    )


# --- Insights --------------------------------------------------------------------------------


def correlation_figure(data: InsightsData) -> go.Figure | Empty:
    if data.metrics.total_blocks < 2:
        return Empty("Correlations need at least two blocks.")
    titles = [VARIABLE_TITLES[name] for name in CORRELATION_VARIABLES]
    matrix = data.correlation_matrix
    text = [
        ["" if value is None else f"{round(value, 2) + 0.0:.2f}" for value in row] for row in matrix
    ]
    figure = _figure(height=440)
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


# --- Trends ----------------------------------------------------------------------------------


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
        return _no_blocks(None)
    if data.scheduled_blocks == 0:
        return Empty(NOTHING_SCHEDULED)
    return None


def rate_by_priority_figure(data: TrendsData) -> go.Figure | Empty:
    if empty := _no_rates(data):
        return empty
    bins = data.by_priority
    figure = _figure(height=360, showlegend=False)
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
    figure = _figure(height=360, showlegend=False)
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
        marker_color=STATUS_COLOURS[SCHEDULED_LABEL],
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
    figure = _figure(height=340, showlegend=False)
    figure.add_trace(
        go.Scatter(
            x=curve.x,
            y=curve.rate,
            mode="lines+markers" if len(curve.x) == 1 else "lines",
            line={"color": STATUS_COLOURS[SCHEDULED_LABEL], "width": 2.5},
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
    figure = _figure(height=460)
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


# --- Compare ---------------------------------------------------------------------------------


def _side_label(data: CompareData, side: str) -> str:
    schedule = data.a if side == "A" else data.b
    return f"{side}: {schedule.name} v{schedule.version}"


def compare_priority_figure(data: CompareData) -> go.Figure | Empty:
    if not data.a.scheduled_priorities and not data.b.scheduled_priorities:
        return Empty("Neither schedule has scheduled blocks.")
    # Side by side in shared bins: overlaid translucent bars would mix into a third colour
    # that the legend does not show.
    figure = _figure(height=380, barmode="group", bargap=0.12, bargroupgap=0.0)
    for side, values in (("A", data.a.scheduled_priorities), ("B", data.b.scheduled_priorities)):
        figure.add_trace(
            go.Histogram(
                x=np.asarray(values),
                name=html.escape(_side_label(data, side), quote=False),
                nbinsx=30,
                bingroup="priority",
                marker_color=COMPARE_COLOURS[side],
                hovertemplate="Priority %{x}: %{y} blocks<extra>" + side + "</extra>",
            )
        )
    figure.update_xaxes(title_text="Priority")
    figure.update_yaxes(title_text="Scheduled blocks")
    return figure


def compare_requested_figure(data: CompareData) -> go.Figure | Empty:
    a, b = data.a.scheduled_requested_hours, data.b.scheduled_requested_hours
    if not a and not b:
        return Empty("Neither schedule has scheduled blocks.")
    figure = _figure(height=360, showlegend=False)
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
