"""The snake-case and native formats: ``{"blocks": [...]}`` with everything in one file.

Both share one shape and differ only in key style: periods ``{start, stop}`` and location
``{latitude, longitude, elevation_m}`` (snake-case) or ``{start_mjd, end_mjd}`` and
``{lat_deg, lon_deg, height}`` (native). The structs are generic in the period type so one
set serves both, and msgspec still decodes straight into typed objects.
"""

from __future__ import annotations

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
    NATIVE_PERIODS,
    SNAKE_PERIODS,
    PeriodStyle,
    check_lists_ordered,
    check_ordered,
    period_array,
    period_lists_array,
    read_in_period_style,
)
from schedules.schedule_data import Location, ScheduleData, SourceFormat

BLOCK_PERIOD_STYLES = (SNAKE_PERIODS, NATIVE_PERIODS)


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
    """Either key style; which one was used is decided after decoding, to report a mix."""

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


def read_blocks_schedule(file: str, data: bytes) -> ScheduleData:
    """A snake-case or native schedule, with ``possible_periods`` merged into visibility."""
    document, style = read_in_period_style(
        file,
        data,
        BLOCK_PERIOD_STYLES,
        lambda style: decode(
            file,
            data,
            BlocksDocument[style.struct],
            keyed={"possible_periods": list[style.struct]},
        ),
    )
    decoded = style or NATIVE_PERIODS  # what the period structs are, if there are any
    location, location_style = _location(file, document.geographic_location)
    if style is not None and location_style is not None and style is not location_style:
        raise ScheduleInputError(
            file,
            "geographic_location",
            f"uses {location_style.label} keys but the periods use {style.label} keys "
            f"({style.describe()}); use one style throughout",
        )
    # The keys the file was written with name its format.
    format_style = style or location_style or NATIVE_PERIODS
    name = document.name or ""
    check_name(file, "name", name)
    ids = [_source_id(file, index, block) for index, block in enumerate(document.blocks)]
    columns = block_columns(file, BLOCKS_PATHS, _rows(document.blocks, ids, decoded))
    visibility_periods, visibility_offsets = _visibility(file, document, ids, decoded)
    dark_periods = period_array(document.dark_periods or [], decoded)
    check_ordered(file, dark_periods, lambda index: f"dark_periods[{index}]")
    period_start = period_end = None
    if document.schedule_period is not None:
        period_start, period_end = checked_window(
            file,
            "schedule_period",
            *decoded.bounds(document.schedule_period),
        )
    return ScheduleData(
        source_format=SourceFormat.SNAKE_CASE
        if format_style is SNAKE_PERIODS
        else SourceFormat.NATIVE,
        name=name,
        visibility_periods=visibility_periods,
        visibility_offsets=visibility_offsets,
        dark_periods=dark_periods,
        period_start_mjd=period_start,
        period_end_mjd=period_end,
        location=location,
        **columns,
    )


def _location(
    file: str, given: GeographicLocation | None
) -> tuple[Location | None, PeriodStyle | None]:
    """The observatory and the key style it was written in (the style names the format)."""
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
        return checked_location(file, "geographic_location", lat, lon, height), NATIVE_PERIODS
    if has_snake:
        lat, lon, elevation = snake
        for key, value in (("latitude", lat), ("longitude", lon)):
            if value is None:
                raise ScheduleInputError(
                    file, "geographic_location", f'missing required field "{key}"'
                )
        height = 0.0 if elevation is None else elevation
        return checked_location(file, "geographic_location", lat, lon, height), SNAKE_PERIODS
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
    file: str, document: BlocksDocument, ids: list[str], style: PeriodStyle
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

    check_lists_ordered(file, periods, offsets, path_of)
    return periods, offsets
