"""The sky map page: where the blocks' targets sit on the sky, by priority bucket or status,
on an all-sky Aitoff (or Mollweide) map with RA growing to the left, the galactic plane, the
ecliptic and the declinations the site never sees high enough.

The projection is computed here, so the map is an ordinary x/y plot: WebGL (scattergl) draws
it when there are thousands of targets, which plotly's geographic maps cannot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sequential

from analytics.forms import SkyMapForm
from analytics.pages.legend import (
    BUCKET_COLOURS,
    BUCKET_LABELS,
    SCHEDULED,
    UNSCHEDULED,
    block_labels,
    no_blocks,
    sexagesimal_dec,
    sexagesimal_ra,
    status_labels,
    with_reasons,
)
from analytics.selectors import SkyMapData, sky_map
from analytics.selectors.diagnostics import reasons_by_block_id
from analytics.selectors.nights import SCHEDULE
from schedules.mjd import mjd_to_iso
from tsi_site.web.charts import Empty, escape, new_figure
from tsi_site.web.links import block_link, block_urls
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, paginate
from tsi_site.web.tables import CellLink, Column, Table

ALL_SKY = ("aitoff", "mollweide")
AUTO, MARKERS, DENSITY = "auto", "markers", "density"
# Above this many targets markers stop being readable (and SVG takes seconds at 25,000): the
# map shows their density, or draws markers with WebGL when asked to.
CROWDED_TARGETS = 2000
CELL_DEG = 2.0  # density cells, in map degrees
DENSITY_SCALE = sequential.YlGnBu  # light to dark: few blocks pale on the white sky
GRID_COLOUR = "#d5dae0"
LABEL_COLOUR = "#6b7280"
GALACTIC_COLOUR = "#7b3294"
ECLIPTIC_COLOUR = "#b35806"
LIMIT_FILL = "rgba(95, 107, 122, 0.16)"


class SkyMapPage(ReportPage, page="sky-map", form=SkyMapForm):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent:
        filters = form.filters()
        data = sky_map(schedule, filters)
        options = form.cleaned_data
        table = self.table(
            schedule,
            filters,
            lambda: with_reasons(
                sky_map_table(data, block_link(schedule.pk)),
                reasons_by_block_id(schedule, data.points.block_id, data.points.is_scheduled),
            ),
        )
        return PageContent(
            {"data": data, "blocks": paginate(request, table)},
            charts=[
                ChartSpec(
                    "sky-map",
                    lambda: sky_map_figure(
                        data,
                        color_by=options["color_by"],
                        projection=options["projection"],
                        flip_ra=options["flip_ra"],
                        urls=block_urls(schedule.pk, data.points.block_id),
                        display=options["display"],
                    ),
                    lambda: table,
                )
            ],
        )


def project(
    ra_deg: np.ndarray, dec_deg: np.ndarray, projection: str, flip_ra: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Map coordinates in degrees: all-sky maps fill the ellipse |x| ≤ 180, |y| ≤ 90 with
    RA 0h in the middle; the plane keeps RA and Dec. Flipped, RA grows to the left."""
    ra = np.asarray(ra_deg, dtype=np.float64)
    dec = np.asarray(dec_deg, dtype=np.float64)
    if projection not in ALL_SKY:
        return ra, dec
    longitude = np.radians((ra + 180.0) % 360.0 - 180.0)
    # The seam (RA 12h) sits on the right edge, or on the left once flipped.
    longitude = np.where(ra % 360.0 == 180.0, math.pi, longitude)
    longitude = -longitude if flip_ra else longitude
    latitude = np.radians(dec)
    if projection == "aitoff":
        alpha = np.arccos(np.cos(latitude) * np.cos(longitude / 2.0))
        sinc = np.where(alpha > 1e-12, np.sin(alpha) / np.where(alpha > 1e-12, alpha, 1.0), 1.0)
        x = 2.0 * np.cos(latitude) * np.sin(longitude / 2.0) / sinc
        y = np.sin(latitude) / sinc
        return np.degrees(x), np.degrees(y)
    # Mollweide: solve 2θ + sin 2θ = π sin φ by Newton's method (from θ = φ).
    theta = latitude.copy()
    target = math.pi * np.sin(latitude)
    for _ in range(12):
        slope = 2.0 + 2.0 * np.cos(2.0 * theta)
        # At the poles θ = φ already holds and the slope vanishes.
        safe = slope > 1e-12
        theta -= np.where(
            safe, (2.0 * theta + np.sin(2.0 * theta) - target) / np.where(safe, slope, 1.0), 0.0
        )
    return np.degrees(longitude) * np.cos(theta), 90.0 * np.sin(theta)


