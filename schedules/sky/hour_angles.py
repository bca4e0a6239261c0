"""Closed-form hour-angle sets: where, over one turn of the sky, a target is inside its
altitude and azimuth limits. Pure numpy; no astropy, no sampling.

With latitude φ, declination δ and hour angle H (refraction ignored):

- altitude: sin h = sin φ sin δ + cos φ cos δ cos H, so a limit h is reached at
  cos H = (sin h − sin φ sin δ) / (cos φ cos δ); no solution means always above or never;
- azimuth (from north through east): cos h sin A = −cos δ sin H and
  cos h cos A = cos φ sin δ − sin φ cos δ cos H, so A = a where
  sin a sin φ cos δ cos H − cos a cos δ sin H = sin a cos φ sin δ, i.e. R cos(H − ψ) = K.

Those roots cut (−π, π] into at most nine arcs; inside each arc every limit is either met
or not, so testing the arc's midpoint classifies it exactly. That covers the awkward cases
(circumpolar, never rising, stars whose azimuth turns back near the pole, azimuth ranges
through north) without special-casing any of them.
"""

from __future__ import annotations

import math

import numpy as np

PI = math.pi
TWO_PI = 2.0 * math.pi


def allowed_hour_angles(
    lat_deg: float,
    dec_rad: np.ndarray,
    min_alt_deg: np.ndarray,
    max_alt_deg: np.ndarray,
    min_az_deg: np.ndarray,
    max_az_deg: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hour-angle pieces in [−π, π] (radians, 0 = upper transit) where each row's target meets
    its limits: returns ``(counts, low, high)``; row ``r`` owns the next ``counts[r]`` pieces.

    An azimuth range is restricted unless it spans 360° or more, or is empty (min = max) or
    NaN; ``min_az > max_az`` means the range through north. Limits are inclusive.
    """
    dec = np.asarray(dec_rad, dtype=np.float64)
    rows = dec.shape[0]
    min_alt, max_alt, min_az, max_az = (
        np.broadcast_to(np.asarray(v, dtype=np.float64), (rows,))
        for v in (min_alt_deg, max_alt_deg, min_az_deg, max_az_deg)
    )
    sin_lat, cos_lat = math.sin(math.radians(lat_deg)), math.cos(math.radians(lat_deg))
    sin_dec, cos_dec = np.sin(dec), np.cos(dec)
    az_low, az_width, restricted = azimuth_ranges(min_az, max_az)

    breaks = np.full((rows, 10), PI)
    breaks[:, 0] = -PI
    with np.errstate(divide="ignore", invalid="ignore"):
        for column, limit in ((1, min_alt), (3, max_alt)):
            cos_h = (np.sin(np.radians(limit)) - sin_lat * sin_dec) / (cos_lat * cos_dec)
            root = np.arccos(cos_h)
            breaks[:, column], breaks[:, column + 1] = -root, root
        for column, azimuth in ((5, az_low), (7, az_low + az_width)):
            sin_a, cos_a = np.sin(azimuth), np.cos(azimuth)
            p = sin_a * sin_lat * cos_dec
            q = -cos_a * cos_dec
            k = sin_a * cos_lat * sin_dec
            psi = np.arctan2(q, p)
            spread = np.arccos(k / np.hypot(p, q))
            for offset, sign in ((0, -1.0), (1, 1.0)):
                root = np.where(restricted, wrap(psi + sign * spread), np.nan)
                breaks[:, column + offset] = root
    breaks = np.sort(np.where(np.isnan(breaks), PI, breaks), axis=1)

    middle = 0.5 * (breaks[:, :-1] + breaks[:, 1:])
    cos_mid = np.cos(middle)
    sin_alt = sin_lat * sin_dec[:, None] + cos_lat * cos_dec[:, None] * cos_mid
    allowed = (sin_alt >= np.sin(np.radians(min_alt))[:, None]) & (
        sin_alt <= np.sin(np.radians(max_alt))[:, None]
    )
    allowed &= breaks[:, 1:] > breaks[:, :-1]
    if restricted.any():
        north = cos_lat * sin_dec[:, None] - sin_lat * cos_dec[:, None] * cos_mid
        east = -cos_dec[:, None] * np.sin(middle)
        azimuth = np.arctan2(east, north)
        inside = np.mod(azimuth - az_low[:, None], TWO_PI) <= az_width[:, None]
        allowed &= inside | ~restricted[:, None]

    before = np.zeros((rows, 1), dtype=bool)
    opens = allowed & ~np.concatenate((before, allowed[:, :-1]), axis=1)
    closes = allowed & ~np.concatenate((allowed[:, 1:], before), axis=1)
    return opens.sum(axis=1), breaks[:, :-1][opens], breaks[:, 1:][closes]


def azimuth_ranges(
    min_az_deg: np.ndarray, max_az_deg: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(start_rad, width_rad, restricted)`` of each azimuth range, measured eastwards."""
    min_az = np.asarray(min_az_deg, dtype=np.float64)
    max_az = np.asarray(max_az_deg, dtype=np.float64)
    span = max_az - min_az
    restricted = np.isfinite(span) & (np.abs(span) < 360.0) & (span != 0.0)
    width = np.where(restricted, np.mod(span, 360.0), 360.0)
    start = np.where(restricted, np.mod(min_az, 360.0), 0.0)
    return np.radians(start), np.radians(width), restricted


def altitude_deg(lat_deg: float, dec_rad: np.ndarray, hour_angle_rad: np.ndarray) -> np.ndarray:
    """Altitude (degrees, no refraction) of a target at declination δ and hour angle H."""
    lat = math.radians(lat_deg)
    sin_alt = math.sin(lat) * np.sin(dec_rad) + math.cos(lat) * np.cos(dec_rad) * np.cos(
        hour_angle_rad
    )
    return np.degrees(np.arcsin(np.clip(sin_alt, -1.0, 1.0)))


def wrap(angle: np.ndarray) -> np.ndarray:
    """Angles folded into (−π, π]."""
    return PI - np.mod(PI - angle, TWO_PI)
