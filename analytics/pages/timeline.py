"""The timeline page: scheduled observations by month and day, with the dark periods."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from analytics.block_frame import BlockFrame
from analytics.forms import TimelineForm
from analytics.pages.legend import SEQUENTIAL_SCALE, block_labels, period_text, with_reasons
from analytics.selectors import TimelineData, timeline
from analytics.selectors.diagnostics import reasons_by_block_id
from schedules.mjd import datetime64_to_mjd, mjd_to_datetime64, mjd_to_iso
from tsi_site.web.charts import Empty, hover_points, new_figure, rectangles, spread
from tsi_site.web.links import block_link, block_urls
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, paginate, preview
from tsi_site.web.tables import CellLink, Column, Table

DARK_PERIOD_COLOUR = "#332288"
COLOUR_STEPS = 32  # bars coloured by a continuous value use this many colours of the scale
# Where the bars sit in their month's row (1 high, the month's tick at 0): observations above
# the middle, the dark time below them.
OBSERVATION_ROW_MIDDLE, DARK_ROW_MIDDLE = -0.06, 0.37
HOVER_STEP_DAYS = 0.5  # long bars carry a hover point at least this often
OBSERVATION, DARK_PERIOD = "observation", "dark period"


class TimelinePage(ReportPage, page="timeline", form=TimelineForm):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent:
        data = timeline(schedule, form.filters())
        form.offer_months(data.months)
        observations = observations_table(data.observations, block_link(schedule.pk))
        urls = block_urls(schedule.pk, data.observations.block_id)
        dark_periods = dark_periods_table(data)
        # Observations are scheduled blocks: their reasons need no diagnostics.
        observations = with_reasons(
            observations,
            reasons_by_block_id(
                schedule, data.observations.block_id, data.observations.is_scheduled
            ),
        )
        return PageContent(
            {
                "data": data,
                "observations": paginate(request, observations),
                "dark_periods": preview(dark_periods),
            },
            charts=[
                ChartSpec(
                    "timeline", lambda: timeline_figure(data, urls), lambda: timeline_table(data)
                )
            ],
            tables={"observations": lambda: observations, "dark-periods": lambda: dark_periods},
        )


def timeline_figure(data: TimelineData, urls: np.ndarray | None = None) -> go.Figure | Empty:
    """Month rows × day-of-month bars, from the same month pieces as ``timeline_table``;
    with ``urls`` (one per observation) a click on a bar opens its block. The bars are filled
    rectangles (one path per colour) with their hover on points inside them (``rectangles``)."""
    if len(data.observations) == 0:
        if data.scheduled_blocks == 0:
            return Empty("Nothing is scheduled in this schedule.")
        return Empty("No scheduled block matches the current filters.")
    obs = data.observations
    observed = month_pieces(obs.scheduled_start_mjd, obs.scheduled_stop_mjd)
    dark = month_pieces(data.dark_periods[:, 0], data.dark_periods[:, 1])
    months = data.shown_months
    figure = new_figure(height=max(320, 120 + 40 * len(months)), margin={"l": 100, "r": 112})
    if len(dark.index):
        middle = month_rows(dark.month, months) + DARK_ROW_MIDDLE
        figure.add_trace(
            rectangles(
                dark.from_day,
                dark.to_day,
                middle - 0.07,
                middle + 0.07,
                name="Dark time (observable)",
                legendgroup=DARK_PERIOD,
                fillcolor=DARK_PERIOD_COLOUR,
                opacity=0.55,
            )
        )
        index, days = spread(dark.from_day, dark.to_day, HOVER_STEP_DAYS)
        figure.add_trace(
            hover_points(
                days,
                middle[index],
                name="Dark time (observable)",
                legendgroup=DARK_PERIOD,
                hovertext=period_text(dark.start_mjd, dark.stop_mjd)[index],
                hovertemplate="Dark time %{hovertext}<extra></extra>",
            )
        )
    priority = obs.priority[observed.index]
    low, high = float(priority.min()), float(priority.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    labels = block_labels(obs.source_block_id[observed.index], obs.display_name[observed.index])
    periods = period_text(observed.start_mjd, observed.stop_mjd)
    middle = month_rows(observed.month, months) + OBSERVATION_ROW_MIDDLE
    # One trace per colour step: colours given per rectangle would need a trace each.
    level = np.rint((priority - low) / (high - low) * (COLOUR_STEPS - 1)).astype(np.int64)
    palette = sample_colorscale(SEQUENTIAL_SCALE, np.linspace(0, 1, COLOUR_STEPS).tolist())
    links = np.full(len(obs), "", dtype=object) if urls is None else urls
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
            rectangles(
                observed.from_day[member],
                observed.to_day[member],
                middle[member] - 0.28,
                middle[member] + 0.28,
                name="Scheduled observation",
                legendgroup="observations",
                showlegend=False,
                fillcolor=palette[step],
            )
        )
    index, days = spread(observed.from_day, observed.to_day, HOVER_STEP_DAYS)
    custom = np.empty((len(index), 2), dtype=object)
    custom[:, 0], custom[:, 1] = links[observed.index][index], priority[index]
    figure.add_trace(
        hover_points(
            days,
            middle[index],
            name="Scheduled observation",
            legendgroup="observations",
            text=labels[index],
            customdata=custom,
            hovertext=periods[index],
            hovertemplate="%{text}<br>Priority %{customdata[1]:.2f}<br>%{hovertext}<extra></extra>",
        )
    )
    figure.add_trace(_colour_bar("Priority", low, high))
    figure.update_xaxes(title_text="Day of month (UTC)", range=[1, 32], dtick=1)
    figure.update_yaxes(
        title_text="Month",
        tickvals=list(range(len(months))),
        ticktext=months,
        range=[len(months) - 0.5, -0.5],  # the first month at the top
        zeroline=False,
    )
    figure.update_layout(legend={"y": 1.0, "yanchor": "bottom"}, dragmode="pan")
    return figure


def month_rows(month: np.ndarray, shown: list[str]) -> np.ndarray:
    """The row of each piece's month, NaN (not drawn) outside the months shown."""
    row = {name: index for index, name in enumerate(shown)}
    return np.array([row.get(name, np.nan) for name in month.tolist()], dtype=np.float64)


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


