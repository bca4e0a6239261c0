"""ScheduleData back to JSON: the native export, and writers for every input format.

Every writer produces files that ``read_schedule`` turns back into data with the same
checksum; orjson writes the shortest text that parses back to the identical float.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import orjson

from schedules.schedule_data import FLOAT_COLUMNS, ScheduleData, SourceFormat

Period = Callable[[float, float], dict[str, Any]]


@dataclass(frozen=True)
class WrittenSchedule:
    """The files of one written schedule; formats that embed everything leave the
    companions None."""

    schedule: bytes
    visibility: bytes | None
    dark_periods: bytes | None


def export_native(data: ScheduleData, name: str) -> bytes:
    """The schedule as one native-format JSON document (periods ``{start_mjd, end_mjd}``)."""
    return orjson.dumps(
        _blocks_document(data, name, _native_period, _native_location, embed="possible_periods")
    )


def write_schedule(data: ScheduleData, fmt: str, name: str = "") -> WrittenSchedule:
    """``data`` in the input format ``fmt`` (raw, snake_case or native).

    The raw format has no schedule or block names, so those are not written; everything
    else survives a read back. Snake-case is written with each block's visibility inside
    the block, native with a ``possible_periods`` map, so both layouts get exercised.
    """
    if fmt == SourceFormat.NATIVE:
        return WrittenSchedule(export_native(data, name), None, None)
    if fmt == SourceFormat.SNAKE_CASE:
        document = _blocks_document(data, name, _snake_period, _snake_location, embed="blocks")
        return WrittenSchedule(orjson.dumps(document), None, None)
    if fmt == SourceFormat.RAW:
        return _raw_files(data)
    raise ValueError(f"unknown format {fmt!r}; expected raw, snake_case or native")


def _native_period(start: float, stop: float) -> dict[str, Any]:
    return {"start_mjd": start, "end_mjd": stop}


def _snake_period(start: float, stop: float) -> dict[str, Any]:
    return {"start": start, "stop": stop}


def _raw_time(value: float) -> dict[str, Any]:
    return {"format": "MJD", "scale": "UTC", "value": value}


def _raw_period(start: float, stop: float) -> dict[str, Any]:
    return {
        "durationInSec": (stop - start) * 86400.0,
        "startTime": _raw_time(start),
        "stopTime": _raw_time(stop),
    }


def _native_location(data: ScheduleData) -> dict[str, float]:
    location = data.location
    return {"lon_deg": location.lon_deg, "lat_deg": location.lat_deg, "height": location.height_m}


def _snake_location(data: ScheduleData) -> dict[str, float]:
    location = data.location
    return {
        "latitude": location.lat_deg,
        "longitude": location.lon_deg,
        "elevation_m": location.height_m,
    }


def _optional_period(start: float, stop: float, period: Period) -> dict[str, Any] | None:
    return None if math.isnan(start) or math.isnan(stop) else period(start, stop)


def _periods(array: np.ndarray, period: Period) -> list[dict[str, Any]]:
    return [period(start, stop) for start, stop in array.tolist()]


def _visibility_lists(data: ScheduleData, period: Period) -> list[list[dict[str, Any]]]:
    flat = _periods(data.visibility_periods, period)
    bounds = data.visibility_offsets.tolist()
    return [flat[start:stop] for start, stop in pairwise(bounds)]


def _columns(data: ScheduleData) -> dict[str, list[float]]:
    """Float columns as Python floats, converted once rather than per value."""
    return {column: getattr(data, column).tolist() for column in FLOAT_COLUMNS}


def _blocks_document(
    data: ScheduleData,
    name: str,
    period: Period,
    location: Callable[[ScheduleData], dict[str, float]],
    *,
    embed: str,
) -> dict[str, Any]:
    """A snake-case or native document; visibility goes into ``possible_periods`` or into
    each block (``embed``)."""
    columns = _columns(data)
    visibility = _visibility_lists(data, period)
    blocks = []
    for index, source_id in enumerate(data.source_ids):
        value = {column: values[index] for column, values in columns.items()}
        block: dict[str, Any] = {"original_block_id": source_id}
        if data.block_names[index]:
            block["block_name"] = data.block_names[index]
        if data.target_names[index]:
            block["target_name"] = data.target_names[index]
        # Proper motions and equinox only when not the defaults a reader assumes.
        if value["pm_ra_mas_per_year"] != 0:
            block["target_pm_ra"] = value["pm_ra_mas_per_year"]
        if value["pm_dec_mas_per_year"] != 0:
            block["target_pm_dec"] = value["pm_dec_mas_per_year"]
        if value["equinox"] != 2000.0:
            block["target_equinox"] = value["equinox"]
        block.update(
            target_ra=value["ra_deg"],
            target_dec=value["dec_deg"],
            constraints={
                "min_alt": value["min_alt_deg"],
                "max_alt": value["max_alt_deg"],
                "min_az": value["min_az_deg"],
                "max_az": value["max_az_deg"],
                "fixed_time": _optional_period(
                    value["fixed_start_mjd"], value["fixed_stop_mjd"], period
                ),
            },
            priority=value["priority"],
            min_observation=value["min_observation_s"],
            requested_duration=value["requested_duration_s"],
            scheduled_period=_optional_period(
                value["scheduled_start_mjd"], value["scheduled_stop_mjd"], period
            ),
        )
        if embed == "blocks":
            block["visibility_periods"] = visibility[index]
        blocks.append(block)
    document: dict[str, Any] = {"name": name}
    if data.period_start_mjd is not None and data.period_end_mjd is not None:
        document["schedule_period"] = period(data.period_start_mjd, data.period_end_mjd)
    document["dark_periods"] = _periods(data.dark_periods, period)
    if data.location is not None:
        document["geographic_location"] = location(data)
    document["blocks"] = blocks
    if embed == "possible_periods":
        document["possible_periods"] = dict(zip(data.source_ids, visibility, strict=True))
    return document


def _raw_files(data: ScheduleData) -> WrittenSchedule:
    columns = _columns(data)
    blocks = []
    for index, source_id in enumerate(data.source_ids):
        value = {column: values[index] for column, values in columns.items()}
        fixed = _optional_period(value["fixed_start_mjd"], value["fixed_stop_mjd"], _raw_period)
        blocks.append(
            {
                "schedulingBlockId": _raw_id(source_id),
                "priority": value["priority"],
                "target": {
                    "name": data.target_names[index],
                    "position_": {
                        "coord": {
                            "celestial": {
                                "raInDeg": value["ra_deg"],
                                "decInDeg": value["dec_deg"],
                                "raProperMotionInMarcsecYear": value["pm_ra_mas_per_year"],
                                "decProperMotionInMarcsecYear": value["pm_dec_mas_per_year"],
                                "equinox": value["equinox"],
                            }
                        }
                    },
                },
                "schedulingBlockConfiguration_": {
                    "constraints_": {
                        "elevationConstraint_": {
                            "minElevationAngleInDeg": value["min_alt_deg"],
                            "maxElevationAngleInDeg": value["max_alt_deg"],
                        },
                        "azimuthConstraint_": {
                            "minAzimuthAngleInDeg": value["min_az_deg"],
                            "maxAzimuthAngleInDeg": value["max_az_deg"],
                        },
                        "timeConstraint_": {
                            "fixedStartTime": [fixed["startTime"]] if fixed else [],
                            "fixedStopTime": [fixed["stopTime"]] if fixed else [],
                            "minObservationTimeInSec": value["min_observation_s"],
                            "requestedDurationSec": value["requested_duration_s"],
                        },
                    }
                },
                "scheduled_period": _optional_period(
                    value["scheduled_start_mjd"], value["scheduled_stop_mjd"], _raw_period
                ),
            }
        )
    visibility = dict(zip(data.source_ids, _visibility_lists(data, _raw_period), strict=True))
    dark: dict[str, Any] = {}
    if data.location is not None:
        dark["Location"] = {
            "coordinates::ConstGeographic": {
                "alt": data.location.height_m,
                "lat": data.location.lat_deg,
                "lon": data.location.lon_deg,
            }
        }
    if data.period_start_mjd is not None and data.period_end_mjd is not None:
        dark["Time Window"] = _raw_period(data.period_start_mjd, data.period_end_mjd)
    dark["dark_periods"] = _periods(data.dark_periods, _raw_period)
    return WrittenSchedule(
        schedule=orjson.dumps({"SchedulingBlock": blocks}),
        visibility=orjson.dumps({"SchedulingBlock": visibility}),
        dark_periods=orjson.dumps(dark),
    )


def _raw_id(source_id: str) -> int | str:
    """Numeric ids as JSON integers, as the telescope software writes them, when the integer
    reads back as the same text and fits the 64 bits JSON libraries handle."""
    canonical = source_id.isascii() and source_id.isdigit() and str(int(source_id)) == source_id
    return int(source_id) if canonical and len(source_id) <= 18 else source_id
