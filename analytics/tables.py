"""The data behind every chart and table of the report pages, as plain tables.

A chart's CSV download is its table, and the figure is drawn from the same selector data, so
what a user downloads is exactly what the chart shows. Page tables (validation issues,
observations, top blocks…) are built here too, so a table on a page and its CSV agree.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from analytics.block_frame import BlockFrame
from analytics.models import PriorityBucket
from analytics.selectors import (
    CompareData,
    DistributionsData,
    InsightsData,
    SkyMapData,
    TimelineData,
    TrendsData,
    VisibilityHistogram,
)
from analytics.selectors.compare import BlockChange
from analytics.selectors.insights import CORRELATION_VARIABLES
from analytics.selectors.trends import RateBin, SmoothedCurve
from analytics.statistics import SplitHistogram, Stats
from schedules.mjd import mjd_to_datetime64, mjd_to_iso
from validation.selectors import ValidationReport

BUCKET_LABELS = dict(PriorityBucket.choices)
VARIABLE_TITLES = {
    "priority": "Priority",
    "total_visibility_hours": "Total visibility (h)",
    "requested_hours": "Requested time (h)",
    "elevation_range_deg": "Elevation range (°)",
}
SCHEDULED_LABEL, UNSCHEDULED_LABEL = "Scheduled", "Unscheduled"


@dataclass(frozen=True)
class Column:
    title: str
    decimals: int | None = None  # floats on a page; the CSV keeps full precision
    wrap: bool = False  # long text that may wrap on a page (other cells stay on one line)
    grouped: bool = True  # thousands separators on a page (not for MJD)
    utc: bool = False  # an ISO-8601 UTC time, shown on a page as "YYYY-MM-DD HH:MM:SS"
    page: bool = True  # shown on the page; every column is in the CSV
    width: str = ""  # class of the column's header on a page: a width hint (tsi.css)
    detail: str = ""  # title of a (CSV-only) column whose text a page shows under this one

    @property
    def classes(self) -> str:
        """The class attribute of the column's cells on a page."""
        return "wrap" if self.wrap else ""


class Cell(NamedTuple):
    text: str
    wrap: bool
    css: str = ""  # class attribute of the cell on a page
    detail: str = ""  # a second, smaller line under the text on a page


class HeaderCell(NamedTuple):
    title: str
    css: str


# (row, column index) → the text a page shows for that cell, or None for the column's format.
CellFormat = Callable[[Sequence, int], str | None]


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: Sequence[Sequence]
    cell_format: CellFormat | None = None

    @property
    def header(self) -> list[str]:
        return [column.title for column in self.columns]

    @property
    def page_header(self) -> list[HeaderCell]:
        """The header of the columns a page shows."""
        return [HeaderCell(c.title, c.width) for c in self.columns if c.page]

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, title: str) -> list:
        index = self.header.index(title)
        return [row[index] for row in self.rows]

    def write_csv(self, stream) -> None:
        writer = csv.writer(stream)
        writer.writerow(self.header)
        writer.writerows([_csv_cell(value) for value in row] for row in self.rows)

    def display_rows(
        self, rows: Iterable[Sequence] | None = None, *, page_columns: bool = False
    ) -> list[list[Cell]]:
        """Rows (all, or a page of them) as display cells: every column, or with
        ``page_columns`` only those a page shows."""
        return [
            self._display_row(row, page_columns) for row in (self.rows if rows is None else rows)
        ]

    def _display_row(self, row: Sequence, page_columns: bool) -> list[Cell]:
        if len(row) != len(self.columns):
            raise ValueError(f"a row has {len(row)} cells for {len(self.columns)} columns")
        cells = []
        for index, column in enumerate(self.columns):
            if column.page or not page_columns:
                detail = ""
                if column.detail and page_columns:
                    other = self.header.index(column.detail)
                    detail = self._text(row, other, self.columns[other])
                text = self._text(row, index, column)
                cells.append(Cell(text, column.wrap, column.classes, detail))
        return cells

    def _text(self, row: Sequence, index: int, column: Column) -> str:
        if self.cell_format is not None:
            text = self.cell_format(row, index)
            if text is not None:
                return text
        return _display_cell(row[index], column)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _csv_cell(value):
    if _missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _display_cell(value, column: Column) -> str:
    if _missing(value) or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column.utc and isinstance(value, str):
        return value.replace("T", " ").removesuffix("Z")
    grouping = "," if column.grouped else ""
    if isinstance(value, float) and column.decimals is not None:
        return f"{value:{grouping}.{column.decimals}f}"
    if isinstance(value, int):
        return f"{value:{grouping}}"
    return str(value)


