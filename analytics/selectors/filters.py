"""Filters shared by the page selectors; each page's form (HTML and API) builds one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.block_frame import BlockFrame

ALL = "all"
SCHEDULED = "scheduled"
UNSCHEDULED = "unscheduled"
STATUSES = (ALL, SCHEDULED, UNSCHEDULED)


@dataclass(frozen=True)
class BlockFilters:
    """Which blocks a page looks at. Impossible blocks are left out unless asked for."""

    status: str = ALL
    priority_min: float | None = None
    priority_max: float | None = None
    exclude_impossible: bool = True


def block_mask(frame: BlockFrame, filters: BlockFilters) -> np.ndarray:
    """Boolean mask of the frame's rows that pass ``filters`` (bounds are inclusive)."""
    mask = np.ones(len(frame), dtype=bool)
    if filters.exclude_impossible:
        mask &= ~frame.is_impossible
    if filters.status == SCHEDULED:
        mask &= frame.is_scheduled
    elif filters.status == UNSCHEDULED:
        mask &= ~frame.is_scheduled
    if filters.priority_min is not None:
        mask &= frame.priority >= filters.priority_min
    if filters.priority_max is not None:
        mask &= frame.priority <= filters.priority_max
    return mask
