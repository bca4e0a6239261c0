"""Sky map: where the targets sit on the sky, coloured by priority bucket or status."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.block_frame import BlockFrame, load_block_frame
from analytics.selectors.filters import BlockFilters, selected_blocks
from schedules.models import Schedule


@dataclass(frozen=True)
class SkyMapFilters(BlockFilters):
    """A scheduled block passes the window if its start is in [from, to); others always pass."""

    scheduled_from_mjd: float | None = None
    scheduled_to_mjd: float | None = None


@dataclass(frozen=True)
class SkyMapData:
    points: BlockFrame
    total_blocks: int
    shown_blocks: int
    scheduled_shown: int
    priority_min: float | None
    priority_max: float | None
    ra_coverage_deg: float
    dec_coverage_deg: float
    scheduled_start_min_mjd: float | None
    scheduled_start_max_mjd: float | None
    max_requested_hours: float


def sky_map(schedule: Schedule, filters: SkyMapFilters) -> SkyMapData:
    frame = load_block_frame(schedule)
    mask = selected_blocks(schedule, frame, filters)
    start = frame.scheduled_start_mjd
    scheduled = frame.is_scheduled
    if filters.scheduled_from_mjd is not None:
        mask &= ~scheduled | (start >= filters.scheduled_from_mjd)
    if filters.scheduled_to_mjd is not None:
        mask &= ~scheduled | (start < filters.scheduled_to_mjd)
    points = frame.take(mask)
    starts = frame.scheduled_start_mjd[scheduled]
    return SkyMapData(
        points=points,
        total_blocks=len(frame),
        shown_blocks=len(points),
        scheduled_shown=int(points.is_scheduled.sum()),
        priority_min=float(frame.priority.min()) if len(frame) else None,
        priority_max=float(frame.priority.max()) if len(frame) else None,
        ra_coverage_deg=_span(points.ra_deg),
        dec_coverage_deg=_span(points.dec_deg),
        scheduled_start_min_mjd=float(starts.min()) if starts.size else None,
        scheduled_start_max_mjd=float(starts.max()) if starts.size else None,
        max_requested_hours=float(points.requested_hours.max()) if len(points) else 0.0,
    )


def _span(values: np.ndarray) -> float:
    return float(values.max() - values.min()) if values.size else 0.0
