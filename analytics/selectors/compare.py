"""Compare: two schedules matched on source block id."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from analytics.block_frame import BlockFrame, load_block_frame
from analytics.comparison import SAME_TARGET_DEG, pair_warnings, separation_deg
from analytics.data_source import ETL, current_data_source
from analytics.frame_cache import cached_for_schedules
from analytics.transform import gap_statistics
from schedules.models import Schedule

RETIME_THRESHOLD_DAYS = 1.0 / 86400.0  # a boundary moved by more than one second


@dataclass(frozen=True)
class ScheduleSide:
    schedule_id: int
    name: str
    version: int
    total_blocks: int
    scheduled_blocks: int
    scheduling_rate: float
    priority_sum_scheduled: float
    priority_mean_scheduled: float | None
    priority_median_scheduled: float | None
    priority_capture_ratio: float
    scheduled_hours: float
    planned_hours_mean: float | None
    planned_hours_median: float | None
    gap_count: int
    gap_mean_hours: float | None
    gap_median_hours: float | None
    scheduled_priorities: list[float]
    scheduled_requested_hours: list[float]


@dataclass(frozen=True)
class BlockChange:
    source_block_id: str
    display_name: str
    priority_a: float
    priority_b: float
    start_a_mjd: float | None
    stop_a_mjd: float | None
    start_b_mjd: float | None
    stop_b_mjd: float | None
    start_shift_hours: float | None
    stop_shift_hours: float | None


@dataclass(frozen=True)
class CompareData:
    a: ScheduleSide
    b: ScheduleSide
    only_in_a: list[str]
    only_in_b: list[str]
    only_in_a_blocks: BlockFrame
    only_in_b_blocks: BlockFrame
    common_count: int
    mismatched_targets: list[str]  # shared ids whose targets differ
    newly_scheduled: list[BlockChange]
    newly_unscheduled: list[BlockChange]
    retimed: list[BlockChange]
    warnings: list[str]


def compare(schedule_a: Schedule, schedule_b: Schedule) -> CompareData:
    """What changed from A to B, once per pair of versions (``legacy`` recomputes it)."""
    if current_data_source() != ETL:
        return _compare(schedule_a, schedule_b)
    pair = [schedule_a, schedule_b]
    data = cached_for_schedules("compare", pair, lambda: _compare(schedule_a, schedule_b))
    # Kept per version, which a rename does not change: the names are read from the rows.
    return replace(
        data, a=replace(data.a, name=schedule_a.name), b=replace(data.b, name=schedule_b.name)
    )


def _compare(schedule_a: Schedule, schedule_b: Schedule) -> CompareData:
    frame_a, frame_b = load_block_frame(schedule_a), load_block_frame(schedule_b)
    ids_a, ids_b = frame_a.source_block_id.astype(str), frame_b.source_block_id.astype(str)
    common, index_a, index_b = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
    order = np.argsort(index_a, kind="stable")  # report common blocks in A's order
    index_a, index_b = index_a[order], index_b[order]
    scheduled_a = frame_a.is_scheduled[index_a]
    scheduled_b = frame_b.is_scheduled[index_b]
    both = scheduled_a & scheduled_b
    moved = both & (
        (np.abs(frame_a.scheduled_start_mjd[index_a] - frame_b.scheduled_start_mjd[index_b])
         > RETIME_THRESHOLD_DAYS)
        | (np.abs(frame_a.scheduled_stop_mjd[index_a] - frame_b.scheduled_stop_mjd[index_b])
           > RETIME_THRESHOLD_DAYS)
    )  # fmt: skip

    def changes(mask: np.ndarray) -> list[BlockChange]:
        return [
            _change(frame_a, frame_b, i, j)
            for i, j in zip(index_a[mask], index_b[mask], strict=True)
        ]

    retimed = changes(moved)
    retimed.sort(key=lambda change: -abs(change.start_shift_hours or 0.0))
    only_a, only_b = ~np.isin(ids_a, common), ~np.isin(ids_b, common)
    separation = separation_deg(
        frame_a.ra_deg[index_a], frame_a.dec_deg[index_a],
        frame_b.ra_deg[index_b], frame_b.dec_deg[index_b],
    )  # fmt: skip
    mismatched = ids_a[index_a][separation > SAME_TARGET_DEG].tolist()
    return CompareData(
        a=_side(schedule_a, frame_a),
        b=_side(schedule_b, frame_b),
        only_in_a=ids_a[only_a].tolist(),
        only_in_b=ids_b[only_b].tolist(),
        only_in_a_blocks=frame_a.take(only_a),
        only_in_b_blocks=frame_b.take(only_b),
        common_count=len(common),
        mismatched_targets=mismatched,
        newly_scheduled=changes(~scheduled_a & scheduled_b),
        newly_unscheduled=changes(scheduled_a & ~scheduled_b),
        retimed=retimed,
        warnings=pair_warnings(len(common), len(frame_a), len(frame_b), mismatched),
    )


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _change(frame_a: BlockFrame, frame_b: BlockFrame, i: int, j: int) -> BlockChange:
    start_a, stop_a = frame_a.scheduled_start_mjd[i], frame_a.scheduled_stop_mjd[i]
    start_b, stop_b = frame_b.scheduled_start_mjd[j], frame_b.scheduled_stop_mjd[j]
    return BlockChange(
        source_block_id=str(frame_a.source_block_id[i]),
        display_name=str(frame_b.display_name[j] or frame_a.display_name[i]),
        priority_a=float(frame_a.priority[i]),
        priority_b=float(frame_b.priority[j]),
        start_a_mjd=_optional(start_a),
        stop_a_mjd=_optional(stop_a),
        start_b_mjd=_optional(start_b),
        stop_b_mjd=_optional(stop_b),
        start_shift_hours=_optional((start_b - start_a) * 24.0),
        stop_shift_hours=_optional((stop_b - stop_a) * 24.0),
    )


def _side(schedule: Schedule, frame: BlockFrame) -> ScheduleSide:
    scheduled = frame.take(frame.is_scheduled)
    count = len(scheduled)
    gap_count, gap_mean, gap_median = gap_statistics(
        scheduled.scheduled_start_mjd, scheduled.scheduled_stop_mjd
    )
    priority_total = float(frame.priority.sum())
    return ScheduleSide(
        schedule_id=schedule.pk,
        name=schedule.name,
        version=schedule.version,
        total_blocks=len(frame),
        scheduled_blocks=count,
        scheduling_rate=count / len(frame) if len(frame) else 0.0,
        priority_sum_scheduled=float(scheduled.priority.sum()),
        priority_mean_scheduled=float(scheduled.priority.mean()) if count else None,
        priority_median_scheduled=float(np.median(scheduled.priority)) if count else None,
        priority_capture_ratio=float(scheduled.priority.sum()) / priority_total
        if priority_total
        else 0.0,
        scheduled_hours=float(scheduled.scheduled_hours.sum()),
        planned_hours_mean=float(scheduled.requested_hours.mean()) if count else None,
        planned_hours_median=float(np.median(scheduled.requested_hours)) if count else None,
        gap_count=gap_count,
        gap_mean_hours=gap_mean,
        gap_median_hours=gap_median,
        scheduled_priorities=scheduled.priority.tolist(),
        scheduled_requested_hours=scheduled.requested_hours.tolist(),
    )