def density_grid(
    ra_deg: np.ndarray, dec_deg: np.ndarray, projection: str, flip_ra: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blocks per ``CELL_DEG`` cell of the map: (x centres, y centres, counts (y, x))."""
    x, y = project(ra_deg, dec_deg, projection, flip_ra)
    low_x, high_x = (-180.0, 180.0) if projection in ALL_SKY else (0.0, 360.0)
    x_edges = np.arange(low_x, high_x + CELL_DEG / 2, CELL_DEG)
    y_edges = np.arange(-90.0, 90.0 + CELL_DEG / 2, CELL_DEG)
    counts, _, _ = np.histogram2d(y, x, bins=[y_edges, x_edges])
    return (x_edges[:-1] + x_edges[1:]) / 2, (y_edges[:-1] + y_edges[1:]) / 2, counts


def density_trace(
    ra_deg: np.ndarray, dec_deg: np.ndarray, projection: str, flip_ra: bool
) -> go.Heatmap:
    """The density on a logarithmic colour scale (a few popular targets would otherwise wash
    out the rest of the sky); the hover gives each cell's count."""
    x, y, counts = density_grid(ra_deg, dec_deg, projection, flip_ra)
    where = "" if projection in ALL_SKY else "<br>RA %{x:.0f}°, Dec %{y:.0f}°"
    ticks = [
        value for value in (1, 3, 10, 30, 100, 300, 1000, 3000, 10000) if value <= counts.max()
    ]
    with np.errstate(divide="ignore"):
        shade = np.where(counts > 0, np.log10(counts), np.nan)  # empty cells show the sky
    return go.Heatmap(
        x=x,
        y=y,
        z=shade,
        customdata=counts,
        colorscale=DENSITY_SCALE,
        zmin=0,
        hoverongaps=False,
        colorbar={
            "title": {"text": "Blocks per cell"},
            "thickness": 14,
            "tickvals": np.log10(ticks).tolist(),
            "ticktext": [f"{value:,}" for value in ticks],
        },
        hovertemplate="%{customdata:,} blocks" + where + "<extra></extra>",
        name="Density of blocks",
    )


def _line(
    ra: np.ndarray, dec: np.ndarray, projection: str, flip_ra: bool
) -> tuple[np.ndarray, np.ndarray]:
    """A projected line with gaps where it crosses the map's seam (NaN between)."""
    x, y = project(ra, dec, projection, flip_ra)
    seam = 180.0 if projection in ALL_SKY else 0.0  # the RA at the map's edges
    longitude = (np.asarray(ra, dtype=np.float64) - seam) % 360.0
    jumps = np.flatnonzero(np.abs(np.diff(longitude)) > 180.0) + 1
    return np.insert(x, jumps, np.nan), np.insert(y, jumps, np.nan)


def sky_map_figure(
    data: SkyMapData,
    *,
    color_by: str,
    projection: str,
    flip_ra: bool,
    urls: np.ndarray | None = None,
    display: str = AUTO,
) -> go.Figure | Empty:
    """One marker per target (``display`` markers, or auto below ``CROWDED_TARGETS``), else the
    density of blocks per cell of the map."""
    points = data.points
    if data.shown_blocks == 0:
        return no_blocks(data.total_blocks)
    if urls is None:
        urls = np.full(len(points), "")
    if color_by == "status":
        classes = np.where(points.is_scheduled, 0, 1)
        legend = {
            0: (SCHEDULED.label, SCHEDULED.colour),
            1: (UNSCHEDULED.label, UNSCHEDULED.colour),
        }
    else:
        classes = 5 - points.priority_bucket.astype(np.int64)  # High first in the legend
        legend = {
            5 - bucket: (f"{label} priority", BUCKET_COLOURS[bucket])
            for bucket, label in BUCKET_LABELS.items()
        }
    groups = target_groups(points, classes)
    all_sky = projection in ALL_SKY
    figure = new_figure(
        height=620 if all_sky else 600,
        legend_itemsizing="constant",
        dragmode="pan",
        hovermode="closest",
    )
    crowded = len(groups.first) > CROWDED_TARGETS
    if display == DENSITY or (display == AUTO and crowded):
        figure.add_trace(density_trace(points.ra_deg, points.dec_deg, projection, flip_ra))
        _background(figure, data, projection, flip_ra)
        # Under the map: above it the legend takes the room.
        figure.add_annotation(
            text=f"{len(points):,} blocks on {len(groups.first):,} targets, as a density in "
            f"{CELL_DEG:g}° cells: filter to fewer than {CROWDED_TARGETS:,} targets (or show "
            "markers) to open each one",
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.0,
            yanchor="top",
            yshift=-4 if all_sky else -52,  # the plane has its RA axis there
            showarrow=False,
            font={"size": 12, "color": LABEL_COLOUR},
        )
        # Wide enough on the right for the colour bar: no second drawing for automargin.
        figure.update_layout(margin={"l": 34, "r": 170, "b": 36 if all_sky else 96})
        return figure
    _background(figure, data, projection, flip_ra)
    webgl = crowded  # markers asked for: WebGL keeps thousands of them fast
    share = groups.requested_hours / max(float(groups.requested_hours.max()), 1e-9)
    # Crowded maps get smaller markers so that the sky stays readable.
    sizes = (5.0 + 12.0 * np.sqrt(share)) * max(0.4, min(1.0, (1500 / len(groups.first)) ** 0.5))
    x, y = project(points.ra_deg[groups.first], points.dec_deg[groups.first], projection, flip_ra)
    hover = _group_hover(points, groups, brief=webgl)
    labels = _group_labels(points, groups)
    # Plain string arrays: plotly checks lists and object arrays item by item.
    links = np.asarray(urls[groups.first], dtype=str)
    trace = go.Scattergl if webgl else go.Scatter
    for key, (label, colour) in sorted(legend.items()):
        member = groups.kind == key
        if not member.any():
            continue
        figure.add_trace(
            trace(
                x=x[member],
                y=y[member],
                mode="markers",
                name=f"{label} ({int(groups.count[member].sum()):,})",
                marker={
                    "color": colour,
                    "size": sizes[member],
                    "opacity": 0.8 if not webgl else 0.7,
                    "line": {"width": 0 if webgl else 0.5, "color": "#ffffff"},
                },
                text=labels[member],
                hovertext=hover[member],
                customdata=links[member],
                hovertemplate="%{text}<br>%{hovertext}<extra></extra>",
            )
        )
    return figure


@dataclass(frozen=True)
class TargetGroups:
    """Blocks on the same RA and Dec and in the same legend class, drawn as one marker.
    ``first`` is each group's highest-priority block (its row in the points); the rows of
    group ``g`` are ``order[starts[g]:starts[g] + count[g]]``, by priority."""

    first: np.ndarray
    kind: np.ndarray
    count: np.ndarray
    requested_hours: np.ndarray
    scheduled: np.ndarray
    priority_low: np.ndarray
    order: np.ndarray
    starts: np.ndarray


def target_groups(points, classes: np.ndarray) -> TargetGroups:
    order = np.lexsort((-points.priority, points.dec_deg, points.ra_deg, classes))
    sorted_classes = classes[order]
    ra, dec = points.ra_deg[order], points.dec_deg[order]
    change = np.ones(len(order), dtype=bool)
    change[1:] = (
        (sorted_classes[1:] != sorted_classes[:-1]) | (ra[1:] != ra[:-1]) | (dec[1:] != dec[:-1])
    )
    starts = np.flatnonzero(change)
    return TargetGroups(
        first=order[starts],
        kind=sorted_classes[starts],
        count=np.diff(np.append(starts, len(order))),
        requested_hours=np.add.reduceat(points.requested_hours[order], starts),
        scheduled=np.add.reduceat(points.is_scheduled[order].astype(np.int64), starts),
        priority_low=np.minimum.reduceat(points.priority[order], starts),
        order=order,
        starts=starts,
    )


def _group_labels(points, groups: TargetGroups) -> np.ndarray:
    """The block's own label, or "N blocks: a, b, c, …" naming the first few by priority."""
    labels = block_labels(points.source_block_id[groups.first], points.display_name[groups.first])
    labels = labels.astype(object)  # room for the longer group labels
    order, starts = groups.order, groups.starts
    for index in np.flatnonzero(groups.count > 1).tolist():
        rows = order[starts[index] : starts[index] + min(int(groups.count[index]), 3)]
        names = ", ".join(escape(points.source_block_id[rows].tolist()))
        more = ", …" if groups.count[index] > 3 else ""
        target = escape([points.display_name[groups.first[index]]])[0]
        labels[index] = f"<b>{groups.count[index]} blocks</b> on {target}: {names}{more}"
    return labels.astype(str)


def _group_hover(points, groups: TargetGroups, *, brief: bool) -> np.ndarray:
    """Coordinates, then priority (a range for a group), requested time and status unless
    ``brief``: at 25,000 targets every character is 25 kB of page, and a click shows all."""
    first = groups.first
    coordinates = np.char.add(
        np.char.add("RA ", sexagesimal_ra(points.ra_deg[first]).astype(str)),
        np.char.add("  Dec ", sexagesimal_dec(points.dec_deg[first]).astype(str)),
    )
    if brief:
        return coordinates
    high = points.priority[first]
    low = groups.priority_low
    priority = np.where(
        low == high,
        np.char.mod("%.2f", high),
        np.char.add(np.char.add(np.char.mod("%.2f", low), "–"), np.char.mod("%.2f", high)),
    )
    single = np.where(groups.scheduled > 0, SCHEDULED.label, UNSCHEDULED.label)
    several = np.char.add(
        np.char.add(groups.scheduled.astype(str), " of "),
        np.char.add(groups.count.astype(str), " scheduled"),
    )
    status = np.where(groups.count == 1, single, several)
    details = np.char.add(
        np.char.add("<br>Priority ", priority),
        np.char.add(np.char.add(" · ", np.char.mod("%.2f h · ", groups.requested_hours)), status),
    )
    return np.char.add(coordinates, details)


def _background(figure: go.Figure, data: SkyMapData, projection: str, flip_ra: bool) -> None:
    """Graticule, the site's unreachable declinations, the galactic plane and the ecliptic."""
    all_sky = projection in ALL_SKY
    if all_sky:
        _graticule(figure, projection, flip_ra)
    else:
        figure.update_xaxes(
            title_text="Right ascension (°)",
            range=[360, 0] if flip_ra else [0, 360],
            dtick=30,
            constrain="domain",
            gridcolor=GRID_COLOUR,
        )
        figure.update_yaxes(
            title_text="Declination (°)",
            range=[-90, 90],
            dtick=30,
            scaleanchor="x",
            constrain="domain",
            gridcolor=GRID_COLOUR,
        )
    limits = (
        (data.never_high_below_dec_deg, -90.0),
        (data.never_high_above_dec_deg, 90.0),
    )
    name = ""
    if data.site is not None and data.altitude_limit_deg is not None:
        where = "the site" if data.site_source == SCHEDULE else escape([data.site.name])[0]
        name = f"Never above {data.altitude_limit_deg:g}° at {where}"
    shown = False
    for edge, pole in limits:
        if edge is None:
            continue
        if all_sky:
            ring_ra, ring_dec = _band(edge, pole)
        else:
            ring_ra = np.array([0.0, 360.0, 360.0, 0.0, 0.0])
            ring_dec = np.array([edge, edge, pole, pole, edge])
        x, y = project(ring_ra, ring_dec, projection, flip_ra)
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                fill="toself",
                fillcolor=LIMIT_FILL,
                line={"color": "rgba(95, 107, 122, 0.5)", "width": 1, "dash": "dot"},
                name=name,
                legendgroup="limit",
                showlegend=not shown,
                hoverinfo="skip",
            )
        )
        shown = True
    for label, colour, dash, line in (
        ("Galactic plane", GALACTIC_COLOUR, "dash", data.galactic_plane),
        ("Ecliptic", ECLIPTIC_COLOUR, "dot", data.ecliptic),
    ):
        x, y = _line(line[:, 0], line[:, 1], projection, flip_ra)
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                name=label,
                line={"color": colour, "dash": dash, "width": 1.5},
                hoverinfo="skip",
            )
        )
    centre_x, centre_y = project(
        data.galactic_plane[:1, 0], data.galactic_plane[:1, 1], projection, flip_ra
    )
    figure.add_trace(
        go.Scatter(
            x=centre_x,
            y=centre_y,
            mode="markers+text",
            text=["GC"],
            textposition="top center",
            marker={"symbol": "x-thin", "size": 9, "line": {"width": 2, "color": GALACTIC_COLOUR}},
            textfont={"color": GALACTIC_COLOUR, "size": 11},
            showlegend=False,
            hovertemplate="Galactic centre<extra></extra>",
        )
    )


