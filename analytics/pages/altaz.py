"""The alt/az tool: altitude (or airmass) and azimuth through the night of up to ten of the
schedule's targets, with the twilights and the Moon."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from analytics.forms import AltAzForm
from analytics.pages.legend import (
    MOON_COLOUR,
    sexagesimal_dec,
    sexagesimal_ra,
    twilight_shapes,
)
from analytics.selectors.altaz import AltAzData, altaz
from schedules.mjd import mjd_to_iso
from tsi_site.web.charts import Empty, escape, new_figure, plotly_dates
from tsi_site.web.links import block_urls
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, preview
from tsi_site.web.tables import Column, Table

AIRMASS_CAP = 3.0  # beyond this the axis stops: higher airmass is not worth observing at
TARGET_COLOURS = qualitative.Safe
MOON = "Moon"


class AltAzPage(ReportPage, page="alt-az", form=AltAzForm):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent:
        data = altaz(schedule, form.filters())
        form.offer_targets(data.options)
        form.show_night(data.first_night)
        airmass = form.cleaned_data.get("y_axis") == "airmass"
        urls = block_urls(schedule.pk, np.array([t.block_id for t in data.targets], dtype=np.int64))
        nights = nights_table(data)
        return PageContent(
            {
                "data": data,
                "chosen": [
                    {"target": target, "url": url, "ra": ra, "dec": dec}
                    for target, url, ra, dec in zip(
                        data.targets,
                        urls.tolist(),
                        sexagesimal_ra(np.array([t.ra_deg for t in data.targets])),
                        sexagesimal_dec(np.array([t.dec_deg for t in data.targets])),
                        strict=True,
                    )
                ],
                "nights": preview(nights),
                "title": chart_title(data),
            },
            charts=[
                ChartSpec(
                    "alt-az", lambda: altaz_figure(data, airmass=airmass), lambda: altaz_table(data)
                )
            ],
            tables={"nights": lambda: nights},
        )


def chart_title(data: AltAzData) -> str:
    count = len(data.night_dates)
    if count > 1:
        return f"Through {count} nights from the evening of {data.first_night}"
    return f"Through the night of {data.first_night}"


def altaz_figure(data: AltAzData, *, airmass: bool) -> go.Figure | Empty:
    """Two panels on one time axis: altitude (or airmass) above, azimuth below."""
    if data.site is None:
        return Empty("Choose a site above: this schedule has no location.")
    if data.nights is None:
        return Empty("Choose a date above: the schedule gives no period.")
    if not data.targets:
        return Empty("None of the chosen targets belongs to this schedule; pick others above.")
    figure = new_figure(height=640, hovermode="x unified", margin={"l": 88, "b": 76})
    # Plain string arrays: plotly checks lists item by item, arrays at once.
    times = np.asarray(plotly_dates(data.mjd))
    first, last = float(data.mjd[0]), float(data.mjd[-1])
    names = escape([target.label for target in data.targets])
    shape = "%{y:.2f}" if airmass else "%{y:.1f}°"
    for index, name in enumerate(names):
        colour = TARGET_COLOURS[index % len(TARGET_COLOURS)]
        azimuth = np.where(data.alt_deg[index] > 0.0, data.az_deg[index], np.nan)
        # Break the line where the azimuth wraps through north instead of drawing across: a
        # repeated time with no value.
        breaks = np.flatnonzero(np.abs(np.diff(azimuth)) > 180.0) + 1
        figure.add_traces(
            [
                go.Scatter(
                    x=times,
                    y=data.airmass[index] if airmass else data.alt_deg[index],
                    mode="lines",
                    name=name,
                    legendgroup=str(index),
                    line={"color": colour, "width": 2},
                    hovertemplate=shape + "<extra>%{fullData.name}</extra>",
                ),
                go.Scatter(
                    x=np.insert(times, breaks, times[breaks]),
                    y=np.insert(azimuth, breaks, np.nan),
                    yaxis="y2",
                    mode="lines",
                    name=name,
                    legendgroup=str(index),
                    showlegend=False,
                    line={"color": colour, "width": 1.5},
                    hovertemplate="az %{y:.1f}°<extra>%{fullData.name}</extra>",
                ),
            ]
        )
    moon = data.moon_alt_deg
    with np.errstate(divide="ignore", invalid="ignore"):
        moon_airmass = np.where(moon > 0.0, 1.0 / np.sin(np.radians(moon)), np.nan)
    figure.add_trace(
        go.Scatter(
            x=times,
            y=moon_airmass if airmass else moon,
            mode="lines",
            name=MOON,
            line={"color": MOON_COLOUR, "dash": "dot", "width": 1.5},
            customdata=moon,
            hovertemplate="Moon %{customdata:.1f}°<extra></extra>",
        )
    )
    if airmass:
        upper = {"title": {"text": "Airmass"}, "range": [AIRMASS_CAP, 1.0]}
    else:
        upper = {"title": {"text": "Altitude (°)"}, "range": [0, 90], "dtick": 15}
    azimuth_axis = {
        "title": {"text": "Azimuth (°)"},
        "domain": [0.0, 0.28],
        "range": [0, 360],
        "tickvals": [0, 90, 180, 270, 360],
        "ticktext": ["N 0", "E 90", "S 180", "W 270", "N 360"],
    }
    time_axis = {"type": "date", "range": [times[0], times[-1]], "anchor": "y2"}
    figure.update_layout(
        xaxis={**time_axis, "title": {"text": "UTC"}},
        yaxis={**upper, "domain": [0.36, 1.0]},
        yaxis2=azimuth_axis,
        shapes=twilight_shapes(
            data.nights.twilight_periods(), first, last, [("x", "y"), ("x", "y2")]
        ),
    )
    return figure


def altaz_table(data: AltAzData) -> Table:
    """The drawn samples: one row per target and time, then the Moon's altitudes."""
    count, times = data.alt_deg.shape if data.alt_deg.ndim == 2 else (0, 0)
    iso = np.asarray(mjd_to_iso(data.mjd), dtype=object)
    labels = np.repeat(np.array([t.label for t in data.targets], dtype=object), times)
    rows = list(
        zip(
            labels.tolist(),
            np.tile(iso, count).tolist(),
            np.tile(data.mjd, count).tolist(),
            data.alt_deg.ravel().tolist(),
            data.az_deg.ravel().tolist(),
            data.airmass.ravel().tolist(),
            strict=True,
        )
    )
    rows += [
        (MOON, stamp, mjd, altitude, None, None)
        for stamp, mjd, altitude in zip(
            iso.tolist(), data.mjd.tolist(), data.moon_alt_deg.tolist(), strict=True
        )
    ]
    return Table(
        (
            Column("Target", wrap=True),
            Column("Time (UTC)", utc=True),
            Column("Time (MJD)", 5, grouped=False),
            Column("Altitude (°)", 2),
            Column("Azimuth (°)", 2),
            Column("Airmass", 3),
        ),
        rows,
    )


def nights_table(data: AltAzData) -> Table:
    columns = (
        Column("Night"),
        Column("Sunset (UTC)", utc=True),
        Column("Civil dusk (UTC)", utc=True),
        Column("Nautical dusk (UTC)", utc=True),
        Column("Astronomical dusk (UTC)", utc=True),
        Column("Astronomical dawn (UTC)", utc=True),
        Column("Nautical dawn (UTC)", utc=True),
        Column("Civil dawn (UTC)", utc=True),
        Column("Sunrise (UTC)", utc=True),
        Column("Moonrise (UTC)", utc=True),
        Column("Moonset (UTC)", utc=True),
        Column("Moon lit (%)", 0),
    )
    nights = data.nights
    if nights is None:
        return Table(columns, [])
    events = [
        mjd_to_iso(getattr(nights, name))
        for name in (
            "sunset",
            "civil_dusk",
            "nautical_dusk",
            "astronomical_dusk",
            "astronomical_dawn",
            "nautical_dawn",
            "civil_dawn",
            "sunrise",
            "moonrise",
            "moonset",
        )
    ]
    return Table(
        columns,
        list(
            zip(
                data.night_dates,
                *events,
                (nights.moon_illumination * 100.0).tolist(),
                strict=True,
            )
        ),
    )
