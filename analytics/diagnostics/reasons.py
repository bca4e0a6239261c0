"""Why each unscheduled block was left out, and who stands in a blocked block's way (DESIGN §13).

A reason is the first of these that holds, from "it could never be observed" to "the scheduler
had room and did not use it":

1. ``no_visibility``: its longest visibility period is under 0.001 h (the validation rule's
   threshold, on raw periods as validation reads them);
2. ``no_window_fits``: no usable window (none at least the minimum observation long);
3. ``requested_exceeds_visibility``: no single usable window is as long as the request (a
   block occupies one contiguous period);
4. ``other_validation_issue``: an error-level validation finding (``error`` or
   ``impossible``; warnings do not count);
5. ``blocked``: some usable window would hold the request, but no stretch of one free of
   scheduled blocks does;
6. ``feasible_free``: a usable window holds a free stretch at least the request long.

Lengths compare with a 1 ms allowance. Blocks that are scheduled have no reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.diagnostics.operable import (
    LENGTH_TOLERANCE_DAYS,
    SECONDS_PER_DAY,
    Basis,
    UsableWindows,
)
from schedules.intervals import (
    HOURS_PER_DAY,
    FreeTime,
    overlap_counts,
    overlapping_pairs_between,
    search_sorted,
)
from schedules.schedule_data import ScheduleData
from validation.rules import NO_VISIBILITY_HOURS, Findings

REASONS = (
    "no_visibility",
    "no_window_fits",
    "requested_exceeds_visibility",
    "other_validation_issue",
    "blocked",
    "feasible_free",
)
(
    NO_VISIBILITY,
    NO_WINDOW_FITS,
    REQUESTED_EXCEEDS_VISIBILITY,
    OTHER_VALIDATION_ISSUE,
    BLOCKED,
    FEASIBLE_FREE,
) = range(len(REASONS))
SCHEDULED = -1
BLOCKERS_KEPT = 10
ERROR_STATUSES = frozenset({"error", "impossible"})


@dataclass(frozen=True)
class Reasons:
    """``code[i]`` indexes ``REASONS`` (``SCHEDULED``, -1, for scheduled blocks).

    ``longest_free_hours`` is, for blocks judged on free time (``blocked`` and
    ``feasible_free``), the longest free stretch in a usable window long enough for the
    request; NaN for the others.
    """

    basis: Basis
    code: np.ndarray
    longest_free_hours: np.ndarray
    counts: dict[str, int]

    def names(self) -> np.ndarray:
        labels = np.array(("scheduled", *REASONS), dtype=object)
        return labels[self.code + 1]


@dataclass(frozen=True)
class Blockers:
    """For each blocked block (``blocked_blocks``, ascending): how many scheduled blocks
    overlap its usable windows, the hours they take in all, and the largest of them.

    Rows ``offsets[k]:offsets[k + 1]`` are the ``BLOCKERS_KEPT`` scheduled blocks taking the
    most hours from ``blocked_blocks[k]``'s windows, largest first, ties (to the millisecond,
    the resolution of every length comparison here) by block index. Only
    the largest are kept because a block shut out for a season has hundreds of blockers, one
    per night, and a list that long tells a reader nothing the first rows do not.
    """

    basis: Basis
    blocked_blocks: np.ndarray
    blocker_count: np.ndarray
    taken_hours: np.ndarray
    offsets: np.ndarray
    blocker: np.ndarray
    hours: np.ndarray
    priority: np.ndarray

    @property
    def blocked(self) -> np.ndarray:
        return np.repeat(self.blocked_blocks, np.diff(self.offsets))


def error_flags_from_findings(findings: Findings, block_count: int) -> np.ndarray:
    """Whether each block has an error-level finding (``error`` or ``impossible``)."""
    flags = np.zeros(block_count, dtype=bool)
    is_error = np.isin(np.asarray(findings.status, dtype=object), list(ERROR_STATUSES))
    flags[np.asarray(findings.block_index, dtype=np.int64)[is_error]] = True
    return flags


def requested_days(data: ScheduleData) -> np.ndarray:
    return data.requested_duration_s / SECONDS_PER_DAY


def explain_unscheduled(
    data: ScheduleData,
    windows: UsableWindows,
    is_scheduled: np.ndarray,
    scheduled_union: np.ndarray,
    error_flags: np.ndarray,
) -> Reasons:
    """The reason of every unscheduled block (module docstring), from its usable windows,
    the merged scheduled time and ``error_flags`` (see ``error_flags_from_findings``)."""
    block_count = data.block_count
    request = requested_days(data)
    code = np.full(block_count, FEASIBLE_FREE, dtype=np.int8)
    needs_free_time = ~is_scheduled
    # From the last rule to the first, so the first rule that holds has the last word.
    for rule, holds in (
        (OTHER_VALIDATION_ISSUE, np.asarray(error_flags, dtype=bool)),
        (
            REQUESTED_EXCEEDS_VISIBILITY,
            ~(windows.longest_hours / HOURS_PER_DAY >= request - LENGTH_TOLERANCE_DAYS),
        ),
        (NO_WINDOW_FITS, windows.offsets[1:] == windows.offsets[:-1]),
        (NO_VISIBILITY, windows.longest_visibility_period_hours < NO_VISIBILITY_HOURS),
    ):
        code[holds] = rule
        needs_free_time &= ~holds
    code[is_scheduled] = SCHEDULED

    owner = windows.owner
    lengths = windows.periods[:, 1] - windows.periods[:, 0]
    candidate = np.flatnonzero(
        needs_free_time[owner] & (lengths >= request[owner] - LENGTH_TOLERANCE_DAYS)
    )
    free = FreeTime(scheduled_union).longest_within(
        windows.periods[candidate, 0], windows.periods[candidate, 1]
    )
    longest_free = np.full(block_count, -np.inf)
    np.maximum.at(longest_free, owner[candidate], free)
    # A free stretch has a length above zero, even for a request of zero.
    holds_request = (longest_free >= request - LENGTH_TOLERANCE_DAYS) & (longest_free > 0)
    code[needs_free_time & ~holds_request] = BLOCKED
    longest_free_hours = np.where(needs_free_time, longest_free * HOURS_PER_DAY, np.nan)

    counts = np.bincount(code[code >= 0], minlength=len(REASONS))
    return Reasons(
        basis=windows.basis,
        code=code,
        longest_free_hours=longest_free_hours,
        counts={name: int(count) for name, count in zip(REASONS, counts, strict=True)},
    )


def find_blockers(
    data: ScheduleData, windows: UsableWindows, reasons: Reasons, is_scheduled: np.ndarray
) -> Blockers:
    """For each ``blocked`` block, the scheduled blocks overlapping any of its usable windows
    and the hours each takes from them (a block's windows are disjoint, so they add up).

    Blocked blocks have hundreds of (window, scheduled block) pairs each, so the pairs are
    never all sorted. Scheduled blocks that overlap no other one (all of them in a valid
    schedule) are sorted by start: a window meets a contiguous run of them, whose inner
    members lie wholly inside it and take their full length, and only the two ends can be
    cut by the window. The inner ones are ranked by one integer sort on (blocked block, rank
    of the scheduled block by length); only the cut ends and the scheduled blocks that overlap
    others need exact, general treatment.
    """
    owner = windows.owner
    rows = np.flatnonzero(reasons.code[owner] == BLOCKED)
    row_owner = owner[rows]
    # Windows come grouped by block, so groups are runs of equal owners.
    new_group = np.ones(len(rows), dtype=bool)
    new_group[1:] = row_owner[1:] != row_owner[:-1]
    blocked_blocks = row_owner[new_group]
    row_group = np.cumsum(new_group) - 1
    group_count = len(blocked_blocks)
    start_row, stop_row = windows.periods[rows, 0], windows.periods[rows, 1]

    scheduled = np.flatnonzero(is_scheduled)
    scheduled_start = data.scheduled_start_mjd[scheduled]
    scheduled_stop = data.scheduled_stop_mjd[scheduled]
    alone = overlap_counts(scheduled_start, scheduled_stop) == 0
    single = scheduled[alone][np.argsort(scheduled_start[alone], kind="stable")]
    single_start = data.scheduled_start_mjd[single]
    single_stop = data.scheduled_stop_mjd[single]
    single_length = single_stop - single_start
    first = search_sorted(single_stop, start_row, side="right")
    end = search_sorted(single_start, stop_row, side="left")
    meets = end > first
    # Padded so that no index falls outside, even with no scheduled block at all.
    cut_first = meets & (np.append(single_start, np.inf)[first] < start_row)
    cut_last = meets & (np.concatenate(([-np.inf], single_stop))[end] > stop_row)
    inner_first = first + cut_first
    inner_end = np.maximum(end - cut_last, inner_first)

    # The cut ends, the blocks overlapping others, each pair once per window; then summed
    # per (blocked block, scheduled block), as one block may cross two of a block's windows.
    last_is_new = cut_last & ~(cut_first & (end - 1 == first))
    cut_rows = np.concatenate((np.flatnonzero(cut_first), np.flatnonzero(last_is_new)))
    cut_single = np.concatenate((first[cut_first], end[last_is_new] - 1))
    others = scheduled[~alone]
    other_row, other_index, other_hours = (
        overlapping_pairs_between(
            start_row, stop_row, data.scheduled_start_mjd[others], data.scheduled_stop_mjd[others]
        )
        if len(others)
        else (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0))
    )
    cut_start = np.maximum(start_row[cut_rows], single_start[cut_single])
    cut_stop = np.minimum(stop_row[cut_rows], single_stop[cut_single])
    partial_group = np.concatenate((row_group[cut_rows], row_group[other_row]))
    partial_block = np.concatenate((single[cut_single], others[other_index]))
    partial_days = np.concatenate((cut_stop - cut_start, other_hours))
    key, inverse = np.unique(
        partial_group.astype(np.int64) * data.block_count + partial_block, return_inverse=True
    )
    partial_days = np.bincount(inverse, weights=partial_days, minlength=len(key))
    partial_group, partial_block = key // data.block_count, key % data.block_count

    # Inner members take their full length: rank them by length (longest first, then block
    # index) and one sort of (group, rank) keys orders every group.
    by_length = np.lexsort((single, -_milliseconds(single_length)))
    rank = np.empty(len(single), dtype=np.int64)
    rank[by_length] = np.arange(len(single))
    inner_count = inner_end - inner_first
    # int32 halves the memory traffic of the one array as long as all the pairs.
    member = np.repeat(
        (inner_first - (np.cumsum(inner_count) - inner_count)).astype(np.int32), inner_count
    )
    member += np.arange(len(member), dtype=np.int32)
    # Keys group * ranks + rank, in int32 when they fit: half the memory and a quicker sort.
    ranks = max(len(single), 1)
    key_type = np.int32 if group_count * ranks < np.iinfo(np.int32).max else np.int64
    inner_key = np.repeat(row_group.astype(key_type) * key_type(ranks), inner_count)
    inner_key += rank.astype(key_type)[member]
    inner_key.sort()
    # Each group's first rows are its longest members.
    group_start = np.searchsorted(inner_key, np.arange(group_count, dtype=key_type) * ranks)
    group_size = np.diff(np.append(group_start, len(inner_key)))
    kept = np.minimum(group_size, BLOCKERS_KEPT)
    picked = np.repeat(group_start - (np.cumsum(kept) - kept), kept) + np.arange(kept.sum())
    inner_group, inner_rank = np.divmod(inner_key[picked].astype(np.int64), ranks)
    inner_block = single[by_length[inner_rank]]
    inner_days = data.scheduled_stop_mjd[inner_block] - data.scheduled_start_mjd[inner_block]

    # A cut pair shorter than a group's last kept inner member cannot enter its list.
    threshold = np.full(group_count, -np.inf)
    full = kept == BLOCKERS_KEPT
    threshold[full] = _milliseconds(inner_days[(np.cumsum(kept) - 1)[full]])
    contender = _milliseconds(partial_days) >= threshold[partial_group]
    group = np.concatenate((inner_group, partial_group[contender]))
    block = np.concatenate((inner_block, partial_block[contender]))
    days = np.concatenate((inner_days, partial_days[contender]))
    order = np.lexsort((block, -_milliseconds(days), group))
    group, block, days = group[order], block[order], days[order]
    keep = _first_of_each_group(group, BLOCKERS_KEPT)
    group, block, days = group[keep], block[keep], days[keep]

    single_cumulative = np.concatenate(([0.0], np.cumsum(single_length)))
    inner_total = single_cumulative[inner_end] - single_cumulative[inner_first]
    taken = np.bincount(row_group, weights=inner_total, minlength=group_count)
    taken += np.bincount(partial_group, weights=partial_days, minlength=group_count)
    count = np.bincount(row_group, weights=inner_count, minlength=group_count)
    count += np.bincount(partial_group, minlength=group_count)
    offsets = np.zeros(group_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(group, minlength=group_count), out=offsets[1:])
    return Blockers(
        basis=windows.basis,
        blocked_blocks=blocked_blocks,
        blocker_count=count.astype(np.int64),
        taken_hours=taken * HOURS_PER_DAY,
        offsets=offsets,
        blocker=block,
        hours=days * HOURS_PER_DAY,
        priority=data.priority[block],
    )


def _milliseconds(days: np.ndarray) -> np.ndarray:
    """Lengths rounded to the millisecond, the resolution at which they rank and tie."""
    return np.round(days / LENGTH_TOLERANCE_DAYS)


def _first_of_each_group(group: np.ndarray, limit: int) -> np.ndarray:
    """Mask of the first ``limit`` rows of each run of equal values in sorted ``group``."""
    starts = np.ones(len(group), dtype=bool)
    starts[1:] = group[1:] != group[:-1]
    start_of_run = np.maximum.accumulate(np.where(starts, np.arange(len(group)), 0))
    return np.arange(len(group)) - start_of_run < limit
