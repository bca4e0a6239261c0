"""Validation rules: what is wrong with each block, as rows for ``ValidationResult``.

Each rule is a boolean mask over all blocks; text is formatted only for the blocks where a rule
fires, so a clean schedule of tens of thousands of blocks costs a few array operations. Only
the visibility rules make a block ``impossible`` (no scheduler could ever place it); the rest
are data or scheduling problems that someone can fix. The altitude rule asks the sky model
(``schedules.sky``) and needs the schedule's site; without one it finds nothing.

A block with no finding gets one ``valid`` row with an empty criticality: there is nothing to
rank, and a blank criticality keeps valid rows out of every severity filter.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from schedules.block_metrics import BlockMetrics
from schedules.intervals import (
    HOURS_PER_DAY,
    contained_in_own_periods,
    contained_in_periods,
    find_overlapping_pairs,
    merge_grouped_periods,
    merge_periods,
    overlap_counts,
    overlap_durations,
)
from schedules.schedule_data import ScheduleData
from schedules.sky.sites import Site, site_from_location

NO_VISIBILITY_HOURS = 0.001
VISIBILITY_TOLERANCE_HOURS = 1e-6
FIXED_WINDOW_TOLERANCE_HOURS = 0.001
SCHEDULED_DURATION_TOLERANCE = 1.01
CONTAINMENT_TOLERANCE_DAYS = 1e-4
NARROW_ELEVATION_RANGE_DEG = 5.0
NAMED_OVERLAP_PARTNERS = 5
# Above this many overlapping pairs only partners close in start order are named, so a
# schedule where everything overlaps cannot make validation quadratic.
OVERLAP_PAIR_BUDGET = 1_000_000
NEARBY_OVERLAP_PARTNERS = 32
# A scheduler's own sky model (refraction, its site coordinates, sampling) may put a window
# edge a few arcminutes from ours; half a degree only catches real mistakes.
ALTITUDE_TOLERANCE_DEG = 0.5
# Nautical twilight: well past the end of dark time (−18°), the sky is too bright to observe.
BRIGHT_SUN_DEG = -12.0
# One Sun model per run of scheduled times this close, so that a stray period years away
# costs a model of its own instead of years of ephemeris nodes.
SUN_RUN_GAP_DAYS = 366.0

VALID = "valid"
NO_ISSUES_MESSAGE = "No issues found"


@dataclass(frozen=True)
class Rule:
    slug: str
    status: str
    criticality: str
    category: str
    title: str


RULES: dict[str, Rule] = {
    rule.slug: rule
    for rule in (
        Rule(
            "no_visibility",
            "impossible",
            "Critical",
            "visibility",
            "No visibility periods available",
        ),
        Rule(
            "visibility_below_min_observation",
            "impossible",
            "Critical",
            "visibility",
            "Visibility less than minimum observation time",
        ),
        Rule(
            "visibility_below_requested",
            "error",
            "High",
            "visibility",
            "Visibility less than requested duration",
        ),
        Rule("negative_priority", "error", "High", "priority", "Negative priority"),
        Rule(
            "negative_requested_duration",
            "error",
            "High",
            "duration",
            "Negative requested duration",
        ),
        Rule(
            "negative_min_observation",
            "error",
            "High",
            "duration",
            "Negative minimum observation time",
        ),
        Rule(
            "min_observation_exceeds_requested",
            "error",
            "High",
            "duration",
            "Minimum observation time exceeds requested duration",
        ),
        Rule("invalid_ra", "error", "Medium", "coordinate", "Invalid right ascension"),
        Rule("invalid_dec", "error", "Medium", "coordinate", "Invalid declination"),
        Rule(
            "invalid_elevation_range",
            "error",
            "Medium",
            "constraint",
            "Invalid elevation constraint range",
        ),
        Rule(
            "impossible_elevation_range",
            "error",
            "Medium",
            "constraint",
            "Physically impossible elevation range",
        ),
        Rule(
            "narrow_elevation_range",
            "warning",
            "Medium",
            "constraint",
            "Very narrow elevation range",
        ),
        Rule(
            "invalid_fixed_window",
            "error",
            "High",
            "constraint",
            "Invalid fixed time window",
        ),
        Rule(
            "fixed_window_shorter_than_requested",
            "error",
            "High",
            "constraint",
            "Fixed time window shorter than requested duration",
        ),
        Rule(
            "invalid_scheduled_period",
            "error",
            "High",
            "scheduled_period",
            "Invalid scheduled period",
        ),
        Rule(
            "scheduled_longer_than_requested",
            "warning",
            "Low",
            "scheduled_period",
            "Scheduled duration exceeds requested duration",
        ),
        Rule(
            "scheduled_outside_fixed_window",
            "error",
            "High",
            "scheduled_period",
            "Scheduled period outside fixed time window",
        ),
        Rule(
            "scheduled_outside_visibility",
            "error",
            "High",
            "scheduled_period",
            "Scheduled period outside visibility",
        ),
        Rule(
            "scheduled_outside_dark_periods",
            "warning",
            "Medium",
            "scheduled_period",
            "Scheduled period outside dark periods",
        ),
        # An error, as being outside visibility is: the telescope cannot observe a target
        # below its limit, nor in twilight, whatever the files say.
        Rule(
            "scheduled_below_min_altitude",
            "error",
            "High",
            "scheduled_period",
            "Scheduled while the target is below its minimum altitude or the Sun above −12°",
        ),
        Rule(
            "scheduled_overlap",
            "error",
            "High",
            "scheduled_period",
            "Scheduled period overlaps other scheduled blocks",
        ),
    )
}
_RULE_POSITION = {slug: position for position, slug in enumerate(RULES)}


@dataclass
class Findings:
    """Columnar validation rows, ordered by block index and then by rule order."""

    block_index: np.ndarray
    rule: list[str]
    status: list[str]
    criticality: list[str]
    category: list[str]
    field: list[str]
    current_value: list[str]
    expected_value: list[str]
    message: list[str]

    def __len__(self) -> int:
        return len(self.block_index)


def evaluate_rules(data: ScheduleData, metrics: BlockMetrics) -> Findings:
    findings = _FindingsBuilder()
    _check_visibility(findings, metrics)
    _check_block_fields(findings, data, metrics)
    _check_scheduled_periods(findings, data, metrics)
    if data.location is not None:
        _check_altitudes(findings, data, metrics, site_from_location(data.location))
    return findings.build(data.block_count)


Text = str | Callable[[int], str]
FINDING_COLUMNS = (
    "rule",
    "status",
    "criticality",
    "category",
    "field",
    "current_value",
    "expected_value",
    "message",
)


class _FindingsBuilder:
    """Collects the rows of each rule that fired, then orders them and adds ``valid`` rows."""

    def __init__(self) -> None:
        self._fired: list[tuple[int, np.ndarray, dict[str, list[str]]]] = []

    def add(
        self,
        slug: str,
        mask: np.ndarray,
        field: str,
        current: Text,
        expected: Text,
        message: Callable[[int], str],
    ) -> None:
        blocks = np.flatnonzero(mask)
        if not len(blocks):
            return
        rule, indices = RULES[slug], blocks.tolist()
        texts = {
            "rule": slug,
            "status": rule.status,
            "criticality": rule.criticality,
            "category": rule.category,
            "field": field,
            "current_value": current,
            "expected_value": expected,
            "message": message,
        }
        columns = {name: _texts(text, indices) for name, text in texts.items()}
        self._fired.append((_RULE_POSITION[slug], blocks, columns))

    def build(self, block_count: int) -> Findings:
        flagged = np.zeros(block_count, dtype=bool)
        for _, blocks, _ in self._fired:
            flagged[blocks] = True
        clean = np.flatnonzero(~flagged).tolist()
        valid_texts = dict.fromkeys(FINDING_COLUMNS, "") | {
            "rule": VALID,
            "status": VALID,
            "message": NO_ISSUES_MESSAGE,
        }
        valid_rows = {name: _texts(text, clean) for name, text in valid_texts.items()}

        parts = sorted(self._fired, key=lambda part: part[0])
        parts.append((len(RULES), np.array(clean, dtype=np.int64), valid_rows))
        block_index = np.concatenate([blocks for _, blocks, _ in parts]).astype(np.int64)
        # Parts are in rule order, so a stable sort by block keeps rule order within a block.
        order = np.argsort(block_index, kind="stable")
        return Findings(
            block_index=block_index[order],
            **{
                name: np.array(
                    [text for _, _, columns in parts for text in columns[name]], dtype=object
                )[order].tolist()
                for name in FINDING_COLUMNS
            },
        )


def _texts(text: Text, indices: list[int]) -> list[str]:
    if isinstance(text, str):
        return [text] * len(indices)
    return [text(index) for index in indices]


def _check_visibility(findings: _FindingsBuilder, metrics: BlockMetrics) -> None:
    """P1/H visibility rules, first match wins: a block that is never visible, one whose
    longest window cannot hold a minimum observation, one with too little visibility overall."""
    longest = metrics.max_visibility_period_hours
    total = metrics.total_visibility_hours
    requested = metrics.requested_hours
    minimum = metrics.min_observation_hours
    period_count = metrics.visibility_period_count

    never_visible = longest < NO_VISIBILITY_HOURS
    window_too_short = ~never_visible & (longest < minimum)
    too_little = (
        ~never_visible & ~window_too_short & (total + VISIBILITY_TOLERANCE_HOURS < requested)
    )

    def never_visible_message(i: int) -> str:
        if period_count[i] == 0:
            return f"The block has no visibility periods; {_hours(requested[i])} requested."
        return (
            f"None of the block's {period_count[i]} visibility periods lasts "
            f"{NO_VISIBILITY_HOURS} h; {_hours(requested[i])} requested."
        )

    findings.add(
        "no_visibility",
        never_visible,
        "max_visibility_period_hours",
        lambda i: _hours(longest[i]),
        lambda i: f">= {_hours(requested[i])}",
        never_visible_message,
    )
    findings.add(
        "visibility_below_min_observation",
        window_too_short,
        "max_visibility_period_hours",
        lambda i: _hours(longest[i]),
        lambda i: f">= {_hours(minimum[i])}",
        lambda i: (
            f"The longest visibility period lasts {_hours(longest[i])}, shorter than the "
            f"minimum observation of {_hours(minimum[i])}, so no observation fits."
        ),
    )
    findings.add(
        "visibility_below_requested",
        too_little,
        "total_visibility_hours",
        lambda i: _hours(total[i]),
        lambda i: f">= {_hours(requested[i])}",
        lambda i: (
            f"Needs {_hours(requested[i])} but the target is visible for only "
            f"{_hours(total[i])} in total."
        ),
    )


def _check_block_fields(
    findings: _FindingsBuilder, data: ScheduleData, metrics: BlockMetrics
) -> None:
    priority = data.priority
    requested = data.requested_duration_s
    minimum = data.min_observation_s
    ra, dec = data.ra_deg, data.dec_deg
    min_alt, max_alt = data.min_alt_deg, data.max_alt_deg
    elevation_range = metrics.elevation_range_deg
    fixed_start, fixed_stop = data.fixed_start_mjd, data.fixed_stop_mjd
    fixed_hours = (fixed_stop - fixed_start) * HOURS_PER_DAY
    requested_hours = metrics.requested_hours

    findings.add(
        "negative_priority",
        priority < 0,
        "priority",
        lambda i: f"{priority[i]:g}",
        ">= 0",
        lambda i: f"Priority {priority[i]:g} is negative.",
    )
    findings.add(
        "negative_requested_duration",
        requested < 0,
        "requested_duration_s",
        lambda i: _seconds(requested[i]),
        ">= 0 s",
        lambda i: f"Requested duration {_seconds(requested[i])} is negative.",
    )
    findings.add(
        "negative_min_observation",
        minimum < 0,
        "min_observation_s",
        lambda i: _seconds(minimum[i]),
        ">= 0 s",
        lambda i: f"Minimum observation time {_seconds(minimum[i])} is negative.",
    )
    findings.add(
        "min_observation_exceeds_requested",
        minimum > requested,
        "min_observation_s",
        lambda i: _seconds(minimum[i]),
        lambda i: f"<= {_seconds(requested[i])}",
        lambda i: (
            f"Minimum observation time {_seconds(minimum[i])} exceeds the requested "
            f"duration {_seconds(requested[i])}."
        ),
    )
    findings.add(
        "invalid_ra",
        (ra < 0) | (ra >= 360),
        "ra_deg",
        lambda i: _degrees(ra[i]),
        "0° <= RA < 360°",
        lambda i: f"Right ascension {_degrees(ra[i])} is outside [0°, 360°).",
    )
    findings.add(
        "invalid_dec",
        (dec < -90) | (dec > 90),
        "dec_deg",
        lambda i: _degrees(dec[i]),
        "-90° to +90°",
        lambda i: f"Declination {_degrees(dec[i])} is outside [-90°, +90°].",
    )
    findings.add(
        "invalid_elevation_range",
        min_alt > max_alt,
        "min_alt_deg",
        lambda i: _degrees(min_alt[i]),
        lambda i: f"<= {_degrees(max_alt[i])}",
        lambda i: (
            f"Minimum altitude {_degrees(min_alt[i])} is above the maximum altitude "
            f"{_degrees(max_alt[i])}."
        ),
    )
    findings.add(
        "impossible_elevation_range",
        (elevation_range < 0) | (elevation_range > 180),
        "elevation_range_deg",
        lambda i: _degrees(elevation_range[i]),
        "0° to 180°",
        lambda i: (
            f"Elevation range {_degrees(elevation_range[i])} (maximum minus minimum "
            "altitude) is outside 0° to 180°."
        ),
    )
    findings.add(
        "narrow_elevation_range",
        (elevation_range > 0) & (elevation_range < NARROW_ELEVATION_RANGE_DEG),
        "elevation_range_deg",
        lambda i: _degrees(elevation_range[i]),
        "",
        lambda i: (
            f"Elevation range {_degrees(elevation_range[i])} is narrower than "
            f"{NARROW_ELEVATION_RANGE_DEG:g}°, which leaves little time to observe."
        ),
    )
    findings.add(
        "invalid_fixed_window",
        fixed_start > fixed_stop,
        "fixed_start_mjd",
        lambda i: _mjd(fixed_start[i]),
        lambda i: f"<= {_mjd(fixed_stop[i])}",
        lambda i: (
            f"The fixed window starts at MJD {_mjd(fixed_start[i])}, after it stops at "
            f"MJD {_mjd(fixed_stop[i])}."
        ),
    )
    findings.add(
        "fixed_window_shorter_than_requested",
        fixed_hours + FIXED_WINDOW_TOLERANCE_HOURS < requested_hours,
        "fixed_window_hours",
        lambda i: _hours(fixed_hours[i]),
        lambda i: f">= {_hours(requested_hours[i])}",
        lambda i: (
            f"The fixed window lasts {_hours(fixed_hours[i])}, less than the "
            f"{_hours(requested_hours[i])} requested."
        ),
    )


def _check_scheduled_periods(
    findings: _FindingsBuilder, data: ScheduleData, metrics: BlockMetrics
) -> None:
    """Rules on the scheduler's output. Apart from the reversed-period check they look only at
    scheduled blocks (start < stop): a reversed period has no duration or position to judge."""
    raw_start, raw_stop = data.scheduled_start_mjd, data.scheduled_stop_mjd
    scheduled = metrics.is_scheduled
    start, stop = metrics.scheduled_start_mjd, metrics.scheduled_stop_mjd
    scheduled_hours = metrics.scheduled_hours
    requested_hours = metrics.requested_hours
    fixed_start, fixed_stop = data.fixed_start_mjd, data.fixed_stop_mjd

    def period(i: int) -> str:
        return _period(start[i], stop[i])

    findings.add(
        "invalid_scheduled_period",
        raw_start > raw_stop,
        "scheduled_start_mjd",
        lambda i: _mjd(raw_start[i]),
        lambda i: f"<= {_mjd(raw_stop[i])}",
        lambda i: (
            f"The scheduled period starts at MJD {_mjd(raw_start[i])}, after it stops at "
            f"MJD {_mjd(raw_stop[i])}."
        ),
    )
    findings.add(
        "scheduled_longer_than_requested",
        scheduled_hours > requested_hours * SCHEDULED_DURATION_TOLERANCE,
        "scheduled_hours",
        lambda i: _hours(scheduled_hours[i]),
        "",
        lambda i: (
            f"Scheduled for {_hours(scheduled_hours[i])}, more than the "
            f"{_hours(requested_hours[i])} requested (1% tolerance)."
        ),
    )
    # A missing window bound is NaN, so that side of the window never fires.
    findings.add(
        "scheduled_outside_fixed_window",
        (start < fixed_start - CONTAINMENT_TOLERANCE_DAYS)
        | (stop > fixed_stop + CONTAINMENT_TOLERANCE_DAYS),
        "scheduled_period",
        period,
        lambda i: _period(fixed_start[i], fixed_stop[i]),
        lambda i: (
            f"Scheduled period {period(i)} is outside the fixed window "
            f"{_period(fixed_start[i], fixed_stop[i])}."
        ),
    )

    visibility, visibility_offsets = merge_grouped_periods(
        data.visibility_periods, data.visibility_offsets
    )
    in_visibility = contained_in_own_periods(
        visibility, visibility_offsets, start, stop, CONTAINMENT_TOLERANCE_DAYS
    )
    period_count = metrics.visibility_period_count

    def outside_visibility_message(i: int) -> str:
        if period_count[i] == 0:
            return f"Scheduled {period(i)}, but the block has no visibility periods."
        return (
            f"Scheduled period {period(i)} ({_hours(scheduled_hours[i])}) is not inside "
            f"any of the block's {period_count[i]} visibility periods."
        )

    findings.add(
        "scheduled_outside_visibility",
        scheduled & ~in_visibility,
        "scheduled_period",
        period,
        "inside one visibility period",
        outside_visibility_message,
    )

    if len(data.dark_periods):
        in_dark = contained_in_periods(
            merge_periods(data.dark_periods), start, stop, CONTAINMENT_TOLERANCE_DAYS
        )
        findings.add(
            "scheduled_outside_dark_periods",
            scheduled & ~in_dark,
            "scheduled_period",
            period,
            "inside one dark period",
            lambda i: f"Scheduled period {period(i)} is not inside any dark period.",
        )

    _check_overlaps(findings, data, metrics)


def _check_overlaps(findings: _FindingsBuilder, data: ScheduleData, metrics: BlockMetrics) -> None:
    scheduled_blocks = np.flatnonzero(metrics.is_scheduled)
    start = metrics.scheduled_start_mjd[scheduled_blocks]
    stop = metrics.scheduled_stop_mjd[scheduled_blocks]
    partner_counts = overlap_counts(start, stop)
    if not partner_counts.any():
        return
    overlap_hours = overlap_durations(start, stop) * HOURS_PER_DAY
    partners = _named_partners(start, stop, int(partner_counts.sum()) // 2)

    block_count = data.block_count
    count_of = np.zeros(block_count, dtype=np.int64)
    count_of[scheduled_blocks] = partner_counts
    hours_of = np.zeros(block_count)
    hours_of[scheduled_blocks] = overlap_hours
    local_of = np.full(block_count, -1, dtype=np.int64)
    local_of[scheduled_blocks] = np.arange(len(scheduled_blocks))
    source_ids = data.source_ids

    def message(i: int) -> str:
        count = int(count_of[i])
        noun = "block" if count == 1 else "blocks"
        text = f"Overlaps {count} other scheduled {noun} for {_hours(hours_of[i])} in total"
        names = [source_ids[scheduled_blocks[p]] for p in partners.get(int(local_of[i]), [])]
        if not names:
            return text + "."
        more = f" and {count - len(names)} more" if count > len(names) else ""
        return f"{text}: {', '.join(names)}{more}."

    findings.add(
        "scheduled_overlap",
        count_of > 0,
        "scheduled_period",
        lambda i: _period(metrics.scheduled_start_mjd[i], metrics.scheduled_stop_mjd[i]),
        "no overlap with other scheduled blocks",
        message,
    )


def _check_altitudes(
    findings: _FindingsBuilder, data: ScheduleData, metrics: BlockMetrics, site: Site
) -> None:
    """Target altitude (closed form) and Sun altitude at the start, middle and end of every
    scheduled period; blocks with impossible coordinates are left to the coordinate rules."""
    blocks = np.flatnonzero(
        metrics.is_scheduled & (np.abs(data.dec_deg) <= 90.0) & np.isfinite(data.ra_deg)
    )
    if not len(blocks):
        return
    # The sky model imports astropy (half a second): only when there is something to check.
    from schedules.sky.altitudes import altitude_at
    from schedules.sky.offline import SkyAccuracyWarning

    start, stop = metrics.scheduled_start_mjd[blocks], metrics.scheduled_stop_mjd[blocks]
    times = np.column_stack((start, 0.5 * (start + stop), stop))
    with warnings.catch_warnings():
        # Beyond the bundled Earth-orientation data times may be a second off: nothing at
        # the tolerance of this rule.
        warnings.simplefilter("ignore", SkyAccuracyWarning)
        target = altitude_at(site, data.ra_deg[blocks], data.dec_deg[blocks], times)
        sun = _sun_altitudes(site, times)
    minimum = data.min_alt_deg[blocks]
    low = (target < minimum[:, None] - ALTITUDE_TOLERANCE_DEG).any(axis=1)
    bright = (sun > BRIGHT_SUN_DEG).any(axis=1)
    fired = np.zeros(data.block_count, dtype=bool)
    fired[blocks] = low | bright
    row = np.zeros(data.block_count, dtype=np.int64)
    row[blocks] = np.arange(len(blocks))

    def message(i: int) -> str:
        k = row[i]
        problems = []
        if low[k]:
            problems.append(
                f"the target is at {_three(target[k])} (start, middle, end), below its minimum "
                f"altitude of {_degrees(minimum[k])}"
            )
        if bright[k]:
            problems.append(f"the Sun is at {_three(sun[k])}, above {BRIGHT_SUN_DEG:g}°")
        period = _period(metrics.scheduled_start_mjd[i], metrics.scheduled_stop_mjd[i])
        return f"Scheduled {period} while " + " and ".join(problems) + "."

    findings.add(
        "scheduled_below_min_altitude",
        fired,
        "scheduled_period",
        lambda i: f"target {_three(target[row[i]])}; Sun {_three(sun[row[i]])}",
        lambda i: f"target >= {_degrees(minimum[row[i]])}; Sun <= {BRIGHT_SUN_DEG:g}°",
        message,
    )


def _sun_altitudes(site: Site, times: np.ndarray) -> np.ndarray:
    """The Sun's altitude at each time, one ephemeris model per run of close times."""
    from schedules.sky.ephemeris import sun_altitude_deg

    flat = times.ravel()
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    result = np.empty_like(flat)
    runs = np.split(
        np.arange(len(ordered)), np.flatnonzero(np.diff(ordered) > SUN_RUN_GAP_DAYS) + 1
    )
    # Runs are few (one for a schedule's year); the work inside each is vectorised.
    for run in runs:
        result[order[run]] = sun_altitude_deg(site, ordered[run])
    return result.reshape(times.shape)