def _band(edge: float, pole: float) -> tuple[np.ndarray, np.ndarray]:
    """An all-sky band between a declination and a pole, as one closed outline: along the
    declination the long way round, then back along the map's edge meridian."""
    ra = np.linspace(180.0 + 1e-9, 540.0 - 1e-9, 361) % 360.0
    dec = np.linspace(edge, pole, 91)
    return (
        np.concatenate((ra, np.full(91, ra[-1]), ra[::-1], np.full(91, ra[0]))),
        np.concatenate((np.full(361, edge), dec, np.full(361, pole), dec[::-1])),
    )


def _graticule(figure: go.Figure, projection: str, flip_ra: bool) -> None:
    """Meridians every 2h and parallels every 30°, the map's outline and their labels."""
    dec = np.linspace(-90.0, 90.0, 91)
    ra = np.linspace(0.0, 360.0, 181)
    xs, ys = [], []
    for hour in range(0, 24, 2):
        meridian_ra = np.full(len(dec), hour * 15.0)
        x, y = project(meridian_ra, dec, projection, flip_ra)
        xs += [x, [np.nan]]
        ys += [y, [np.nan]]
    for parallel in (-60.0, -30.0, 0.0, 30.0, 60.0):
        x, y = _line(ra, np.full(len(ra), parallel), projection, flip_ra)
        xs += [x, [np.nan]]
        ys += [y, [np.nan]]
    edge_left, edge_y = project(np.full(len(dec), 180.0), dec, projection, flip_ra)
    xs += [edge_left, [np.nan], -edge_left]
    ys += [edge_y, [np.nan], edge_y]
    figure.add_trace(
        go.Scatter(
            x=np.concatenate(xs),
            y=np.concatenate(ys),
            mode="lines",
            showlegend=False,
            line={"color": GRID_COLOUR, "width": 1},
            hoverinfo="skip",
        )
    )
    # 12h would sit on the seam, half outside the map: the neighbours make it plain.
    hours = np.array([hour for hour in range(0, 24, 2) if hour != 12])
    label_x, label_y = project(hours * 15.0, np.zeros(len(hours)), projection, flip_ra)
    decs = np.array([-60.0, -30.0, 30.0, 60.0])
    dec_x, dec_y = project(np.zeros(len(decs)), decs, projection, flip_ra)
    figure.add_trace(
        go.Scatter(
            x=np.concatenate((label_x, dec_x)),
            y=np.concatenate((label_y, dec_y)),
            mode="text",
            text=[f"{hour}h" for hour in hours] + ["−60°", "−30°", "+30°", "+60°"],
            textposition=["bottom center"] * len(hours) + ["middle right"] * len(decs),
            textfont={"color": LABEL_COLOUR, "size": 11},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for axis in (figure.update_xaxes, figure.update_yaxes):
        axis(
            showgrid=False,
            zeroline=False,
            showticklabels=False,
            ticks="",
            showline=False,
            title_text="",
        )
    figure.update_xaxes(range=[-184, 184], constrain="domain")
    figure.update_yaxes(range=[-94, 94], scaleanchor="x", constrain="domain")
    figure.update_layout(margin={"l": 8, "r": 8, "t": 64, "b": 8})


def sky_map_table(data: SkyMapData, link: CellLink | None = None) -> Table:
    points = data.points
    return Table(
        (
            Column("Block ID", link=link),
            Column("Name", wrap=True),
            Column("RA (°)", 3),
            Column("Dec (°)", 3),
            Column("RA (hms)", page=False),
            Column("Dec (dms)", page=False),
            Column("Priority", 2),
            Column("Priority bucket"),
            Column("Status"),
            Column("Requested (h)", 2),
            Column("Scheduled start (UTC)", utc=True),
            Column("Scheduled start (MJD)", 5, grouped=False, page=False),
        ),
        list(
            zip(
                points.source_block_id.tolist(),
                points.display_name.tolist(),
                points.ra_deg.tolist(),
                points.dec_deg.tolist(),
                sexagesimal_ra(points.ra_deg).tolist(),
                sexagesimal_dec(points.dec_deg).tolist(),
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
