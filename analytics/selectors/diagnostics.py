"""Why blocks were or were not scheduled (DESIGN §13), for the fragmentation and diagnostics
pages and their endpoints, the KPIs of the overview and of the schedule endpoints, and the
reason column of every block table.

A schedule version's diagnostics are computed once from its stored blocks, validation
findings and dark periods, and cached (``cached_per_schedule``); every answer here is cut from
that one result, so a page, its CSVs and its endpoint give the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analytics.data_source import ETL, current_data_source
from analytics.diagnostics.fragmentation import CLASSES, Fragmentation, GapStatistics
from analytics.diagnostics.greedy import GreedyBaseline
from analytics.diagnostics.inversions import Inversions
from analytics.diagnostics.kpis import Kpis
from analytics.diagnostics.operable import Basis
from analytics.diagnostics.pressure import RA_HOURS, Pressure
from analytics.diagnostics.reasons import (
    ERROR_STATUSES,
    REASONS,
    Blockers,
    Reasons,
    error_flags_from_findings,
)
from analytics.diagnostics.report import diagnose
from analytics.frame_cache import cached_per_schedule
from analytics.models import ScheduleSummary
from schedules.block_metrics import SECONDS_PER_HOUR, compute_block_metrics
from schedules.block_schema import display_name
from schedules.models import Schedule
from schedules.schedule_data import ScheduleData
from schedules.selectors import load_schedule_data
from validation.models import ValidationResult
from validation.rules import evaluate_rules

SCHEDULED_LABEL = "scheduled"


@dataclass(frozen=True)
class ScheduleDiagnostics:
    """All diagnostics of one schedule version, with the block columns their tables name
    blocks by (rows in block-id order). The usable windows are left out: they are large and
    only needed while computing."""

    basis: Basis
    notes: list[str]
    operable_hours: float
    fragmentation: Fragmentation
    reasons: Reasons
    blockers: Blockers
    inversions: Inversions
    pressure: Pressure
    kpis: Kpis
    greedy: GreedyBaseline
    figures: dict
    block_id: np.ndarray
    source_block_id: np.ndarray
    display_name: np.ndarray
    priority: np.ndarray
    requested_hours: np.ndarray

    def reason_labels(self, rows: np.ndarray) -> np.ndarray:
        """The reason code of the blocks at ``rows``, ``"scheduled"`` for scheduled ones."""
        return self.reasons.names()[rows]


def schedule_diagnostics(schedule: Schedule) -> ScheduleDiagnostics:
    """The schedule's diagnostics, computed once per schedule version."""
    return cached_per_schedule("diagnostics", schedule, lambda: _compute(schedule))


def _compute(schedule: Schedule) -> ScheduleDiagnostics:
    data, block_ids = load_schedule_data(schedule)
    result = diagnose(data, _error_flags(schedule, data, block_ids))
    basis = result.operable.basis
    return ScheduleDiagnostics(
        basis=basis,
        notes=operable_notes(basis, len(data.dark_periods), result.operable.hours),
        operable_hours=result.operable.hours,
        fragmentation=result.fragmentation,
        reasons=result.reasons,
        blockers=result.blockers,
        inversions=result.inversions,
        pressure=result.pressure,
        kpis=result.kpis,
        greedy=result.greedy,
        figures=result.figures(),
        block_id=block_ids,
        source_block_id=np.array(data.source_ids, dtype=object),
        display_name=np.array(
            [
                display_name(block, target)
                for block, target in zip(data.block_names, data.target_names, strict=True)
            ],
            dtype=object,
        ),
        priority=data.priority,
        requested_hours=data.requested_duration_s / SECONDS_PER_HOUR,
    )


def _error_flags(schedule: Schedule, data: ScheduleData, block_ids: np.ndarray) -> np.ndarray:
    """Blocks with an error-level finding: the stored findings (etl), else the rules rerun."""
    if current_data_source() == ETL and ScheduleSummary.objects.filter(schedule=schedule).exists():
        flagged = ValidationResult.objects.filter(
            schedule=schedule, status__in=ERROR_STATUSES
        ).values_list("block_id", flat=True)
        return np.isin(block_ids, np.fromiter(flagged, dtype=np.int64))
    findings = evaluate_rules(data, compute_block_metrics(data))
    return error_flags_from_findings(findings, data.block_count)


