"""The raw telescope format: ``{"SchedulingBlock": [...]}`` as the scheduler writes it.

Visibility, dark periods and the observatory come from companion files (see companions.py),
so a raw schedule alone has no visibility, no dark periods, no location and no name.
"""

from __future__ import annotations

import msgspec
import numpy as np

from schedules.formats.assembly import BlockPaths, BlockRows, block_columns, number_row
from schedules.formats.decoding import decode
from schedules.formats.errors import ScheduleInputError
from schedules.formats.periods import AnyPeriod, DroppedPeriods, RawTime
from schedules.schedule_data import ScheduleData, SourceFormat


# Field names are the keys exactly as the telescope software writes them.
class Celestial(msgspec.Struct, gc=False):
    raInDeg: float
    decInDeg: float
    raProperMotionInMarcsecYear: float = 0.0
    decProperMotionInMarcsecYear: float = 0.0
    equinox: float = 2000.0


class Coordinate(msgspec.Struct, gc=False):
    celestial: Celestial


class Position(msgspec.Struct, gc=False):
    coord: Coordinate


class Target(msgspec.Struct, gc=False):
    name: str | None = None
    position_: Position | None = None


class CustomMode(msgspec.Struct, gc=False):
    coordinates: list[Coordinate] = []


class WobbleMode(msgspec.Struct, gc=False):
    centralCoordinate: Coordinate


class ObservingMode(msgspec.Struct, gc=False):
    custom_: CustomMode | None = None
    wobble_: WobbleMode | None = None


class ElevationConstraint(msgspec.Struct, gc=False):
    minElevationAngleInDeg: float
    maxElevationAngleInDeg: float


class AzimuthConstraint(msgspec.Struct, gc=False):
    minAzimuthAngleInDeg: float
    maxAzimuthAngleInDeg: float


class FixedTime(msgspec.Struct, gc=False):
    """An element of ``fixedStartTime``/``fixedStopTime``: a time object or a whole period."""

    value: float | None = None
    startTime: RawTime | None = None
    stopTime: RawTime | None = None


class TimeConstraint(msgspec.Struct, gc=False):
    minObservationTimeInSec: float
    requestedDurationSec: float
    fixedStartTime: list[FixedTime | float] | None = None
    fixedStopTime: list[FixedTime | float] | None = None


class Constraints(msgspec.Struct, gc=False):
    elevationConstraint_: ElevationConstraint
    azimuthConstraint_: AzimuthConstraint
    timeConstraint_: TimeConstraint


class Configuration(msgspec.Struct, gc=False):
    constraints_: Constraints
    observingMode_: ObservingMode | None = None


class RawBlock(msgspec.Struct, gc=False):
    schedulingBlockId: int | str
    priority: float
    schedulingBlockConfiguration_: Configuration
    target: Target | None = None
    # Like every period in every file, in any style.
    scheduled_period: AnyPeriod[float] | None = None


class RawSchedule(msgspec.Struct, gc=False):
    SchedulingBlock: list[RawBlock]


_TIME_CONSTRAINT = "schedulingBlockConfiguration_.constraints_.timeConstraint_"
RAW_PATHS = BlockPaths(
    list_key="SchedulingBlock",
    requested_duration=f"{_TIME_CONSTRAINT}.requestedDurationSec",
    min_observation=f"{_TIME_CONSTRAINT}.minObservationTimeInSec",
    fixed_window=_TIME_CONSTRAINT,
    scheduled_period="scheduled_period",
    target_name="target.name",
    block_name=None,
)


def read_raw_schedule(
    file: str, data: bytes, dropped: DroppedPeriods | None = None
) -> ScheduleData:
    """The blocks of a raw schedule; every block starts with no visibility. An invalid fixed
    window or scheduled period is refused, or with ``dropped`` counts as absent."""
    blocks = decode(file, data, RawSchedule).SchedulingBlock
    rows = BlockRows(source_ids=[], block_names=[], target_names=[], numbers=[])
    for index, block in enumerate(blocks):
        celestial = _celestial(file, index, block)
        constraints = block.schedulingBlockConfiguration_.constraints_
        time = constraints.timeConstraint_
        fixed_start, fixed_stop = _fixed_window(file, index, time)
        scheduled = block.scheduled_period
        rows.source_ids.append(str(block.schedulingBlockId))
        rows.block_names.append("")
        rows.target_names.append((block.target.name if block.target else None) or "")
        rows.numbers.append(
            number_row(
                ra_deg=celestial.raInDeg,
                dec_deg=celestial.decInDeg,
                pm_ra_mas_per_year=celestial.raProperMotionInMarcsecYear,
                pm_dec_mas_per_year=celestial.decProperMotionInMarcsecYear,
                equinox=celestial.equinox,
                priority=block.priority,
                requested_duration_s=time.requestedDurationSec,
                min_observation_s=time.minObservationTimeInSec,
                min_alt_deg=constraints.elevationConstraint_.minElevationAngleInDeg,
                max_alt_deg=constraints.elevationConstraint_.maxElevationAngleInDeg,
                min_az_deg=constraints.azimuthConstraint_.minAzimuthAngleInDeg,
                max_az_deg=constraints.azimuthConstraint_.maxAzimuthAngleInDeg,
                fixed_start_mjd=fixed_start,
                fixed_stop_mjd=fixed_stop,
                scheduled_start_mjd=scheduled.start if scheduled else None,
                scheduled_stop_mjd=scheduled.stop if scheduled else None,
            )
        )
    return ScheduleData(
        source_format=SourceFormat.RAW,
        visibility_offsets=np.zeros(len(blocks) + 1, dtype=np.int64),
        **block_columns(file, RAW_PATHS, rows, dropped),
    )


def _celestial(file: str, index: int, block: RawBlock) -> Celestial:
    """The target position, wherever this flavour of the raw format keeps it."""
    if block.target is not None and block.target.position_ is not None:
        return block.target.position_.coord.celestial
    mode = block.schedulingBlockConfiguration_.observingMode_
    if mode is not None and mode.custom_ is not None and mode.custom_.coordinates:
        return mode.custom_.coordinates[0].celestial
    if mode is not None and mode.wobble_ is not None:
        return mode.wobble_.centralCoordinate.celestial
    raise ScheduleInputError(
        file,
        RAW_PATHS.block(index),
        "no target coordinates: expected target.position_.coord.celestial "
        "(or schedulingBlockConfiguration_.observingMode_ custom_/wobble_ coordinates)",
    )


def _fixed_window(file: str, index: int, time: TimeConstraint) -> tuple[float | None, float | None]:
    """The fixed window is ``[fixedStartTime[0], fixedStopTime[0]]`` when both lists have one."""
    if not time.fixedStartTime or not time.fixedStopTime:
        return None, None
    return (
        _fixed_time(file, index, "fixedStartTime", "startTime", time.fixedStartTime[0]),
        _fixed_time(file, index, "fixedStopTime", "stopTime", time.fixedStopTime[0]),
    )


def _fixed_time(
    file: str, index: int, key: str, period_key: str, element: FixedTime | float
) -> float:
    if isinstance(element, float):
        return element
    if element.value is not None:
        return element.value
    time = getattr(element, period_key)
    if time is None:
        raise ScheduleInputError(
            file,
            RAW_PATHS.field(index, f"{_TIME_CONSTRAINT}.{key}[0]"),
            f'expected a number, a time object with "value", or a period with "{period_key}"',
        )
    return time.value
