"""How blocks look on every report page: the names and colours of statuses and priority
buckets, the titles of block variables, and the hover labels of blocks and periods."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from analytics.models import PriorityBucket
from schedules.mjd import mjd_to_iso
from tsi_site.web.charts import Empty, escape, plotly_dates
from tsi_site.web.tables import Column, Table

BUCKET_LABELS = dict(PriorityBucket.choices)
VARIABLE_TITLES = {
    "priority": "Priority",
    "total_visibility_hours": "Total visibility (h)",
    "requested_hours": "Requested time (h)",
    "elevation_range_deg": "Elevation range (°)",
}


@dataclass(frozen=True)
class Status:
    """How a scheduling outcome is named and coloured."""

    label: str
    colour: str


# Okabe–Ito: distinguishable with every common form of colour blindness.
SCHEDULED = Status("Scheduled", "#0072B2")
UNSCHEDULED = Status("Unscheduled", "#E69F00")

BUCKET_COLOURS = {1: "#56B4E9", 2: "#009E73", 3: "#CC79A7", 4: "#D55E00"}

SEQUENTIAL_SCALE = "Viridis"

# Fragmentation classes of the schedule period (DESIGN §13), in strip order: first match wins
# when a piece is classified.
CLASS_TITLES = {
    "non_operable": "Not operable",
    "scheduled": "Scheduled",
    "no_target_visible": "No target visible",
    "visible_no_fit": "Visible, no block fits",
    "feasible_unused": "Feasible, unused",
}
CLASS_COLOURS = {
    "non_operable": "#c9ced4",
    "scheduled": SCHEDULED.colour,
    "no_target_visible": "#332288",
    "visible_no_fit": "#CC79A7",
    "feasible_unused": "#D55E00",
}


def block_labels(ids: np.ndarray, names: np.ndarray) -> np.ndarray:
    """Hover labels "<b>id</b> name" with both user strings escaped."""
    return np.array(
        [
            f"<b>{block_id}</b> {name}"
            for block_id, name in zip(escape(ids), escape(names), strict=True)
        ]
    )


def period_text(start_mjd: np.ndarray, stop_mjd: np.ndarray) -> np.ndarray:
    """Hover lines for periods: UTC, then MJD."""
    return np.array(
        [
            f"{start} – {stop}<br>MJD {a:.5f} – {b:.5f}"
            for start, stop, a, b in zip(
                mjd_to_iso(start_mjd),
                mjd_to_iso(stop_mjd),
                start_mjd.tolist(),
                stop_mjd.tolist(),
                strict=True,
            )
        ]
    )


def no_blocks(total: int | None) -> Empty:
    """``total`` is the schedule's block count, ``None`` when the selector does not say."""
    if total is None:
        return Empty("No blocks to analyse: the schedule has none, or none match the filters.")
    if total == 0:
        return Empty("This schedule has no blocks.")
    return Empty("No blocks match the current filters.")


def status_labels(is_scheduled: np.ndarray) -> list[str]:
    return [(SCHEDULED if flag else UNSCHEDULED).label for flag in is_scheduled.tolist()]


# The sky pages: the Sun's twilights from light to dark, the night, and the Moon.
TWILIGHT_COLOURS = {
    "Civil twilight": "#fde9b8",
    "Nautical twilight": "#a9c6e8",
    "Astronomical twilight": "#5a7fb5",
    "Night (Sun below −18°)": "#243a63",
}
# Behind curves the twilights are shaded lightly, so the curves stay readable over the night.
TWILIGHT_SHADE_OPACITY = 0.22
MOON_COLOUR = "#8a8f98"
MOON_UP_COLOUR = "#f2d16b"
DARK_PERIOD_COLOUR = "#332288"


def sexagesimal_ra(ra_deg: np.ndarray) -> np.ndarray:
    """Right ascensions as ``12h34m56.7s``."""
    tenths = np.rint(np.mod(np.asarray(ra_deg, dtype=np.float64), 360.0) / 15.0 * 36000.0)
    tenths = tenths.astype(np.int64) % (24 * 36000)
    hours, rest = np.divmod(tenths, 36000)
    minutes, rest = np.divmod(rest, 600)
    return np.array(
        [
            f"{h:02d}h{m:02d}m{s / 10:04.1f}s"
            for h, m, s in zip(hours.tolist(), minutes.tolist(), rest.tolist(), strict=True)
        ],
        dtype=object,
    )


def sexagesimal_dec(dec_deg: np.ndarray) -> np.ndarray:
    """Declinations as ``+12°34′56″``."""
    dec = np.asarray(dec_deg, dtype=np.float64)
    seconds = np.rint(np.abs(dec) * 3600.0).astype(np.int64)
    degrees, rest = np.divmod(seconds, 3600)
    minutes, rest = np.divmod(rest, 60)
    signs = np.where(dec < 0, "−", "+")
    return np.array(
        [
            f"{sign}{d:02d}°{m:02d}′{s:02d}″"
            for sign, d, m, s in zip(
                signs.tolist(), degrees.tolist(), minutes.tolist(), rest.tolist(), strict=True
            )
        ],
        dtype=object,
    )


def twilight_shapes(
    periods: dict[str, np.ndarray], first_mjd: float, last_mjd: float, axes: list[tuple[str, str]]
) -> list[dict]:
    """Shading of the twilights and the night between two times, over the full height of each
    (x axis, y axis) panel named: plain shape dicts, set on a layout in one go (adding shapes
    one by one makes plotly revalidate all of them each time)."""
    shapes = []
    for label, rows in periods.items():
        inside = rows[(rows[:, 1] > first_mjd) & (rows[:, 0] < last_mjd)]
        inside = np.clip(inside, first_mjd, last_mjd)
        starts, stops = plotly_dates(inside[:, 0]), plotly_dates(inside[:, 1])
        colour = TWILIGHT_COLOURS[label]
        for x_axis, y_axis in axes:
            shapes += [
                {
                    "type": "rect",
                    "xref": x_axis,
                    "yref": f"{y_axis} domain",
                    "x0": start,
                    "x1": stop,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": colour,
                    "opacity": TWILIGHT_SHADE_OPACITY,
                    "layer": "below",
                    "line": {"width": 0},
                }
                for start, stop in zip(starts, stops, strict=True)
            ]
    return shapes


def with_reasons(table: Table, reasons: list[str], title: str = "Reason") -> Table:
    """``table`` with a last column saying why each row's block was not scheduled (DESIGN §13;
    ``scheduled`` for scheduled blocks), from ``analytics.selectors.diagnostics``."""
    return replace(
        table,
        columns=(*table.columns, Column(title)),
        rows=[(*row, reason) for row, reason in zip(table.rows, reasons, strict=True)],
    )


# What changes for a block from one version of a schedule to the next (DESIGN §14, lineage),
# in the order the lineage counts them.
CHANGE_TITLES = {
    "added": "Added",
    "removed": "Removed",
    "newly_scheduled": "Newly scheduled",
    "newly_unscheduled": "Newly unscheduled",
    "retimed": "Retimed",
    "priority_changed": "Priority changed",
}
CHANGE_COLOURS = {
    "added": "#009E73",
    "removed": "#D55E00",
    "newly_scheduled": SCHEDULED.colour,
    "newly_unscheduled": UNSCHEDULED.colour,
    "retimed": "#56B4E9",
    "priority_changed": "#CC79A7",
}
