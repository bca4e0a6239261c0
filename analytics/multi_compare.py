"""A reference schedule against up to ten others of one problem (DESIGN §14), without the
database: blocks matched on source id once over all schedules (one sort of the stacked ids),
the status of every block in every schedule, the best value of each metric, box statistics of
the scheduled priorities, and the pair figures of ``analytics.comparison`` for each other
against the reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analytics.comparison import (
    SAME_TARGET_DEG,
    PairTiming,
    pair_timing,
    pair_warnings,
    separation_deg,
)

MAX_OTHERS = 10

# Codes of the status matrix, and their names in the page, the CSV and the API.
ABSENT, UNSCHEDULED, SCHEDULED, IMPOSSIBLE = 0, 1, 2, 3
STATUS_NAMES = ("absent", "unscheduled", "scheduled", "impossible")

HIGHER, LOWER = "higher", "lower"  # which value of a metric is the best one


@dataclass(frozen=True)
class ScheduleBlocks:
    """The columns of one schedule the comparison reads, one row per block."""

    source_block_id: np.ndarray
    is_scheduled: np.ndarray
    is_impossible: np.ndarray
    scheduled_start_mjd: np.ndarray  # NaN when unscheduled
    ra_deg: np.ndarray
    dec_deg: np.ndarray
    priority: np.ndarray


@dataclass(frozen=True)
class StatusMatrix:
    """Every source id of any schedule (sorted), with its status in each schedule (one column
    per schedule, the reference first); ``agree`` marks rows with one status throughout."""

    source_block_id: np.ndarray
    status: np.ndarray  # int8, rows × schedules, codes of STATUS_NAMES
    agree: np.ndarray


@dataclass(frozen=True)
class MetricRow:
    """One metric over the schedules: the values (None where a schedule has none), the
    difference of each to the reference, and the schedules (indices) holding the best."""

    label: str
    values: list[float | None]
    deltas: list[float | None]
    best: list[int]
    better: str  # HIGHER, LOWER, or "" when no value is better than another


@dataclass(frozen=True)
class BoxStatistics:
    """Scheduled priorities of one schedule as a box: quartiles (numpy's linear
    interpolation), whiskers at the furthest values within 1.5 IQR of the box, and the mean;
    all None without scheduled blocks."""

    count: int
    q1: float | None
    median: float | None
    q3: float | None
    lower_fence: float | None
    upper_fence: float | None
    mean: float | None


@dataclass(frozen=True)
class PairFigures:
    """An other schedule against the reference (A = reference, B = the other)."""

    shared_blocks: int
    mismatched_targets: list[str]
    warnings: list[str]
    timing: PairTiming


def status_matrix(schedules: Sequence[ScheduleBlocks]) -> StatusMatrix:
    """Match every schedule's blocks on source id with one sort of all ids stacked."""
    ids = [np.asarray(blocks.source_block_id).astype(str) for blocks in schedules]
    union, inverse = np.unique(np.concatenate(ids), return_inverse=True)
    status = np.full((len(union), len(schedules)), ABSENT, dtype=np.int8)
    offset = 0
    for column, blocks in enumerate(schedules):
        rows = inverse[offset : offset + len(ids[column])]
        offset += len(ids[column])
        codes = np.where(blocks.is_impossible, IMPOSSIBLE, UNSCHEDULED).astype(np.int8)
        codes[np.asarray(blocks.is_scheduled, dtype=bool)] = SCHEDULED
        status[rows, column] = codes
    agree = (status == status[:, :1]).all(axis=1)
    return StatusMatrix(source_block_id=union, status=status, agree=agree)


def metric_row(label: str, values: Sequence[float | None], better: str = "") -> MetricRow:
    """Deltas to the first value (the reference) and the best values (ties all marked; none
    when fewer than two schedules have a value, or all have the same)."""
    reference = values[0]
    deltas = [None if value is None or reference is None else value - reference for value in values]
    known = [value for value in values if value is not None]
    best: list[int] = []
    if better and len(known) > 1 and min(known) != max(known):
        target = max(known) if better == HIGHER else min(known)
        best = [index for index, value in enumerate(values) if value == target]
    return MetricRow(label=label, values=list(values), deltas=deltas, best=best, better=better)


def box_statistics(values: np.ndarray) -> BoxStatistics:
    values = np.asarray(values, dtype=np.float64)
    if not len(values):
        return BoxStatistics(0, None, None, None, None, None, None)
    q1, median, q3 = (float(q) for q in np.percentile(values, [25, 50, 75]))
    reach = 1.5 * (q3 - q1)
    return BoxStatistics(
        count=len(values),
        q1=q1,
        median=median,
        q3=q3,
        lower_fence=float(values[values >= q1 - reach].min()),
        upper_fence=float(values[values <= q3 + reach].max()),
        mean=float(values.mean()),
    )


def pair_figures(reference: ScheduleBlocks, other: ScheduleBlocks) -> PairFigures:
    """The pair figures and the warnings of the two-schedule compare for one other."""
    ids_a = np.asarray(reference.source_block_id).astype(str)
    ids_b = np.asarray(other.source_block_id).astype(str)
    _, in_a, in_b = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
    order = np.argsort(in_a, kind="stable")  # shared blocks in the reference's order
    in_a, in_b = in_a[order], in_b[order]
    separation = separation_deg(
        reference.ra_deg[in_a], reference.dec_deg[in_a], other.ra_deg[in_b], other.dec_deg[in_b]
    )
    mismatched = ids_a[in_a][separation > SAME_TARGET_DEG].tolist()
    return PairFigures(
        shared_blocks=len(in_a),
        mismatched_targets=mismatched,
        warnings=pair_warnings(len(in_a), len(ids_a), len(ids_b), mismatched),
        timing=pair_timing(ids_a, reference.scheduled_start_mjd, ids_b, other.scheduled_start_mjd),
    )
