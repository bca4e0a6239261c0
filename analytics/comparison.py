"""How the timing of two schedules of one problem relates (DESIGN §14): over the blocks
scheduled in either, which moved and by how much, how much of the order survived, and the
runs of blocks that moved together.

Pure numpy over the blocks' source ids and scheduled starts, so the N-way compare can call it
once per pair without the database.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

RETIMED_DAYS = 1.0 / 86400.0  # a start moved by more than one second
MINUTES_PER_DAY = 1440.0
COHERENT_SHIFT_MINUTES = 5.0  # a run continues while the shift changes by at most this
COHERENT_MIN_BLOCKS = 3
# Below this share of the smaller schedule's blocks in common, the two are likely different
# problems rather than two runs of one.
FEW_SHARED = 0.5
SAME_TARGET_DEG = 1.0 / 60.0  # shared ids whose targets are farther apart than this differ
MISMATCH_EXAMPLES = 5


@dataclass(frozen=True)
class CoherentRun:
    """Consecutive blocks (in A's order) that kept their order in B and moved together."""

    source_block_ids: list[str]
    a_first: int  # positions in A's and B's start order, 0 for the earliest
    a_last: int
    b_first: int
    b_last: int
    shift_mean_minutes: float
    shift_std_minutes: float  # population

    @property
    def size(self) -> int:
        return len(self.source_block_ids)


@dataclass(frozen=True)
class PairTiming:
    scheduled_either: int
    scheduled_both: int
    match_ratio: float | None  # scheduled in both ÷ scheduled in either
    retimed: int
    shift_median_minutes: float | None
    shift_mad_minutes: float | None  # median absolute deviation from the median
    order_preservation: float | None  # LIS of B positions in A order ÷ timed in both
    coherent_runs: list[CoherentRun]


def start_positions(ids: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Each scheduled block's rank by start (ties by id); -1 for blocks not scheduled."""
    positions = np.full(len(ids), -1, dtype=np.int64)
    scheduled = np.flatnonzero(~np.isnan(start))
    order = scheduled[np.lexsort((ids[scheduled].astype(str), start[scheduled]))]
    positions[order] = np.arange(len(order))
    return positions


def pair_timing(
    ids_a: np.ndarray, start_a: np.ndarray, ids_b: np.ndarray, start_b: np.ndarray
) -> PairTiming:
    """The DESIGN §14 pair figures; ``start_*`` are scheduled starts (MJD, NaN when not
    scheduled) of the blocks ``ids_*`` (source ids, unique per schedule)."""
    ids_a, ids_b = np.asarray(ids_a).astype(str), np.asarray(ids_b).astype(str)
    start_a, start_b = np.asarray(start_a, float), np.asarray(start_b, float)
    scheduled_a = set(ids_a[~np.isnan(start_a)].tolist())
    scheduled_b = set(ids_b[~np.isnan(start_b)].tolist())
    either = len(scheduled_a | scheduled_b)
    position_a, position_b = start_positions(ids_a, start_a), start_positions(ids_b, start_b)
    _, in_a, in_b = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
    timed = (position_a[in_a] >= 0) & (position_b[in_b] >= 0)
    in_a, in_b = in_a[timed], in_b[timed]
    order = np.argsort(position_a[in_a])
    in_a, in_b = in_a[order], in_b[order]
    shift = (start_b[in_b] - start_a[in_a]) * MINUTES_PER_DAY
    both = len(in_a)
    median = float(np.median(shift)) if both else None
    return PairTiming(
        scheduled_either=either,
        scheduled_both=both,
        match_ratio=both / either if either else None,
        retimed=int(np.count_nonzero(np.abs(shift) > RETIMED_DAYS * MINUTES_PER_DAY)),
        shift_median_minutes=median,
        shift_mad_minutes=float(np.median(np.abs(shift - median))) if both else None,
        order_preservation=(longest_increasing_run(position_b[in_b]) / both if both else None),
        coherent_runs=coherent_runs(ids_a[in_a], position_a[in_a], position_b[in_b], shift),
    )


def longest_increasing_run(values: np.ndarray) -> int:
    """Length of the longest strictly increasing subsequence, in O(n log n) (patience sort:
    ``tails[k]`` is the smallest last value of an increasing subsequence of length k + 1)."""
    tails: list[int] = []
    for value in np.asarray(values).tolist():
        place = bisect_left(tails, value)
        if place == len(tails):
            tails.append(value)
        else:
            tails[place] = value
    return len(tails)


def coherent_runs(
    ids: np.ndarray,
    position_a: np.ndarray,
    position_b: np.ndarray,
    shift_minutes: np.ndarray,
    tolerance: float = COHERENT_SHIFT_MINUTES,
    min_blocks: int = COHERENT_MIN_BLOCKS,
) -> list[CoherentRun]:
    """Runs of blocks timed in both, given in A's order: a run goes on while B's position keeps
    increasing and the shift changes by at most ``tolerance`` from the block before; runs of at
    least ``min_blocks`` are kept, and neighbouring kept runs whose mean shifts differ by at
    most ``tolerance`` merge when B's order also runs on between them."""
    if not len(ids):
        return []
    breaks = np.ones(len(ids), dtype=bool)
    breaks[1:] = (np.diff(position_b) <= 0) | (np.abs(np.diff(shift_minutes)) > tolerance)
    run = np.cumsum(breaks) - 1
    sizes = np.bincount(run)
    starts = np.flatnonzero(breaks)
    kept = [(int(first), int(first + sizes[index])) for index, first in enumerate(starts)]
    kept = [(first, stop) for first, stop in kept if stop - first >= min_blocks]
    merged: list[tuple[int, int, list[tuple[int, int]]]] = []
    for first, stop in kept:
        if merged:
            previous_first, previous_stop, parts = merged[-1]
            close = abs(shift_minutes[first:stop].mean() - _mean(shift_minutes, parts)) <= tolerance
            if close and position_b[first] > position_b[previous_stop - 1]:
                merged[-1] = (previous_first, stop, [*parts, (first, stop)])
                continue
        merged.append((first, stop, [(first, stop)]))
    runs = []
    for _, _, parts in merged:
        members = np.concatenate([np.arange(first, stop) for first, stop in parts])
        shifts = shift_minutes[members]
        runs.append(
            CoherentRun(
                source_block_ids=ids[members].tolist(),
                a_first=int(position_a[members[0]]),
                a_last=int(position_a[members[-1]]),
                b_first=int(position_b[members[0]]),
                b_last=int(position_b[members[-1]]),
                shift_mean_minutes=float(shifts.mean()),
                shift_std_minutes=float(shifts.std()),
            )
        )
    return runs


def _mean(values: np.ndarray, parts: list[tuple[int, int]]) -> float:
    return float(np.concatenate([values[first:stop] for first, stop in parts]).mean())


def separation_deg(ra_a, dec_a, ra_b, dec_b) -> np.ndarray:
    """Angle between two sets of sky positions (haversine, stable at small angles)."""
    ra_a, dec_a, ra_b, dec_b = (np.radians(v) for v in (ra_a, dec_a, ra_b, dec_b))
    haversine = (
        np.sin((dec_b - dec_a) / 2) ** 2
        + np.cos(dec_a) * np.cos(dec_b) * np.sin((ra_b - ra_a) / 2) ** 2
    )
    return np.degrees(2 * np.arcsin(np.sqrt(np.clip(haversine, 0.0, 1.0))))


def pair_warnings(common: int, total_a: int, total_b: int, mismatched: list[str]) -> list[str]:
    """What makes this comparison doubtful: few shared blocks, or shared ids that are not the
    same observation."""
    warnings = []
    smaller = min(total_a, total_b)
    if smaller and common < FEW_SHARED * smaller:
        warnings.append(
            f"The schedules share only {common:,} of {smaller:,} blocks "
            f"({common / smaller:.0%} of the smaller one): they may be different problems, "
            "not two runs of one."
        )
    if mismatched:
        examples = ", ".join(mismatched[:MISMATCH_EXAMPLES])
        more = (
            f" and {len(mismatched) - MISMATCH_EXAMPLES:,} more"
            if len(mismatched) > MISMATCH_EXAMPLES
            else ""
        )
        warnings.append(
            f"{len(mismatched):,} shared block ids point at different targets ({examples}{more}): "
            "the same id is not the same observation in both."
        )
    return warnings
