"""Per-block values gathered by a format reader become ScheduleData columns, checked for
what the database would refuse (so a bad file fails with its location, not a DB error)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from schedules.formats.errors import ScheduleInputError
from schedules.formats.periods import DroppedPeriods, bad_periods, refuse_or_drop
from schedules.schedule_data import FLOAT_COLUMNS, Location

MAX_ID_LENGTH = 128  # SchedulingBlock.source_block_id
MAX_NAME_LENGTH = 255  # block, target and schedule names
# No real block value comes near this; beyond it the reports' ranges and histograms overflow.
MAX_MAGNITUDE = 1e15
_TIME_COLUMNS = frozenset(column for column in FLOAT_COLUMNS if column.endswith("_mjd"))
# PostgreSQL text cannot hold NUL, so a name or id with one would fail the load.
_CONTAINS_NUL = "contains a NUL character (\\u0000), which cannot be stored"


@dataclass(frozen=True)
class BlockPaths:
    """Where a format keeps, inside one block, the fields the shared checks report on."""

    list_key: str
    requested_duration: str
    min_observation: str
    fixed_window: str
    scheduled_period: str
    target_name: str
    block_name: str | None  # None: the format has no block names

    def block(self, index: int) -> str:
        return f"{self.list_key}[{index}]"

    def field(self, index: int, field: str) -> str:
        return f"{self.block(index)}.{field}"


@dataclass
class BlockRows:
    """Block values in file order; ``numbers[i]`` follows ``FLOAT_COLUMNS``, None = missing."""

    source_ids: list[str]
    block_names: list[str]
    target_names: list[str]
    numbers: list[tuple[float | None, ...]]


def number_row(**values: float | None) -> tuple[float | None, ...]:
    """One block's numbers in ``FLOAT_COLUMNS`` order, named so no reader can misorder them."""
    if values.keys() != set(FLOAT_COLUMNS):
        raise TypeError(f"expected exactly the columns {FLOAT_COLUMNS}")
    return tuple(values[column] for column in FLOAT_COLUMNS)


def block_columns(
    file: str, paths: BlockPaths, rows: BlockRows, dropped: DroppedPeriods | None = None
) -> dict[str, object]:
    """ScheduleData keyword arguments for the blocks, after the per-block checks; an invalid
    fixed window or scheduled period is refused, or with ``dropped`` counts as absent."""
    _check_ids(file, paths, rows.source_ids)
    for names, field in (
        (rows.block_names, paths.block_name),
        (rows.target_names, paths.target_name),
    ):
        if field is not None:
            for index, name in enumerate(names):
                check_name(file, paths.field(index, field), name)
    table = np.array(rows.numbers, dtype=np.float64).reshape(len(rows.numbers), len(FLOAT_COLUMNS))
    columns: dict[str, object] = {
        name: np.ascontiguousarray(table[:, position])
        for position, name in enumerate(FLOAT_COLUMNS)
    }
    _check_magnitudes(file, paths, columns)
    for column, field in (
        ("requested_duration_s", paths.requested_duration),
        ("min_observation_s", paths.min_observation),
    ):
        negative = np.flatnonzero(columns[column] < 0)
        if len(negative):
            index = int(negative[0])
            raise ScheduleInputError(
                file,
                paths.field(index, field),
                f"must not be negative, got {float(columns[column][index])!r}",
            )
    for start, stop, field in (
        ("fixed_start_mjd", "fixed_stop_mjd", paths.fixed_window),
        ("scheduled_start_mjd", "scheduled_stop_mjd", paths.scheduled_period),
    ):
        starts, stops = columns[start], columns[stop]
        # NaN marks "no period"; a present period must run forwards, within the date range.
        unordered = np.flatnonzero(~np.isnan(starts) & bad_periods(starts, stops))
        if len(unordered):
            refuse_or_drop(
                file,
                np.column_stack([starts, stops]),
                unordered,
                lambda index, field=field: paths.field(index, field),
                dropped,
            )
            starts[unordered] = stops[unordered] = np.nan
    columns.update(
        source_ids=rows.source_ids, block_names=rows.block_names, target_names=rows.target_names
    )
    return columns


def _check_magnitudes(file: str, paths: BlockPaths, columns: dict[str, object]) -> None:
    """Refuse absurdly large numbers (times are range-checked with their periods)."""
    for column in FLOAT_COLUMNS:
        if column in _TIME_COLUMNS:
            continue
        values = columns[column]
        huge = np.flatnonzero(np.abs(values) > MAX_MAGNITUDE)
        if len(huge):
            index = int(huge[0])
            raise ScheduleInputError(
                file,
                paths.block(index),
                f"{column} is {float(values[index])!r}; numbers must lie within ±{MAX_MAGNITUDE:g}",
            )


def _check_ids(file: str, paths: BlockPaths, source_ids: Sequence[str]) -> None:
    first_seen: dict[str, int] = {}
    for index, source_id in enumerate(source_ids):
        if not source_id:
            raise ScheduleInputError(file, paths.block(index), "block id is empty")
        if "\x00" in source_id:
            raise ScheduleInputError(file, paths.block(index), f"block id {_CONTAINS_NUL}")
        if len(source_id) > MAX_ID_LENGTH:
            raise ScheduleInputError(
                file,
                paths.block(index),
                f"block id is {len(source_id)} characters long; the limit is {MAX_ID_LENGTH}",
            )
        first = first_seen.setdefault(source_id, index)
        if first != index:
            raise ScheduleInputError(
                file,
                paths.block(index),
                f'duplicate block id "{source_id}" (first at {paths.block(first)})',
            )


def check_name(file: str, location: str, text: str) -> None:
    """A name the database can store: at most ``MAX_NAME_LENGTH`` characters, no NUL."""
    if len(text) > MAX_NAME_LENGTH:
        raise ScheduleInputError(
            file, location, f"is {len(text)} characters long; the limit is {MAX_NAME_LENGTH}"
        )
    if "\x00" in text:
        raise ScheduleInputError(file, location, _CONTAINS_NUL)


def checked_location(file: str, location: str, lat: float, lon: float, height: float) -> Location:
    """The observatory, refused when the database could not store it."""
    if not -90 <= lat <= 90:
        raise ScheduleInputError(file, location, f"latitude must be within -90..90, got {lat!r}")
    if not -180 <= lon <= 360:
        raise ScheduleInputError(file, location, f"longitude must be within -180..360, got {lon!r}")
    return Location(lat_deg=lat, lon_deg=lon, height_m=height)


def checked_window(
    file: str, location: str, start: float, stop: float, dropped: DroppedPeriods | None = None
) -> tuple[float, float] | None:
    """A single period, refused when invalid, or with ``dropped`` left out (None)."""
    if not bad_periods(np.float64(start), np.float64(stop)):
        return start, stop
    refuse_or_drop(
        file, np.array([[start, stop]]), np.zeros(1, np.int64), lambda _: location, dropped
    )
    return None