def operable_notes(basis: Basis, dark_period_count: int, operable_hours: float) -> list[str]:
    """What the diagnostics took as operable time, to show beside every one of them."""
    notes = []
    if not basis.all_operable:
        notes.append(
            f"Operable time = the dark periods given ({dark_period_count:,} periods, merged and "
            f"clipped to the schedule period: {operable_hours:,.1f} h)."
        )
    return notes + basis.notes()


# --- The fragmentation page -------------------------------------------------------------------


@dataclass(frozen=True)
class FragmentationData:
    """The schedule period split into classified pieces, first match wins: `non_operable`,
    `scheduled`, `no_target_visible`, `visible_no_fit`, `feasible_unused`; the last three are
    idle. Hours per class, statistics of the idle gaps and the ten largest gaps."""

    notes: list[str]
    window_start_mjd: float
    window_stop_mjd: float
    window_hours: float
    operable_hours: float
    hours: dict[str, float]
    gaps: GapStatistics
    segment_start_mjd: np.ndarray
    segment_stop_mjd: np.ndarray
    segment_class: np.ndarray
    largest_gap_start_mjd: np.ndarray
    largest_gap_stop_mjd: np.ndarray
    largest_gap_class: np.ndarray


def fragmentation(schedule: Schedule) -> FragmentationData:
    found = schedule_diagnostics(schedule)
    strip = found.fragmentation
    names = np.array(CLASSES, dtype=object)
    return FragmentationData(
        notes=found.notes,
        window_start_mjd=found.basis.window_start_mjd,
        window_stop_mjd=found.basis.window_stop_mjd,
        window_hours=found.basis.window_hours,
        operable_hours=found.operable_hours,
        hours=dict(strip.hours),
        gaps=strip.gaps,
        segment_start_mjd=strip.segment_start,
        segment_stop_mjd=strip.segment_stop,
        segment_class=names[strip.segment_class],
        largest_gap_start_mjd=strip.largest_gap_start,
        largest_gap_stop_mjd=strip.largest_gap_stop,
        largest_gap_class=names[strip.largest_gap_class],
    )


# --- The diagnostics page ---------------------------------------------------------------------


@dataclass(frozen=True)
class DiagnosticsFilters:
    reason: str = ""  # one of REASONS lists only those unscheduled blocks; "" lists them all


@dataclass(frozen=True)
class BlockList:
    """Blocks, one array per column."""

    block_id: np.ndarray
    source_block_id: np.ndarray
    display_name: np.ndarray
    priority: np.ndarray


@dataclass(frozen=True)
class UnscheduledBlocks:
    """Unscheduled blocks by priority (highest first) with their `reason`. For blocks judged
    on free time (`blocked`, `feasible_free`), `longest_free_hours` is the longest free stretch
    in a usable window long enough for the request (null for the others); for `blocked` ones,
    `blocker_count` scheduled blocks overlap the usable windows, taking `blocked_hours`."""

    block_id: np.ndarray
    source_block_id: np.ndarray
    display_name: np.ndarray
    priority: np.ndarray
    requested_hours: np.ndarray
    reason: np.ndarray
    longest_free_hours: np.ndarray
    blocker_count: np.ndarray
    blocked_hours: np.ndarray


@dataclass(frozen=True)
class BlockerPairs:
    """For each blocked block, the scheduled blocks taking the most hours from its usable
    windows (at most ten, largest first)."""

    blocked_block_id: np.ndarray
    blocked_source_id: np.ndarray
    blocker_block_id: np.ndarray
    blocker_source_id: np.ndarray
    blocker_priority: np.ndarray
    hours: np.ndarray


