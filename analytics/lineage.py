"""What changed from each version of a schedule's name to the next (DESIGN §14), and one
block's history across the versions. Pure numpy over each version's blocks."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from analytics.comparison import RETIMED_DAYS


@dataclass(frozen=True)
class VersionBlocks:
    """One version's blocks: source ids with priority and scheduled period (NaN if none)."""

    version: int
    ids: np.ndarray
    priority: np.ndarray
    start: np.ndarray
    stop: np.ndarray


@dataclass(frozen=True)
class LineageStep:
    from_version: int
    to_version: int
    added: int
    removed: int
    newly_scheduled: int
    newly_unscheduled: int
    retimed: int  # scheduled in both, start or stop moved by more than a second
    priority_changed: int
    blocks: int  # in either version
    churn_rate: float  # blocks changed in any of these ways ÷ blocks in either version


@dataclass(frozen=True)
class BlockState:
    version: int
    present: bool
    priority: float | None
    scheduled: bool
    start_mjd: float | None
    stop_mjd: float | None


def lineage_step(before: VersionBlocks, after: VersionBlocks) -> LineageStep:
    ids_before, ids_after = before.ids.astype(str), after.ids.astype(str)
    _, i, j = np.intersect1d(ids_before, ids_after, assume_unique=True, return_indices=True)
    was, now = ~np.isnan(before.start[i]), ~np.isnan(after.start[j])
    moved = (
        was
        & now
        & (
            (np.abs(after.start[j] - before.start[i]) > RETIMED_DAYS)
            | (np.abs(after.stop[j] - before.stop[i]) > RETIMED_DAYS)
        )
    )
    reprioritised = after.priority[j] != before.priority[i]
    changed_common = (was != now) | moved | reprioritised
    added = len(ids_after) - len(j)
    removed = len(ids_before) - len(i)
    either = len(ids_before) + added
    return LineageStep(
        from_version=before.version,
        to_version=after.version,
        added=added,
        removed=removed,
        newly_scheduled=int(np.count_nonzero(~was & now)),
        newly_unscheduled=int(np.count_nonzero(was & ~now)),
        retimed=int(np.count_nonzero(moved)),
        priority_changed=int(np.count_nonzero(reprioritised)),
        blocks=either,
        churn_rate=(added + removed + int(changed_common.sum())) / either if either else 0.0,
    )


def lineage(versions: list[VersionBlocks]) -> list[LineageStep]:
    """One step per pair of consecutive versions (give them in version order)."""
    return [lineage_step(a, b) for a, b in pairwise(versions)]


def block_history(versions: list[VersionBlocks], source_id: str) -> list[BlockState]:
    """The block with this source id in every version: absent, or its priority and period."""
    history = []
    for version in versions:
        where = np.flatnonzero(version.ids.astype(str) == source_id)
        if not len(where):
            history.append(BlockState(version.version, False, None, False, None, None))
            continue
        k = int(where[0])
        scheduled = not np.isnan(version.start[k])
        history.append(
            BlockState(
                version.version,
                True,
                float(version.priority[k]),
                scheduled,
                float(version.start[k]) if scheduled else None,
                float(version.stop[k]) if scheduled else None,
            )
        )
    return history


# What can happen to a block from one version to the next, in the order a step counts them.
CHANGES = (
    "added",
    "removed",
    "newly_scheduled",
    "newly_unscheduled",
    "retimed",
    "priority_changed",
)


def state_changes(before: BlockState, after: BlockState) -> list[str]:
    """What happened to one block from a version to the next, named as ``LineageStep`` counts
    it: ``added``, ``removed``, ``newly_scheduled``, ``newly_unscheduled``, ``retimed``,
    ``priority_changed`` (a block that came or went has no other change)."""
    if before.present != after.present:
        return ["added" if after.present else "removed"]
    if not after.present:
        return []
    changes = []
    if after.scheduled != before.scheduled:
        changes.append("newly_scheduled" if after.scheduled else "newly_unscheduled")
    elif after.scheduled and (
        abs(after.start_mjd - before.start_mjd) > RETIMED_DAYS
        or abs(after.stop_mjd - before.stop_mjd) > RETIMED_DAYS
    ):
        changes.append("retimed")
    if after.priority != before.priority:
        changes.append("priority_changed")
    return changes
