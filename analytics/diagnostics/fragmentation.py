"""Where the schedule period went (DESIGN §13): a strip of classified pieces and the idle gaps.

The period is split at every boundary of the sets that decide a class (operable time,
scheduled time, the visibility of all blocks inside operable time, the union of usable
windows), so each piece is wholly inside or outside each set and its midpoint decides its
class. The first class that matches wins:

1. ``non_operable``: outside operable time;
2. ``scheduled``: inside some scheduled period;
3. ``no_target_visible``: outside every block's visibility;
4. ``visible_no_fit``: outside the union of usable windows, i.e. no block has a window there
   at least as long as its minimum observation (usable windows already lie in operable time
   and the fixed windows, so "fits" means the block could really be observed there);
5. ``feasible_unused``: some block could have been observed and nothing was.

Equal neighbours merge. An idle gap is one merged piece of one of the last three classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.diagnostics.operable import Basis, OperableTime, UsableWindows
from schedules.intervals import HOURS_PER_DAY, contained_in_periods

CLASSES = (
    "non_operable",
    "scheduled",
    "no_target_visible",
    "visible_no_fit",
    "feasible_unused",
)
NON_OPERABLE, SCHEDULED, NO_TARGET_VISIBLE, VISIBLE_NO_FIT, FEASIBLE_UNUSED = range(5)
IDLE_CLASSES = CLASSES[NO_TARGET_VISIBLE:]
LARGEST_GAPS = 10
P90 = 0.9


@dataclass(frozen=True)
class GapStatistics:
    """Idle gap lengths in hours. The standard deviation is the sample one (n - 1; 0 when
    n <= 1) and p90 interpolates linearly at rank 0.9 (n - 1); with no gaps every figure
    is 0, so KPIs built on them stay defined."""

    count: int
    total_hours: float
    mean_hours: float
    median_hours: float
    std_hours: float
    p90_hours: float
    largest_hours: float


@dataclass(frozen=True)
class Fragmentation:
    basis: Basis
    segment_start: np.ndarray
    segment_stop: np.ndarray
    segment_class: np.ndarray
    hours: dict[str, float]
    gaps: GapStatistics
    largest_gap_start: np.ndarray
    largest_gap_stop: np.ndarray
    largest_gap_class: np.ndarray

    @property
    def segment_hours(self) -> np.ndarray:
        return (self.segment_stop - self.segment_start) * HOURS_PER_DAY

    @property
    def idle(self) -> np.ndarray:
        return self.segment_class >= NO_TARGET_VISIBLE


def gap_statistics(hours: np.ndarray) -> GapStatistics:
    hours = np.asarray(hours, dtype=np.float64)
    count = len(hours)
    if not count:
        return GapStatistics(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return GapStatistics(
        count=count,
        total_hours=float(hours.sum()),
        mean_hours=float(hours.mean()),
        median_hours=float(np.median(hours)),
        std_hours=float(hours.std(ddof=1)) if count > 1 else 0.0,
        # numpy's "linear" method is exactly interpolation at rank p (n - 1).
        p90_hours=float(np.quantile(hours, P90, method="linear")),
        largest_hours=float(hours.max()),
    )


def fragment(
    operable: OperableTime, windows: UsableWindows, scheduled_union: np.ndarray
) -> Fragmentation:
    """Classify the schedule period; ``scheduled_union`` is the merged scheduled time."""
    basis = operable.basis
    start, stop = basis.window_start_mjd, basis.window_stop_mjd
    sets = (operable.periods, scheduled_union, windows.visible_union, windows.union)
    edges = np.concatenate([np.asarray(rows).ravel() for rows in sets] + [np.array([start, stop])])
    edges = np.unique(np.clip(edges, start, stop))
    piece_start, piece_stop = edges[:-1], edges[1:]
    middle = (piece_start + piece_stop) / 2

    kind = np.full(len(middle), FEASIBLE_UNUSED, dtype=np.int8)
    # Assigned from the last rule to the first, so the first matching rule has the last word.
    kind[~contained_in_periods(windows.union, middle, middle)] = VISIBLE_NO_FIT
    kind[~contained_in_periods(windows.visible_union, middle, middle)] = NO_TARGET_VISIBLE
    kind[contained_in_periods(scheduled_union, middle, middle)] = SCHEDULED
    kind[~contained_in_periods(operable.periods, middle, middle)] = NON_OPERABLE

    changes = np.ones(len(kind), dtype=bool)
    changes[1:] = kind[1:] != kind[:-1]
    first = np.flatnonzero(changes)
    segment_start = piece_start[first]
    segment_stop = np.append(piece_start[first[1:]], stop)[: len(first)]
    segment_class = kind[first]
    lengths = (segment_stop - segment_start) * HOURS_PER_DAY
    totals = np.bincount(segment_class, weights=lengths, minlength=len(CLASSES))

    idle = np.flatnonzero(segment_class >= NO_TARGET_VISIBLE)
    # Longest first; among equal lengths the earlier gap first.
    largest = idle[np.lexsort((segment_start[idle], -lengths[idle]))][:LARGEST_GAPS]
    return Fragmentation(
        basis=basis,
        segment_start=segment_start,
        segment_stop=segment_stop,
        segment_class=segment_class,
        hours={name: float(total) for name, total in zip(CLASSES, totals, strict=True)},
        gaps=gap_statistics(lengths[idle]),
        largest_gap_start=segment_start[largest],
        largest_gap_stop=segment_stop[largest],
        largest_gap_class=segment_class[largest],
    )
