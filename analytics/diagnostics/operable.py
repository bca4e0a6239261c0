"""Operable time and each block's usable windows (DESIGN §13): the ground every other
diagnostic stands on, computed once per schedule so that reasons, inversions, pressure, KPIs
and the greedy baseline all judge blocks against exactly the same time.

Choices where DESIGN is silent:

- A schedule without a period (or with a bound missing or not before the other) is judged
  over the span of everything it contains: visibility, dark and scheduled periods; the
  result says so (``Basis.window_from_content``).
- With no dark periods at all the whole window is operable and every result says so
  (``Basis.all_operable``). Dark periods that exist but miss the window leave no operable
  time: that is a real answer, not a missing input.
- A fixed window with start >= stop (both given) is invalid and ignored here; validation
  reports it as an error. A NaN bound is open.
- A NaN or negative minimum observation counts as zero; pieces must still be longer than
  zero to be windows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schedules.intervals import (
    HOURS_PER_DAY,
    intersect_grouped_with_periods,
    merge_grouped_periods,
    merge_periods,
)
from schedules.schedule_data import ScheduleData

SECONDS_PER_DAY = 86400.0
# Length comparisons allow one millisecond, so a window cut from MJD floats that falls a
# rounding error short of a request still holds it.
LENGTH_TOLERANCE_DAYS = 0.001 / SECONDS_PER_DAY


@dataclass(frozen=True)
class Basis:
    """What the diagnostics assumed about time; every result carries it so that a page or an
    export can say so next to the numbers."""

    window_start_mjd: float
    window_stop_mjd: float
    window_from_content: bool
    all_operable: bool

    @property
    def window_hours(self) -> float:
        return max(self.window_stop_mjd - self.window_start_mjd, 0.0) * HOURS_PER_DAY

    def notes(self) -> list[str]:
        notes = []
        if self.window_from_content:
            notes.append(
                "The schedule has no period; the span of its visibility, dark and scheduled "
                "periods is used instead."
            )
        if self.all_operable:
            notes.append("There are no dark periods; the whole schedule period counts as operable.")
        return notes


@dataclass(frozen=True)
class OperableTime:
    """The merged, clipped dark periods: when the telescope could observe at all."""

    basis: Basis
    periods: np.ndarray

    @property
    def hours(self) -> float:
        return float(np.sum(self.periods[:, 1] - self.periods[:, 0]) * HOURS_PER_DAY)


@dataclass(frozen=True)
class UsableWindows:
    """Per-block time sets in the grouped layout of ``ScheduleData.visibility_periods``.

    ``visible`` is each block's merged visibility inside operable time (``visible_night`` is
    the operable period each piece lies in); ``periods`` are the usable windows: ``visible``
    cut to the fixed window, keeping pieces at least the minimum observation long.
    """

    basis: Basis
    periods: np.ndarray
    offsets: np.ndarray
    hours: np.ndarray
    longest_hours: np.ndarray
    union: np.ndarray
    visible: np.ndarray
    visible_offsets: np.ndarray
    visible_night: np.ndarray
    visible_union: np.ndarray
    visibility_hours: np.ndarray
    longest_visibility_period_hours: np.ndarray

    @property
    def owner(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.offsets) - 1), np.diff(self.offsets))

    @property
    def union_hours(self) -> float:
        return float(np.sum(self.union[:, 1] - self.union[:, 0]) * HOURS_PER_DAY)

    def of(self, block: int) -> np.ndarray:
        return self.periods[self.offsets[block] : self.offsets[block + 1]]


def schedule_window(
    data: ScheduleData, dark_periods: np.ndarray | None = None
) -> tuple[float, float, bool]:
    """``(start, stop, from_content)``: the schedule period, or the span of its content."""
    start, stop = data.period_start_mjd, data.period_end_mjd
    if _given(start) and _given(stop) and start < stop:
        return float(start), float(stop), False
    dark = data.dark_periods if dark_periods is None else dark_periods
    scheduled = np.column_stack((data.scheduled_start_mjd, data.scheduled_stop_mjd))
    content = np.concatenate(
        [
            np.asarray(rows, dtype=np.float64).reshape(-1, 2)
            for rows in (data.visibility_periods, dark, scheduled)
        ]
    )
    content = content[content[:, 0] <= content[:, 1]]
    low = float(content[:, 0].min()) if len(content) else 0.0
    high = float(content[:, 1].max()) if len(content) else low
    start = float(start) if _given(start) else low
    stop = float(stop) if _given(stop) else high
    if not start < stop:
        start, stop = low, high
    return start, max(start, stop), True


def _given(value: float | None) -> bool:
    return value is not None and bool(np.isfinite(value))


def operable_time(data: ScheduleData, dark_periods: np.ndarray | None = None) -> OperableTime:
    """Dark periods merged and clipped to the schedule window (DESIGN §13).

    ``dark_periods`` replaces the schedule's own (pass computed ones when it has none).
    """
    dark = np.asarray(
        data.dark_periods if dark_periods is None else dark_periods, dtype=np.float64
    ).reshape(-1, 2)
    start, stop, from_content = schedule_window(data, dark)
    merged = merge_periods(dark)
    all_operable = not len(merged)
    if all_operable:
        periods = np.array([[start, stop]]) if start < stop else np.empty((0, 2))
    else:
        periods = np.clip(merged, start, stop)
        periods = periods[periods[:, 0] < periods[:, 1]]
    return OperableTime(Basis(start, stop, from_content, all_operable), periods)


def usable_windows(data: ScheduleData, operable: OperableTime) -> UsableWindows:
    """Merged visibility ∩ fixed window ∩ operable time, pieces >= the minimum observation."""
    block_count = data.block_count
    raw = data.visibility_periods
    raw_hours = np.fmax(raw[:, 1] - raw[:, 0], 0.0) * HOURS_PER_DAY
    longest_raw = np.zeros(block_count)
    counts = data.visibility_counts()
    has_periods = counts > 0
    if has_periods.any():
        longest_raw[has_periods] = np.maximum.reduceat(
            raw_hours, data.visibility_offsets[:-1][has_periods]
        )

    merged, merged_offsets = merge_grouped_periods(raw, data.visibility_offsets)
    merged_owner = np.repeat(np.arange(block_count), np.diff(merged_offsets))
    visibility_hours = np.bincount(
        merged_owner, weights=(merged[:, 1] - merged[:, 0]) * HOURS_PER_DAY, minlength=block_count
    )
    visible, visible_offsets, night = intersect_grouped_with_periods(
        merged, merged_offsets, operable.periods
    )
    visible_owner = np.repeat(np.arange(block_count), np.diff(visible_offsets))

    fixed_start, fixed_stop = data.fixed_start_mjd, data.fixed_stop_mjd
    invalid_fixed = fixed_start >= fixed_stop
    low = np.where(np.isnan(fixed_start) | invalid_fixed, -np.inf, fixed_start)[visible_owner]
    high = np.where(np.isnan(fixed_stop) | invalid_fixed, np.inf, fixed_stop)[visible_owner]
    start = np.maximum(visible[:, 0], low)
    stop = np.minimum(visible[:, 1], high)
    min_days = np.nan_to_num(np.fmax(data.min_observation_s, 0.0)) / SECONDS_PER_DAY
    keep = (start < stop) & (stop - start >= min_days[visible_owner] - LENGTH_TOLERANCE_DAYS)
    periods = np.column_stack((start[keep], stop[keep]))
    owner = visible_owner[keep]
    offsets = np.zeros(block_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=block_count), out=offsets[1:])
    window_hours = (periods[:, 1] - periods[:, 0]) * HOURS_PER_DAY
    longest = np.zeros(block_count)
    has_windows = offsets[1:] > offsets[:-1]
    if has_windows.any():
        longest[has_windows] = np.maximum.reduceat(window_hours, offsets[:-1][has_windows])

    return UsableWindows(
        basis=operable.basis,
        periods=periods,
        offsets=offsets,
        hours=np.bincount(owner, weights=window_hours, minlength=block_count),
        longest_hours=longest,
        union=merge_periods(periods),
        visible=visible,
        visible_offsets=visible_offsets,
        visible_night=night,
        visible_union=merge_periods(visible),
        visibility_hours=visibility_hours,
        longest_visibility_period_hours=longest_raw,
    )


def scheduled_periods(data: ScheduleData) -> tuple[np.ndarray, np.ndarray]:
    """``(is_scheduled, merged union of the scheduled periods)``; scheduled means start < stop."""
    is_scheduled = data.scheduled_start_mjd < data.scheduled_stop_mjd
    periods = np.column_stack(
        (data.scheduled_start_mjd[is_scheduled], data.scheduled_stop_mjd[is_scheduled])
    )
    return is_scheduled, merge_periods(periods)


def operable_notes(basis: Basis, dark_period_count: int, operable_hours: float) -> list[str]:
    """What the diagnostics took as operable time, to show beside every one of them."""
    notes = []
    if not basis.all_operable:
        notes.append(
            f"Operable time = the dark periods given ({dark_period_count:,} periods, merged and "
            f"clipped to the schedule period: {operable_hours:,.1f} h)."
        )
    return notes + basis.notes()
