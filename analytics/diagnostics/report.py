"""Every diagnostic of one schedule in one call, for a selector to compute once per schedule
version and cache: the pieces share operable time, usable windows and the scheduled union,
so computing them together does that work once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.diagnostics.fragmentation import Fragmentation, fragment
from analytics.diagnostics.greedy import GreedyBaseline, greedy_baseline
from analytics.diagnostics.inversions import Inversions, find_inversions
from analytics.diagnostics.kpis import Kpis, compute_kpis
from analytics.diagnostics.operable import (
    OperableTime,
    UsableWindows,
    operable_notes,
    operable_time,
    scheduled_periods,
    usable_windows,
)
from analytics.diagnostics.pressure import Pressure, compute_pressure
from analytics.diagnostics.reasons import Blockers, Reasons, explain_unscheduled, find_blockers
from schedules.schedule_data import ScheduleData


@dataclass(frozen=True)
class Diagnostics:
    operable: OperableTime
    windows: UsableWindows
    fragmentation: Fragmentation
    reasons: Reasons
    blockers: Blockers
    inversions: Inversions
    pressure: Pressure
    kpis: Kpis
    greedy: GreedyBaseline

    def figures(self) -> dict:
        """Headline numbers as a JSON-ready nested dict (the ``summarize --json`` figures the
        release gate reads by dotted name, e.g. ``kpis.composite``)."""
        basis = self.operable.basis
        gaps = self.fragmentation.gaps
        pressure = self.pressure.night_pressure
        return {
            "operable": {
                "hours": self.operable.hours,
                "window_hours": basis.window_hours,
                "all_operable": basis.all_operable,
                "window_from_content": basis.window_from_content,
                "usable_window_hours": self.windows.union_hours,
            },
            "fragmentation": {
                "hours": dict(self.fragmentation.hours),
                "gaps": {
                    "count": gaps.count,
                    "total_hours": gaps.total_hours,
                    "mean_hours": gaps.mean_hours,
                    "median_hours": gaps.median_hours,
                    "std_hours": gaps.std_hours,
                    "p90_hours": gaps.p90_hours,
                    "largest_hours": gaps.largest_hours,
                },
            },
            "reasons": dict(self.reasons.counts),
            "blockers": {
                "blocked_blocks": len(self.blockers.blocked_blocks),
                "pairs": int(self.blockers.blocker_count.sum()),
                "taken_hours": float(self.blockers.taken_hours.sum()),
            },
            "inversions": {
                "pairs": self.inversions.pair_count,
                "unscheduled_blocks": len(self.inversions.unscheduled_blocks),
                "scheduled_blocks": len(self.inversions.scheduled_blocks),
                "priority_weighted_hours": self.inversions.priority_weighted_hours,
            },
            "pressure": {
                "nights": len(pressure),
                "max": float(pressure.max()) if len(pressure) else 0.0,
                "mean": float(pressure.mean()) if len(pressure) else 0.0,
                "nights_oversubscribed": int(np.count_nonzero(pressure > 1.0)),
            },
            "kpis": self.kpis.as_dict(),
            "greedy": {
                "kpis": self.greedy.kpis.as_dict(),
                "wins": self.greedy.wins,
                "ties": self.greedy.ties,
                "losses": self.greedy.losses,
                "only_greedy": len(self.greedy.only_greedy),
                "only_schedule": len(self.greedy.only_schedule),
                "verdict": self.greedy.verdict,
            },
        }


def diagnose(
    data: ScheduleData,
    error_flags: np.ndarray | None = None,
    dark_periods: np.ndarray | None = None,
) -> Diagnostics:
    """All of DESIGN §13 for ``data``.

    ``error_flags[i]`` says block ``i`` has an error-level validation finding (see
    ``reasons.error_flags_from_findings``; None means no findings). ``dark_periods``
    replaces the schedule's own, e.g. computed ones when the file brought none.
    """
    flags = (
        np.zeros(data.block_count, dtype=bool)
        if error_flags is None
        else np.asarray(error_flags, dtype=bool)
    )
    operable, windows, is_scheduled, scheduled_union, strip, kpis = _groundwork(data, dark_periods)
    reasons = explain_unscheduled(data, windows, is_scheduled, scheduled_union, flags)
    return Diagnostics(
        operable=operable,
        windows=windows,
        fragmentation=strip,
        reasons=reasons,
        blockers=find_blockers(data, windows, reasons, is_scheduled),
        inversions=find_inversions(data, windows, reasons, is_scheduled),
        pressure=compute_pressure(data, operable, windows, is_scheduled),
        kpis=kpis,
        greedy=greedy_baseline(data, operable, windows, is_scheduled, kpis),
    )


@dataclass(frozen=True)
class Headline:
    """What the overview and the compare show of the diagnostics, small enough to store with
    the summary: the KPIs beside the greedy baseline's, and the hours of each time-use class."""

    notes: list[str]
    kpis: Kpis
    greedy: Kpis
    wins: int
    ties: int
    losses: int
    verdict: str
    time_use_hours: dict[str, float]

    def kpi_comparison(self) -> dict:
        """The KPIs beside the baseline's, JSON-ready (stored with the summary)."""
        return {
            "notes": list(self.notes),
            "schedule": self.kpis.as_dict(),
            "greedy": self.greedy.as_dict(),
            "wins": self.wins,
            "ties": self.ties,
            "losses": self.losses,
            "verdict": self.verdict,
        }


def headline(data: ScheduleData, dark_periods: np.ndarray | None = None) -> Headline:
    """The headline exactly as ``diagnose`` gives it, without the reasons, blockers,
    inversions and pressure: cheap enough to compute at every ingest."""
    operable, windows, is_scheduled, _, strip, kpis = _groundwork(data, dark_periods)
    greedy = greedy_baseline(data, operable, windows, is_scheduled, kpis)
    dark_count = len(data.dark_periods if dark_periods is None else dark_periods)
    return Headline(
        notes=operable_notes(operable.basis, dark_count, operable.hours),
        kpis=kpis,
        greedy=greedy.kpis,
        wins=greedy.wins,
        ties=greedy.ties,
        losses=greedy.losses,
        verdict=greedy.verdict,
        time_use_hours=dict(strip.hours),
    )


def _groundwork(
    data: ScheduleData, dark_periods: np.ndarray | None
) -> tuple[OperableTime, UsableWindows, np.ndarray, np.ndarray, Fragmentation, Kpis]:
    operable = operable_time(data, dark_periods)
    windows = usable_windows(data, operable)
    is_scheduled, scheduled_union = scheduled_periods(data)
    strip = fragment(operable, windows, scheduled_union)
    kpis = compute_kpis(data.priority, is_scheduled, strip, operable.hours, windows.union_hours)
    return operable, windows, is_scheduled, scheduled_union, strip, kpis
