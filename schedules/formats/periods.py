"""The ways input files write a time period, and lists of periods as numpy arrays.

Periods are the bulk of every input (a real possible-periods file holds ~700,000), so a file
is first decoded as if every period were written like its first one, into small structs
without garbage-collector tracking; only when that does not fit (a file mixing styles, or a
bad period) is it decoded again with ``AnyPeriod``, which takes every style but runs Python
code for each period. Arrays are built one column at a time and checked with vector
operations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any, ClassVar

import msgspec
import numpy as np
from msgspec import UNSET, UnsetType

from schedules.formats.errors import ScheduleInputError
from schedules.mjd import MJD_MAX, MJD_MIN, datetime_to_mjd


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


class NativeStopPeriod(msgspec.Struct, gc=False):
    """The native style as some tools write it, with ``stop_mjd`` for ``end_mjd``."""

    start_mjd: float
    stop_mjd: float


Time = float | datetime
"""A time in a dark-periods file: MJD (UTC), or an ISO-8601 string (UTC unless it says)."""


def as_mjd(time: Time) -> float:
    return time if type(time) is float else datetime_to_mjd(time)


class AnyTime[T](msgspec.Struct, gc=False):
    value: T


_ANY_STYLE_KEYS = (
    '"start" and "stop", "start_mjd" and "end_mjd" (or "stop_mjd"), or "startTime" and "stopTime"'
)


class AnyPeriod[T](msgspec.Struct, gc=False):
    """A period written in any style, for files that mix them. Once decoded, ``start`` and
    ``stop`` are its bounds in MJD whatever its keys, and only the keys of the style it was
    written in stay set, so ``style()`` can tell."""

    start: T | UnsetType = UNSET
    stop: T | UnsetType = UNSET
    start_mjd: T | UnsetType = UNSET
    end_mjd: T | UnsetType = UNSET
    stop_mjd: T | UnsetType = UNSET
    startTime: AnyTime[T] | UnsetType = UNSET
    stopTime: AnyTime[T] | UnsetType = UNSET

    def __post_init__(self) -> None:
        # A ValueError here becomes a msgspec ValidationError at this period's JSON path.
        end_mjd = self.end_mjd if self.end_mjd is not UNSET else self.stop_mjd
        snake = self.start is not UNSET and self.stop is not UNSET
        native = self.start_mjd is not UNSET and end_mjd is not UNSET
        raw = self.startTime is not UNSET and self.stopTime is not UNSET
        if snake + native + raw != 1:
            raise ValueError(self._keys_message(snake + native + raw))
        if native:
            self.start, self.stop = self.start_mjd, end_mjd
            self.startTime = self.stopTime = UNSET
        elif raw:
            self.start, self.stop = self.startTime.value, self.stopTime.value
            self.start_mjd = UNSET
        else:
            self.start_mjd = self.startTime = UNSET
        self.start, self.stop = as_mjd(self.start), as_mjd(self.stop)

    def _keys_message(self, complete_styles: int) -> str:
        found = [f'"{key}"' for key in self.__struct_fields__ if getattr(self, key) is not UNSET]
        if complete_styles:
            return f"has the keys of more than one period style ({', '.join(found)}); expected one"
        return f"expected the keys {_ANY_STYLE_KEYS}; " + (
            f"found only {', '.join(found)}" if found else "found none of them"
        )

    def style(self) -> PeriodStyle:
        """The style this period was written in (native for either native stop key)."""
        if self.start_mjd is not UNSET:
            return NATIVE_PERIODS
        return RAW_PERIODS if self.startTime is not UNSET else SNAKE_PERIODS


def any_period(period: AnyPeriod | tuple[Time, Time]) -> AnyPeriod:
    """A ``[start, stop]`` array as the period it stands for."""
    return period if isinstance(period, AnyPeriod) else AnyPeriod(start=period[0], stop=period[1])


@dataclass(frozen=True)
class PeriodStyle:
    """One way of writing a period: its struct, the stop key that tells it apart from the
    others, and how to read the start and stop values of many periods (plain generators:
    twice as fast as attrgetter here)."""

    struct: Any
    stop_key: str | None
    starts: Callable[[Iterable[Any]], Iterator[float]]
    stops: Callable[[Iterable[Any]], Iterator[float]]

    def bounds(self, period: Any) -> tuple[float, float]:
        return next(self.starts((period,))), next(self.stops((period,)))


RAW_PERIODS = PeriodStyle(
    RawPeriod,
    "stopTime",
    starts=lambda periods: (period.startTime.value for period in periods),
    stops=lambda periods: (period.stopTime.value for period in periods),
)
SNAKE_PERIODS = PeriodStyle(
    SnakePeriod,
    "stop",
    starts=lambda periods: (period.start for period in periods),
    stops=lambda periods: (period.stop for period in periods),
)
NATIVE_PERIODS = PeriodStyle(
    NativePeriod,
    "end_mjd",
    starts=lambda periods: (period.start_mjd for period in periods),
    stops=lambda periods: (period.end_mjd for period in periods),
)
NATIVE_STOP_PERIODS = PeriodStyle(
    NativeStopPeriod,
    "stop_mjd",
    starts=lambda periods: (period.start_mjd for period in periods),
    stops=lambda periods: (period.stop_mjd for period in periods),
)
ANY_PERIODS = PeriodStyle(AnyPeriod[float], None, SNAKE_PERIODS.starts, SNAKE_PERIODS.stops)
"""Every style mixed, times in MJD: the fallback for schedule and visibility files."""
ANY_DARK_PERIODS = PeriodStyle(
    AnyPeriod[Time] | tuple[Time, Time],
    None,
    starts=lambda periods: (any_period(period).start for period in periods),
    stops=lambda periods: (any_period(period).stop for period in periods),
)
"""Every style mixed plus ``[start, stop]`` arrays, times in MJD or ISO-8601: the fallback
for dark-periods files (small enough for the slow path)."""

_SNIFFED_STYLES = {
    style.stop_key: style
    for style in (RAW_PERIODS, SNAKE_PERIODS, NATIVE_PERIODS, NATIVE_STOP_PERIODS)
}
_STOP_KEY = re.compile(rb'"(stopTime|end_mjd|stop_mjd|stop)"\s*:')


def sniff_period_style(data: bytes) -> PeriodStyle | None:
    """The style of the first period in ``data`` by its stop key (each style has its own),
    or None when it has no period.

    A key is a quoted name followed by a colon, so a string value such as a target called
    "stop" is not mistaken for one.
    """
    match = _STOP_KEY.search(data)
    return _SNIFFED_STYLES[match[1].decode()] if match else None


def read_in_period_style[T](
    data: bytes, read: Callable[[PeriodStyle], T], fallback: PeriodStyle = ANY_PERIODS
) -> tuple[T, PeriodStyle | None]:
    """``read(style)`` (which decodes ``data``) in the style of the file's first period, and
    when that fails, in ``fallback``, which takes every style.

    The fast style fails for a file that mixes styles, for a block id such as "stop" taken
    for a key, and for any bad input; the fallback's error is then the one to report, since
    it fails only where no style fits. Returns the result and the style read with, None when
    the file has no period key and the default (native) style fitted.
    """
    sniffed = sniff_period_style(data)
    try:
        return read(sniffed or NATIVE_PERIODS), sniffed
    except ScheduleInputError:
        return read(fallback), fallback


@dataclass
class DroppedPeriods:
    """Invalid periods left out of a schedule instead of refusing it (``--drop-invalid-periods``):
    how many, and where the first ``SAMPLE`` were, as ``file: JSON path``."""

    SAMPLE: ClassVar[int] = 10

    count: int = 0
    locations: list[str] = field(default_factory=list)

    def add(self, file: str, paths: list[str], count: int) -> None:
        """``count`` more dropped in ``file``; ``paths`` are the first few of them."""
        self.count += count
        room = max(self.SAMPLE - len(self.locations), 0)
        self.locations.extend(f"{file}: {path}" for path in paths[:room])

    def summary(self) -> str:
        """One line for people: the count and the first locations."""
        if not self.count:
            return ""
        more = self.count - len(self.locations)
        tail = f"; and {more:,} more" if more else ""
        plural = "" if self.count == 1 else "s"
        return (
            f"Dropped {self.count:,} invalid period{plural} (start not before stop, or outside "
            f"the years 1 to 9999): {'; '.join(self.locations)}{tail}."
        )


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


def bad_periods(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Which periods do not run forwards or leave the ``MJD_MIN..MJD_MAX`` range."""
    return ~(starts < stops) | (starts < MJD_MIN) | (stops > MJD_MAX)


