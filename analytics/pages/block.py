"""The block page: one block's request, constraints, status and findings, its visibility
windows against the nights, and its altitude on the night that matters for it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from analytics.forms import BlockPageForm
from analytics.pages.legend import (
    BUCKET_LABELS,
    CHANGE_TITLES,
    DARK_PERIOD_COLOUR,
    MOON_COLOUR,
    MOON_UP_COLOUR,
    SCHEDULED,
    TWILIGHT_COLOURS,
    period_text,
    sexagesimal_dec,
    sexagesimal_ra,
    status_labels,
    twilight_shapes,
)
from analytics.selectors.block import BlockDetail, block_detail, block_id_for_source
from analytics.selectors.diagnostics import block_reason
from analytics.selectors.lineage import BlockHistoryData, block_history_of
from schedules.mjd import mjd_to_datetime64, mjd_to_iso
from tsi_site.web.charts import (
    Empty,
    epoch_ms,
    escape,
    hover_points,
    new_figure,
    plotly_dates,
    rectangles,
    spread,
)
from tsi_site.web.links import block_link
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, ScheduleView, preview
from tsi_site.web.tables import CellLink, Column, Table

VISIBLE_COLOUR = "#009E73"
FIXED_COLOUR = "#CC79A7"
LIMIT_COLOUR = "rgba(213, 94, 0, 0.10)"
# Airmass is sec z: these values label the right-hand axis at their altitudes.
AIRMASS_TICKS = (1.0, 1.1, 1.2, 1.5, 2.0, 3.0)
WINDOW_DAYS_BEFORE, WINDOW_DAYS_AFTER = 3.0, 4.0  # the windows chart opens on this week
HOVER_STEP_MS = 7_200_000.0  # long periods carry a hover point at least every two hours
TABLE_ROWS = 20  # of the block's windows and neighbours shown; the CSVs have them all

SCHEDULED_ROW, VISIBLE_ROW, FIXED_ROW = "Scheduled", "Visible", "Fixed window"
DARK_ROW, MOON_ROW, SUN_ROW = "Dark periods", "Moon up", "Sun"


class BlockPage(ReportPage, page="block", form=BlockPageForm):
    cache_charts = True

    def get(self, request, schedule_id: int, block_id: int) -> HttpResponse:
        return super().get(request, schedule_id)

    def content(self, request, schedule, form) -> PageContent:
        detail = block_detail(schedule, self.kwargs["block_id"], form.filters())
        if detail is None:
            raise Http404("This schedule has no such block.")
        findings = findings_table(detail)
        neighbours = same_target_table(detail, block_link(schedule.pk))
        windows = visibility_table(detail)
        info = detail.block
        history = history_table(block_history_of(schedule, info.source_block_id))
        return PageContent(
            {
                "detail": detail,
                "info": info,
                "bucket": BUCKET_LABELS[info.priority_bucket],
                "ra_text": sexagesimal_ra(np.array([info.ra_deg]))[0],
                "dec_text": sexagesimal_dec(np.array([info.dec_deg]))[0],
                "findings": preview(findings),
                "neighbours": preview(neighbours, TABLE_ROWS),
                "windows": preview(windows, TABLE_ROWS),
                "why": block_reason(schedule, self.kwargs["block_id"]),
                "history": preview(history),
            },
            charts=[
                ChartSpec(
                    "windows", lambda: windows_figure(detail), lambda: window_bars_table(detail)
                ),
                ChartSpec(
                    "altitude", lambda: altitude_figure(detail), lambda: altitude_table(detail)
                ),
            ],
            tables={
                "findings": lambda: findings,
                "same-target": lambda: neighbours,
                "visibility": lambda: windows,
                "history": lambda: history,
            },
        )


class BlockLookup(ScheduleView):
    """``?source_id=…``: the block page of the block with that source id (tables link here)."""

    def respond(self, request, schedule, form) -> HttpResponse:
        block_id = block_id_for_source(schedule, request.GET.get("source_id", ""))
        if block_id is None:
            raise Http404("This schedule has no block with that id.")
        return HttpResponseRedirect(reverse("analytics:block", args=[schedule.pk, block_id]))


@dataclass(frozen=True)
class WindowBars:
    """The rectangles of the windows chart, one per row of its CSV."""

    row: np.ndarray
    series: np.ndarray
    start: np.ndarray
    stop: np.ndarray


def window_bars(detail: BlockDetail) -> WindowBars:
    info, sky = detail.block, detail.sky
    parts: list[tuple[str, str, np.ndarray]] = []
    if info.is_scheduled:
        scheduled = np.array([[info.scheduled_start_mjd, info.scheduled_stop_mjd]])
        parts.append((SCHEDULED_ROW, "Scheduled", scheduled))
    parts.append((VISIBLE_ROW, "Visibility window", info.visibility_periods))
    if info.fixed_start_mjd is not None or info.fixed_stop_mjd is not None:
        edges = _span_edges(detail)
        fixed = np.array([[info.fixed_start_mjd or edges[0], info.fixed_stop_mjd or edges[1]]])
        parts.append((FIXED_ROW, "Fixed window", fixed))
    parts.append((DARK_ROW, "Dark period", sky.dark_periods))
    if sky.nights is not None:
        parts.append((MOON_ROW, "Moon up", sky.nights.moon_up))
        parts += [
            (SUN_ROW, label, periods) for label, periods in sky.nights.twilight_periods().items()
        ]
    parts = [(row, series, periods.reshape(-1, 2)) for row, series, periods in parts]
    return WindowBars(
        row=np.concatenate([np.full(len(p), row, dtype=object) for row, _, p in parts]),
        series=np.concatenate([np.full(len(p), series, dtype=object) for _, series, p in parts]),
        start=np.concatenate([p[:, 0] for *_, p in parts]).astype(np.float64),
        stop=np.concatenate([p[:, 1] for *_, p in parts]).astype(np.float64),
    )


SERIES_COLOURS = {
    "Scheduled": SCHEDULED.colour,
    "Visibility window": VISIBLE_COLOUR,
    "Fixed window": FIXED_COLOUR,
    "Dark period": DARK_PERIOD_COLOUR,
    "Moon up": MOON_UP_COLOUR,
    **TWILIGHT_COLOURS,
}


def windows_figure(detail: BlockDetail) -> go.Figure | Empty:
    """A row of rectangles per kind of period, each series one filled path (``rectangles``): a
    year of the Sun's bands is thousands of them."""
    bars = window_bars(detail)
    if not len(bars.start):
        return Empty("This block has no visibility windows and the schedule no dark periods.")
    rows = [SUN_ROW, MOON_ROW, DARK_ROW, FIXED_ROW, VISIBLE_ROW, SCHEDULED_ROW]
    shown = [row for row in rows if (bars.row == row).any()]
    figure = new_figure(height=140 + 44 * len(shown), dragmode="pan", margin={"l": 112, "b": 76})
    for series, colour in SERIES_COLOURS.items():
        member = bars.series == series
        if not member.any():
            continue
        start, stop = bars.start[member], bars.stop[member]
        left, right = epoch_ms(mjd_to_datetime64(start)), epoch_ms(mjd_to_datetime64(stop))
        row = float(shown.index(bars.row[member][0]))
        figure.add_trace(
            rectangles(
                left,
                right,
                np.full(len(start), row - 0.35),
                np.full(len(start), row + 0.35),
                name=series,
                legendgroup=series,
                fillcolor=colour,
            )
        )
        # The Sun's bands say what they are by their colour; their times are in the CSV and
        # the night's table, and a year of them would double the page.
        if series in TWILIGHT_COLOURS:
            continue
        index, moments = spread(left, right, HOVER_STEP_MS)
        figure.add_trace(
            hover_points(
                moments,
                np.full(len(index), row),
                name=series,
                legendgroup=series,
                customdata=((stop - start) * 24.0)[index],
                hovertext=period_text(start, stop)[index],
                hovertemplate=f"{series}<br>%{{hovertext}}<br>%{{customdata:.2f}} h<extra></extra>",
            )
        )
    figure.update_xaxes(type="date", title_text="UTC", range=_week_around(detail, bars))
    figure.update_yaxes(
        tickvals=list(range(len(shown))),
        ticktext=shown,
        range=[-0.5, len(shown) - 0.5],
        fixedrange=True,
        zeroline=False,
        showgrid=False,
    )
    figure.update_layout(legend={"traceorder": "normal"})
    return figure


