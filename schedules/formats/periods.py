"""The three ways input files write a time period, and lists of periods as numpy arrays.

Periods are the bulk of every input (a real possible-periods file holds ~700,000), so they
are decoded into small structs without garbage-collector tracking, turned into arrays one
column at a time, and checked with vector operations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

import msgspec
import numpy as np

from schedules.formats.errors import ScheduleInputError


class RawTime(msgspec.Struct, gc=False):
    """``{"format": "MJD", "scale": "UTC", "value": …}``; only the value is read (MJD UTC)."""

    value: float


class RawPeriod(msgspec.Struct, gc=False):
    startTime: RawTime
    stopTime: RawTime


class SnakePeriod(msgspec.Struct, gc=False):
    start: float
    stop: float


class NativePeriod(msgspec.Struct, gc=False):
    start_mjd: float
    end_mjd: float


@dataclass(frozen=True)
class PeriodStyle:
    """One way of writing a period: its struct, its two keys, and how to read the start and
    stop values of many periods (plain generators: twice as fast as attrgetter here)."""

    label: str
    struct: type[msgspec.Struct]
    keys: tuple[str, str]
    starts: Callable[[Iterable[Any]], Iterator[float]]
    stops: Callable[[Iterable[Any]], Iterator[float]]

    def describe(self) -> str:
        return "/".join(self.keys)

    def bounds(self, period: Any) -> tuple[float, float]:
        return next(self.starts((period,))), next(self.stops((period,)))


RAW_PERIODS = PeriodStyle(
    "raw",
    RawPeriod,
    ("startTime", "stopTime"),
    starts=lambda periods: (period.startTime.value for period in periods),
    stops=lambda periods: (period.stopTime.value for period in periods),
)
SNAKE_PERIODS = PeriodStyle(
    "snake-case",
    SnakePeriod,
    ("start", "stop"),
    starts=lambda periods: (period.start for period in periods),
    stops=lambda periods: (period.stop for period in periods),
)
NATIVE_PERIODS = PeriodStyle(
    "native",
    NativePeriod,
    ("start_mjd", "end_mjd"),
    starts=lambda periods: (period.start_mjd for period in periods),
    stops=lambda periods: (period.end_mjd for period in periods),
)
ALL_PERIOD_STYLES = (RAW_PERIODS, SNAKE_PERIODS, NATIVE_PERIODS)

_PERIOD_KEY = re.compile(rb'"(startTime|stopTime|start_mjd|end_mjd|start|stop)"\s*:')


def sniff_period_style(
    data: bytes, candidates: Sequence[PeriodStyle] = ALL_PERIOD_STYLES
) -> PeriodStyle | None:
    """The style of the first period key in ``data``, or None when it has no period.

    A key is a quoted name followed by a colon, so a string value such as a target called
    "start" is not mistaken for one.
    """
    for match in _PERIOD_KEY.finditer(data):
        key = match[1].decode()
        for style in candidates:
            if key in style.keys:
                return style
    return None


def read_in_period_style[T](
    file: str,
    data: bytes,
    candidates: Sequence[PeriodStyle],
    read: Callable[[PeriodStyle], T],
) -> tuple[T, PeriodStyle | None]:
    """``read(style)`` (which decodes ``data``) in the style of the file's first period key,
    falling back to the other styles, since a block id such as "start" can look like a key.

    Returns the result and the style that fitted, None when the file has no period. When no
    style fits, the error is the first style's, with a hint if the file mixes styles.
    """
    sniffed = sniff_period_style(data, candidates)
    if sniffed is None:
        # No period to read, so any style decodes the rest; native is the current format.
        return read(NATIVE_PERIODS), None
    first_error = None
    for style in (sniffed, *(other for other in candidates if other is not sniffed)):
        try:
            return read(style), style
        except ScheduleInputError as error:
            first_error = first_error or error
    message = _mixed_style_message(first_error.message, data, sniffed, candidates)
    raise ScheduleInputError(file, first_error.location, message)


def _uses_style(data: bytes, style: PeriodStyle) -> bool:
    keys = b"|".join(re.escape(key.encode()) for key in style.keys)
    return re.search(rb'"(?:' + keys + rb')"\s*:', data) is not None


def _mixed_style_message(
    message: str, data: bytes, chosen: PeriodStyle, others: Sequence[PeriodStyle]
) -> str:
    """``message`` with the likely cause added when a period lacks a key of the file's style
    because the file also writes periods in another style."""
    if not any(f'"{key}"' in message for key in chosen.keys):
        return message
    for other in others:
        if other is not chosen and _uses_style(data, other):
            return (
                f"{message}: the file mixes {chosen.describe()} and {other.describe()} periods; "
                f"use one style throughout"
            )
    return message


def period_array(periods: Sequence[Any], style: PeriodStyle) -> np.ndarray:
    """``(k, 2)`` float64 array of ``[start, stop]`` from decoded period structs."""
    array = np.empty((len(periods), 2), dtype=np.float64)
    array[:, 0] = np.fromiter(style.starts(periods), np.float64, len(periods))
    array[:, 1] = np.fromiter(style.stops(periods), np.float64, len(periods))
    return array


def period_lists_array(
    lists: Sequence[Sequence[Any]], style: PeriodStyle
) -> tuple[np.ndarray, np.ndarray]:
    """All lists back to back as one ``(m, 2)`` array, plus ``offsets`` (list ``i`` owns rows
    ``offsets[i]:offsets[i + 1]``)."""
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, lists), np.int64, len(lists)), out=offsets[1:])
    return period_array(list(chain.from_iterable(lists)), style), offsets


# Times must be dates the pages can show in UTC (years 1 to 9999, Python's datetime range);
# anything beyond is a broken file, and would crash every page that prints a date.
_MJD_ZERO = date(1858, 11, 17).toordinal()
MJD_MIN = float(date.min.toordinal() - _MJD_ZERO)
MJD_MAX = float(date.max.toordinal() - _MJD_ZERO)


def bad_periods(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Which periods do not run forwards or leave the ``MJD_MIN..MJD_MAX`` range."""
    return ~(starts < stops) | (starts < MJD_MIN) | (stops > MJD_MAX)


def first_bad_period(periods: np.ndarray) -> int | None:
    """Index of the first period that does not run forwards within the date range, if any."""
    bad = bad_periods(periods[:, 0], periods[:, 1])
    return int(np.argmax(bad)) if bad.any() else None


def bad_period_message(start: float, stop: float) -> str:
    if not start < stop:
        return f"start {float(start)!r} is not before stop {float(stop)!r}"
    return (
        f"period {float(start)!r} to {float(stop)!r} is outside MJD {MJD_MIN:.0f} to {MJD_MAX:.0f} "
        "(the years 1 to 9999)"
    )


def check_ordered(file: str, periods: np.ndarray, path_of: Callable[[int], str]) -> None:
    """Raise at ``path_of(i)`` for the first period ``i`` with start ≥ stop or out of range."""
    index = first_bad_period(periods)
    if index is not None:
        start, stop = periods[index]
        raise ScheduleInputError(file, path_of(index), bad_period_message(start, stop))


def check_lists_ordered(
    file: str, periods: np.ndarray, offsets: np.ndarray, path_of: Callable[[int, int], str]
) -> None:
    """Like ``check_ordered`` for lists laid out by ``offsets``; ``path_of(list, period)``."""
    index = first_bad_period(periods)
    if index is not None:
        owner = int(np.searchsorted(offsets, index, side="right")) - 1
        start, stop = periods[index]
        raise ScheduleInputError(
            file, path_of(owner, index - int(offsets[owner])), bad_period_message(start, stop)
        )
