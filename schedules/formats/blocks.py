"""The snake-case and native formats: ``{"blocks": [...]}`` with everything in one file.

Both share one shape and differ only in key style: periods ``{start, stop}`` and location
``{latitude, longitude, elevation_m}`` (snake-case) or ``{start_mjd, end_mjd}`` and
``{lat_deg, lon_deg, height}`` (native). Real files mix them (the upstream example has a
native location and snake-case periods), so any period may be in any style, raw
``{startTime, stopTime}`` included, and the location's style is its own. The structs are
generic in the period type so one set serves every style, and msgspec still decodes straight
into typed objects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import msgspec
import numpy as np

from schedules.formats.assembly import (
    BlockPaths,
    BlockRows,
    block_columns,
    check_name,
    checked_location,
    checked_window,
    number_row,
)
from schedules.formats.decoding import decode, key_path
from schedules.formats.errors import ScheduleInputError
from schedules.formats.periods import (
    ANY_PERIODS,
    NATIVE_PERIODS,
    NATIVE_STOP_PERIODS,
    SNAKE_PERIODS,
    AnyPeriod,
    DroppedPeriods,
    PeriodStyle,
    period_array,
    period_lists_array,
    read_in_period_style,
    valid_period_lists,
    valid_periods,
)
from schedules.schedule_data import Location, ScheduleData, SourceFormat


class Constraints[P](msgspec.Struct, gc=False):
    min_alt: float
    max_alt: float
    min_az: float
    max_az: float
    fixed_time: P | None = None


class Block[P](msgspec.Struct, gc=False):
    constraints: Constraints[P]
    priority: float
    target_ra: float
    target_dec: float
    min_observation: float
    requested_duration: float
    id: int | str | None = None
    original_block_id: str | int | None = None
    block_name: str | None = None
    # Written by our export so that targets of raw-format origin survive a round trip.
    target_name: str | None = None
    target_pm_ra: float = 0.0
    target_pm_dec: float = 0.0
    target_equinox: float = 2000.0
    visibility_periods: list[P] | None = None
    scheduled_period: P | None = None


class GeographicLocation(msgspec.Struct, gc=False):
    """Either key style; which one was used is decided after decoding, to refuse a mix."""

    lat_deg: float | None = None
    lon_deg: float | None = None
    height: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    elevation_m: float | None = None


class BlocksDocument[P](msgspec.Struct, gc=False):
    blocks: list[Block[P]]
    name: str | None = None
    dark_periods: list[P] | None = None
    geographic_location: GeographicLocation | None = None
    schedule_period: P | None = None
    possible_periods: dict[str, list[P]] | None = None


BLOCKS_PATHS = BlockPaths(
    list_key="blocks",
    requested_duration="requested_duration",
    min_observation="min_observation",
    fixed_window="constraints.fixed_time",
    scheduled_period="scheduled_period",
    target_name="target_name",
    block_name="block_name",
)
_NATIVE_LOCATION_KEYS = ("lat_deg", "lon_deg", "height")
_SNAKE_LOCATION_KEYS = ("latitude", "longitude", "elevation_m")


def read_blocks_schedule(
    file: str, data: bytes, dropped: DroppedPeriods | None = None
) -> ScheduleData:
    """A snake-case or native schedule, with ``possible_periods`` merged into visibility;
    invalid periods are refused, or with ``dropped`` left out and recorded there."""
    document, style = read_in_period_style(
        data,
        lambda style: decode(
            file,
            data,
            BlocksDocument[style.struct],
            keyed={"possible_periods": list[style.struct]},
        ),
    )
    decoded = style or NATIVE_PERIODS  # what the period structs are, if there are any
    location, location_format = _location(file, document.geographic_location)
    name = document.name or ""
    check_name(file, "name", name)
    ids = [_source_id(file, index, block) for index, block in enumerate(document.blocks)]
    columns = block_columns(file, BLOCKS_PATHS, _rows(document.blocks, ids, decoded), dropped)
    visibility_periods, visibility_offsets = _visibility(file, document, ids, decoded, dropped)
    dark_periods = valid_periods(
        file,
        period_array(document.dark_periods or [], decoded),
        lambda index: f"dark_periods[{index}]",
        dropped,
    )
    window = None
    if document.schedule_period is not None:
        window = checked_window(
            file, "schedule_period", *decoded.bounds(document.schedule_period), dropped
        )
    period_start, period_end = window or (None, None)
    return ScheduleData(
        source_format=_source_format(document, style, location_format),
        name=name,
        visibility_periods=visibility_periods,
        visibility_offsets=visibility_offsets,
        dark_periods=dark_periods,
        period_start_mjd=period_start,
        period_end_mjd=period_end,
        location=location,
        **columns,
    )


def _source_format(
    document: BlocksDocument, style: PeriodStyle | None, location_format: str | None
) -> str:
    """The keys the file was written with name its format: snake-case when more of its
    periods are ``{start, stop}`` than ``{start_mjd, end_mjd}`` (or ``stop_mjd``), native when
    fewer; on a tie (no such periods, say) the location's keys decide, else native."""
    if style is ANY_PERIODS:
        styles = Counter(period.style() for period in _all_periods(document))
        snake, native = styles[SNAKE_PERIODS], styles[NATIVE_PERIODS]
    else:
        snake = int(style is SNAKE_PERIODS)
        native = int(style in (NATIVE_PERIODS, NATIVE_STOP_PERIODS))
    if snake != native:
        return SourceFormat.SNAKE_CASE if snake > native else SourceFormat.NATIVE
    return location_format or SourceFormat.NATIVE