@dataclass(frozen=True)
class MonthPieces:
    """Periods split at UTC month boundaries, one row per piece, in the order of the periods.

    ``from_day``/``to_day`` count fractional days of the month from 1 (midnight on the 1st
    is 1.0), the x axis of the timeline chart.
    """

    index: np.ndarray  # which input period each piece comes from
    month: np.ndarray  # "YYYY-MM"
    from_day: np.ndarray
    to_day: np.ndarray
    start_mjd: np.ndarray
    stop_mjd: np.ndarray


def month_pieces(start: np.ndarray, stop: np.ndarray) -> MonthPieces:
    first = mjd_to_datetime64(start).astype("datetime64[M]")
    spans = (mjd_to_datetime64(stop).astype("datetime64[M]") - first).astype(np.int64)
    parts = []
    for offset in range(int(spans.max()) + 1 if len(start) else 0):
        month = first + np.timedelta64(offset, "M")
        month_start = datetime64_to_mjd(month)
        low = np.maximum(start, month_start)
        high = np.minimum(stop, datetime64_to_mjd(month + np.timedelta64(1, "M")))
        keep = np.flatnonzero(high > low)
        parts.append((keep, offset, month[keep], month_start[keep], low[keep], high[keep]))
    if not parts:
        empty = np.empty(0)
        return MonthPieces(np.empty(0, np.int64), np.empty(0, "U7"), empty, empty, empty, empty)
    index = np.concatenate([part[0] for part in parts])
    order = np.lexsort((np.concatenate([np.full(len(p[0]), p[1]) for p in parts]), index))
    month, month_start, low, high = (
        np.concatenate([part[k] for part in parts])[order] for k in range(2, 6)
    )
    return MonthPieces(
        index=index[order],
        month=np.datetime_as_string(month, unit="M"),
        # Rounded to 0.1 ms: a difference of two MJDs carries noise far below that.
        from_day=np.round(1.0 + low - month_start, 9),
        to_day=np.round(1.0 + high - month_start, 9),
        start_mjd=low,
        stop_mjd=high,
    )


