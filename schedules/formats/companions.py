"""The files that may accompany a schedule of any format: visibility ("possible periods")
and dark periods. Each accepts every shape and period style the formats have used, mixed
freely; dark-periods files, written by hand or by other tools, also take ``[start, stop]``
arrays and ISO-8601 times."""

from __future__ import annotations

import re
from dataclasses import dataclass

import msgspec
import numpy as np

from schedules.formats.assembly import checked_location, checked_window
from schedules.formats.decoding import check_depth, decode, key_path, prepare
from schedules.formats.errors import ScheduleInputError
from schedules.formats.input_file import InputFile
from schedules.formats.periods import (
    ANY_DARK_PERIODS,
    NATIVE_PERIODS,
    DroppedPeriods,
    PeriodStyle,
    period_array,
    period_lists_array,
    read_in_period_style,
    valid_period_lists,
    valid_periods,
)
from schedules.schedule_data import Location, ScheduleData

_WRAPPER_KEYS = ("SchedulingBlock", "blocks")
_STARTS_WITH_ARRAY = re.compile(rb"[ \t\r\n]*\[")


class VisibilityWrapper[P](msgspec.Struct, gc=False):
    """``{"SchedulingBlock": {id: [...]}}`` (raw) or ``{"blocks": {id: [...]}}``. A bare
    ``{id: [...]}`` map decodes to neither (or to a list, if a block is called so)."""

    SchedulingBlock: dict[str, list[P]] | list[P] | None = None
    blocks: dict[str, list[P]] | list[P] | None = None


class GeographicCoordinates(msgspec.Struct, gc=False):
    lat: float
    lon: float
    alt: float


class Observatory(msgspec.Struct, gc=False):
    coordinates: GeographicCoordinates = msgspec.field(name="coordinates::ConstGeographic")


class DarkPeriodsFile[P](msgspec.Struct, gc=False):
    """The periods under one of ``DARK_PERIOD_KEYS``, and the raw file's observatory and
    time window."""

    dark_periods: list[P] | None = None
    darkPeriods: list[P] | None = None
    periods: list[P] | None = None
    Location: Observatory | None = None
    time_window: P | None = msgspec.field(default=None, name="Time Window")


DARK_PERIOD_KEYS = ("dark_periods", "darkPeriods", "periods")


@dataclass(frozen=True)
class VisibilityReplacement:
    """New visibility for some blocks: block ``block_indices[i]`` gets rows
    ``offsets[i]:offsets[i + 1]`` of ``periods``."""

    block_indices: np.ndarray
    periods: np.ndarray
    offsets: np.ndarray


def read_visibility(
    file: InputFile, source_ids: list[str], dropped: DroppedPeriods | None = None
) -> VisibilityReplacement:
    """The periods the visibility file gives for blocks of the schedule; ids the schedule
    does not have are ignored (so are their periods). Invalid periods are refused, or with
    ``dropped`` left out and recorded there."""
    data = prepare(file)
    (container, mapping), style = read_in_period_style(
        data, lambda style: _visibility_map(file.name, data, style)
    )
    check_depth(file.name, data)
    matched = [index for index, source_id in enumerate(source_ids) if source_id in mapping]
    periods, offsets = valid_period_lists(
        file.name,
        *period_lists_array(
            [mapping[source_ids[index]] for index in matched], style or NATIVE_PERIODS
        ),
        lambda entry, period: f"{container}{key_path(source_ids[matched[entry]])}[{period}]",
        dropped,
    )
    return VisibilityReplacement(np.array(matched, dtype=np.int64), periods, offsets)


def _visibility_map(
    file: str, data: bytes, style: PeriodStyle
) -> tuple[str, dict[str, list[msgspec.Struct]]]:
    """The id -> periods map and the key it sits under ("" for a bare map)."""
    values = list[style.struct]
    wrapper = decode(
        file, data, VisibilityWrapper[style.struct], keyed=dict.fromkeys(_WRAPPER_KEYS, values)
    )
    wrapped = [key for key in _WRAPPER_KEYS if isinstance(getattr(wrapper, key), dict)]
    if len(wrapped) > 1:
        raise ScheduleInputError(file, "", 'has both "SchedulingBlock" and "blocks"; expected one')
    if wrapped:
        return wrapped[0], getattr(wrapper, wrapped[0])
    return "", decode(file, data, dict[str, values], keyed={"": values})


def replace_visibility(data: ScheduleData, replacement: VisibilityReplacement) -> None:
    """Give the replaced blocks their new periods, keeping every other block's, in one gather."""
    old_counts = data.visibility_counts()
    new_counts = np.diff(replacement.offsets)
    counts = old_counts.copy()
    counts[replacement.block_indices] = new_counts
    # Where each block's rows start in old + new stacked together.
    sources = data.visibility_offsets[:-1].copy()
    sources[replacement.block_indices] = len(data.visibility_periods) + replacement.offsets[:-1]
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    rows = np.repeat(sources - offsets[:-1], counts) + np.arange(offsets[-1])
    stacked = np.concatenate([data.visibility_periods, replacement.periods])
    data.visibility_periods = stacked[rows]
    data.visibility_offsets = offsets


def read_dark_periods(
    file: InputFile, dropped: DroppedPeriods | None = None
) -> tuple[np.ndarray, Location | None, tuple[float, float] | None]:
    """Dark periods ``(k, 2)``, the observatory and the time window, from a dark-periods file:
    the periods under one of ``DARK_PERIOD_KEYS`` (the raw file adds "Location" and
    "Time Window") or a bare list of them. Invalid periods are refused, or with ``dropped``
    left out and recorded there."""
    data = prepare(file)
    bare_list = _STARTS_WITH_ARRAY.match(data) is not None
    content, style = read_in_period_style(
        data,
        lambda style: (
            DarkPeriodsFile(dark_periods=decode(file.name, data, list[style.struct]))
            if bare_list
            else decode(file.name, data, DarkPeriodsFile[style.struct])
        ),
        fallback=ANY_DARK_PERIODS,
    )
    style = style or NATIVE_PERIODS
    check_depth(file.name, data)
    key, listed = _dark_period_list(file.name, content)
    path_prefix = "" if bare_list else key
    periods = valid_periods(
        file.name,
        period_array(listed, style),
        lambda index: f"{path_prefix}[{index}]",
        dropped,
    )
    location = None
    if content.Location is not None:
        coordinates = content.Location.coordinates
        location = checked_location(
            file.name, "Location", coordinates.lat, coordinates.lon, coordinates.alt
        )
    window = None
    if content.time_window is not None:
        window = checked_window(
            file.name, "Time Window", *style.bounds(content.time_window), dropped
        )
    return periods, location, window


def _dark_period_list(file: str, content: DarkPeriodsFile) -> tuple[str, list]:
    """The key the periods are under, and the periods."""
    given = [key for key in DARK_PERIOD_KEYS if getattr(content, key) is not None]
    if not given:
        raise ScheduleInputError(
            file, "", 'missing required field "dark_periods" (or "darkPeriods" or "periods")'
        )
    if len(given) > 1:
        raise ScheduleInputError(
            file, "", f'has both "{given[0]}" and "{given[1]}"; expected one list of periods'
        )
    return given[0], getattr(content, given[0])
