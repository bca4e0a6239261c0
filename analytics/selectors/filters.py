"""Which blocks a page, a CSV or the blocks API looks at: one definition for all of them.

``BlockFilters`` says what was asked (``analytics.filtersets.BlockFilterSet`` parses it from a
query string); ``selected_blocks`` answers it over the schedule's block frame, so the flags it
reads (scheduled, impossible, bucket) come from the configured data source everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Q, QuerySet

from analytics.block_frame import BlockFrame, load_block_frame
from schedules.models import Schedule, SchedulingBlock

ALL = "all"
SCHEDULED = "scheduled"
UNSCHEDULED = "unscheduled"
STATUSES = (ALL, SCHEDULED, UNSCHEDULED)


@dataclass(frozen=True)
class BlockFilters:
    """Which blocks to look at; bounds are inclusive, empty values filter nothing.

    Impossible blocks are left out unless asked for (``exclude_impossible=False``), or are the
    only ones kept (``only_impossible``).
    """

    status: str = ALL
    priority_min: float | None = None
    priority_max: float | None = None
    exclude_impossible: bool = True
    only_impossible: bool = False
    search: str = ""  # part of the block id, block name or target name, any case
    source_block_ids: tuple[str, ...] = ()
    buckets: tuple[int, ...] = ()

    @property
    def reads_text(self) -> bool:
        return bool(self.search)


def block_mask(frame: BlockFrame, filters: BlockFilters) -> np.ndarray:
    """Boolean mask of the frame's rows that pass ``filters``, text search aside."""
    mask = np.ones(len(frame), dtype=bool)
    if filters.only_impossible:
        mask &= frame.is_impossible
    elif filters.exclude_impossible:
        mask &= ~frame.is_impossible
    if filters.status == SCHEDULED:
        mask &= frame.is_scheduled
    elif filters.status == UNSCHEDULED:
        mask &= ~frame.is_scheduled
    if filters.priority_min is not None:
        mask &= frame.priority >= filters.priority_min
    if filters.priority_max is not None:
        mask &= frame.priority <= filters.priority_max
    if filters.source_block_ids:
        mask &= np.isin(frame.source_block_id, np.array(filters.source_block_ids, dtype=object))
    if filters.buckets:
        mask &= np.isin(frame.priority_bucket, filters.buckets)
    return mask


def selected_blocks(schedule: Schedule, frame: BlockFrame, filters: BlockFilters) -> np.ndarray:
    """Mask of the frame's rows that pass every filter, text search included."""
    mask = block_mask(frame, filters)
    if filters.reads_text:
        mask &= np.isin(frame.block_id, text_matches(schedule, filters.search))
    return mask


def text_matches(schedule: Schedule, text: str) -> np.ndarray:
    """Ids of the schedule's blocks whose id, name or target name contains ``text`` (any case).

    Text is read from the blocks as uploaded, the same under either data source.
    """
    ids = SchedulingBlock.objects.filter(
        Q(source_block_id__icontains=text)
        | Q(block_name__icontains=text)
        | Q(target__name__icontains=text),
        schedule=schedule,
    ).values_list("id", flat=True)
    return np.fromiter(ids, dtype=np.int64)


def filter_blocks(
    schedule: Schedule, blocks: QuerySet[SchedulingBlock], filters: BlockFilters
) -> QuerySet[SchedulingBlock]:
    """``blocks`` (rows of ``schedule``) narrowed to those passing ``filters``.

    Answered by ``selected_blocks``, the pages' own selection, so a page and the blocks API
    agree on every filter; no filter at all reads nothing more than ``blocks``.
    """
    if filters == BlockFilters(exclude_impossible=False):
        return blocks
    frame = load_block_frame(schedule)
    mask = selected_blocks(schedule, frame, filters)
    if mask.all():
        return blocks
    # The shorter id list of the two keeps the query's parameters within half the schedule.
    if 2 * int(mask.sum()) > len(mask):
        return blocks.exclude(pk__in=frame.block_id[~mask].tolist())
    return blocks.filter(pk__in=frame.block_id[mask].tolist())