def _week_around(detail: BlockDetail, bars: WindowBars) -> list[str]:
    night = detail.sky.night
    if night is not None:
        centre = night.noon_mjd
    elif detail.block.scheduled_start_mjd is not None:
        centre = detail.block.scheduled_start_mjd
    else:
        centre = float(np.nanmin(bars.start))
    return plotly_dates(np.array([centre - WINDOW_DAYS_BEFORE, centre + WINDOW_DAYS_AFTER]))


def _span_edges(detail: BlockDetail) -> tuple[float, float]:
    """Where an open fixed window is drawn to: the edges of everything else shown."""
    sky, info = detail.sky, detail.block
    known = [info.visibility_periods.ravel(), sky.dark_periods.ravel()]
    if sky.nights is not None:
        known.append(np.array([sky.nights.noon_mjd[0], sky.nights.noon_mjd[-1] + 1.0]))
    values = np.concatenate(
        [*known, [info.fixed_start_mjd or np.nan, info.fixed_stop_mjd or np.nan]]
    )
    values = values[np.isfinite(values)]
    return float(values.min()), float(values.max())


def window_bars_table(detail: BlockDetail) -> Table:
    bars = window_bars(detail)
    return Table(
        (
            Column("Row"),
            Column("Series"),
            Column("Start (UTC)", utc=True),
            Column("Stop (UTC)", utc=True),
            Column("Start (MJD)", 5, grouped=False),
            Column("Stop (MJD)", 5, grouped=False),
            Column("Duration (h)", 2),
        ),
        list(
            zip(
                bars.row.tolist(),
                bars.series.tolist(),
                mjd_to_iso(bars.start),
                mjd_to_iso(bars.stop),
                bars.start.tolist(),
                bars.stop.tolist(),
                ((bars.stop - bars.start) * 24.0).tolist(),
                strict=True,
            )
        ),
    )