@dataclass(frozen=True)
class InversionPairs:
    """Scheduled blocks whose removal alone would free, in a usable window of an unscheduled
    block of higher priority, a stretch holding its request: the freed interval (the longest,
    the earliest of equals), by unscheduled block."""

    unscheduled_block_id: np.ndarray
    unscheduled_source_id: np.ndarray
    unscheduled_priority: np.ndarray
    scheduled_block_id: np.ndarray
    scheduled_source_id: np.ndarray
    scheduled_priority: np.ndarray
    freed_start_mjd: np.ndarray
    freed_stop_mjd: np.ndarray


@dataclass(frozen=True)
class Nights:
    """Per night (one merged operable period): demand ÷ operable hours (`pressure`; above 1
    more is asked than the night can give) and the priority inversions whose freed interval
    starts in it."""

    start_mjd: np.ndarray
    stop_mjd: np.ndarray
    operable_hours: np.ndarray
    demand_hours: np.ndarray
    pressure: np.ndarray
    inversions: np.ndarray


@dataclass(frozen=True)
class RaHours:
    """Requested hours per hour of right ascension (24 bins of 15°), scheduled and not."""

    ra_hour: np.ndarray
    scheduled_hours: np.ndarray
    unscheduled_hours: np.ndarray


@dataclass(frozen=True)
class KpiComparison:
    """The schedule's KPIs beside those of a greedy scheduler replayed on the same blocks,
    windows and operable time; `wins` counts the five KPIs where the schedule is better."""

    notes: list[str]
    schedule: Kpis
    greedy: Kpis
    wins: int
    ties: int
    losses: int
    verdict: str


@dataclass(frozen=True)
class DiagnosticsData:
    notes: list[str]
    total_blocks: int
    scheduled_blocks: int
    reason_counts: dict[str, int]
    reason: str
    unscheduled: UnscheduledBlocks
    blocked_blocks: int
    blockers: BlockerPairs
    inversion_pairs: int
    inverted_blocks: int
    inverting_blocks: int
    priority_weighted_hours: float
    inversions: InversionPairs
    nights: Nights
    ra_hours: RaHours
    kpis: KpiComparison
    only_greedy: BlockList
    only_schedule: BlockList


def diagnostics(schedule: Schedule, filters: DiagnosticsFilters) -> DiagnosticsData:
    found = schedule_diagnostics(schedule)
    reasons, blockers, inversions = found.reasons, found.blockers, found.inversions
    return DiagnosticsData(
        notes=found.notes,
        total_blocks=len(found.block_id),
        scheduled_blocks=found.kpis.scheduled_blocks,
        reason_counts=dict(reasons.counts),
        reason=filters.reason,
        unscheduled=_unscheduled(found, filters.reason),
        blocked_blocks=len(blockers.blocked_blocks),
        blockers=BlockerPairs(
            blocked_block_id=found.block_id[blockers.blocked],
            blocked_source_id=found.source_block_id[blockers.blocked],
            blocker_block_id=found.block_id[blockers.blocker],
            blocker_source_id=found.source_block_id[blockers.blocker],
            blocker_priority=blockers.priority,
            hours=blockers.hours,
        ),
        inversion_pairs=inversions.pair_count,
        inverted_blocks=len(inversions.unscheduled_blocks),
        inverting_blocks=len(inversions.scheduled_blocks),
        priority_weighted_hours=inversions.priority_weighted_hours,
        inversions=InversionPairs(
            unscheduled_block_id=found.block_id[inversions.unscheduled],
            unscheduled_source_id=found.source_block_id[inversions.unscheduled],
            unscheduled_priority=found.priority[inversions.unscheduled],
            scheduled_block_id=found.block_id[inversions.scheduled],
            scheduled_source_id=found.source_block_id[inversions.scheduled],
            scheduled_priority=found.priority[inversions.scheduled],
            freed_start_mjd=inversions.freed_start_mjd,
            freed_stop_mjd=inversions.freed_stop_mjd,
        ),
        nights=_nights(found),
        ra_hours=RaHours(
            ra_hour=np.arange(RA_HOURS),
            scheduled_hours=found.pressure.ra_hour_scheduled_hours,
            unscheduled_hours=found.pressure.ra_hour_unscheduled_hours,
        ),
        kpis=kpi_comparison_of(found),
        only_greedy=_block_list(found, found.greedy.only_greedy),
        only_schedule=_block_list(found, found.greedy.only_schedule),
    )


