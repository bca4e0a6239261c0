"""A naive scheduler replayed on the same blocks, usable windows and operable time (DESIGN §13),
so that "is this schedule any good?" has a yardstick: does it beat the obvious algorithm?

Blocks go by priority, highest first; ties go to the block with fewer usable hours (it has
fewer chances elsewhere), then to the smaller id (numerically when every id is an integer,
else as text); a NaN priority goes last. Each block takes the earliest free stretch of its
requested duration inside one of its usable windows (1 ms allowance at the window's end);
placements never overlap but may touch. Blocks whose request is not positive have nothing
to place. Validation findings are ignored: the baseline is deliberately naive.

Placing in priority order is sequential, but most of the work is not: blocks are taken in
batches, and for a whole batch at once a sparse table over the current free gaps finds each
window's earliest fit (vectorised). Free time only shrinks as blocks are placed, so a fit
found before the batch's own placements is a lower bound: each block then only walks
forward from it past the few placements made since, and windows with no fit at the start
of the batch are skipped for good.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from analytics.diagnostics.fragmentation import Fragmentation, fragment
from analytics.diagnostics.kpis import KPI_NAMES, Kpis, compute_kpis
from analytics.diagnostics.operable import (
    LENGTH_TOLERANCE_DAYS,
    SECONDS_PER_DAY,
    Basis,
    OperableTime,
    UsableWindows,
)
from schedules.intervals import FreeTime, merge_periods
from schedules.schedule_data import ScheduleData

BATCH_BLOCKS = 1024
# The vectorised search asks for slightly less than the request, so rounding can only make it
# keep a window the exact walk then rejects, never drop one the walk would take.
SEARCH_SLACK_DAYS = 1e-9
KPI_TIE = 1e-9


@dataclass(frozen=True)
class GreedyBaseline:
    """Placements per block (NaN when not placed), in the replay ``order``; its KPIs and
    strip; and the comparison with the uploaded schedule (KPIs within 1e-9 tie)."""

    basis: Basis
    order: np.ndarray
    start_mjd: np.ndarray
    stop_mjd: np.ndarray
    fragmentation: Fragmentation
    kpis: Kpis
    only_greedy: np.ndarray
    only_schedule: np.ndarray
    wins: int
    ties: int
    losses: int
    verdict: str

    @property
    def placed(self) -> np.ndarray:
        return ~np.isnan(self.start_mjd)


def replay_order(
    priority: np.ndarray, usable_hours: np.ndarray, source_ids: list[str]
) -> np.ndarray:
    """Block indices by priority descending, then fewer usable hours, then id."""
    return np.lexsort((_id_ranks(source_ids), usable_hours, -np.asarray(priority, dtype=float)))


def _id_ranks(source_ids: list[str]) -> np.ndarray:
    """Rank of each id: as integers (read as Python's ``int`` reads them) when every id is
    one, else as text."""
    ids = np.array(source_ids, dtype=str)
    try:
        keys = ids.astype(np.int64)
    except (ValueError, OverflowError):
        try:
            keys = np.array([int(text) for text in source_ids], dtype=object)  # beyond int64
        except ValueError:
            keys = ids
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[np.argsort(keys, kind="stable")] = np.arange(len(ids))
    return ranks


def place_greedily(
    data: ScheduleData, windows: UsableWindows, batch_blocks: int = BATCH_BLOCKS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(start, stop, order)``: the greedy placements (NaN when not placed)."""
    block_count = data.block_count
    order = replay_order(data.priority, windows.hours, data.source_ids)
    request = data.requested_duration_s / SECONDS_PER_DAY
    start = np.full(block_count, np.nan)
    stop = np.full(block_count, np.nan)

    owner = windows.owner
    lengths = windows.periods[:, 1] - windows.periods[:, 0]
    rows = np.flatnonzero(
        (request[owner] > 0) & (lengths >= request[owner] - LENGTH_TOLERANCE_DAYS)
    )
    rank = np.empty(block_count, dtype=np.int64)
    rank[order] = np.arange(block_count)
    # Windows grouped by block in replay order, each block's still sorted by start.
    rows = rows[np.argsort(rank[owner[rows]], kind="stable")]
    row_owner = owner[rows]
    row_start = windows.periods[rows, 0]
    row_stop = windows.periods[rows, 1] + LENGTH_TOLERANCE_DAYS
    row_need = request[row_owner]
    new_block = np.ones(len(rows), dtype=bool)
    new_block[1:] = row_owner[1:] != row_owner[:-1]
    first_row = np.flatnonzero(new_block)
    end_row = np.append(first_row[1:], len(rows))
    blocks = row_owner[first_row]

    busy_start: list[float] = []
    busy_stop: list[float] = []
    for batch in range(0, len(blocks), batch_blocks):
        batch_end = min(batch + batch_blocks, len(blocks))
        low, high = first_row[batch], end_row[batch_end - 1]
        free = FreeTime(np.column_stack((busy_start, busy_stop)))
        earliest = free.earliest_fit(
            row_start[low:high], row_stop[low:high], row_need[low:high] - SEARCH_SLACK_DAYS
        )
        fitting = np.flatnonzero(~np.isnan(earliest))
        fit_first = np.searchsorted(fitting, first_row[batch:batch_end] - low).tolist()
        fit_end = np.searchsorted(fitting, end_row[batch:batch_end] - low).tolist()
        fit_time = earliest[fitting].tolist()
        fit_stop = row_stop[low:high][fitting].tolist()
        for position, block in enumerate(blocks[batch:batch_end].tolist()):
            need = float(request[block])
            for fit in range(fit_first[position], fit_end[position]):
                placed = _walk(busy_start, busy_stop, fit_time[fit], fit_stop[fit], need)
                if placed is not None:
                    start[block], stop[block] = placed, placed + need
                    break
    return start, stop, order


def _walk(
    busy_start: list[float], busy_stop: list[float], time: float, limit: float, need: float
) -> float | None:
    """Earliest free start at or after ``time`` with ``[start, start + need]`` ending by
    ``limit``; records the placement in the sorted busy lists."""
    k = bisect_right(busy_start, time)
    if k and busy_stop[k - 1] > time:
        time = busy_stop[k - 1]
    end = time + need
    count = len(busy_start)
    while end <= limit:
        if k < count and busy_start[k] < end:
            time = busy_stop[k]
            end = time + need
            k += 1
            continue
        busy_start.insert(k, time)
        busy_stop.insert(k, end)
        return time
    return None


def greedy_baseline(
    data: ScheduleData,
    operable: OperableTime,
    windows: UsableWindows,
    is_scheduled: np.ndarray,
    schedule_kpis: Kpis,
) -> GreedyBaseline:
    start, stop, order = place_greedily(data, windows)
    placed = ~np.isnan(start)
    strip = fragment(operable, windows, merge_periods(np.column_stack((start, stop))))
    kpis = compute_kpis(data.priority, placed, strip, operable.hours, windows.union_hours)
    delta = np.array([getattr(schedule_kpis, name) - getattr(kpis, name) for name in KPI_NAMES])
    wins = int(np.count_nonzero(delta > KPI_TIE))
    losses = int(np.count_nonzero(delta < -KPI_TIE))
    return GreedyBaseline(
        basis=operable.basis,
        order=order,
        start_mjd=start,
        stop_mjd=stop,
        fragmentation=strip,
        kpis=kpis,
        only_greedy=np.flatnonzero(placed & ~is_scheduled),
        only_schedule=np.flatnonzero(is_scheduled & ~placed),
        wins=wins,
        ties=len(KPI_NAMES) - wins - losses,
        losses=losses,
        verdict=f"beats greedy on {wins} of {len(KPI_NAMES)} KPIs",
    )
