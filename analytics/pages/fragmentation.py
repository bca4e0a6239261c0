"""The fragmentation page: where the schedule period went, as a classified strip, hours per
class and the idle gaps (DESIGN §13)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from analytics.pages.legend import CLASS_COLOURS, CLASS_TITLES
from analytics.selectors.diagnostics import FragmentationData, fragmentation
from schedules.intervals import HOURS_PER_DAY
from schedules.mjd import mjd_to_datetime64, mjd_to_iso
from tsi_site.web.charts import Empty, epoch_ms, new_figure
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, preview
from tsi_site.web.tables import Column, Table


class FragmentationPage(ReportPage, page="fragmentation"):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent:
        data = fragmentation(schedule)
        gaps = largest_gaps_table(data)
        statistics = gap_statistics_table(data)
        return PageContent(
            {"data": data, "largest_gaps": preview(gaps)},
            charts=[
                ChartSpec("strip", lambda: strip_figure(data), lambda: strip_table(data)),
                ChartSpec(
                    "class-hours", lambda: class_hours_figure(data), lambda: class_hours_table(data)
                ),
            ],
            tables={"largest-gaps": lambda: gaps, "gap-statistics": lambda: statistics},
        )


def strip_figure(data: FragmentationData) -> go.Figure | Empty:
    """The pieces as one heatmap row on a date axis, a cell per piece coloured by its class
    (drag to zoom, the pan tool to move): drawn as one image, where a bar per piece took a
    second for a year of them. The legend names the classes' colours."""
    if not len(data.segment_class):
        return Empty("The schedule has no period and nothing in it to measure one from.")
    start, stop = data.segment_start_mjd, data.segment_stop_mjd
    names = list(CLASS_TITLES)
    count = len(names)
    # Class k is coloured over [k, k + 1] / count of the scale, z running from −0.5 to k − 0.5.
    scale = [
        [(k + edge) / count, CLASS_COLOURS[name]] for k, name in enumerate(names) for edge in (0, 1)
    ]
    classes = data.segment_class.tolist()
    minutes = np.datetime_as_string(mjd_to_datetime64(start), unit="m").tolist()
    figure = new_figure(height=300)
    figure.add_trace(
        go.Heatmap(
            # The pieces follow each other: a cell's right edge is the next one's left.
            x=epoch_ms(mjd_to_datetime64(np.append(start, stop[-1:]))),
            y=[0],
            z=[[names.index(name) for name in classes]],
            zmin=-0.5,
            zmax=count - 0.5,
            colorscale=scale,
            showscale=False,
            text=[[CLASS_TITLES[name] for name in classes]],
            customdata=[(stop - start) * HOURS_PER_DAY],
            hovertext=[[moment.replace("T", " ") for moment in minutes]],
            hovertemplate="%{text}, %{customdata:.2f} h<br>from %{hovertext} UTC<extra></extra>",
        )
    )
    for name, title in CLASS_TITLES.items():
        if name in classes:
            figure.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=title,
                    marker={"symbol": "square", "size": 11, "color": CLASS_COLOURS[name]},
                    hoverinfo="skip",
                )
            )
    figure.update_xaxes(type="date", title_text="Time (UTC)")
    figure.update_yaxes(visible=False, range=[-0.5, 0.5], fixedrange=True)
    return figure


def strip_table(data: FragmentationData) -> Table:
    start, stop = data.segment_start_mjd, data.segment_stop_mjd
    return Table(
        (
            Column("Class"),
            Column("Start (UTC)", utc=True),
            Column("Stop (UTC)", utc=True),
            Column("Start (MJD)", 5, grouped=False),
            Column("Stop (MJD)", 5, grouped=False),
            Column("Hours", 3),
        ),
        list(
            zip(
                data.segment_class.tolist(),
                mjd_to_iso(start),
                mjd_to_iso(stop),
                start.tolist(),
                stop.tolist(),
                ((stop - start) * HOURS_PER_DAY).tolist(),
                strict=True,
            )
        ),
    )


def class_hours_figure(data: FragmentationData) -> go.Figure | Empty:
    if data.window_hours <= 0:
        return Empty("The schedule period is empty.")
    names = list(CLASS_TITLES)
    hours = [data.hours[name] for name in names]
    figure = new_figure(height=320, showlegend=False, margin={"l": 154})  # the classes' names
    figure.add_trace(
        go.Bar(
            orientation="h",
            y=[CLASS_TITLES[name] for name in names],
            x=hours,
            marker={"color": [CLASS_COLOURS[name] for name in names]},
            customdata=[hour / data.window_hours for hour in hours],
            hovertemplate="%{y}: %{x:.1f} h (%{customdata:.1%} of the period)<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="Hours", rangemode="tozero")
    figure.update_yaxes(autorange="reversed")
    return figure


def class_hours_table(data: FragmentationData) -> Table:
    total = data.window_hours
    return Table(
        (Column("Class"), Column("Hours", 2), Column("Share of period", 4)),
        [
            (name, data.hours[name], data.hours[name] / total if total > 0 else None)
            for name in CLASS_TITLES
        ],
    )


def largest_gaps_table(data: FragmentationData) -> Table:
    start, stop = data.largest_gap_start_mjd, data.largest_gap_stop_mjd
    return Table(
        (
            Column("Rank"),
            Column("Class"),
            Column("Start (UTC)", utc=True),
            Column("Stop (UTC)", utc=True),
            Column("Start (MJD)", 5, grouped=False, page=False),
            Column("Stop (MJD)", 5, grouped=False, page=False),
            Column("Hours", 2),
        ),
        list(
            zip(
                range(1, len(start) + 1),
                data.largest_gap_class.tolist(),
                mjd_to_iso(start),
                mjd_to_iso(stop),
                start.tolist(),
                stop.tolist(),
                ((stop - start) * HOURS_PER_DAY).tolist(),
                strict=True,
            )
        ),
    )


def gap_statistics_table(data: FragmentationData) -> Table:
    gaps = data.gaps
    return Table(
        (Column("Statistic"), Column("Value", 2)),
        [
            ("Idle gaps", gaps.count),
            ("Total (h)", gaps.total_hours),
            ("Mean (h)", gaps.mean_hours),
            ("Median (h)", gaps.median_hours),
            ("Standard deviation (h)", gaps.std_hours),
            ("90th percentile (h)", gaps.p90_hours),
            ("Largest (h)", gaps.largest_hours),
        ],
    )