def timeline_table(data: TimelineData) -> Table:
    """One row per rectangle drawn: observations, then dark periods, split at month ends."""
    obs = data.observations
    observed = month_pieces(obs.scheduled_start_mjd, obs.scheduled_stop_mjd)
    dark = month_pieces(data.dark_periods[:, 0], data.dark_periods[:, 1])
    rows = list(
        zip(
            [OBSERVATION] * len(observed.index),
            obs.source_block_id[observed.index].tolist(),
            obs.display_name[observed.index].tolist(),
            obs.priority[observed.index].tolist(),
            observed.month.tolist(),
            observed.from_day.tolist(),
            observed.to_day.tolist(),
            observed.start_mjd.tolist(),
            observed.stop_mjd.tolist(),
            strict=True,
        )
    )
    rows += [
        (DARK_PERIOD, "", "", None, *values)
        for values in zip(
            dark.month.tolist(),
            dark.from_day.tolist(),
            dark.to_day.tolist(),
            dark.start_mjd.tolist(),
            dark.stop_mjd.tolist(),
            strict=True,
        )
    ]
    return Table(
        (
            Column("Kind"),
            Column("Block ID"),
            Column("Name", wrap=True),
            Column("Priority", 2),
            Column("Month"),
            Column("From day", 4),
            Column("To day", 4),
            Column("Start (MJD)", 5, grouped=False),
            Column("Stop (MJD)", 5, grouped=False),
        ),
        rows,
    )


def observations_table(observations: BlockFrame, link: CellLink | None = None) -> Table:
    return Table(
        (
            Column("Block ID", link=link),
            Column("Name", wrap=True),
            Column("Priority", 2),
            Column("Start (UTC)", utc=True),
            Column("Stop (UTC)", utc=True),
            Column("Start (MJD)", 5, grouped=False, page=False),
            Column("Stop (MJD)", 5, grouped=False, page=False),
            Column("Duration (h)", 2),
            Column("RA (°)", 3),
            Column("Dec (°)", 3),
            Column("Requested (h)", 2),
            Column("Visibility (h)", 2),
        ),
        list(
            zip(
                observations.source_block_id.tolist(),
                observations.display_name.tolist(),
                observations.priority.tolist(),
                mjd_to_iso(observations.scheduled_start_mjd),
                mjd_to_iso(observations.scheduled_stop_mjd),
                observations.scheduled_start_mjd.tolist(),
                observations.scheduled_stop_mjd.tolist(),
                observations.scheduled_hours.tolist(),
                observations.ra_deg.tolist(),
                observations.dec_deg.tolist(),
                observations.requested_hours.tolist(),
                observations.total_visibility_hours.tolist(),
                strict=True,
            )
        ),
    )


def dark_periods_table(data: TimelineData) -> Table:
    dark = data.dark_periods
    return Table(
        (
            Column("Start (UTC)", utc=True),
            Column("End (UTC)", utc=True),
            Column("Start (MJD)", 5, grouped=False),
            Column("End (MJD)", 5, grouped=False),
            Column("Duration (h)", 2),
        ),
        list(
            zip(
                mjd_to_iso(dark[:, 0]),
                mjd_to_iso(dark[:, 1]),
                dark[:, 0].tolist(),
                dark[:, 1].tolist(),
                ((dark[:, 1] - dark[:, 0]) * 24.0).tolist(),
                strict=True,
            )
        ),
    )
