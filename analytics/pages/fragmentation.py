"""The fragmentation page: where the schedule period went, as a classified strip, hours per
class and the idle gaps (DESIGN §13)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from analytics.pages.legend import CLASS_COLOURS, CLASS_TITLES
from analytics.selectors.diagnostics import FragmentationData, fragmentation
from schedules.intervals import HOURS_PER_DAY
from schedules.mjd import mjd_to_datetime64, mjd_to_iso
from tsi_site.web.charts import Empty, new_figure
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, preview
from tsi_site.web.tables import Column, Table

MS_PER_HOUR = 3_600_000.0


class FragmentationPage(ReportPage, page="fragmentation"):
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
    """One bar per piece on a date axis (drag to zoom, the pan tool to move), a trace per
    class. No range slider: it draws every piece a second time, which doubled the time a
    year's strip takes to appear (5.0 → 2.6 s in Chromium at ten times the real size)."""
    if not len(data.segment_class):
        return Empty("The schedule has no period and nothing in it to measure one from.")
    figure = new_figure(height=300, barmode="overlay", bargap=0)
    for name, title in CLASS_TITLES.items():
        member = data.segment_class == name
        if not member.any():
            continue
        start, stop = data.segment_start_mjd[member], data.segment_stop_mjd[member]
        hours = (stop - start) * HOURS_PER_DAY
        # Dates as a datetime64 array and no per-piece hover text: a year has thousands of
        # pieces, and plotly checks lists (of strings above all) item by item.
        figure.add_trace(
            go.Bar(
                orientation="h",
                y=np.zeros(len(start)),
                base=mjd_to_datetime64(start).astype("datetime64[ms]"),
                x=hours * MS_PER_HOUR,
                width=0.8,
                name=title,
                marker={"color": CLASS_COLOURS[name], "line": {"width": 0}},
                customdata=hours,
                hovertemplate=f"{title}, %{{customdata:.2f}} h<br>from %{{base|%Y-%m-%d %H:%M}} "
                "UTC<extra></extra>",
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
    figure = new_figure(height=320, showlegend=False)
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
