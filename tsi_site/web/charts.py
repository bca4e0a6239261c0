"""Plotly plumbing of the pages: the site's figure template, chart placeholders, and figure
JSON that is safe inside a page.

Figures are built in Python and drawn by one static script (static/tsi/charts.js) from the JSON
each page embeds; plotly renders hover text as HTML, so user strings go through ``escape``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from django.utils.safestring import SafeString, mark_safe

from schedules.mjd import mjd_to_datetime64

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
        # Room for the usual axis labels and one row of legend: when automargin has to widen a
        # margin, plotly draws the whole chart a second time (0.1-0.3 s at 25,000 blocks).
        "margin": {"l": 80, "r": 24, "t": 52, "b": 56},
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


def new_figure(*, height: int, **layout) -> go.Figure:
    """An empty figure in the site's style."""
    figure = go.Figure()
    figure.update_layout(template=TEMPLATE, height=height, **layout)
    return figure


def note(figure: go.Figure, text: str) -> None:
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


def rectangles(
    x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray, **trace
) -> go.Scatter:
    """Rectangles as one filled path, not a bar or shape each: plotly.js draws every bar as an
    SVG element of its own, and thousands of them take seconds to appear. The fill has no hover
    of its own: ``hover_points`` carries the labels. Dates are given as epoch milliseconds."""
    gap = np.full(len(x0), np.nan)
    corners_x = np.column_stack((x0, x1, x1, x0, gap)).astype(np.float64)
    corners_y = np.column_stack((y0, y0, y1, y1, gap)).astype(np.float64)
    return go.Scatter(
        x=corners_x.ravel(),
        y=corners_y.ravel(),
        mode="none",
        fill="toself",
        hoverinfo="skip",
        **trace,
    )


def hover_points(x: np.ndarray, y: np.ndarray, **trace) -> go.Scatter:
    """An invisible line through points carrying hover labels and click links (customdata):
    a line without gaps is a single SVG path, however many points it has."""
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        line={"width": 0, "color": "rgba(0, 0, 0, 0)"},
        showlegend=False,
        **trace,
    )


def spread(low: np.ndarray, high: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions no further than ``step`` apart along each span [low, high] (at least its
    middle), and the span each belongs to: where the hover points of a long rectangle go so
    that the pointer finds one anywhere on it."""
    count = np.maximum(1, np.ceil((high - low) / step)).astype(np.int64)
    index = np.repeat(np.arange(len(low)), count)
    offset = np.arange(len(index)) - np.repeat(np.cumsum(count) - count, count)
    return index, low[index] + (offset + 0.5) * ((high - low) / count)[index]


def epoch_ms(moments: np.ndarray) -> np.ndarray:
    """Dates (``datetime64`` or ISO strings) as the epoch milliseconds a plotly date axis
    reads: numbers travel as typed arrays, far smaller and quicker to read than date strings."""
    return np.asarray(moments, dtype="datetime64[ms]").astype(np.int64).astype(np.float64)
