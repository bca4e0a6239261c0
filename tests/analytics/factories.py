"""Small hand-made schedules for tests, built straight into ``ScheduleData`` columns.

Defaults describe a clean block: visible for 12 hours from MJD 60000.0, asking for one hour
with a 30-minute minimum, inside comfortable altitude and sky limits, not scheduled. Tests
override only the fields they are about.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from schedules.schedule_data import ScheduleData, SourceFormat

BASE_MJD = 60000.0

BLOCK_DEFAULTS: dict[str, Any] = {
    "priority": 5.0,
    "requested_duration_s": 3600.0,
    "min_observation_s": 1800.0,
    "min_alt_deg": 30.0,
    "max_alt_deg": 85.0,
    "min_az_deg": 0.0,
    "max_az_deg": 360.0,
    "ra_deg": 180.0,
    "dec_deg": 10.0,
    "pm_ra_mas_per_year": 0.0,
    "pm_dec_mas_per_year": 0.0,
    "equinox": 2000.0,
    "visibility": [(BASE_MJD, BASE_MJD + 0.5)],
    "fixed": None,
    "scheduled": None,
}
NAME_FIELDS = {"source_id", "block_name", "target_name"}
PERIOD_FIELDS = {
    "fixed": ("fixed_start_mjd", "fixed_stop_mjd"),
    "scheduled": ("scheduled_start_mjd", "scheduled_stop_mjd"),
}


def make_schedule_data(
    blocks: list[dict[str, Any]] | None = None,
    dark_periods: list[tuple[float, float]] | None = None,
    **schedule_fields: Any,
) -> ScheduleData:
    """A ``ScheduleData`` with one block per dict in ``blocks``.

    Each dict may set any ``BLOCK_DEFAULTS`` key; ``visibility`` is a list of
    ``(start, stop)`` MJD, ``fixed`` and ``scheduled`` are ``(start, stop)`` or None (either
    bound may be NaN), and ``source_id``, ``block_name`` and ``target_name`` default to
    ``sb-<index>``, ``""`` and ``target-<index>``.
    """
    blocks = [{**BLOCK_DEFAULTS, **block} for block in blocks or []]
    unknown = {key for block in blocks for key in block} - set(BLOCK_DEFAULTS) - NAME_FIELDS
    if unknown:
        raise TypeError(f"unknown block fields: {sorted(unknown)}")

    columns: dict[str, Any] = {
        name: np.array([block[name] for block in blocks], dtype=np.float64)
        for name in BLOCK_DEFAULTS
        if name not in PERIOD_FIELDS and name != "visibility"
    }
    for name, (start_column, stop_column) in PERIOD_FIELDS.items():
        bounds = [block[name] or (np.nan, np.nan) for block in blocks]
        columns[start_column] = np.array([start for start, _ in bounds], dtype=np.float64)
        columns[stop_column] = np.array([stop for _, stop in bounds], dtype=np.float64)

    visibility = [list(block["visibility"]) for block in blocks]
    counts = [len(periods) for periods in visibility]
    periods = [period for block_periods in visibility for period in block_periods]
    return ScheduleData(
        source_format=SourceFormat.NATIVE,
        source_ids=[block.get("source_id", f"sb-{i}") for i, block in enumerate(blocks)],
        block_names=[block.get("block_name", "") for block in blocks],
        target_names=[block.get("target_name", f"target-{i}") for i, block in enumerate(blocks)],
        visibility_offsets=np.concatenate(([0], np.cumsum(counts, dtype=np.int64))),
        visibility_periods=np.array(periods, dtype=np.float64).reshape(-1, 2),
        dark_periods=np.array(dark_periods or [], dtype=np.float64).reshape(-1, 2),
        **columns,
        **schedule_fields,
    )
