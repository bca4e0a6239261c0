"""Computed visibility: for each block, the dark time during which its target is inside the
altitude and azimuth limits and the fixed window, in windows at least the minimum
observation long (DESIGN §12).

The work grows with blocks × nights, not with blocks × minutes:

1. astropy gives each target's CIRS place at epochs a few days apart (``apparent_places``)
   and the local Earth rotation angle once a day (``EarthRotation``);
2. the hour angles inside the limits are solved in closed form per block and epoch
   (``allowed_hour_angles``), as pieces of one turn around the upper transit;
3. every transit of every block over the dark span is found from the rotation angle, and
   each piece becomes a time window ``transit + H / ω``;
4. the windows are cut by the fixed windows and the dark periods, merged where they touch
   (circumpolar targets across lower culmination) and filtered by minimum length.

Refraction is ignored: limits apply to the geometric altitude.
"""

from __future__ import annotations

import math

import numpy as np

from schedules.intervals import merge_grouped_periods, merge_periods
from schedules.schedule_data import ScheduleData
from schedules.sky.astrometry import (
    EARTH_ROTATION_RAD_PER_DAY,
    SIDEREAL_DAY,
    EarthRotation,
    apparent_places,
    epochs_covering,
)
from schedules.sky.hour_angles import allowed_hour_angles, wrap
from schedules.sky.periods import intersect_with_periods, ramp
from schedules.sky.sites import Site

SECONDS_PER_DAY = 86400.0
# A target's CIRS place moves by a few arcseconds a week (aberration, precession); the
# right ascension and the hour-angle limits are interpolated linearly between epochs, which
# keeps window edges well inside a second.
EPOCH_SPACING_DAYS = 8.0
# Pieces reaching ±π (lower culmination) are stretched by a second so that the windows of
# consecutive transits overlap and merge instead of leaving a rounding gap.
_SEAM = EARTH_ROTATION_RAD_PER_DAY / SECONDS_PER_DAY
# Blocks × transits arrays outgrow the caches: 25,000 blocks over a year take three times as
# long in one pass as in passes of this many.
BLOCKS_PER_PASS = 2048