def altitude_figure(detail: BlockDetail) -> go.Figure | Empty:
    sky, info = detail.sky, detail.block
    curve = sky.altitude
    if curve is None or sky.night is None:
        return Empty("Choose a site above to see the block's altitude.")
    times = np.asarray(plotly_dates(curve.mjd))
    first, last = float(curve.mjd[0]), float(curve.mjd[-1])
    figure = new_figure(height=460, hovermode="x unified", margin={"r": 64, "b": 76})
    shapes = twilight_shapes(sky.nights.twilight_periods(), first, last, [("x", "y")])
    # Outside the altitude limits: shaded, the limits dashed.
    for low, high in ((0.0, info.min_alt_deg), (info.max_alt_deg, 90.0)):
        if high > low:
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x domain",
                    "yref": "y",
                    "x0": 0,
                    "x1": 1,
                    "y0": low,
                    "y1": high,
                    "fillcolor": LIMIT_COLOUR,
                    "layer": "below",
                    "line": {"width": 0},
                }
            )
    for limit in (info.min_alt_deg, info.max_alt_deg):
        if 0.0 < limit < 90.0:
            shapes.append(
                {
                    "type": "line",
                    "xref": "x domain",
                    "yref": "y",
                    "x0": 0,
                    "x1": 1,
                    "y0": limit,
                    "y1": limit,
                    "line": {"color": "#D55E00", "dash": "dash", "width": 1.5},
                }
            )
    windows = info.visibility_periods
    windows = np.clip(windows[(windows[:, 1] > first) & (windows[:, 0] < last)], first, last)
    hover = np.column_stack((curve.az_deg, curve.airmass))
    figure.add_trace(
        go.Scatter(
            x=times,
            y=curve.alt_deg,
            mode="lines",
            name=escape([info.display_name or info.source_block_id])[0],
            line={"color": "#0072B2", "width": 2},
            customdata=hover,
            hovertemplate="Altitude %{y:.1f}°, azimuth %{customdata[0]:.1f}°, "
            "airmass %{customdata[1]:.2f}<extra></extra>",
        )
    )
    for index, (start, stop) in enumerate(windows):
        inside = (curve.mjd >= start) & (curve.mjd <= stop)
        figure.add_trace(
            _highlight(times, curve.alt_deg, inside, "Visibility window", VISIBLE_COLOUR)
        )
        figure.data[-1].showlegend = index == 0  # one legend entry for every window
    if info.is_scheduled:
        inside = (curve.mjd >= info.scheduled_start_mjd) & (curve.mjd <= info.scheduled_stop_mjd)
        if inside.any():
            figure.add_trace(
                _highlight(times, curve.alt_deg, inside, "Scheduled", SCHEDULED.colour)
            )
    figure.add_trace(
        go.Scatter(
            x=times,
            y=curve.moon_alt_deg,
            mode="lines",
            name="Moon",
            line={"color": MOON_COLOUR, "dash": "dot", "width": 1.5},
            hovertemplate="Moon %{y:.1f}°<extra></extra>",
        )
    )
    # An empty trace on the airmass axis makes plotly draw it.
    figure.add_trace(
        go.Scatter(x=times[:1], y=[None], yaxis="y2", showlegend=False, hoverinfo="skip")
    )
    figure.update_xaxes(type="date", title_text="UTC", range=[times[0], times[-1]])
    figure.update_yaxes(title_text="Altitude (°)", range=[0, 90], dtick=15)
    figure.update_layout(
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 90],
            "tickvals": [float(np.degrees(np.arcsin(1.0 / value))) for value in AIRMASS_TICKS],
            "ticktext": [f"{value:g}" for value in AIRMASS_TICKS],
            "title": {"text": "Airmass"},
            "showgrid": False,
        },
        legend={"traceorder": "normal"},
        shapes=shapes,
    )
    return figure


