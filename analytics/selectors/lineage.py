"""Lineage (DESIGN §14): every version of a schedule's name, what changed at each step, and one
block's history across the versions.

The block columns of all the versions are read in one query (four columns, not whole frames:
one read per version would cost a query each) and kept, like the steps, under the versions'
contents and analytics, read with the versions: a new version or a refresh of any of them is a
new key. So a read is one query beyond the schedule's, however many versions there are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import orjson
from django.db import connections
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast

from analytics.data_source import ETL, current_data_source
from analytics.frame_cache import cached_per_state
from analytics.lineage import (
    LineageStep,
    VersionBlocks,
    block_history,
    lineage,
    state_changes,
)
from analytics.models import BlockAnalytics
from schedules.block_metrics import scheduled_bounds
from schedules.models import Schedule, SchedulingBlock

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineageVersion:
    schedule_id: int
    version: int
    uploaded_at: str  # ISO 8601, UTC
    blocks: int
    scheduled_blocks: int
    is_current: bool  # the schedule asked about


@dataclass(frozen=True)
class LineageData:
    """The versions of the schedule's name, oldest first, and one step per consecutive pair."""

    name: str
    current_version: int
    versions: list[LineageVersion]
    steps: list[LineageStep]


@dataclass(frozen=True)
class BlockVersion:
    """One version of the name, with the block as it stands there (``block_id`` null and
    ``present`` false when the version has no block with this id); ``changes`` says what
    changed from the previous version (empty for the first)."""

    schedule_id: int
    version: int
    is_current: bool
    block_id: int | None
    present: bool
    priority: float | None
    scheduled: bool
    start_mjd: float | None
    stop_mjd: float | None
    changes: list[str]


@dataclass(frozen=True)
class BlockHistoryData:
    source_block_id: str
    versions: list[BlockVersion]


@dataclass(frozen=True)
class NameBlocks:
    """Every version's blocks, version after version, each in block-id order: version ``i``
    holds rows ``offsets[i]`` to ``offsets[i + 1]``."""

    versions: np.ndarray
    offsets: np.ndarray
    block_id: np.ndarray
    source_block_id: np.ndarray  # fixed-width str
    priority: np.ndarray
    start: np.ndarray  # NaN when unscheduled
    stop: np.ndarray

    def version_blocks(self) -> list[VersionBlocks]:
        return [
            VersionBlocks(
                int(version),
                self.source_block_id[lo:hi],
                self.priority[lo:hi],
                self.start[lo:hi],
                self.stop[lo:hi],
            )
            for version, lo, hi in zip(
                self.versions.tolist(), self.offsets[:-1], self.offsets[1:], strict=True
            )
        ]


def name_versions(schedule: Schedule) -> tuple[list[Schedule], str]:
    """The schedules sharing this one's name, in version order (only the columns used), and
    their state: their contents and analytics, which any upload or refresh of them changes."""
    versions = list(
        Schedule.objects.filter(name=schedule.name)
        .order_by("version")
        .only("id", "name", "version", "checksum", "uploaded_at", "block_count")
        .annotate(summary_id=F("summary__id"))
    )
    return versions, ";".join(f"{v.pk}:{v.checksum}:{v.summary_id}" for v in versions)


def lineage_report(schedule: Schedule) -> LineageData:
    versions, state = name_versions(schedule)
    return cached_per_state(
        "lineage",
        f"{state}|{schedule.pk}",  # which version is shown is part of the answer
        lambda: _lineage(schedule, versions, _name_blocks(versions, state)),
    )


def block_history_of(schedule: Schedule, source_block_id: str) -> BlockHistoryData:
    """The block with this source id in every version of the schedule's name."""
    versions, state = name_versions(schedule)
    blocks = _name_blocks(versions, state)
    states = block_history(blocks.version_blocks(), source_block_id)
    rows = np.flatnonzero(blocks.source_block_id == source_block_id)
    owners = np.searchsorted(blocks.offsets, rows, side="right") - 1
    block_ids = dict(zip(owners.tolist(), blocks.block_id[rows].tolist(), strict=True))
    return BlockHistoryData(
        source_block_id=source_block_id,
        versions=[
            BlockVersion(
                schedule_id=version.pk,
                version=state.version,
                is_current=version.pk == schedule.pk,
                block_id=block_ids.get(index),
                present=state.present,
                priority=state.priority,
                scheduled=state.scheduled,
                start_mjd=state.start_mjd,
                stop_mjd=state.stop_mjd,
                changes=state_changes(states[index - 1], state) if index else [],
            )
            for index, (version, state) in enumerate(zip(versions, states, strict=True))
        ],
    )