def _floats(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(value) else value for value in np.asarray(values, float).tolist()]


def _status_labels(is_scheduled: np.ndarray) -> list[str]:
    return [SCHEDULED_LABEL if flag else UNSCHEDULED_LABEL for flag in is_scheduled.tolist()]


def _optional_iso(mjd: float | None) -> str:
    return "" if mjd is None else mjd_to_iso(np.array([mjd]))[0]


# --- Sky map ---------------------------------------------------------------------------------


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
                _status_labels(points.is_scheduled),
                points.requested_hours.tolist(),
                mjd_to_iso(points.scheduled_start_mjd),
                _floats(points.scheduled_start_mjd),
                strict=True,
            )
        ),
    )


# --- Distributions ---------------------------------------------------------------------------


def histogram_table(histogram: SplitHistogram, variable: str) -> Table:
    title = VARIABLE_TITLES[variable]
    return Table(
        (
            Column(f"{title} from", 3),
            Column(f"{title} to", 3),
            Column(SCHEDULED_LABEL),
            Column(UNSCHEDULED_LABEL),
        ),
        list(
            zip(
                histogram.edges[:-1].tolist(),
                histogram.edges[1:].tolist(),
                histogram.scheduled.tolist(),
                histogram.unscheduled.tolist(),
                strict=True,
            )
        ),
    )


def priority_by_status_table(data: DistributionsData) -> Table:
    rows = [(SCHEDULED_LABEL, value) for value in data.priority_scheduled]
    rows += [(UNSCHEDULED_LABEL, value) for value in data.priority_unscheduled]
    return Table((Column("Status"), Column("Priority", 2)), rows)


def statistics_table(data: DistributionsData) -> Table:
    def row(label: str, stats: Stats) -> tuple:
        return (
            label,
            stats.count,
            stats.mean,
            stats.median,
            stats.std,
            stats.min,
            stats.max,
            stats.sum,
        )

    return Table(
        (
            Column("Variable"),
            Column("Count"),
            Column("Mean", 2),
            Column("Median", 2),
            Column("Std. dev.", 2),
            Column("Min", 2),
            Column("Max", 2),
            Column("Sum", 1),
        ),
        [
            row("Priority", data.priority_stats),
            row(VARIABLE_TITLES["total_visibility_hours"], data.visibility_stats),
            row(VARIABLE_TITLES["requested_hours"], data.requested_stats),
            row(VARIABLE_TITLES["elevation_range_deg"], data.elevation_range_stats),
        ],
    )


# --- Visibility over time --------------------------------------------------------------------


def visibility_table(data: VisibilityHistogram) -> Table:
    by_bucket = data.visible_by_bucket.tolist()
    return Table(
        (
            Column("Bin start (UTC)", utc=True),
            Column("Bin end (UTC)", utc=True),
            Column("Bin start (MJD)", 5, grouped=False),
            Column("Bin end (MJD)", 5, grouped=False),
            Column("Visible blocks"),
            *(Column(label) for label in BUCKET_LABELS.values()),
        ),
        list(
            zip(
                mjd_to_iso(data.bin_start_mjd),
                mjd_to_iso(data.bin_end_mjd),
                data.bin_start_mjd.tolist(),
                data.bin_end_mjd.tolist(),
                data.visible_count.tolist(),
                *by_bucket,
                strict=True,
            )
        ),
    )


# --- Timeline --------------------------------------------------------------------------------

OBSERVATION, DARK_PERIOD = "observation", "dark period"
_MJD_EPOCH_DAY = np.datetime64("1858-11-17", "D")


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
        month_start = _month_mjd(month)
        low = np.maximum(start, month_start)
        high = np.minimum(stop, _month_mjd(month + np.timedelta64(1, "M")))
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
        from_day=1.0 + low - month_start,
        to_day=1.0 + high - month_start,
        start_mjd=low,
        stop_mjd=high,
    )


def _month_mjd(month: np.ndarray) -> np.ndarray:
    return (month.astype("datetime64[D]") - _MJD_EPOCH_DAY) / np.timedelta64(1, "D")


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


