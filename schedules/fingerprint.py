"""The structure of the problem a schedule answers (DESIGN §14): its site, its period, and the
set of its blocks with their constraints. Schedules with equal fingerprints are runs of one
problem (different algorithms, weights or seeds) and are compared as an environment.

Priorities, scheduled periods and visibility are left out: they are what runs differ in, or
follow from the site and the constraints. Numbers are rounded first, so a round trip through
a file does not change the fingerprint.
"""

from __future__ import annotations

import hashlib

import numpy as np

from schedules.schedule_data import ScheduleData

DECIMALS = 6  # degrees and days: 0.004″ and 0.09 s
CONSTRAINT_COLUMNS = (
    "ra_deg",
    "dec_deg",
    "requested_duration_s",
    "min_observation_s",
    "min_alt_deg",
    "max_alt_deg",
    "min_az_deg",
    "max_az_deg",
    "fixed_start_mjd",
    "fixed_stop_mjd",
)


def structure_fingerprint(data: ScheduleData) -> str:
    """SHA-256 of the site, the period and the blocks' ids and constraints, in id order."""
    digest = hashlib.sha256(b"tsi-structure-v1\x00")
    location = data.location
    site = [location.lat_deg, location.lon_deg, location.height_m] if location else [np.nan] * 3
    period = [data.period_start_mjd, data.period_end_mjd]
    digest.update(_canonical(np.array([*site, *period], dtype=np.float64)))
    order = np.argsort(np.array(data.source_ids, dtype=object).astype(str), kind="stable")
    for index in order.tolist():
        encoded = data.source_ids[index].encode()
        digest.update(len(encoded).to_bytes(8, "little") + encoded)
    columns = np.column_stack([getattr(data, name) for name in CONSTRAINT_COLUMNS])
    digest.update(_canonical(columns[order]))
    return digest.hexdigest()


def _canonical(values: np.ndarray) -> bytes:
    rounded = np.round(np.asarray(values, dtype=np.float64), DECIMALS) + 0.0
    return np.where(np.isnan(rounded), np.nan, rounded).astype("<f8").tobytes()
