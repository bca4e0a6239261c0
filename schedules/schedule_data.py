"""The normalised, in-memory form of a schedule: one numpy column per block field.

Every input format parses into a :class:`ScheduleData`; the transform, the loader, the
checksum and the native export all work on it, so they never care which format came in. Its
columns are the file columns of ``schedules.block_schema``.
Missing optional values are NaN in float columns (fixed window, scheduled period).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from schedules.block_schema import FILE_COLUMNS

# In schema order: the checksum hashes the columns in this order.
STRING_COLUMNS = tuple(column.attribute for column in FILE_COLUMNS if column.kind == "str")
FLOAT_COLUMNS = tuple(column.attribute for column in FILE_COLUMNS if column.kind == "float")


class SourceFormat:
    RAW = "raw"
    SNAKE_CASE = "snake_case"
    NATIVE = "native"
    CHOICES = ((RAW, "Raw telescope"), (SNAKE_CASE, "Snake-case blocks"), (NATIVE, "Native"))


@dataclass(frozen=True, slots=True)
class Location:
    lat_deg: float
    lon_deg: float
    height_m: float


def empty_periods() -> np.ndarray:
    return np.empty((0, 2), dtype=np.float64)


@dataclass(eq=False)
class ScheduleData:
    """Column arrays of one schedule; row ``i`` of every column is block ``i``.

    ``visibility_periods`` holds every block's periods back to back as an ``(m, 2)`` array of
    ``[start, stop]`` MJD; block ``i`` owns rows ``visibility_offsets[i]:visibility_offsets[i+1]``.
    """

    source_format: str
    name: str = ""
    source_ids: list[str] = field(default_factory=list)
    block_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    ra_deg: np.ndarray = field(default_factory=lambda: np.empty(0))
    dec_deg: np.ndarray = field(default_factory=lambda: np.empty(0))
    pm_ra_mas_per_year: np.ndarray = field(default_factory=lambda: np.empty(0))
    pm_dec_mas_per_year: np.ndarray = field(default_factory=lambda: np.empty(0))
    equinox: np.ndarray = field(default_factory=lambda: np.empty(0))
    priority: np.ndarray = field(default_factory=lambda: np.empty(0))
    requested_duration_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    min_observation_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    min_alt_deg: np.ndarray = field(default_factory=lambda: np.empty(0))
    max_alt_deg: np.ndarray = field(default_factory=lambda: np.empty(0))
    min_az_deg: np.ndarray = field(default_factory=lambda: np.empty(0))
    max_az_deg: np.ndarray = field(default_factory=lambda: np.empty(0))
    fixed_start_mjd: np.ndarray = field(default_factory=lambda: np.empty(0))
    fixed_stop_mjd: np.ndarray = field(default_factory=lambda: np.empty(0))
    scheduled_start_mjd: np.ndarray = field(default_factory=lambda: np.empty(0))
    scheduled_stop_mjd: np.ndarray = field(default_factory=lambda: np.empty(0))
    visibility_offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    visibility_periods: np.ndarray = field(default_factory=empty_periods)
    dark_periods: np.ndarray = field(default_factory=empty_periods)
    period_start_mjd: float | None = None
    period_end_mjd: float | None = None
    location: Location | None = None

    @property
    def block_count(self) -> int:
        return len(self.source_ids)

    def visibility_of(self, index: int) -> np.ndarray:
        """The ``(k, 2)`` visibility periods of block ``index`` (a view, not a copy)."""
        start, stop = self.visibility_offsets[index], self.visibility_offsets[index + 1]
        return self.visibility_periods[start:stop]

    def visibility_counts(self) -> np.ndarray:
        return np.diff(self.visibility_offsets)

    def checksum(self) -> str:
        """SHA-256 of the canonical content: every block field, visibility, dark periods,
        location and schedule period, in block order; the schedule name is not content."""
        digest = hashlib.sha256(b"tsi-schedule-content-v1\x00")
        digest.update(len(self.source_ids).to_bytes(8, "little"))
        for column in STRING_COLUMNS:
            for text in getattr(self, column):
                encoded = text.encode("utf-8")
                digest.update(len(encoded).to_bytes(8, "little"))
                digest.update(encoded)
        for column in FLOAT_COLUMNS:
            digest.update(_canonical_float_bytes(getattr(self, column)))
        digest.update(np.ascontiguousarray(self.visibility_offsets, dtype="<i8").tobytes())
        digest.update(_canonical_float_bytes(self.visibility_periods))
        digest.update(len(self.dark_periods).to_bytes(8, "little"))
        digest.update(_canonical_float_bytes(self.dark_periods))
        scalars = [self.period_start_mjd, self.period_end_mjd]
        if self.location is not None:
            scalars += [self.location.lat_deg, self.location.lon_deg, self.location.height_m]
        digest.update(b"L" if self.location is not None else b"-")
        digest.update(_canonical_float_bytes(np.array(scalars, dtype=np.float64)))
        return digest.hexdigest()


def _canonical_float_bytes(values: np.ndarray) -> bytes:
    # +0.0 folds -0.0 into 0.0; NaN (and None in object arrays) becomes one canonical bit pattern.
    array = np.asarray(values, dtype=np.float64) + 0.0
    array = np.where(np.isnan(array), np.nan, array)
    return np.ascontiguousarray(array, dtype="<f8").tobytes()
