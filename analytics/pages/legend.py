"""How blocks look on every report page: the names and colours of statuses and priority
buckets, the titles of block variables, and the hover labels of blocks and periods."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from analytics.models import PriorityBucket
from schedules.mjd import mjd_to_iso
from tsi_site.web.charts import Empty, escape
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


def with_reasons(table: Table, reasons: list[str], title: str = "Reason") -> Table:
    """``table`` with a last column saying why each row's block was not scheduled (DESIGN §13;
    ``scheduled`` for scheduled blocks), from ``analytics.selectors.diagnostics``."""
    return replace(
        table,
        columns=(*table.columns, Column(title)),
        rows=[(*row, reason) for row, reason in zip(table.rows, reasons, strict=True)],
    )