def _lineage(schedule: Schedule, versions: list[Schedule], blocks: NameBlocks) -> LineageData:
    per_version = blocks.version_blocks()
    return LineageData(
        name=schedule.name,
        current_version=schedule.version,
        versions=[
            LineageVersion(
                schedule_id=version.pk,
                version=version.version,
                uploaded_at=version.uploaded_at.isoformat().replace("+00:00", "Z"),
                blocks=len(columns.ids),
                scheduled_blocks=int(np.count_nonzero(~np.isnan(columns.start))),
                is_current=version.pk == schedule.pk,
            )
            for version, columns in zip(versions, per_version, strict=True)
        ],
        steps=lineage(per_version),
    )


def _name_blocks(versions: list[Schedule], state: str) -> NameBlocks:
    """Kept once for the name, whichever version asks."""
    return cached_per_state("lineage-blocks", state, lambda: _read_name_blocks(versions))


def _read_name_blocks(versions: list[Schedule]) -> NameBlocks:
    """One query for the blocks of every version: the stored analytics on ``etl`` (the blocks
    when a version has none, with a warning), the blocks themselves on ``legacy``."""
    ids = [version.pk for version in versions]
    if current_data_source() == ETL:
        rows = _fetch(
            BlockAnalytics.objects.filter(schedule_id__in=ids).values_list(
                "schedule_id",
                "block_id",
                "source_block_id",
                "priority",
                "scheduled_start_mjd",
                "scheduled_stop_mjd",
            )
        )
        owner, block_id, source, priority, start, stop = list(zip(*rows, strict=True)) or [()] * 6
        blocks = _by_version(
            versions, owner, block_id, source, priority, _floats(start), _floats(stop)
        )
        stored = np.diff(blocks.offsets)
        expected = np.array([version.block_count for version in versions], dtype=np.int64)
        if np.array_equal(stored, expected):
            return blocks
        logger.warning(
            "Schedules %s have no stored analytics; reading their blocks for the lineage.",
            np.array(ids)[stored != expected].tolist(),
        )
    rows = _fetch(
        SchedulingBlock.objects.filter(schedule_id__in=ids)
        .annotate(scheduled_json=Cast("scheduled_period", TextField()))
        .values_list("schedule_id", "id", "source_block_id", "priority", "scheduled_json")
    )
    owner, block_id, source, priority, scheduled = list(zip(*rows, strict=True)) or [()] * 5
    periods = [orjson.loads(text) for text in scheduled]
    _, start, stop = scheduled_bounds(
        _floats([p[0][0] if p else None for p in periods]),
        _floats([p[0][1] if p else None for p in periods]),
    )
    return _by_version(versions, owner, block_id, source, priority, start, stop)


def _fetch(rows: QuerySet) -> list[tuple]:
    """The query's rows as the database driver gives them, without the ORM's work per row
    (there are 53,000 for 20 real-size versions) and unsorted (numpy sorts them faster)."""
    sql, params = rows.order_by().query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _floats(values) -> np.ndarray:
    return np.array(values, dtype=np.float64)  # None → NaN


def _by_version(
    versions: list[Schedule],
    owner: tuple,
    block_id: tuple,
    source: tuple,
    priority: tuple,
    start: np.ndarray,
    stop: np.ndarray,
) -> NameBlocks:
    """Query columns as arrays, version after version, each in block-id order."""
    owner, block_id = np.array(owner, dtype=np.int64), np.array(block_id, dtype=np.int64)
    by_owner = np.lexsort((block_id, owner))
    owner = owner[by_owner]
    ids = np.array([version.pk for version in versions], dtype=np.int64)
    first = np.searchsorted(owner, ids, side="left")
    last = np.searchsorted(owner, ids, side="right")
    order = by_owner[
        np.concatenate(
            [np.arange(lo, hi, dtype=np.int64) for lo, hi in zip(first, last, strict=True)]
            or [np.zeros(0, dtype=np.int64)]
        )
    ]
    return NameBlocks(
        versions=np.array([version.version for version in versions], dtype=np.int64),
        offsets=np.concatenate(([0], np.cumsum(last - first))).astype(np.int64),
        block_id=block_id[order],
        source_block_id=np.array(source, dtype=str)[order],
        priority=_floats(priority)[order],
        start=start[order],
        stop=stop[order],
    )
