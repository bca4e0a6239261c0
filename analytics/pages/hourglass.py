"""The night hourglass: nights across, hours of the night down, the scheduled blocks at their
hours between the curves of sunset, the twilights and sunrise, and the Moon's hours up."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from analytics.forms import HourglassForm
from analytics.pages.legend import (
    BUCKET_COLOURS,
    BUCKET_LABELS,
    MOON_UP_COLOUR,
    TWILIGHT_COLOURS,
    block_labels,
    period_text,
)
from analytics.selectors.hourglass import UTC, HourglassData, hourglass
from schedules.mjd import mjd_to_iso
from tsi_site.web.charts import Empty, epoch_ms, hover_points, new_figure, rectangles, spread
from tsi_site.web.links import block_link, block_urls
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, preview
from tsi_site.web.tables import CellLink, Column, Table

MS_PER_DAY = 86_400_000.0
OBSERVATION, MOON_UP = "observation", "moon up"
# The curves drawn, darkest last: (label, dusk column, dawn column, colour, dash).
CURVES = (
    ("Sunset / sunrise", "sunset", "sunrise", "#E69F00", "solid"),
    ("Civil twilight (−6°)", "civil_dusk", "civil_dawn", "#c9a227", "dash"),
    ("Nautical twilight (−12°)", "nautical_dusk", "nautical_dawn", "#5a7fb5", "dash"),
    (
        "Astronomical twilight (−18°)",
        "astronomical_dusk",
        "astronomical_dawn",
        TWILIGHT_COLOURS["Night (Sun below −18°)"],
        "solid",
    ),
)


class HourglassPage(ReportPage, page="hourglass", form=HourglassForm):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent:
        data = hourglass(schedule, form.filters())
        nights = nights_table(data)
        blocks = blocks_table(data, block_link(schedule.pk))
        urls = block_urls(schedule.pk, data.observations.block_id)
        return PageContent(
            {"data": data, "nights": preview(nights), "blocks": preview(blocks)},
            charts=[
                ChartSpec(
                    "hourglass",
                    lambda: hourglass_figure(data, urls),
                    lambda: hourglass_table(data),
                )
            ],
            tables={"nights": lambda: nights, "blocks": lambda: blocks},
        )


@dataclass(frozen=True)
class HourglassMarks:
    """What the chart draws, in hours from each night's zero: the CSV's rows."""

    kind: np.ndarray
    night: np.ndarray  # index into data.night_dates
    block: np.ndarray  # index into data.observations, −1 for other marks
    from_hours: np.ndarray
    to_hours: np.ndarray
    start_mjd: np.ndarray
    stop_mjd: np.ndarray


def hourglass_marks(data: HourglassData) -> HourglassMarks:
    obs = data.observations
    parts = [
        (
            OBSERVATION,
            data.observation_night,
            np.arange(len(obs)),
            obs.scheduled_start_mjd,
            obs.scheduled_stop_mjd,
        ),
        (MOON_UP, data.moon_night, None, data.moon_start_mjd, data.moon_stop_mjd),
    ]
    if data.nights is not None:
        every = np.arange(len(data.nights))
        for _, dusk, dawn, _, _ in CURVES:
            for column in (dusk, dawn):
                times = getattr(data.nights, column)
                parts.append((column.replace("_", " "), every, None, times, times))
    kinds, nights, blocks, starts, stops = [], [], [], [], []
    for kind, night, block, start, stop in parts:
        kinds.append(np.full(len(night), kind, dtype=object))
        nights.append(np.asarray(night, dtype=np.int64))
        blocks.append(np.full(len(night), -1) if block is None else block)
        starts.append(np.asarray(start, dtype=np.float64))
        stops.append(np.asarray(stop, dtype=np.float64))
    night = np.concatenate(nights)
    start, stop = np.concatenate(starts), np.concatenate(stops)
    zero = data.reference_mjd[night] if len(data.reference_mjd) else np.zeros(len(night))
    return HourglassMarks(
        kind=np.concatenate(kinds),
        night=night,
        block=np.concatenate(blocks).astype(np.int64),
        from_hours=(start - zero) * 24.0,
        to_hours=(stop - zero) * 24.0,
        start_mjd=start,
        stop_mjd=stop,
    )


def hourglass_figure(data: HourglassData, urls: np.ndarray) -> go.Figure | Empty:
    if data.site is None:
        return Empty("Choose a site above: this schedule has no location.")
    if data.nights is None:
        return Empty("The schedule gives no period, dark periods or scheduled times.")
    marks = hourglass_marks(data)
    dates = np.asarray(data.night_dates, dtype=str)
    figure = new_figure(height=620, dragmode="pan", margin={"t": 96})
    nights = data.nights
    night_ms = epoch_ms(dates)
    moon = marks.kind == MOON_UP
    if moon.any():
        centre, low, high = (
            night_ms[marks.night[moon]],
            marks.from_hours[moon],
            marks.to_hours[moon],
        )
        half = MS_PER_DAY / 2
        figure.add_trace(
            rectangles(
                centre - half,
                centre + half,
                low,
                high,
                name="Moon up",
                legendgroup=MOON_UP,
                fillcolor=MOON_UP_COLOUR,
                opacity=0.4,
            )
        )
        # Points every hour down each Moon-up span: the pointer finds one anywhere on it.
        index, hours = spread(low, high, 1.0)
        illumination = nights.moon_illumination[marks.night[moon]] * 100.0
        figure.add_trace(
            hover_points(
                centre[index],
                hours,
                name="Moon up",
                legendgroup=MOON_UP,
                customdata=illumination[index],
                hovertext=period_text(marks.start_mjd[moon], marks.stop_mjd[moon])[index],
                hovertemplate="Moon up, %{customdata:.0f}% lit<br>%{hovertext}<extra></extra>",
            )
        )
    for label, dusk, dawn, colour, dash in CURVES:
        hours = [
            marks.from_hours[marks.kind == column.replace("_", " ")] for column in (dusk, dawn)
        ]
        figure.add_trace(
            go.Scatter(
                # dusk, then dawn: a repeated night with no value breaks the line between them
                x=np.concatenate((night_ms, night_ms[-1:], night_ms)),
                y=np.concatenate((hours[0], [np.nan], hours[1])),
                mode="lines",
                name=label,
                line={"color": colour, "dash": dash, "width": 1.5},
                hovertemplate=f"{label}: %{{y:.2f}} h<extra></extra>",
            )
        )
    observed = marks.kind == OBSERVATION
    obs = data.observations
    rows = marks.block[observed]
    labels = block_labels(obs.source_block_id, obs.display_name)
    periods = period_text(obs.scheduled_start_mjd, obs.scheduled_stop_mjd)
    from_hours, to_hours = marks.from_hours[observed], marks.to_hours[observed]
    half = 0.35 * MS_PER_DAY
    for bucket, label in BUCKET_LABELS.items():
        member = rows[obs.priority_bucket[rows] == bucket]
        if not len(member):
            continue
        centre, low, high = (
            night_ms[data.observation_night[member]],
            from_hours[member],
            to_hours[member],
        )
        name = f"{label} priority"
        figure.add_trace(
            rectangles(
                centre - half,
                centre + half,
                low,
                high,
                name=name,
                legendgroup=name,
                fillcolor=BUCKET_COLOURS[bucket],
            )
        )
        index, hours = spread(low, high, 1.0)
        figure.add_trace(
            hover_points(
                centre[index],
                hours,
                name=name,
                legendgroup=name,
                text=labels[member][index],
                customdata=urls[member][index],
                hovertext=periods[member][index],
                hovertemplate="%{text}<br>%{hovertext}<br>Click to open the block<extra></extra>",
            )
        )
    axis = "UTC" if data.time_axis == UTC else "local mean time"
    low = np.nanmin(marks.from_hours) if len(marks.from_hours) else -8.0
    high = np.nanmax(marks.to_hours) if len(marks.to_hours) else 8.0
    ticks = np.arange(np.floor(low / 2) * 2, np.ceil(high / 2) * 2 + 1, 2)
    figure.update_yaxes(
        title_text=f"Time of night ({axis})",
        range=[high + 0.25, low - 0.25],  # evening at the top, as the night is read
        tickvals=ticks,
        ticktext=[f"{int(hour) % 24:02d}:00" for hour in ticks],
        zeroline=False,
    )
    figure.update_xaxes(type="date", title_text="Night of (local date of the evening)")
    figure.update_layout(legend={"traceorder": "normal"}, hovermode="closest")
    return figure


def hourglass_table(data: HourglassData) -> Table:
    """One row per mark the chart draws: observations, Moon-up pieces, twilight times."""
    marks = hourglass_marks(data)
    obs = data.observations
    # Marks without a block have index −1: the blank appended to each column.
    ids = np.append(obs.source_block_id.astype(object), "")[marks.block]
    names = np.append(obs.display_name.astype(object), "")[marks.block]
    priority = np.append(obs.priority, np.nan)[marks.block]
    dates = np.asarray(data.night_dates, dtype=str)
    return Table(
        (
            Column("Kind"),
            Column("Night"),
            Column("Block ID"),
            Column("Name", wrap=True),
            Column("Priority", 2),
            Column("From (h)", 3),
            Column("To (h)", 3),
            Column("Start (MJD)", 5, grouped=False),
            Column("Stop (MJD)", 5, grouped=False),
        ),
        list(
            zip(
                marks.kind.tolist(),
                dates[marks.night].tolist() if len(dates) else [],
                ids.tolist(),
                names.tolist(),
                priority.tolist(),
                marks.from_hours.tolist(),
                marks.to_hours.tolist(),
                marks.start_mjd.tolist(),
                marks.stop_mjd.tolist(),
                strict=True,
            )
        ),
    )


def nights_table(data: HourglassData) -> Table:
    columns = (
        Column("Night"),
        Column("Sunset (UTC)", utc=True),
        Column("Astronomical dusk (UTC)", utc=True),
        Column("Astronomical dawn (UTC)", utc=True),
        Column("Sunrise (UTC)", utc=True),
        Column("Moon lit (%)", 0),
        Column("Scheduled blocks"),
    )
    nights = data.nights
    if nights is None:
        return Table(columns, [])
    counts = np.bincount(data.observation_night, minlength=len(nights))
    return Table(
        columns,
        list(
            zip(
                data.night_dates,
                mjd_to_iso(nights.sunset),
                mjd_to_iso(nights.astronomical_dusk),
                mjd_to_iso(nights.astronomical_dawn),
                mjd_to_iso(nights.sunrise),
                (nights.moon_illumination * 100.0).tolist(),
                counts.tolist(),
                strict=True,
            )
        ),
    )


def blocks_table(data: HourglassData, link: CellLink) -> Table:
    obs = data.observations
    dates = np.asarray(data.night_dates, dtype=str)
    return Table(
        (
            Column("Block ID", link=link),
            Column("Name", wrap=True),
            Column("Priority", 2),
            Column("Night"),
            Column("Start (UTC)", utc=True),
            Column("Stop (UTC)", utc=True),
        ),
        list(
            zip(
                obs.source_block_id.tolist(),
                obs.display_name.tolist(),
                obs.priority.tolist(),
                dates[data.observation_night].tolist() if len(dates) else [],
                mjd_to_iso(obs.scheduled_start_mjd),
                mjd_to_iso(obs.scheduled_stop_mjd),
                strict=True,
            )
        ),
    )
