"""Five scores in [0, 1] and their mean (DESIGN §13), one function for the uploaded schedule
and the greedy baseline alike so the two are compared on equal terms.

- ``scheduling_rate``: scheduled blocks ÷ blocks;
- ``scheduled_fraction_of_operable``: scheduled time inside operable time (overlapping
  scheduled periods count once) ÷ operable hours;
- ``visibility_use``: min(1, that scheduled time ÷ the union of all blocks' usable windows);
- ``priority_alignment``: min(1, mean priority of scheduled blocks ÷ mean priority), 0 when
  nothing is scheduled or the mean is not positive (and never below 0);
- ``gap_compactness``: clamp(1 − p90 idle gap ÷ operable hours);
each 0 when its denominator is 0. ``composite`` is their plain mean.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from analytics.diagnostics.fragmentation import CLASSES, SCHEDULED, Fragmentation

KPI_NAMES = (
    "scheduling_rate",
    "scheduled_fraction_of_operable",
    "visibility_use",
    "priority_alignment",
    "gap_compactness",
)


@dataclass(frozen=True)
class Kpis:
    scheduling_rate: float
    scheduled_fraction_of_operable: float
    visibility_use: float
    priority_alignment: float
    gap_compactness: float
    composite: float
    total_blocks: int
    scheduled_blocks: int
    operable_hours: float
    scheduled_operable_hours: float
    usable_hours: float
    mean_priority: float | None
    mean_priority_scheduled: float | None
    p90_gap_hours: float

    def components(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in KPI_NAMES}

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def compute_kpis(
    priority: np.ndarray,
    is_scheduled: np.ndarray,
    fragmentation: Fragmentation,
    operable_hours: float,
    usable_hours: float,
) -> Kpis:
    """KPIs of the schedule whose scheduled blocks are ``is_scheduled`` and whose strip is
    ``fragmentation`` (built from those same scheduled periods)."""
    priority = np.asarray(priority, dtype=np.float64)
    total = len(priority)
    scheduled = int(np.count_nonzero(is_scheduled))
    scheduled_hours = fragmentation.hours[CLASSES[SCHEDULED]]
    mean_priority = float(priority.mean()) if total else None
    mean_scheduled = float(priority[is_scheduled].mean()) if scheduled else None
    alignment = (
        _clamp(mean_scheduled / mean_priority)
        if mean_scheduled is not None and mean_priority is not None and mean_priority > 0
        else 0.0
    )
    p90 = fragmentation.gaps.p90_hours
    components = {
        "scheduling_rate": scheduled / total if total else 0.0,
        "scheduled_fraction_of_operable": _ratio(scheduled_hours, operable_hours),
        "visibility_use": _ratio(scheduled_hours, usable_hours),
        "priority_alignment": alignment,
        "gap_compactness": _clamp(1.0 - p90 / operable_hours) if operable_hours > 0 else 0.0,
    }
    return Kpis(
        **components,
        composite=float(np.mean(list(components.values()))),
        total_blocks=total,
        scheduled_blocks=scheduled,
        operable_hours=operable_hours,
        scheduled_operable_hours=scheduled_hours,
        usable_hours=usable_hours,
        mean_priority=mean_priority,
        mean_priority_scheduled=mean_scheduled,
        p90_gap_hours=p90,
    )


def _ratio(part: float, whole: float) -> float:
    return _clamp(part / whole) if whole > 0 else 0.0


def _clamp(value: float) -> float:
    # NaN (a NaN priority, say) scores 0 rather than poisoning the composite.
    return float(min(1.0, max(0.0, value))) if value == value else 0.0
