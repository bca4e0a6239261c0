"""Demand against supply (DESIGN §13): how oversubscribed each night is, and where on the sky
the requested time lies.

A night is one merged operable period (the whole schedule period when there are no dark
periods). Each block spreads its requested hours over the nights in proportion to its visible
hours in each: raw visibility, merged so that overlapping rows count once, fixed windows
ignored. The share a block puts into a night is its visible hours that night over its total
visible hours, so visibility outside operable time takes its share of the request away with
it. Blocks without visibility add nothing; negative or NaN requests count as zero. A night's
pressure is that demand over the night's operable hours (above 1: more asked than the night
can give).

Per RA hour (24 bins of 15 degrees of the target's right ascension, wrapped into [0, 360)),
requested hours are split into scheduled and unscheduled; blocks without an RA are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.diagnostics.operable import Basis, OperableTime, UsableWindows
from schedules.block_metrics import SECONDS_PER_HOUR
from schedules.intervals import HOURS_PER_DAY
from schedules.schedule_data import ScheduleData

RA_HOURS = 24
DEGREES_PER_RA_HOUR = 15.0


@dataclass(frozen=True)
class Pressure:
    basis: Basis
    night_start_mjd: np.ndarray
    night_stop_mjd: np.ndarray
    night_operable_hours: np.ndarray
    night_demand_hours: np.ndarray
    night_pressure: np.ndarray
    ra_hour_scheduled_hours: np.ndarray
    ra_hour_unscheduled_hours: np.ndarray


def compute_pressure(
    data: ScheduleData,
    operable: OperableTime,
    windows: UsableWindows,
    is_scheduled: np.ndarray,
) -> Pressure:
    nights = operable.periods
    requested = np.nan_to_num(np.fmax(data.requested_duration_s, 0.0)) / SECONDS_PER_HOUR
    owner = np.repeat(np.arange(data.block_count), np.diff(windows.visible_offsets))
    piece_hours = (windows.visible[:, 1] - windows.visible[:, 0]) * HOURS_PER_DAY
    # Every piece's owner has visible hours >= the piece's, so the division is safe.
    share = piece_hours / windows.visibility_hours[owner]
    demand = np.bincount(
        windows.visible_night, weights=requested[owner] * share, minlength=len(nights)
    )
    operable_hours = (nights[:, 1] - nights[:, 0]) * HOURS_PER_DAY

    ra = np.asarray(data.ra_deg, dtype=np.float64)
    known = np.isfinite(ra)
    ra_hour = np.floor(np.mod(ra[known], 360.0) / DEGREES_PER_RA_HOUR).astype(np.int64)
    ra_hour = np.minimum(ra_hour, RA_HOURS - 1)  # mod can round up to exactly 360
    scheduled = is_scheduled[known]
    return Pressure(
        basis=operable.basis,
        night_start_mjd=nights[:, 0].copy(),
        night_stop_mjd=nights[:, 1].copy(),
        night_operable_hours=operable_hours,
        night_demand_hours=demand,
        night_pressure=demand / operable_hours,
        ra_hour_scheduled_hours=np.bincount(
            ra_hour[scheduled], weights=requested[known][scheduled], minlength=RA_HOURS
        ),
        ra_hour_unscheduled_hours=np.bincount(
            ra_hour[~scheduled], weights=requested[known][~scheduled], minlength=RA_HOURS
        ),
    )
