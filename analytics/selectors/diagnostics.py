"""Why blocks were or were not scheduled (DESIGN §13), for the fragmentation and diagnostics
pages and their endpoints, the KPIs of the overview and of the schedule endpoints, and the
reason column of every block table.

A schedule version's diagnostics are computed once from its stored blocks, validation
findings and dark periods, and cached (``cached_per_schedule``); every answer here is cut from
that one result, so a page, its CSVs and its endpoint give the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from analytics.data_source import ETL, current_data_source
from analytics.diagnostics.fragmentation import CLASSES, GapStatistics
from analytics.diagnostics.kpis import Kpis
from analytics.diagnostics.operable import operable_notes
from analytics.diagnostics.pressure import RA_HOURS
from analytics.diagnostics.reasons import ERROR_STATUSES, error_flags_from_findings
from analytics.diagnostics.report import Diagnostics, diagnose
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


# --- The diagnostics page ---------------------------------------------------------------------


@dataclass(frozen=True)
class DiagnosticsFilters:
    reason: str = ""  # one of REASONS lists only those unscheduled blocks; "" lists them all
    offset: int = 0  # rows of each list skipped
    limit: int | None = None  # rows of each list answered; None answers them all


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
    """The lists (`unscheduled`, `blockers`, `inversions`) hold the rows from `offset`, at
    most `limit` of them (all when null); `unscheduled_total`, `blocker_pairs` and
    `inversion_pairs` count them all."""

    notes: list[str]
    total_blocks: int
    scheduled_blocks: int
    reason_counts: dict[str, int]
    reason: str
    offset: int
    limit: int | None
    unscheduled_total: int
    unscheduled: UnscheduledBlocks
    blocked_blocks: int
    blocker_pairs: int
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


# --- One computation per schedule version ------------------------------------------------------


@dataclass(frozen=True)
class ScheduleDiagnostics:
    """A schedule version's diagnostics, cached: the pages' and endpoints' answers with every
    row, the figures of ``summarize --json``, and each block's reason (rows in block-id
    order). The intermediate results (usable windows above all) are left out: large, and only
    needed while computing."""

    block_id: np.ndarray
    source_block_id: np.ndarray
    reason: np.ndarray
    notes: list[str]
    figures: dict
    kpis: KpiComparison
    fragmentation: FragmentationData
    diagnostics: DiagnosticsData


def schedule_diagnostics(schedule: Schedule) -> ScheduleDiagnostics:
    """The schedule's diagnostics, computed once per schedule version."""
    return cached_per_schedule("diagnostics", schedule, lambda: _compute(schedule))


def fragmentation(schedule: Schedule) -> FragmentationData:
    return schedule_diagnostics(schedule).fragmentation


def diagnostics(schedule: Schedule, filters: DiagnosticsFilters) -> DiagnosticsData:
    everything = schedule_diagnostics(schedule).diagnostics
    unscheduled = everything.unscheduled
    if filters.reason:
        unscheduled = _rows(unscheduled, unscheduled.reason == filters.reason)
    stop = None if filters.limit is None else filters.offset + filters.limit
    listed = slice(filters.offset, stop)
    return replace(
        everything,
        reason=filters.reason,
        offset=filters.offset,
        limit=filters.limit,
        unscheduled_total=len(unscheduled.block_id),
        unscheduled=_rows(unscheduled, listed),
        blockers=_rows(everything.blockers, listed),
        inversions=_rows(everything.inversions, listed),
    )


def schedule_kpis(schedule: Schedule, stored: dict | None = None) -> KpiComparison:
    """The KPIs of the overview and the schedule endpoints, as the summary holds them
    (``stored``: its ``kpi_comparison`` when the caller has it; read from the stored summary
    on the etl data source), else from the schedule's diagnostics."""
    if stored is None and current_data_source() == ETL:
        stored = (
            ScheduleSummary.objects.filter(schedule=schedule)
            .values_list("kpi_comparison", flat=True)
            .first()
        )
    if not stored:  # a summary written before the comparison was stored with it
        return schedule_diagnostics(schedule).kpis
    return KpiComparison(
        notes=stored["notes"],
        schedule=Kpis(**stored["schedule"]),
        greedy=Kpis(**stored["greedy"]),
        wins=stored["wins"],
        ties=stored["ties"],
        losses=stored["losses"],
        verdict=stored["verdict"],
    )


def _rows[T](columns: T, selector: slice | np.ndarray) -> T:
    """The same columns, cut to some rows (a slice keeps views of the cached arrays)."""
    return replace(columns, **{f.name: getattr(columns, f.name)[selector] for f in fields(columns)})