def _highlight(
    times: np.ndarray, altitude: np.ndarray, inside: np.ndarray, name: str, colour: str
) -> go.Scatter:
    """The part of the altitude curve inside a period, drawn thick over it."""
    return go.Scatter(
        x=times[inside],
        y=altitude[inside],
        mode="lines",
        name=name,
        legendgroup=name,
        line={"color": colour, "width": 6},
        opacity=0.55,
        hoverinfo="skip",
    )


def altitude_table(detail: BlockDetail) -> Table:
    curve = detail.sky.altitude
    columns = (
        Column("Time (UTC)", utc=True),
        Column("Time (MJD)", 5, grouped=False),
        Column("Altitude (°)", 2),
        Column("Azimuth (°)", 2),
        Column("Airmass", 3),
        Column("Moon altitude (°)", 2),
    )
    if curve is None:
        return Table(columns, [])
    return Table(
        columns,
        list(
            zip(
                mjd_to_iso(curve.mjd),
                curve.mjd.tolist(),
                curve.alt_deg.tolist(),
                curve.az_deg.tolist(),
                curve.airmass.tolist(),
                curve.moon_alt_deg.tolist(),
                strict=True,
            )
        ),
    )


def findings_table(detail: BlockDetail) -> Table:
    return Table(
        (
            Column("Criticality"),
            Column("Status"),
            Column("Issue", wrap=True),
            Column("Field"),
            Column("Current value"),
            Column("Expected"),
            Column("Description", wrap=True),
        ),
        [
            (
                i.criticality,
                i.status,
                i.title,
                i.field,
                i.current_value,
                i.expected_value,
                i.message,
            )
            for i in detail.findings
        ],
    )


def same_target_table(detail: BlockDetail, link: CellLink) -> Table:
    return Table(
        (
            Column("Block ID", link=link),
            Column("Name", wrap=True),
            Column("Priority", 2),
            Column("Status"),
        ),
        list(
            zip(
                [n.source_block_id for n in detail.same_target],
                [n.display_name for n in detail.same_target],
                [n.priority for n in detail.same_target],
                status_labels(np.array([n.is_scheduled for n in detail.same_target], dtype=bool)),
                strict=True,
            )
        ),
    )


def visibility_table(detail: BlockDetail) -> Table:
    periods = detail.block.visibility_periods
    return Table(
        (
            Column("Start (UTC)", utc=True),
            Column("Stop (UTC)", utc=True),
            Column("Start (MJD)", 5, grouped=False, page=False),
            Column("Stop (MJD)", 5, grouped=False, page=False),
            Column("Duration (h)", 2),
        ),
        list(
            zip(
                mjd_to_iso(periods[:, 0]),
                mjd_to_iso(periods[:, 1]),
                periods[:, 0].tolist(),
                periods[:, 1].tolist(),
                ((periods[:, 1] - periods[:, 0]) * 24.0).tolist(),
                strict=True,
            )
        ),
    )


def history_table(history: BlockHistoryData) -> Table:
    """The block in every version of the schedule's name; a version links to its block page
    when the block is there, and the shown one says so."""
    rows = history.versions
    pages = {
        row.version: reverse("analytics:block", args=[row.schedule_id, row.block_id])
        for row in rows
        if row.block_id is not None
    }
    current = {row.version for row in rows if row.is_current}
    start = np.array([row.start_mjd for row in rows], dtype=np.float64)  # None → NaN
    stop = np.array([row.stop_mjd for row in rows], dtype=np.float64)

    def version_text(row, index: int) -> str | None:
        if index != 0:
            return None
        return f"v{row[0]} (this)" if row[0] in current else f"v{row[0]}"

    return Table(
        (
            Column("Version", link=pages.get),
            Column("Present"),
            Column("Scheduled"),
            Column("Start (UTC)", utc=True),
            Column("Stop (UTC)", utc=True),
            Column("Start (MJD)", 5, grouped=False, page=False),
            Column("Stop (MJD)", 5, grouped=False, page=False),
            Column("Priority", 2),
            Column("Changes from the previous version", wrap=True),
        ),
        [
            (
                row.version,
                row.present,
                row.scheduled,
                start_utc,
                stop_utc,
                row.start_mjd,
                row.stop_mjd,
                row.priority,
                ", ".join(CHANGE_TITLES[change].lower() for change in row.changes),
            )
            for row, start_utc, stop_utc in zip(
                rows, mjd_to_iso(start), mjd_to_iso(stop), strict=True
            )
        ],
        cell_format=version_text,
    )