def _all_periods(document: BlocksDocument[AnyPeriod]) -> Iterator[AnyPeriod]:
    yield from document.dark_periods or ()
    if document.schedule_period is not None:
        yield document.schedule_period
    for periods in (document.possible_periods or {}).values():
        yield from periods
    for block in document.blocks:
        yield from block.visibility_periods or ()
        for period in (block.scheduled_period, block.constraints.fixed_time):
            if period is not None:
                yield period


def _location(file: str, given: GeographicLocation | None) -> tuple[Location | None, str | None]:
    """The observatory and the format its keys are in (which may differ from the periods')."""
    if given is None:
        return None, None
    native = [getattr(given, key) for key in _NATIVE_LOCATION_KEYS]
    snake = [getattr(given, key) for key in _SNAKE_LOCATION_KEYS]
    has_native = any(value is not None for value in native)
    has_snake = any(value is not None for value in snake)
    if has_native and has_snake:
        raise ScheduleInputError(
            file,
            "geographic_location",
            "mixes native (lat_deg/lon_deg/height) and snake-case "
            "(latitude/longitude/elevation_m) keys; use one style",
        )
    if has_native:
        for key, value in zip(_NATIVE_LOCATION_KEYS, native, strict=True):
            if value is None:
                raise ScheduleInputError(
                    file, "geographic_location", f'missing required field "{key}"'
                )
        lat, lon, height = native
        location = checked_location(file, "geographic_location", lat, lon, height)
        return location, SourceFormat.NATIVE
    if has_snake:
        lat, lon, elevation = snake
        for key, value in (("latitude", lat), ("longitude", lon)):
            if value is None:
                raise ScheduleInputError(
                    file, "geographic_location", f'missing required field "{key}"'
                )
        height = 0.0 if elevation is None else elevation
        location = checked_location(file, "geographic_location", lat, lon, height)
        return location, SourceFormat.SNAKE_CASE
    raise ScheduleInputError(
        file,
        "geographic_location",
        'expected "lat_deg", "lon_deg" and "height" '
        '(or "latitude", "longitude" and optionally "elevation_m")',
    )


def _source_id(file: str, index: int, block: Block) -> str:
    """``original_block_id`` when given, else ``id``: the id the schedule's authors use."""
    if block.original_block_id is not None and str(block.original_block_id):
        return str(block.original_block_id)
    if block.id is not None:
        return str(block.id)
    raise ScheduleInputError(
        file, BLOCKS_PATHS.block(index), 'block has no id: expected "original_block_id" or "id"'
    )


def _rows(blocks: list[Block], ids: list[str], style: PeriodStyle) -> BlockRows:
    rows = BlockRows(source_ids=ids, block_names=[], target_names=[], numbers=[])
    for block in blocks:
        constraints = block.constraints
        fixed, scheduled = constraints.fixed_time, block.scheduled_period
        fixed_start, fixed_stop = (None, None) if fixed is None else style.bounds(fixed)
        scheduled_start, scheduled_stop = (
            (None, None) if scheduled is None else style.bounds(scheduled)
        )
        rows.block_names.append(block.block_name or "")
        rows.target_names.append(block.target_name or "")
        rows.numbers.append(
            number_row(
                ra_deg=block.target_ra,
                dec_deg=block.target_dec,
                pm_ra_mas_per_year=block.target_pm_ra,
                pm_dec_mas_per_year=block.target_pm_dec,
                equinox=block.target_equinox,
                priority=block.priority,
                requested_duration_s=block.requested_duration,
                min_observation_s=block.min_observation,
                min_alt_deg=constraints.min_alt,
                max_alt_deg=constraints.max_alt,
                min_az_deg=constraints.min_az,
                max_az_deg=constraints.max_az,
                fixed_start_mjd=fixed_start,
                fixed_stop_mjd=fixed_stop,
                scheduled_start_mjd=scheduled_start,
                scheduled_stop_mjd=scheduled_stop,
            )
        )
    return rows


def _visibility(
    file: str,
    document: BlocksDocument,
    ids: list[str],
    style: PeriodStyle,
    dropped: DroppedPeriods | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each block's periods: its ``possible_periods`` entry when there is one (it replaces
    the block's own list), else its ``visibility_periods``."""
    possible = document.possible_periods or {}
    from_possible = [source_id in possible for source_id in ids]
    lists = [
        possible[source_id] if hit else (block.visibility_periods or [])
        for source_id, hit, block in zip(ids, from_possible, document.blocks, strict=True)
    ]
    periods, offsets = period_lists_array(lists, style)

    def path_of(block: int, period: int) -> str:
        if from_possible[block]:
            return f"possible_periods{key_path(ids[block])}[{period}]"
        return f"{BLOCKS_PATHS.block(block)}.visibility_periods[{period}]"

    return valid_period_lists(file, periods, offsets, path_of, dropped)