def _unscheduled(found: ScheduleDiagnostics, reason: str) -> UnscheduledBlocks:
    code = found.reasons.code
    wanted = code >= 0 if not reason else code == REASONS.index(reason)
    rows = np.flatnonzero(wanted)
    # Highest priority first (NaN last), then block id.
    rows = rows[
        np.lexsort((found.block_id[rows], np.nan_to_num(-found.priority[rows], nan=np.inf)))
    ]
    blockers = found.blockers
    count = np.zeros(len(code), dtype=np.int64)
    taken = np.zeros(len(code))
    count[blockers.blocked_blocks] = blockers.blocker_count
    taken[blockers.blocked_blocks] = blockers.taken_hours
    return UnscheduledBlocks(
        block_id=found.block_id[rows],
        source_block_id=found.source_block_id[rows],
        display_name=found.display_name[rows],
        priority=found.priority[rows],
        requested_hours=found.requested_hours[rows],
        reason=found.reason_labels(rows),
        longest_free_hours=found.reasons.longest_free_hours[rows],
        blocker_count=count[rows],
        blocked_hours=taken[rows],
    )


def _nights(found: ScheduleDiagnostics) -> Nights:
    pressure = found.pressure
    starts = pressure.night_start_mjd
    # Freed intervals lie in usable windows, which lie in operable time: in one night each.
    night = np.searchsorted(starts, found.inversions.freed_start_mjd, side="right") - 1
    inversions = np.bincount(np.clip(night, 0, None), minlength=len(starts))[: len(starts)]
    return Nights(
        start_mjd=starts,
        stop_mjd=pressure.night_stop_mjd,
        operable_hours=pressure.night_operable_hours,
        demand_hours=pressure.night_demand_hours,
        pressure=pressure.night_pressure,
        inversions=inversions,
    )


def _block_list(found: ScheduleDiagnostics, rows: np.ndarray) -> BlockList:
    return BlockList(
        block_id=found.block_id[rows],
        source_block_id=found.source_block_id[rows],
        display_name=found.display_name[rows],
        priority=found.priority[rows],
    )


def kpi_comparison_of(found: ScheduleDiagnostics) -> KpiComparison:
    greedy = found.greedy
    return KpiComparison(
        notes=found.notes,
        schedule=found.kpis,
        greedy=greedy.kpis,
        wins=greedy.wins,
        ties=greedy.ties,
        losses=greedy.losses,
        verdict=greedy.verdict,
    )


def schedule_kpis(schedule: Schedule) -> KpiComparison:
    """The KPIs of the overview and the schedule endpoints."""
    return kpi_comparison_of(schedule_diagnostics(schedule))


# --- The reason column of block tables ---------------------------------------------------------


def reasons_by_block_id(
    schedule: Schedule, block_ids: np.ndarray, is_scheduled: np.ndarray | None = None
) -> list[str]:
    """Each block's reason (database ids), ``"scheduled"`` for scheduled blocks. Given
    ``is_scheduled``, a table of scheduled blocks only needs no diagnostics at all."""
    block_ids = np.asarray(block_ids, dtype=np.int64)
    if is_scheduled is not None and bool(np.all(is_scheduled)):
        return [SCHEDULED_LABEL] * len(block_ids)
    found = schedule_diagnostics(schedule)
    rows = np.searchsorted(found.block_id, block_ids)
    return found.reason_labels(rows).tolist()


def reasons_by_source_id(schedule: Schedule, source_ids: Sequence[str]) -> list[str]:
    """Each block's reason by source block id (the first block with that id), ``""`` for an
    id the schedule does not have."""
    if not source_ids:
        return []
    found = schedule_diagnostics(schedule)
    labels = found.reasons.names()
    first: dict[str, str] = {}
    for source_id, label in zip(
        reversed(found.source_block_id.tolist()), reversed(labels.tolist()), strict=True
    ):
        first[source_id] = label
    return [first.get(source_id, "") for source_id in source_ids]