def observations_table(observations: BlockFrame) -> Table:
    return Table(
        (
            Column("Block ID"),
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


# --- Insights --------------------------------------------------------------------------------


def correlation_table(data: InsightsData) -> Table:
    titles = [VARIABLE_TITLES[name] for name in CORRELATION_VARIABLES]
    return Table(
        (Column("Variable"), *(Column(title, 3) for title in titles)),
        [(title, *row) for title, row in zip(titles, data.correlation_matrix, strict=True)],
    )


def top_blocks_table(blocks: BlockFrame) -> Table:
    return Table(
        (
            Column("Block ID"),
            Column("Name", wrap=True),
            Column("Priority", 2),
            Column("Visibility (h)", 2),
            Column("Requested (h)", 2),
            Column("Status"),
        ),
        list(
            zip(
                blocks.source_block_id.tolist(),
                blocks.display_name.tolist(),
                blocks.priority.tolist(),
                blocks.total_visibility_hours.tolist(),
                blocks.requested_hours.tolist(),
                _status_labels(blocks.is_scheduled),
                strict=True,
            )
        ),
    )


def conflicts_table(data: InsightsData) -> Table:
    conflicts = data.conflicts
    starts_a = mjd_to_iso(np.array([c.start_a_mjd for c in conflicts]))
    stops_a = mjd_to_iso(np.array([c.stop_a_mjd for c in conflicts]))
    starts_b = mjd_to_iso(np.array([c.start_b_mjd for c in conflicts]))
    stops_b = mjd_to_iso(np.array([c.stop_b_mjd for c in conflicts]))
    return Table(
        (
            Column("Block A"),
            Column("Block B"),
            Column("A start (UTC)", utc=True),
            Column("A stop (UTC)", utc=True),
            Column("B start (UTC)", utc=True),
            Column("B stop (UTC)", utc=True),
            Column("Overlap (h)", 3),
        ),
        [
            (c.block_a, c.block_b, start_a, stop_a, start_b, stop_b, c.overlap_hours)
            for c, start_a, stop_a, start_b, stop_b in zip(
                conflicts, starts_a, stops_a, starts_b, stops_b, strict=True
            )
        ],
    )


# --- Trends ----------------------------------------------------------------------------------


def rate_bins_table(bins: list[RateBin], value_title: str) -> Table:
    return Table(
        (
            Column("Bin"),
            Column(value_title, 2),
            Column("From", 2),
            Column("To", 2),
            Column("Blocks"),
            Column(SCHEDULED_LABEL),
            Column("Scheduling rate", 3),
        ),
        [(b.label, b.value, b.low, b.high, b.count, b.scheduled, b.rate) for b in bins],
    )


def smoothed_table(curve: SmoothedCurve, value_title: str) -> Table:
    return Table(
        (Column(value_title, 3), Column("Smoothed scheduling rate", 3), Column("Blocks weighing")),
        list(zip(curve.x.tolist(), curve.rate.tolist(), curve.samples.tolist(), strict=True)),
    )


def heatmap_table(data: TrendsData) -> Table:
    heatmap = data.heatmap
    columns = (
        Column("Visibility from (h)", 2),
        Column("Visibility to (h)", 2),
        Column("Requested from (h)", 2),
        Column("Requested to (h)", 2),
        Column("Blocks"),
        Column("Scheduling rate", 3),
    )
    if heatmap is None:
        return Table(columns, [])
    v_edges, r_edges = heatmap.visibility_edges.tolist(), heatmap.requested_edges.tolist()
    rows = []
    for i in range(len(v_edges) - 1):
        for j in range(len(r_edges) - 1):
            rate = float(heatmap.rate[i, j])
            rows.append(
                (
                    v_edges[i],
                    v_edges[i + 1],
                    r_edges[j],
                    r_edges[j + 1],
                    int(heatmap.count[i, j]),
                    None if math.isnan(rate) else rate,
                )
            )
    return Table(columns, rows)


def model_table(data: TrendsData) -> Table:
    model = data.model
    rows = [] if model is None else [("intercept", model.intercept), *model.coefficients.items()]
    return Table((Column("Feature"), Column("Coefficient", 4)), rows)


# --- Compare ---------------------------------------------------------------------------------


PERCENT_METRICS = ("Scheduling rate", "Priority capture ratio")


def compare_metrics_table(data: CompareData) -> Table:
    """The metrics of both sides. A side without blocks has no rate (not 0 %); rates show as
    percentages on a page (their difference in percentage points) and as fractions in the CSV."""
    a, b = data.a, data.b

    def share(side, value: float) -> float | None:
        return value if side.total_blocks else None

    metrics = (
        ("Blocks", a.total_blocks, b.total_blocks),
        ("Scheduled blocks", a.scheduled_blocks, b.scheduled_blocks),
        ("Scheduling rate", share(a, a.scheduling_rate), share(b, b.scheduling_rate)),
        ("Priority sum of scheduled", a.priority_sum_scheduled, b.priority_sum_scheduled),
        ("Mean priority of scheduled", a.priority_mean_scheduled, b.priority_mean_scheduled),
        ("Median priority of scheduled", a.priority_median_scheduled, b.priority_median_scheduled),
        (
            "Priority capture ratio",
            share(a, a.priority_capture_ratio),
            share(b, b.priority_capture_ratio),
        ),
        ("Scheduled hours", a.scheduled_hours, b.scheduled_hours),
        ("Mean planned time of scheduled (h)", a.planned_hours_mean, b.planned_hours_mean),
        ("Median planned time of scheduled (h)", a.planned_hours_median, b.planned_hours_median),
        ("Gaps between observations", a.gap_count, b.gap_count),
        ("Mean gap (h)", a.gap_mean_hours, b.gap_mean_hours),
        ("Median gap (h)", a.gap_median_hours, b.gap_median_hours),
    )

    def percentages(row: Sequence, index: int) -> str | None:
        value = row[index]
        if index == 0 or row[0] not in PERCENT_METRICS or _missing(value):
            return None
        return f"{value * 100:.1f} pp" if index == 3 else f"{value * 100:.1f} %"

    return Table(
        (Column("Metric", wrap=True), Column("A", 2), Column("B", 2), Column("B − A", 2)),
        [
            (
                label,
                value_a,
                value_b,
                None if value_a is None or value_b is None else value_b - value_a,
            )
            for label, value_a, value_b in metrics
        ],
        cell_format=percentages,
    )


def block_ids_table(ids: list[str]) -> Table:
    return Table((Column("Block ID"),), [(block_id,) for block_id in ids])


def block_changes_table(changes: list[BlockChange], sides: str = "AB") -> Table:
    """Blocks that changed between A and B. ``sides`` names the schedules whose times a page
    shows ("A", "B" or "AB", which adds the start shift); the CSV has every column."""

    def iso(values: list[float | None]) -> list[str]:
        return mjd_to_iso(np.array([np.nan if v is None else v for v in values], dtype=float))

    columns = [
        iso([c.start_a_mjd for c in changes]),
        iso([c.stop_a_mjd for c in changes]),
        iso([c.start_b_mjd for c in changes]),
        iso([c.stop_b_mjd for c in changes]),
    ]
    return Table(
        (
            Column("Block ID"),
            Column("Name", wrap=True),
            Column("Priority in A", 2),
            Column("Priority in B", 2),
            Column("Start in A (UTC)", utc=True, page="A" in sides),
            Column("Stop in A (UTC)", utc=True, page="A" in sides),
            Column("Start in B (UTC)", utc=True, page="B" in sides),
            Column("Stop in B (UTC)", utc=True, page="B" in sides),
            Column("Start shift (h)", 2, page=sides == "AB"),
        ),
        [
            (
                c.source_block_id,
                c.display_name,
                c.priority_a,
                c.priority_b,
                *times,
                c.start_shift_hours,
            )
            for c, *times in zip(changes, *columns, strict=True)
        ],
    )


def compare_values_table(data: CompareData, attribute: str, title: str, decimals: int) -> Table:
    """One row per value of a per-schedule list (e.g. priorities of scheduled blocks)."""
    rows = [("A", value) for value in getattr(data.a, attribute)]
    rows += [("B", value) for value in getattr(data.b, attribute)]
    return Table((Column("Schedule"), Column(title, decimals)), rows)


# --- Validation ------------------------------------------------------------------------------


def validation_issues_table(report: ValidationReport) -> Table:
    return Table(
        (
            Column("Criticality", width="w-criticality"),
            Column("Status", width="w-status"),
            Column("Block ID", width="w-id"),
            Column("Name", wrap=True, width="w-name"),
            Column("Issue", wrap=True, width="w-issue", detail="Field"),
            Column("Category", page=False),  # the issue names it; a filter above selects it
            Column("Field", page=False),  # on a page, under the issue
            Column("Current value", width="w-value"),
            Column("Expected", width="w-value"),
            Column("Description", wrap=True),
        ),
        [
            (
                i.criticality,
                i.status,
                i.source_block_id,
                i.display_name,
                i.title,
                i.category.replace("_", " "),
                i.field,
                i.current_value,
                i.expected_value,
                i.message,
            )
            for i in report.issues
        ],
    )


def validation_rules_table(report: ValidationReport) -> Table:
    return Table(
        (
            Column("Rule"),
            Column("Issue", wrap=True),
            Column("Status"),
            Column("Criticality"),
            Column("Blocks"),
        ),
        [(r.rule, r.title, r.status, r.criticality, r.blocks) for r in report.rule_counts],
    )