def bad_period_message(start: float, stop: float) -> str:
    if not start < stop:
        return f"start {float(start)!r} is not before stop {float(stop)!r}"
    return (
        f"period {float(start)!r} to {float(stop)!r} is outside MJD {MJD_MIN:.0f} to {MJD_MAX:.0f} "
        "(the years 1 to 9999)"
    )


def valid_periods(
    file: str,
    periods: np.ndarray,
    path_of: Callable[[int], str],
    dropped: DroppedPeriods | None,
) -> np.ndarray:
    """``periods`` when every one runs forwards within the date range. Otherwise, without
    ``dropped``, raise at ``path_of(i)`` for the first bad period ``i``; with it, leave the bad
    ones out and record them there."""
    bad = np.flatnonzero(bad_periods(periods[:, 0], periods[:, 1]))
    if not len(bad):
        return periods
    refuse_or_drop(file, periods, bad, path_of, dropped)
    return np.delete(periods, bad, axis=0)


def valid_period_lists(
    file: str,
    periods: np.ndarray,
    offsets: np.ndarray,
    path_of: Callable[[int, int], str],
    dropped: DroppedPeriods | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Like ``valid_periods`` for lists laid out by ``offsets``; ``path_of(list, period)``.
    Dropping shrinks the lists, so the offsets are returned too."""
    bad = np.flatnonzero(bad_periods(periods[:, 0], periods[:, 1]))
    if not len(bad):
        return periods, offsets

    def flat_path_of(index: int) -> str:
        owner = int(np.searchsorted(offsets, index, side="right")) - 1
        return path_of(owner, index - int(offsets[owner]))

    refuse_or_drop(file, periods, bad, flat_path_of, dropped)
    kept = np.ones(len(periods), dtype=bool)
    kept[bad] = False
    kept_before = np.zeros(len(periods) + 1, dtype=np.int64)
    np.cumsum(kept, out=kept_before[1:])
    return periods[kept], kept_before[offsets]


def refuse_or_drop(
    file: str,
    periods: np.ndarray,
    bad: np.ndarray,
    path_of: Callable[[int], str],
    dropped: DroppedPeriods | None,
) -> None:
    """Raise for the first of the ``bad`` rows of ``periods``, or record them all as dropped."""
    if dropped is None:
        start, stop = periods[bad[0]]
        raise ScheduleInputError(file, path_of(int(bad[0])), bad_period_message(start, stop))
    dropped.add(file, [path_of(index) for index in bad[: dropped.SAMPLE].tolist()], len(bad))
