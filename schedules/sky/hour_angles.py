"""Closed-form hour-angle sets: where, over one turn of the sky, a target is inside its
altitude and azimuth limits. Pure numpy; no astropy, no sampling.

With latitude φ, declination δ and hour angle H (refraction ignored):

- altitude: sin h = sin φ sin δ + cos φ cos δ cos H, so a limit h is reached at
  cos H = (sin h − sin φ sin δ) / (cos φ cos δ); no solution means always above or never;
- azimuth (from north through east): cos h sin A = −cos δ sin H and
  cos h cos A = cos φ sin δ − sin φ cos δ cos H, so A = a where
  sin a sin φ cos δ cos H − cos a cos δ sin H = sin a cos φ sin δ, i.e. R cos(H − ψ) = K.

With altitude limits only, the allowed set is H₂ ≤ |H| ≤ H₁ straight from those roots. With
an azimuth range too, the roots of every limit cut (−π, π] into at most nine arcs; inside
each arc every limit is either met or not, so testing the arc's midpoint classifies it
exactly. That covers the awkward cases (circumpolar, never rising, stars whose azimuth turns
back near the pole, azimuth ranges through north) without special-casing any of them.
"""

from __future__ import annotations

import math

import numpy as np

PI = math.pi
TWO_PI = 2.0 * math.pi
# Ten microseconds of time: closer than this, two hour angles are the same instant.
_TOUCHING_RAD = 1e-9


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
    az_low, az_width, restricted = azimuth_ranges(min_az, max_az)
    if not restricted.any():
        return _altitude_pieces(lat_deg, dec, min_alt, max_alt)

    # Most rows have altitude limits only and take the short road; the rest are split into
    # arcs. Pieces are then put back in row order.
    plain = np.flatnonzero(~restricted)
    turned = np.flatnonzero(restricted)
    plain_counts, plain_low, plain_high = _altitude_pieces(
        lat_deg, dec[plain], min_alt[plain], max_alt[plain]
    )
    turned_counts, turned_low, turned_high = _arc_pieces(
        lat_deg, dec[turned], min_alt[turned], max_alt[turned], az_low[turned], az_width[turned]
    )
    counts = np.zeros(rows, dtype=np.int64)
    counts[plain], counts[turned] = plain_counts, turned_counts
    owner = np.concatenate((np.repeat(plain, plain_counts), np.repeat(turned, turned_counts)))
    order = np.argsort(owner, kind="stable")
    return (
        counts,
        np.concatenate((plain_low, turned_low))[order],
        np.concatenate((plain_high, turned_high))[order],
    )


def _altitude_pieces(
    lat_deg: float, dec: np.ndarray, min_alt: np.ndarray, max_alt: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Altitude limits only: above ``min_alt`` for |H| ≤ H₁, above ``max_alt`` for |H| < H₂,
    so the pieces are [−H₁, −H₂] and [H₂, H₁], one piece when H₂ = 0, none when H₂ ≥ H₁."""
    sin_lat, cos_lat = math.sin(math.radians(lat_deg)), math.cos(math.radians(lat_deg))
    sin_dec, cos_dec = np.sin(dec), np.cos(dec)
    with np.errstate(divide="ignore", invalid="ignore"):
        cos_low = (np.sin(np.radians(min_alt)) - sin_lat * sin_dec) / (cos_lat * cos_dec)
        cos_high = (np.sin(np.radians(max_alt)) - sin_lat * sin_dec) / (cos_lat * cos_dec)
    # At the pole (cos δ = 0) the altitude is the latitude at every hour angle.
    pole_alt = np.degrees(np.arcsin(np.clip(sin_lat * sin_dec, -1.0, 1.0)))
    at_pole = ~np.isfinite(cos_low) | ~np.isfinite(cos_high)
    cos_low = np.where(at_pole, np.where(pole_alt >= min_alt, -1.0, 2.0), cos_low)
    cos_high = np.where(at_pole, np.where(pole_alt > max_alt, -2.0, 1.0), cos_high)
    # cos H ≤ −1: always above the limit (H = π); cos H > 1: never (NaN, no piece).
    reach = np.where(cos_low > 1.0, np.nan, np.arccos(np.clip(cos_low, -1.0, 1.0)))
    # Above the maximum for |H| < H₂: never (H₂ = 0) or always (H₂ = π, nothing left).
    barred = np.arccos(np.clip(cos_high, -1.0, 1.0))
    some = reach > barred
    split = some & (barred > 0.0)
    counts = np.where(split, 2, some.astype(np.int64))
    first_high = np.where(split, -barred, reach)
    low = np.column_stack((-reach, barred))
    high = np.column_stack((first_high, reach))
    keep = np.column_stack((some, split))
    return counts, low[keep], high[keep]


def _arc_pieces(
    lat_deg: float,
    dec: np.ndarray,
    min_alt: np.ndarray,
    max_alt: np.ndarray,
    az_low: np.ndarray,
    az_width: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Altitude and azimuth limits: the roots of every limit cut (−π, π] into arcs, and each
    arc's midpoint says whether the whole arc is in."""
    rows = dec.shape[0]
    sin_lat, cos_lat = math.sin(math.radians(lat_deg)), math.cos(math.radians(lat_deg))
    sin_dec, cos_dec = np.sin(dec), np.cos(dec)
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
            breaks[:, column] = wrap(psi - spread)
            breaks[:, column + 1] = wrap(psi + spread)
    breaks = np.sort(np.where(np.isnan(breaks), PI, breaks), axis=1)

    middle = 0.5 * (breaks[:, :-1] + breaks[:, 1:])
    cos_mid = np.cos(middle)
    sin_alt = sin_lat * sin_dec[:, None] + cos_lat * cos_dec[:, None] * cos_mid
    allowed = (sin_alt >= np.sin(np.radians(min_alt))[:, None]) & (
        sin_alt <= np.sin(np.radians(max_alt))[:, None]
    )
    allowed &= breaks[:, 1:] > breaks[:, :-1]
    north = cos_lat * sin_dec[:, None] - sin_lat * cos_dec[:, None] * cos_mid
    east = -cos_dec[:, None] * np.sin(middle)
    azimuth = np.arctan2(east, north)
    allowed &= np.mod(azimuth - az_low[:, None], TWO_PI) <= az_width[:, None]

    before = np.zeros((rows, 1), dtype=bool)
    opens = allowed & ~np.concatenate((before, allowed[:, :-1]), axis=1)
    closes = allowed & ~np.concatenate((allowed[:, 1:], before), axis=1)
    return _join_touching(opens.sum(axis=1), breaks[:, :-1][opens], breaks[:, 1:][closes])


def _join_touching(
    counts: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pieces of one row that touch are one piece: two roots a rounding error apart (a
    target rising exactly at an azimuth limit) leave an empty arc between them."""
    row = np.repeat(np.arange(len(counts)), counts)
    touches = (row[1:] == row[:-1]) & (low[1:] - high[:-1] <= _TOUCHING_RAD)
    opens = np.concatenate(([True], ~touches)) if len(row) else np.zeros(0, dtype=bool)
    closes = np.concatenate((~touches, [True])) if len(row) else np.zeros(0, dtype=bool)
    return np.bincount(row[opens], minlength=len(counts)), low[opens], high[closes]


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
    """Angles folded into [−π, π] (cheaper than a floating modulo)."""
    return angle - TWO_PI * np.rint(angle / TWO_PI)
