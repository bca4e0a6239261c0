"""Distributions: histograms of block properties, split by scheduling outcome."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.block_frame import load_block_frame
from analytics.selectors.filters import BlockFilters, selected_blocks
from analytics.statistics import SplitHistogram, Stats, describe, split_histogram
from schedules.models import Schedule

HISTOGRAM_BINS = {
    "priority": 20,
    "total_visibility_hours": 30,
    "requested_hours": 25,
    "elevation_range_deg": 20,
}


@dataclass(frozen=True)
class DistributionsData:
    total_blocks: int
    shown_blocks: int
    scheduled_blocks: int
    unscheduled_blocks: int
    impossible_blocks: int
    histograms: dict[str, SplitHistogram]
    priority_stats: Stats
    visibility_stats: Stats
    requested_stats: Stats
    elevation_range_stats: Stats
    priority_scheduled: list[float]
    priority_unscheduled: list[float]


def distributions(schedule: Schedule, filters: BlockFilters) -> DistributionsData:
    frame = load_block_frame(schedule)
    shown = frame.take(selected_blocks(schedule, frame, filters))
    scheduled = shown.is_scheduled
    return DistributionsData(
        total_blocks=len(frame),
        shown_blocks=len(shown),
        scheduled_blocks=int(scheduled.sum()),
        unscheduled_blocks=int((~scheduled).sum()),
        impossible_blocks=int(frame.is_impossible.sum()),
        histograms={
            name: split_histogram(getattr(shown, name), scheduled, bins)
            for name, bins in HISTOGRAM_BINS.items()
        },
        priority_stats=describe(shown.priority),
        visibility_stats=describe(shown.total_visibility_hours),
        requested_stats=describe(shown.requested_hours),
        elevation_range_stats=describe(shown.elevation_range_deg),
        priority_scheduled=shown.priority[scheduled].tolist(),
        priority_unscheduled=shown.priority[~scheduled].tolist(),
    )
