"""The diagnostics page: why each unscheduled block was left out and who blocks it, priority
inversions, pressure per night and per RA hour, and the KPIs beside a greedy baseline
(DESIGN §13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import plotly.graph_objects as go

from analytics.diagnostics.kpis import KPI_NAMES
from analytics.diagnostics.reasons import REASONS
from analytics.forms import DiagnosticsForm
from analytics.pages.legend import SCHEDULED, UNSCHEDULED, period_text
from analytics.selectors.diagnostics import BlockList, DiagnosticsData, diagnostics
from schedules.intervals import HOURS_PER_DAY
from schedules.mjd import mjd_to_datetime64, mjd_to_iso
from tsi_site.web.charts import Empty, epoch_ms, hover_points, new_figure, rectangles
from tsi_site.web.pages import ChartSpec, PageContent, ReportPage, paginate, preview
from tsi_site.web.tables import Column, Table

REASON_TITLES = {
    "no_visibility": "No visibility",
    "no_window_fits": "No usable window",
    "requested_exceeds_visibility": "Request longer than every window",
    "other_validation_issue": "Validation error",
    "blocked": "Blocked by scheduled blocks",
    "feasible_free": "Feasible, room left free",
}
KPI_TITLES = {
    "scheduling_rate": "Scheduling rate",
    "scheduled_fraction_of_operable": "Operable time used",
    "visibility_use": "Visibility use",
    "priority_alignment": "Priority alignment",
    "gap_compactness": "Gap compactness",
    "composite": "Composite",
}
GREEDY_COLOUR = "#9aa1a9"
PRESSURE_COLOUR = "#CC79A7"
OVERSUBSCRIBED_COLOUR = "#D55E00"
NIGHT_COLUMN_WIDTH_MS = 0.8 * 86_400_000.0  # a night's column, as wide as plotly's bars were
SHORT_PREVIEW = 20  # rows of each secondary table on the page; its CSV has them all


class ColumnRows(Sequence):
    """Table rows made from columns only when read: the page shows a slice and only a CSV
    reads them all (a large schedule has hundreds of thousands of inversion pairs)."""

    def __init__(self, count: int, build: Callable[[slice], list[tuple]]) -> None:
        self._count, self._build = count, build

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._build(slice(0, self._count)))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._build(slice(*index.indices(self._count)))
        if not -self._count <= index < self._count:
            raise IndexError(index)
        start = index % self._count
        return self._build(slice(start, start + 1))[0]


class DiagnosticsPage(ReportPage, page="diagnostics", form=DiagnosticsForm):
    cache_charts = True

    def content(self, request, schedule, form) -> PageContent:
        data = diagnostics(schedule, form.filters())
        unscheduled = unscheduled_table(data)
        blockers = blockers_table(data)
        inversions = inversions_table(data)
        only_greedy = block_list_table(data.only_greedy)
        only_schedule = block_list_table(data.only_schedule)
        return PageContent(
            {
                "data": data,
                "kpi_rows": kpi_rows(data),
                "oversubscribed_nights": int(np.count_nonzero(data.nights.pressure > 1.0)),
                "unscheduled": paginate(request, unscheduled),
                "blockers": preview(blockers, SHORT_PREVIEW),
                "inversions": preview(inversions, SHORT_PREVIEW),
                "only_greedy": preview(only_greedy, SHORT_PREVIEW),
                "only_schedule": preview(only_schedule, SHORT_PREVIEW),
            },
            charts=[
                ChartSpec("kpis", lambda: kpi_figure(data), lambda: kpi_table(data)),
                ChartSpec("reasons", lambda: reasons_figure(data), lambda: reasons_table(data)),
                ChartSpec(
                    "inversions-by-night",
                    lambda: inversions_by_night_figure(data),
                    lambda: nights_table(data),
                ),
                ChartSpec(
                    "night-pressure",
                    lambda: night_pressure_figure(data),
                    lambda: nights_table(data),
                ),
                ChartSpec(
                    "ra-pressure", lambda: ra_pressure_figure(data), lambda: ra_pressure_table(data)
                ),
            ],
            tables={
                "unscheduled": lambda: unscheduled,
                "blockers": lambda: blockers,
                "inversions": lambda: inversions,
                "only-greedy": lambda: only_greedy,
                "only-schedule": lambda: only_schedule,
            },
        )


# --- KPIs against the greedy baseline ---------------------------------------------------------


def kpi_rows(data: DiagnosticsData) -> list[tuple[str, float, float, float]]:
    """(title, schedule, greedy, schedule − greedy) for the five KPIs and the composite."""
    schedule, greedy = data.kpis.schedule, data.kpis.greedy
    return [
        (
            KPI_TITLES[name],
            getattr(schedule, name),
            getattr(greedy, name),
            getattr(schedule, name) - getattr(greedy, name),
        )
        for name in (*KPI_NAMES, "composite")
    ]


def kpi_figure(data: DiagnosticsData) -> go.Figure | Empty:
    if data.total_blocks == 0:
        return Empty("This schedule has no blocks.")
    rows = kpi_rows(data)
    titles = [row[0] for row in rows]
    figure = new_figure(height=360, barmode="group")
    for label, column, colour in (("Schedule", 1, SCHEDULED.colour), ("Greedy", 2, GREEDY_COLOUR)):
        figure.add_trace(
            go.Bar(
                x=titles,
                y=[row[column] for row in rows],
                name=label,
                marker={"color": colour},
                hovertemplate=f"{label}: %{{x}} %{{y:.3f}}<extra></extra>",
            )
        )
    figure.update_yaxes(title_text="Score (0 to 1)", range=[0, 1.05])
    return figure


def kpi_table(data: DiagnosticsData) -> Table:
    return Table(
        (Column("KPI"), Column("Schedule", 4), Column("Greedy", 4), Column("Schedule − greedy", 4)),
        kpi_rows(data),
    )


# --- Reasons and blockers ---------------------------------------------------------------------


def reasons_figure(data: DiagnosticsData) -> go.Figure | Empty:
    unscheduled = data.total_blocks - data.scheduled_blocks
    if unscheduled == 0:
        if data.total_blocks == 0:
            return Empty("This schedule has no blocks.")
        return Empty("Every block is scheduled.")
    figure = new_figure(height=340, showlegend=False, margin={"l": 250})  # the reasons' names
    figure.add_trace(
        go.Bar(
            orientation="h",
            y=[REASON_TITLES[reason] for reason in REASONS],
            x=[data.reason_counts[reason] for reason in REASONS],
            customdata=list(REASONS),
            marker={"color": UNSCHEDULED.colour},
            hovertemplate="%{y} (%{customdata}): %{x:,} blocks<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="Unscheduled blocks", rangemode="tozero")
    figure.update_yaxes(autorange="reversed")
    return figure


def reasons_table(data: DiagnosticsData) -> Table:
    return Table(
        (Column("Reason"), Column("Description", wrap=True), Column("Blocks")),
        [(reason, REASON_TITLES[reason], data.reason_counts[reason]) for reason in REASONS],
    )


def unscheduled_table(data: DiagnosticsData) -> Table:
    blocks = data.unscheduled

    def rows(part: slice) -> list[tuple]:
        return list(
            zip(
                blocks.source_block_id[part].tolist(),
                blocks.display_name[part].tolist(),
                blocks.priority[part].tolist(),
                blocks.requested_hours[part].tolist(),
                blocks.reason[part].tolist(),
                blocks.longest_free_hours[part].tolist(),
                blocks.blocker_count[part].tolist(),
                blocks.blocked_hours[part].tolist(),
                strict=True,
            )
        )

    return Table(
        (
            Column("Block ID"),
            Column("Name", wrap=True),
            Column("Priority", 2),
            Column("Requested (h)", 2),
            Column("Reason"),
            Column("Longest free stretch (h)", 2),
            Column("Blockers"),
            Column("Hours taken by blockers", 2),
        ),
        ColumnRows(len(blocks.block_id), rows),
    )


def blockers_table(data: DiagnosticsData) -> Table:
    pairs = data.blockers

    def rows(part: slice) -> list[tuple]:
        return list(
            zip(
                pairs.blocked_source_id[part].tolist(),
                pairs.blocker_source_id[part].tolist(),
                pairs.blocker_priority[part].tolist(),
                pairs.hours[part].tolist(),
                strict=True,
            )
        )

    return Table(
        (
            Column("Blocked block"),
            Column("Scheduled block"),
            Column("Scheduled priority", 2),
            Column("Hours taken", 2),
        ),
        ColumnRows(len(pairs.hours), rows),
    )


# --- Priority inversions and pressure ---------------------------------------------------------


def inversions_table(data: DiagnosticsData) -> Table:
    pairs = data.inversions

    def rows(part: slice) -> list[tuple]:
        start, stop = pairs.freed_start_mjd[part], pairs.freed_stop_mjd[part]
        return list(
            zip(
                pairs.unscheduled_source_id[part].tolist(),
                pairs.unscheduled_priority[part].tolist(),
                pairs.scheduled_source_id[part].tolist(),
                pairs.scheduled_priority[part].tolist(),
                mjd_to_iso(start),
                mjd_to_iso(stop),
                start.tolist(),
                stop.tolist(),
                ((stop - start) * HOURS_PER_DAY).tolist(),
                strict=True,
            )
        )

    return Table(
        (
            Column("Unscheduled block"),
            Column("Unscheduled priority", 2),
            Column("Scheduled block"),
            Column("Scheduled priority", 2),
            Column("Freed from (UTC)", utc=True),
            Column("Freed to (UTC)", utc=True),
            Column("Freed from (MJD)", 5, grouped=False, page=False),
            Column("Freed to (MJD)", 5, grouped=False, page=False),
            Column("Freed (h)", 2),
        ),
        ColumnRows(len(pairs.freed_start_mjd), rows),
    )


def _dates(mjd: np.ndarray) -> np.ndarray:
    """Dates for a plotly axis as one datetime64 array, which plotly takes whole (a list of
    strings it checks item by item)."""
    return mjd_to_datetime64(mjd).astype("datetime64[ms]")


def _no_nights(data: DiagnosticsData) -> Empty | None:
    if len(data.nights.start_mjd) == 0:
        return Empty("There is no operable time in the schedule period.")
    return None


def inversions_by_night_figure(data: DiagnosticsData) -> go.Figure | Empty:
    if (empty := _no_nights(data)) is not None:
        return empty
    nights = data.nights
    figure = new_figure(height=320, showlegend=False, hovermode="x")
    figure.add_traces(
        _night_columns(
            nights.start_mjd,
            nights.inversions,
            name="Inversions",
            colour=OVERSUBSCRIBED_COLOUR,
            hovertext=period_text(nights.start_mjd, nights.stop_mjd),
            hovertemplate="%{y:,} inversions<br>Night %{hovertext}<extra></extra>",
        )
    )
    figure.update_xaxes(type="date", title_text="Night (start, UTC)")
    figure.update_yaxes(title_text="Inverted pairs", rangemode="tozero")
    return figure


def _night_columns(
    start_mjd: np.ndarray, values: np.ndarray, *, name: str, colour: str, **hover
) -> list[go.Scatter]:
    """A column per night from zero to its value, as one filled path with its hover on the
    columns' tops (hovered by date): a year of nights as SVG bars took a tenth of a second
    or more per chart."""
    centre = epoch_ms(_dates(start_mjd))
    half = NIGHT_COLUMN_WIDTH_MS / 2
    return [
        rectangles(
            centre - half,
            centre + half,
            np.zeros(len(values)),
            values,
            name=name,
            legendgroup=name,
            fillcolor=colour,
        ),
        hover_points(centre, values, name=name, legendgroup=name, **hover),
    ]


def night_pressure_figure(data: DiagnosticsData) -> go.Figure | Empty:
    if (empty := _no_nights(data)) is not None:
        return empty
    nights = data.nights
    over = nights.pressure > 1.0
    figure = new_figure(height=340, showlegend=True, hovermode="x")
    hover = period_text(nights.start_mjd, nights.stop_mjd)
    for label, member, colour in (
        ("Demand within what the night offers", ~over, PRESSURE_COLOUR),
        ("Oversubscribed (pressure above 1)", over, OVERSUBSCRIBED_COLOUR),
    ):
        if not member.any():
            continue
        figure.add_traces(
            _night_columns(
                nights.start_mjd[member],
                nights.pressure[member],
                name=label,
                colour=colour,
                customdata=np.column_stack(
                    (nights.demand_hours[member], nights.operable_hours[member])
                ),
                hovertext=hover[member],
                hovertemplate="Pressure %{y:.2f}: %{customdata[0]:.1f} h asked of "
                "%{customdata[1]:.1f} h<br>Night %{hovertext}<extra></extra>",
            )
        )
    figure.add_hline(
        y=1.0,
        line={"color": "#1f2933", "width": 1.5, "dash": "dash"},
        annotation_text="demand = operable time",
        annotation_position="top left",
    )
    figure.update_xaxes(type="date", title_text="Night (start, UTC)")
    figure.update_yaxes(title_text="Requested ÷ operable hours", rangemode="tozero")
    return figure


def nights_table(data: DiagnosticsData) -> Table:
    nights = data.nights
    return Table(
        (
            Column("Night start (UTC)", utc=True),
            Column("Night stop (UTC)", utc=True),
            Column("Start (MJD)", 5, grouped=False),
            Column("Stop (MJD)", 5, grouped=False),
            Column("Operable (h)", 2),
            Column("Demand (h)", 2),
            Column("Pressure", 3),
            Column("Inversions"),
        ),
        list(
            zip(
                mjd_to_iso(nights.start_mjd),
                mjd_to_iso(nights.stop_mjd),
                nights.start_mjd.tolist(),
                nights.stop_mjd.tolist(),
                nights.operable_hours.tolist(),
                nights.demand_hours.tolist(),
                nights.pressure.tolist(),
                nights.inversions.tolist(),
                strict=True,
            )
        ),
    )


def ra_pressure_figure(data: DiagnosticsData) -> go.Figure | Empty:
    ra = data.ra_hours
    if data.total_blocks == 0:
        return Empty("This schedule has no blocks.")
    figure = new_figure(height=340, barmode="stack")
    for label, hours, colour in (
        (SCHEDULED.label, ra.scheduled_hours, SCHEDULED.colour),
        (UNSCHEDULED.label, ra.unscheduled_hours, UNSCHEDULED.colour),
    ):
        figure.add_trace(
            go.Bar(
                x=ra.ra_hour,
                y=hours,
                name=label,
                marker={"color": colour},
                hovertemplate=f"RA %{{x}}h: %{{y:.1f}} h requested, {label.lower()}<extra></extra>",
            )
        )
    figure.update_xaxes(title_text="Right ascension (hour)", dtick=2, range=[-0.5, 23.5])
    figure.update_yaxes(title_text="Requested hours", rangemode="tozero")
    return figure


def ra_pressure_table(data: DiagnosticsData) -> Table:
    ra = data.ra_hours
    return Table(
        (Column("RA hour"), Column("Scheduled (h)", 2), Column("Unscheduled (h)", 2)),
        list(
            zip(
                ra.ra_hour.tolist(),
                ra.scheduled_hours.tolist(),
                ra.unscheduled_hours.tolist(),
                strict=True,
            )
        ),
    )


def block_list_table(blocks: BlockList) -> Table:
    def rows(part: slice) -> list[tuple]:
        return list(
            zip(
                blocks.source_block_id[part].tolist(),
                blocks.display_name[part].tolist(),
                blocks.priority[part].tolist(),
                strict=True,
            )
        )

    return Table(
        (Column("Block ID"), Column("Name", wrap=True), Column("Priority", 2)),
        ColumnRows(len(blocks.block_id), rows),
    )