def _named_partners(start: np.ndarray, stop: np.ndarray, pair_count: int) -> dict[int, list[int]]:
    """Up to ``NAMED_OVERLAP_PARTNERS`` overlapping partners per interval, earliest start first.

    Exact while the schedule has at most ``OVERLAP_PAIR_BUDGET`` overlapping pairs; beyond that
    only partners among the nearest ``NEARBY_OVERLAP_PARTNERS`` in start order are named.
    """
    nearby = None if pair_count <= OVERLAP_PAIR_BUDGET else NEARBY_OVERLAP_PARTNERS
    first, second, _ = find_overlapping_pairs(start, stop, max_later_partners=nearby)
    owner = np.concatenate((first, second))
    partner = np.concatenate((second, first))
    order = np.lexsort((partner, start[partner], owner))
    owner, partner = owner[order], partner[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner, side="left")
    named = rank < NAMED_OVERLAP_PARTNERS
    partners: dict[int, list[int]] = {}
    for owner_index, partner_index in zip(
        owner[named].tolist(), partner[named].tolist(), strict=True
    ):
        partners.setdefault(owner_index, []).append(partner_index)
    return partners


def _hours(hours: float) -> str:
    return f"{hours:.2f} h"


def _seconds(seconds: float) -> str:
    return f"{seconds:.0f} s" if float(seconds).is_integer() else f"{seconds:.1f} s"


def _degrees(degrees: float) -> str:
    return f"{degrees:.2f}°"


def _three(degrees: np.ndarray) -> str:
    return " / ".join(f"{value:.1f}°" for value in degrees)


def _mjd(mjd: float) -> str:
    # Four decimals (about 9 s) resolve the 1e-4 day tolerances used by the rules.
    return "open" if np.isnan(mjd) else f"{mjd:.4f}"


def _period(start: float, stop: float) -> str:
    return f"[{_mjd(start)}, {_mjd(stop)}] MJD"