def visibility_windows(
    site: Site,
    dark_periods: np.ndarray,
    *,
    ra_deg: np.ndarray,
    dec_deg: np.ndarray,
    min_alt_deg: np.ndarray,
    max_alt_deg: np.ndarray,
    min_az_deg: np.ndarray,
    max_az_deg: np.ndarray,
    fixed_start_mjd: np.ndarray,
    fixed_stop_mjd: np.ndarray,
    min_observation_s: np.ndarray,
    pm_ra_mas_per_year: np.ndarray | None = None,
    pm_dec_mas_per_year: np.ndarray | None = None,
    equinox: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Visibility of every block as ``(offsets, periods)`` in the ``ScheduleData`` layout:
    block ``i`` owns ``periods[offsets[i]:offsets[i+1]]``, sorted ``[start, stop]`` MJD rows.

    Arrays are per block; NaN fixed-window edges are open; NaN minimum observation is zero.
    """
    ra = np.asarray(ra_deg, dtype=np.float64)
    blocks = len(ra)
    if blocks > BLOCKS_PER_PASS:
        return _in_passes(
            site,
            dark_periods,
            ra_deg=ra,
            dec_deg=dec_deg,
            min_alt_deg=min_alt_deg,
            max_alt_deg=max_alt_deg,
            min_az_deg=min_az_deg,
            max_az_deg=max_az_deg,
            fixed_start_mjd=fixed_start_mjd,
            fixed_stop_mjd=fixed_stop_mjd,
            min_observation_s=min_observation_s,
            pm_ra_mas_per_year=pm_ra_mas_per_year,
            pm_dec_mas_per_year=pm_dec_mas_per_year,
            equinox=equinox,
        )
    dark = merge_periods(dark_periods)
    dark = dark[dark[:, 1] > dark[:, 0]]
    if blocks == 0 or not len(dark):
        return np.zeros(blocks + 1, dtype=np.int64), np.empty((0, 2))

    span_start, span_end = float(dark[0, 0]), float(dark[-1, 1])
    epochs = epochs_covering(span_start, span_end, EPOCH_SPACING_DAYS)
    alpha, delta = apparent_places(
        ra,
        dec_deg,
        epochs,
        pm_ra_mas_per_year=pm_ra_mas_per_year,
        pm_dec_mas_per_year=pm_dec_mas_per_year,
        equinox=equinox,
    )
    alpha = np.unwrap(alpha, axis=1)
    rotation = EarthRotation(site, span_start - 1.0, span_end + 1.0)
    epoch_count = len(epochs)

    counts, low, high = allowed_hour_angles(
        site.lat_deg,
        delta.ravel(),
        *(
            np.repeat(np.asarray(limit, dtype=np.float64), epoch_count)
            for limit in (min_alt_deg, max_alt_deg, min_az_deg, max_az_deg)
        ),
    )
    low = np.where(low <= -math.pi, low - _SEAM, low)
    high = np.where(high >= math.pi, high + _SEAM, high)
    first_piece = np.cumsum(counts) - counts

    transit, left, fraction = _transits(alpha, epochs, rotation, span_start, span_end)
    # Hour-angle limits move with the declination: interpolate them between the two epochs
    # around each transit when both have the same pieces, else take the nearer epoch's.
    row_left = (np.arange(blocks)[:, None] * epoch_count + left).ravel()
    row_right = row_left + 1
    fraction = np.clip(fraction.ravel(), 0.0, 1.0)
    same = counts[row_left] == counts[row_right]
    row = np.where(same | (fraction < 0.5), row_left, row_right)
    pieces_per_transit = counts[row]
    owner = np.repeat(np.arange(row.size), pieces_per_transit)
    position = ramp(pieces_per_transit)
    piece = first_piece[row][owner] + position
    other = np.where(same[owner], first_piece[row_right][owner] + position, piece)
    weight = np.where(row[owner] == row_left[owner], fraction[owner], 0.0)
    piece_low = low[piece] + weight * (low[other] - low[piece])
    piece_high = high[piece] + weight * (high[other] - high[piece])
    block = owner // transit.shape[1]
    at = transit.ravel()[owner]
    start = at + piece_low / EARTH_ROTATION_RAD_PER_DAY
    stop = at + piece_high / EARTH_ROTATION_RAD_PER_DAY

    start = np.fmax(start, np.asarray(fixed_start_mjd, dtype=np.float64)[block])
    stop = np.fmin(stop, np.asarray(fixed_stop_mjd, dtype=np.float64)[block])
    inside = stop > start
    window, start, stop = intersect_with_periods(start[inside], stop[inside], dark)
    block = block[inside][window]

    merged, offsets = merge_grouped_periods(np.column_stack((start, stop)), _offsets(block, blocks))
    merged_block = np.repeat(np.arange(blocks), np.diff(offsets))
    shortest = np.nan_to_num(np.asarray(min_observation_s, dtype=np.float64), nan=0.0)
    long_enough = merged[:, 1] - merged[:, 0] >= shortest[merged_block] / SECONDS_PER_DAY
    return _offsets(merged_block[long_enough], blocks), merged[long_enough]


def _in_passes(
    site: Site, dark_periods: np.ndarray, **columns: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """``visibility_windows`` over ``BLOCKS_PER_PASS`` blocks at a time; every block's windows
    are the same as in one pass (epochs and rotation follow the dark periods alone)."""
    blocks = len(columns["ra_deg"])
    counts, parts = [np.zeros(1, dtype=np.int64)], []
    for low in range(0, blocks, BLOCKS_PER_PASS):
        rows = slice(low, low + BLOCKS_PER_PASS)
        offsets, periods = visibility_windows(
            site,
            dark_periods,
            **{
                name: None if values is None else np.asarray(values, dtype=np.float64)[rows]
                for name, values in columns.items()
            },
        )
        counts.append(np.diff(offsets))
        parts.append(periods)
    return np.cumsum(np.concatenate(counts)), np.concatenate(parts)


def schedule_visibility(
    data: ScheduleData, site: Site, dark_periods: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``visibility_windows`` for a whole schedule, inside ``dark_periods`` (default: the
    schedule's own), as ``(visibility_offsets, visibility_periods)``."""
    return visibility_windows(
        site,
        data.dark_periods if dark_periods is None else dark_periods,
        ra_deg=data.ra_deg,
        dec_deg=data.dec_deg,
        min_alt_deg=data.min_alt_deg,
        max_alt_deg=data.max_alt_deg,
        min_az_deg=data.min_az_deg,
        max_az_deg=data.max_az_deg,
        fixed_start_mjd=data.fixed_start_mjd,
        fixed_stop_mjd=data.fixed_stop_mjd,
        min_observation_s=data.min_observation_s,
        pm_ra_mas_per_year=data.pm_ra_mas_per_year,
        pm_dec_mas_per_year=data.pm_dec_mas_per_year,
        equinox=data.equinox,
    )


def _transits(
    alpha: np.ndarray,
    epochs: np.ndarray,
    rotation: EarthRotation,
    span_start: float,
    span_end: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper transits of every target covering the span (``(blocks, transits)`` MJD), with
    the epoch before each and the fraction of the way to the next."""
    count = math.ceil((span_end - span_start) / SIDEREAL_DAY) + 2
    angle_at_start = rotation.angle(np.array([span_start]))[0]
    first = span_start + wrap(alpha[:, 0] - angle_at_start) / EARTH_ROTATION_RAD_PER_DAY
    guess = first[:, None] + SIDEREAL_DAY * np.arange(count)[None, :]

    # Right ascension at the guess, linear between epochs, then one correction step: the
    # guess is already within seconds, so the wrapped residual picks the right transit.
    step = epochs[1] - epochs[0]
    left = np.clip(((guess - epochs[0]) // step).astype(np.int64), 0, len(epochs) - 2)
    fraction = (guess - epochs[left]) / step
    alpha_left = np.take_along_axis(alpha, left, axis=1)
    alpha_right = np.take_along_axis(alpha, left + 1, axis=1)
    alpha_at = alpha_left + fraction * (alpha_right - alpha_left)
    transit = guess + wrap(alpha_at - rotation.angle(guess)) / EARTH_ROTATION_RAD_PER_DAY
    return transit, left, fraction


def _offsets(owner: np.ndarray, groups: int) -> np.ndarray:
    offsets = np.zeros(groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=groups), out=offsets[1:])
    return offsets
