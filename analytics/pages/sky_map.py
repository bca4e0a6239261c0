"""The sky map page: where the blocks' targets sit on the sky, by priority bucket or status."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from analytics.forms import SkyMapForm
from analytics.pages.legend import (
    BUCKET_COLOURS,
    BUCKET_LABELS,
    SCHEDULED,
    UNSCHEDULED,
    block_labels,
    no_blocks,
    status_labels,
)
from analytics.selectors import SkyMapData, sky_map
from schedules.mjd import mjd_to_iso
from tsi_site.web.charts import Empty, new_figure
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage
from tsi_site.web.tables import Column, Table


class SkyMapPage(ReportPage, page="sky-map", form=SkyMapForm):
    def content(self, request, schedule, form) -> PageContent:
        data = sky_map(schedule, form.filters())
        options = form.cleaned_data
        return PageContent(
            {"data": data},
            charts=[
                ChartSpec(
                    "sky-map",
                    lambda: sky_map_figure(
                        data,
                        color_by=options["color_by"],
                        projection=options["projection"],
                        flip_ra=options["flip_ra"],
                    ),
                    lambda: sky_map_table(data),
                )
            ],
        )


def sky_map_figure(
    data: SkyMapData, *, color_by: str, projection: str, flip_ra: bool
) -> go.Figure | Empty:
    points = data.points
    if data.shown_blocks == 0:
        return no_blocks(data.total_blocks)
    biggest = data.max_requested_hours
    share = points.requested_hours / biggest if biggest > 0 else np.full(len(points), 0.25)
    # Crowded maps get smaller markers so that the sky stays readable.
    sizes = (5 + 14 * share) * max(0.35, min(1.0, (1500 / len(points)) ** 0.5))
    starts = mjd_to_iso(points.scheduled_start_mjd)
    status = np.array(
        [
            f"Scheduled from {start} (MJD {mjd:.5f})" if scheduled else UNSCHEDULED.label
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
            (SCHEDULED.label, points.is_scheduled, SCHEDULED.colour),
            (UNSCHEDULED.label, ~points.is_scheduled, UNSCHEDULED.colour),
        ]
    else:
        groups = [
            (f"{label} priority", points.priority_bucket == bucket, BUCKET_COLOURS[bucket])
            for bucket, label in BUCKET_LABELS.items()
        ]
    all_sky = projection == "aitoff"
    figure = new_figure(
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
        markers = {
            "mode": "markers",
            "name": label,
            "marker": marker,
            "text": labels[member],
            "customdata": numbers[member],
            "hovertext": status[member],
            "hovertemplate": hover,
        }
        ra, dec = points.ra_deg[member], points.dec_deg[member]
        figure.add_trace(
            go.Scattergeo(lon=_sky_longitude(ra, flip_ra), lat=dec, **markers)
            if all_sky
            else go.Scatter(x=ra, y=dec, **markers)
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


def sky_map_table(data: SkyMapData) -> Table:
    points = data.points
    return Table(
        (
            Column("Block ID"),
            Column("Name", wrap=True),
            Column("RA (°)", 3),
            Column("Dec (°)", 3),
            Column("Priority", 2),
            Column("Priority bucket"),
            Column("Status"),
            Column("Requested (h)", 2),
            Column("Scheduled start (UTC)", utc=True),
            Column("Scheduled start (MJD)", 5, grouped=False),
        ),
        list(
            zip(
                points.source_block_id.tolist(),
                points.display_name.tolist(),
                points.ra_deg.tolist(),
                points.dec_deg.tolist(),
                points.priority.tolist(),
                [BUCKET_LABELS[bucket] for bucket in points.priority_bucket.tolist()],
                status_labels(points.is_scheduled),
                points.requested_hours.tolist(),
                mjd_to_iso(points.scheduled_start_mjd),
                _floats(points.scheduled_start_mjd),
                strict=True,
            )
        ),
    )


def _floats(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(value) else value for value in np.asarray(values, float).tolist()]
