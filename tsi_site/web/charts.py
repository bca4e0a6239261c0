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