def _compute(schedule: Schedule) -> ScheduleDiagnostics:
    data, block_ids = load_schedule_data(schedule)
    result = diagnose(data, _error_flags(schedule, data, block_ids))
    basis = result.operable.basis
    notes = operable_notes(basis, len(data.dark_periods), result.operable.hours)
    blocks = _Blocks(
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
    greedy = result.greedy
    kpis = KpiComparison(
        notes=notes,
        schedule=result.kpis,
        greedy=greedy.kpis,
        wins=greedy.wins,
        ties=greedy.ties,
        losses=greedy.losses,
        verdict=greedy.verdict,
    )
    reason = result.reasons.names()
    return ScheduleDiagnostics(
        block_id=block_ids,
        source_block_id=blocks.source_block_id,
        reason=reason,
        notes=notes,
        figures=result.figures(),
        kpis=kpis,
        fragmentation=_fragmentation(result, notes),
        diagnostics=_everything(result, blocks, reason, notes, kpis),
    )


@dataclass(frozen=True)
class _Blocks:
    """The block columns the lists name blocks by."""

    block_id: np.ndarray
    source_block_id: np.ndarray
    display_name: np.ndarray
    priority: np.ndarray
    requested_hours: np.ndarray

    def listed(self, rows: np.ndarray) -> BlockList:
        return BlockList(
            block_id=self.block_id[rows],
            source_block_id=self.source_block_id[rows],
            display_name=self.display_name[rows],
            priority=self.priority[rows],
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


def _fragmentation(result: Diagnostics, notes: list[str]) -> FragmentationData:
    strip = result.fragmentation
    basis = result.operable.basis
    names = np.array(CLASSES, dtype=object)
    return FragmentationData(
        notes=notes,
        window_start_mjd=basis.window_start_mjd,
        window_stop_mjd=basis.window_stop_mjd,
        window_hours=basis.window_hours,
        operable_hours=result.operable.hours,
        hours=dict(strip.hours),
        gaps=strip.gaps,
        segment_start_mjd=strip.segment_start,
        segment_stop_mjd=strip.segment_stop,
        segment_class=names[strip.segment_class],
        largest_gap_start_mjd=strip.largest_gap_start,
        largest_gap_stop_mjd=strip.largest_gap_stop,
        largest_gap_class=names[strip.largest_gap_class],
    )


def _everything(
    result: Diagnostics,
    blocks: _Blocks,
    reason: np.ndarray,
    notes: list[str],
    kpis: KpiComparison,
) -> DiagnosticsData:
    """The diagnostics page's answer with every row of every list, for every reason."""
    reasons, blockers, inversions, pressure = (
        result.reasons,
        result.blockers,
        result.inversions,
        result.pressure,
    )
    unscheduled = np.flatnonzero(reasons.code >= 0)
    # Highest priority first (NaN last), then block id.
    unscheduled = unscheduled[
        np.lexsort(
            (
                blocks.block_id[unscheduled],
                np.nan_to_num(-blocks.priority[unscheduled], nan=np.inf),
            )
        )
    ]
    count = np.zeros(len(reason), dtype=np.int64)
    taken = np.zeros(len(reason))
    count[blockers.blocked_blocks] = blockers.blocker_count
    taken[blockers.blocked_blocks] = blockers.taken_hours
    # Freed intervals lie in usable windows, which lie in operable time: in one night each.
    night = np.searchsorted(pressure.night_start_mjd, inversions.freed_start_mjd, side="right") - 1
    nights = len(pressure.night_start_mjd)
    return DiagnosticsData(
        notes=notes,
        total_blocks=len(reason),
        scheduled_blocks=result.kpis.scheduled_blocks,
        reason_counts=dict(reasons.counts),
        reason="",
        offset=0,
        limit=None,
        unscheduled_total=len(unscheduled),
        unscheduled=UnscheduledBlocks(
            block_id=blocks.block_id[unscheduled],
            source_block_id=blocks.source_block_id[unscheduled],
            display_name=blocks.display_name[unscheduled],
            priority=blocks.priority[unscheduled],
            requested_hours=blocks.requested_hours[unscheduled],
            reason=reason[unscheduled],
            longest_free_hours=reasons.longest_free_hours[unscheduled],
            blocker_count=count[unscheduled],
            blocked_hours=taken[unscheduled],
        ),
        blocked_blocks=len(blockers.blocked_blocks),
        blocker_pairs=len(blockers.blocker),
        blockers=BlockerPairs(
            blocked_block_id=blocks.block_id[blockers.blocked],
            blocked_source_id=blocks.source_block_id[blockers.blocked],
            blocker_block_id=blocks.block_id[blockers.blocker],
            blocker_source_id=blocks.source_block_id[blockers.blocker],
            blocker_priority=blockers.priority,
            hours=blockers.hours,
        ),
        inversion_pairs=inversions.pair_count,
        inverted_blocks=len(inversions.unscheduled_blocks),
        inverting_blocks=len(inversions.scheduled_blocks),
        priority_weighted_hours=inversions.priority_weighted_hours,
        inversions=InversionPairs(
            unscheduled_block_id=blocks.block_id[inversions.unscheduled],
            unscheduled_source_id=blocks.source_block_id[inversions.unscheduled],
            unscheduled_priority=blocks.priority[inversions.unscheduled],
            scheduled_block_id=blocks.block_id[inversions.scheduled],
            scheduled_source_id=blocks.source_block_id[inversions.scheduled],
            scheduled_priority=blocks.priority[inversions.scheduled],
            freed_start_mjd=inversions.freed_start_mjd,
            freed_stop_mjd=inversions.freed_stop_mjd,
        ),
        nights=Nights(
            start_mjd=pressure.night_start_mjd,
            stop_mjd=pressure.night_stop_mjd,
            operable_hours=pressure.night_operable_hours,
            demand_hours=pressure.night_demand_hours,
            pressure=pressure.night_pressure,
            inversions=np.bincount(np.clip(night, 0, None), minlength=nights)[:nights],
        ),
        ra_hours=RaHours(
            ra_hour=np.arange(RA_HOURS),
            scheduled_hours=pressure.ra_hour_scheduled_hours,
            unscheduled_hours=pressure.ra_hour_unscheduled_hours,
        ),
        kpis=kpis,
        only_greedy=blocks.listed(result.greedy.only_greedy),
        only_schedule=blocks.listed(result.greedy.only_schedule),
    )


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
    return found.reason[np.searchsorted(found.block_id, block_ids)].tolist()


def reasons_by_source_id(schedule: Schedule, source_ids: Sequence[str]) -> list[str]:
    """Each block's reason by source block id (the first block with that id), ``""`` for an
    id the schedule does not have."""
    if not source_ids:
        return []
    found = schedule_diagnostics(schedule)
    first = dict(
        zip(reversed(found.source_block_id.tolist()), reversed(found.reason.tolist()), strict=True)
    )
    return [first.get(source_id, "") for source_id in source_ids]


# --- The block page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockerRow:
    source_block_id: str
    priority: float
    hours: float


@dataclass(frozen=True)
class InversionRow:
    unscheduled_source_id: str
    unscheduled_priority: float
    scheduled_source_id: str
    scheduled_priority: float
    freed_start_mjd: float
    freed_stop_mjd: float


@dataclass(frozen=True)
class BlockReason:
    """Why one block was or was not scheduled: its reason, and for an unscheduled block the
    longest free stretch and the scheduled blocks in its usable windows (the ten taking the
    most hours); the priority inversions it takes part in, on either side."""

    notes: list[str]
    reason: str
    longest_free_hours: float | None
    blocker_count: int
    blocked_hours: float
    blockers: list[BlockerRow]
    inversions: list[InversionRow]


def block_reason(schedule: Schedule, block_id: int) -> BlockReason | None:
    """``None`` when the schedule has no such block."""
    found = schedule_diagnostics(schedule)
    row = int(np.searchsorted(found.block_id, block_id))
    if row == len(found.block_id) or found.block_id[row] != block_id:
        return None
    everything = found.diagnostics
    unscheduled = everything.unscheduled
    mine = np.flatnonzero(unscheduled.block_id == block_id)
    free = unscheduled.longest_free_hours[mine]
    blockers = everything.blockers
    blocking = np.flatnonzero(blockers.blocked_block_id == block_id)
    pairs = everything.inversions
    inverted = np.flatnonzero(
        (pairs.unscheduled_block_id == block_id) | (pairs.scheduled_block_id == block_id)
    )
    return BlockReason(
        notes=found.notes,
        reason=str(found.reason[row]),
        longest_free_hours=float(free[0]) if len(free) and not np.isnan(free[0]) else None,
        blocker_count=int(unscheduled.blocker_count[mine].sum()),
        blocked_hours=float(unscheduled.blocked_hours[mine].sum()),
        blockers=[
            BlockerRow(*values)
            for values in zip(
                blockers.blocker_source_id[blocking].tolist(),
                blockers.blocker_priority[blocking].tolist(),
                blockers.hours[blocking].tolist(),
                strict=True,
            )
        ],
        inversions=[
            InversionRow(*values)
            for values in zip(
                pairs.unscheduled_source_id[inverted].tolist(),
                pairs.unscheduled_priority[inverted].tolist(),
                pairs.scheduled_source_id[inverted].tolist(),
                pairs.scheduled_priority[inverted].tolist(),
                pairs.freed_start_mjd[inverted].tolist(),
                pairs.freed_stop_mjd[inverted].tolist(),
                strict=True,
            )
        ],
    )
