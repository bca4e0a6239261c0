"""A sample of targets for accuracy tests: spread in RA and Dec, with circumpolar and
never-rising ones at both La Palma and Paranal, altitude and azimuth limits (some through
north, some on targets whose azimuth turns back) and a few fixed windows."""

from __future__ import annotations

import numpy as np

from schedules.sky.visibility import visibility_windows

SECONDS_PER_DAY = 86400.0


def sample_targets(span_start: float) -> dict[str, np.ndarray]:
    count = 26
    ra = np.arange(count) * (360.0 / count) + 3.0
    dec = np.array(
        [-88.0, -75.0, -60.0, -50.0, -40.0, -30.0, -24.0, -15.0, -5.0, 0.0, 5.0, 12.0, 20.0,
         25.0, 28.0, 33.0, 40.0, 50.0, 60.0, 70.0, 75.0, 85.0, -10.0, 15.0, -28.0, 45.0]
    )  # fmt: skip
    min_alt = np.tile([20.0, 30.0, 25.0, 40.0, 35.0], 6)[:count]
    # −88° is circumpolar at Paranal and +85° at La Palma only with a 20° floor.
    min_alt[[0, 21]] = 20.0
    max_alt = np.full(count, 90.0)
    max_alt[[13, 14, 6]] = [80.0, 85.0, 82.0]
    min_az = np.zeros(count)
    max_az = np.full(count, 360.0)
    restricted = {
        2: (120.0, 240.0),
        7: (30.0, 160.0),
        10: (200.0, 330.0),
        16: (300.0, 60.0),  # through north
        19: (350.0, 40.0),  # a high target whose azimuth turns back near north
        21: (355.0, 5.0),  # circles the pole at La Palma
        23: (90.0, 270.0),
        25: (0.0, 180.0),
    }
    for row, (low, high) in restricted.items():
        min_az[row], max_az[row] = low, high
    fixed_start = np.full(count, np.nan)
    fixed_stop = np.full(count, np.nan)
    fixed_start[[3, 9, 12]] = span_start + np.array([2.3, 0.0, 5.6])
    fixed_stop[[3, 9, 12]] = span_start + np.array([8.71, 4.2, 30.0])
    fixed_stop[17] = span_start + 6.4  # open start
    min_observation = np.full(count, 300.0)
    min_observation[[4, 8]] = 1800.0
    return {
        "ra_deg": ra,
        "dec_deg": dec,
        "min_alt_deg": min_alt,
        "max_alt_deg": max_alt,
        "min_az_deg": min_az,
        "max_az_deg": max_az,
        "fixed_start_mjd": fixed_start,
        "fixed_stop_mjd": fixed_stop,
        "min_observation_s": min_observation,
    }


def our_windows(site, dark: np.ndarray, targets: dict[str, np.ndarray]) -> list[np.ndarray]:
    offsets, periods = visibility_windows(site, dark, **targets)
    return [periods[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
