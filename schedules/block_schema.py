"""The columns of a scheduling block, declared once.

Every list of block columns in the code is derived from the tuples below, or checked against
them in ``tests/schedules/test_block_schema.py``: the parsers' output (``ScheduleData``), the
bulk writes of blocks and analytics, the loader of stored blocks, the analytics block frame,
the API serializers, the CSV/JSON Lines exports and the OpenAPI examples.

A block has three kinds of column:

- **file** columns come from the uploaded schedule and are stored on ``SchedulingBlock`` (or
  its ``Target``); visibility periods, ragged, travel beside them (see ``ScheduleData``);
- **derived** columns are computed from the file columns by ``schedules.block_metrics``
  (DESIGN §7 definitions);
- **analytics** columns are what ``BlockAnalytics`` stores and every report page reads: a few
  file columns copied for speed, the derived columns, and the validation verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Origin(StrEnum):
    FILE = "file"  # parsed from the uploaded schedule
    METRICS = "metrics"  # computed from the file columns (schedules.block_metrics)
    RULES = "rules"  # the validation verdict (validation.rules)


KIND_DTYPES = {"str": object, "float": np.float64, "int": np.int64, "bool": bool}


@dataclass(frozen=True)
class BlockColumn:
    name: str
    kind: str  # a key of KIND_DTYPES
    unit: str
    nullable: bool
    origin: Origin
    description: str
    data_attr: str = ""  # the ScheduleData attribute, when it is not ``name``
    stored: str = ""  # ORM path from SchedulingBlock; empty when kept in a JSON column
    in_analytics: bool = False  # copied into BlockAnalytics (file columns)

    @property
    def attribute(self) -> str:
        """The column's name on ``ScheduleData``."""
        return self.data_attr or self.name

    @property
    def dtype(self) -> type:
        return KIND_DTYPES[self.kind]

    @property
    def on_target(self) -> bool:
        return self.stored.startswith("target__")

    def values_of(self, source: object) -> list:
        """This column of ``source`` (a ScheduleData, BlockMetrics…) as Python values for a
        database write, with NaN as ``None`` (SQL NULL) in nullable columns."""
        values = getattr(source, self.attribute)
        if isinstance(values, list):
            return values
        if self.nullable:
            return [None if value != value else value for value in values.tolist()]
        return values.tolist()


def _file(
    name: str, kind: str, unit: str, description: str, *, nullable: bool = False, **options
) -> BlockColumn:
    options.setdefault("stored", name)
    return BlockColumn(name, kind, unit, nullable, Origin.FILE, description, **options)


def _derived(
    name: str, kind: str, unit: str, description: str, *, nullable: bool = False
) -> BlockColumn:
    return BlockColumn(name, kind, unit, nullable, Origin.METRICS, description)


def _on_target(name: str, kind: str, unit: str, description: str, **options) -> BlockColumn:
    stored = f"target__{name.removeprefix('target_')}"
    return _file(name, kind, unit, description, stored=stored, **options)


# Scheduled start and stop are stored together as the JSON ``scheduled_period`` ([] or one
# [start, stop]), so they have no ``stored`` path.
FILE_COLUMNS: tuple[BlockColumn, ...] = (
    _file("source_block_id", "str", "", "Id as given.", data_attr="source_ids", in_analytics=True),
    _file("block_name", "str", "", "The block's own name (may be empty).", data_attr="block_names"),
    _on_target("target_name", "str", "", "Name of the target.", data_attr="target_names"),
    _on_target("ra_deg", "float", "deg", "Right ascension.", in_analytics=True),
    _on_target("dec_deg", "float", "deg", "Declination.", in_analytics=True),
    _on_target("pm_ra_mas_per_year", "float", "mas/yr", "Proper motion in RA."),
    _on_target("pm_dec_mas_per_year", "float", "mas/yr", "Proper motion in Dec."),
    _on_target("equinox", "float", "yr", "Equinox of the coordinates."),
    _file("priority", "float", "", "Priority (higher is more important).", in_analytics=True),
    _file("requested_duration_s", "float", "s", "Requested observing time."),
    _file("min_observation_s", "float", "s", "Shortest useful observation."),
    _file("min_alt_deg", "float", "deg", "Lowest allowed altitude."),
    _file("max_alt_deg", "float", "deg", "Highest allowed altitude."),
    _file("min_az_deg", "float", "deg", "Lowest allowed azimuth."),
    _file("max_az_deg", "float", "deg", "Highest allowed azimuth."),
    _file("fixed_start_mjd", "float", "MJD", "Fixed window start.", nullable=True),
    _file("fixed_stop_mjd", "float", "MJD", "Fixed window stop.", nullable=True),
    _file("scheduled_start_mjd", "float", "MJD", "As given.", nullable=True, stored=""),
    _file("scheduled_stop_mjd", "float", "MJD", "As given.", nullable=True, stored=""),
)

DERIVED_COLUMNS: tuple[BlockColumn, ...] = (
    _derived("display_name", "str", "", "The block name, else the target name."),
    _derived("priority_bucket", "int", "", "1 Low … 4 High, by quarters of the schedule's range."),
    _derived("requested_hours", "float", "h", "Requested duration in hours."),
    _derived("min_observation_hours", "float", "h", "Minimum observation in hours."),
    _derived("total_visibility_hours", "float", "h", "Sum of the visibility periods."),
    _derived("visibility_period_count", "int", "", "Number of visibility periods."),
    _derived("max_visibility_period_hours", "float", "h", "Longest single visibility period."),
    _derived("elevation_range_deg", "float", "deg", "Maximum minus minimum altitude."),
    _derived("is_scheduled", "bool", "", "A scheduled period with start < stop exists."),
    _derived("scheduled_start_mjd", "float", "MJD", "If scheduled.", nullable=True),
    _derived("scheduled_stop_mjd", "float", "MJD", "If scheduled.", nullable=True),
    _derived("scheduled_hours", "float", "h", "Scheduled duration, if scheduled.", nullable=True),
    _derived("has_zero_visibility", "bool", "", "No visible time at all."),
)

VERDICT_COLUMNS: tuple[BlockColumn, ...] = (
    BlockColumn("is_impossible", "bool", "", False, Origin.RULES, "No scheduler could place it."),
)

TARGET_COLUMNS = tuple(column for column in FILE_COLUMNS if column.on_target)
"""File columns stored on the block's ``Target``."""
BLOCK_OWN_COLUMNS = tuple(
    column for column in FILE_COLUMNS if column.stored and not column.on_target
)
"""File columns stored as fields of ``SchedulingBlock`` itself."""

ANALYTICS_COLUMNS: tuple[BlockColumn, ...] = (
    *(column for column in FILE_COLUMNS if column.in_analytics),
    *DERIVED_COLUMNS,
    *VERDICT_COLUMNS,
)
"""The columns of ``BlockAnalytics`` and of the analytics block frame, in this order."""


def columns_named(columns: tuple[BlockColumn, ...]) -> tuple[str, ...]:
    return tuple(column.name for column in columns)


def display_name(block_name: str, target_name: str) -> str:
    """How a block is named on every page: its own name, else its target's."""
    return block_name or target_name
