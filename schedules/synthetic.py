"""Synthetic schedules shaped like the real ones, for demos, tests and benchmarks.

The real schedules cannot be shipped, so this builds look-alikes with the same sizes and
quirks: ten-digit block ids, targets shared by several blocks, skewed priorities, visibility
seasons that follow each target's right ascension, some blocks that can never be observed,
and a greedy, priority-driven set of non-overlapping scheduled periods. Everything follows
from the seed, so a given call always yields the same schedule (and checksum).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from schedules.schedule_data import Location, ScheduleData, SourceFormat, empty_periods

ORM_LIKE_SITE = Location(lat_deg=28.7618, lon_deg=-17.8916, height_m=2423.0)
FIRST_BLOCK_ID = 1_000_000_000
SECONDS_PER_DAY = 86400.0

# Cheap solar, lunar and sidereal approximations: plausible nights, not an ephemeris.
MARCH_EQUINOX_MJD = 51623.8
TROPICAL_YEAR_DAYS = 365.2422
OBLIQUITY_DEG = 23.44
ASTRONOMICAL_TWILIGHT_DEG = -18.0
NEW_MOON_MJD = 51549.76
SYNODIC_MONTH_DAYS = 29.530589
SIDEREAL_DEG_PER_DAY = 360.98564736629
GMST_AT_J2000_DEG = 280.46061837
J2000_MJD = 51544.5
SHORTEST_DARK_PERIOD_DAYS = 60.0 / SECONDS_PER_DAY

ZERO_VISIBILITY_SHARE = 0.03
STARVED_SHARE = 0.05
FIXED_WINDOW_SHARE = 0.05
FULL_ARC_MIN_OBSERVATION_SHARE = 0.75
RESTRICTED_AZIMUTH_SHARE = 0.08
BLOCKS_PER_TARGET = 8
PAIRS_PER_CHUNK = 1 << 20
# Times are kept to a microday (0.09 s) and angles to a microdegree: finer digits mean
# nothing here, and rounding keeps the output identical on machines whose trigonometric
# functions differ in the last bit.
DECIMALS = 6


def generated_nights(
    start_mjd: float, days: int, lat_deg: float, lon_deg: float = 0.0
) -> np.ndarray:
    """Dark windows (sun below -18 deg, moon down) over ``[start_mjd, start_mjd + days]``.

    Night length follows the season from the sun's declination at ``lat_deg``; the moon is
    taken as up for twelve hours around a transit that drifts through the synodic month, so
    dark time shrinks towards full moon and vanishes around it, as in real dark-period files.
    Returns a sorted ``(k, 2)`` array of ``[start, stop]`` MJD.
    """
    end_mjd = start_mjd + days
    evenings = np.arange(math.floor(start_mjd) - 1, math.ceil(end_mjd) + 1, dtype=np.float64)
    local_midnight = evenings + 1.0 - lon_deg / 360.0
    season = 2.0 * np.pi * (local_midnight - MARCH_EQUINOX_MJD) / TROPICAL_YEAR_DAYS
    sun_dec = np.radians(OBLIQUITY_DEG) * np.sin(season)
    lat = np.radians(lat_deg)
    cos_twilight_hour_angle = (
        np.sin(np.radians(ASTRONOMICAL_TWILIGHT_DEG)) - np.sin(lat) * np.sin(sun_dec)
    ) / (np.cos(lat) * np.cos(sun_dec))
    twilight_hour_angle = np.arccos(np.clip(cos_twilight_hour_angle, -1.0, 1.0))
    half_night = (np.pi - twilight_hour_angle) / (2.0 * np.pi)
    night_start, night_stop = local_midnight - half_night, local_midnight + half_night

    moon_phase = np.mod((local_midnight - NEW_MOON_MJD) / SYNODIC_MONTH_DAYS, 1.0)
    moon_transit = local_midnight - 0.5 + moon_phase
    pieces = [
        np.column_stack([np.maximum(night_start, moon_set), np.minimum(night_stop, moon_set + 0.5)])
        for moon_set in (moon_transit + 0.25, moon_transit - 0.75)
    ]
    dark = np.clip(np.concatenate(pieces), start_mjd, end_mjd)
    dark = dark[dark[:, 1] - dark[:, 0] >= SHORTEST_DARK_PERIOD_DAYS]
    dark[:, 0], dark[:, 1] = _rounded_inwards(dark[:, 0], dark[:, 1])
    return dark[np.argsort(dark[:, 0], kind="stable")]


def generate_schedule_data(
    *,
    blocks: int,
    periods_per_block: int,
    seed: int,
    dark_periods: np.ndarray | None = None,
    location: Location | None = None,
    start_mjd: float = 61771.0,
    days: int = 366,
    name: str = "",
    schedule_period: tuple[float, float] | None = None,
) -> ScheduleData:
    """A reproducible schedule of ``blocks`` blocks with about ``periods_per_block``
    visibility periods each.

    Visibility lies inside ``dark_periods`` (generated nights for ``location`` over
    ``days`` from ``start_mjd`` when not given); the schedule period is
    ``schedule_period`` or else the span of the dark periods.
    """
    if blocks < 0 or periods_per_block < 0:
        raise ValueError("blocks and periods_per_block must not be negative")
    rng = np.random.default_rng(seed)
    site = location or ORM_LIKE_SITE
    if dark_periods is None:
        nights = generated_nights(start_mjd, days, site.lat_deg, site.lon_deg)
    else:
        nights = merged_periods(dark_periods)
    if schedule_period is None and len(nights):
        schedule_period = (float(nights[0, 0]), float(nights[-1, 1]))

    ids = FIRST_BLOCK_ID + np.sort(rng.choice(4 * max(blocks, 1), size=blocks, replace=False))
    target_count = max(1, math.ceil(blocks / BLOCKS_PER_TARGET))
    target_ra, target_dec = _sky_positions(rng, target_count, site.lat_deg)
    # Popular targets are requested many times, most only once or twice.
    popularity = 1.0 / np.arange(1, target_count + 1) ** 0.8
    target_of_block = rng.choice(target_count, size=blocks, p=popularity / popularity.sum())
    ra, dec = target_ra[target_of_block], target_dec[target_of_block]
    target_names = [f"T{index + 1}" for index in target_of_block.tolist()]

    constraints = _constraints(rng, blocks)
    roles = rng.permutation(blocks)
    zero_count = round(ZERO_VISIBILITY_SHARE * blocks)
    starved_count = round(STARVED_SHARE * blocks)
    fixed_count = round(FIXED_WINDOW_SHARE * blocks) if len(nights) else 0
    zero_visibility = roles[:zero_count]
    starved = roles[zero_count : zero_count + starved_count]
    fixed = roles[zero_count + starved_count : zero_count + starved_count + fixed_count]

    fixed_start = np.full(blocks, np.nan)
    fixed_stop = np.full(blocks, np.nan)
    window_nights = rng.integers(0, max(len(nights), 1), size=fixed_count)
    fixed_start[fixed] = np.floor(nights[window_nights, 0])
    fixed_stop[fixed] = fixed_start[fixed] + rng.integers(2, 8, size=fixed_count)

    counts = np.rint(periods_per_block * rng.uniform(0.7, 1.3, size=blocks)).astype(np.int64)
    counts[zero_visibility] = 0
    starved_scale = np.ones(blocks)
    starved_scale[starved] = rng.uniform(0.3, 0.9, size=starved_count)
    offsets, periods = _visibility(
        nights=nights,
        counts=counts,
        ra=ra,
        dec=dec,
        min_alt=constraints["min_alt_deg"],
        fixed_start=fixed_start,
        fixed_stop=fixed_stop,
        longest_allowed=np.where(
            starved_scale < 1.0,
            starved_scale * constraints["min_observation_s"] / SECONDS_PER_DAY,
            np.inf,
        ),
        site=site,
    )
    scheduled_start, scheduled_stop = _greedy_schedule(
        rng,
        priority=constraints["priority"],
        requested_days=constraints["requested_duration_s"] / SECONDS_PER_DAY,
        offsets=offsets,
        periods=periods,
    )
    return ScheduleData(
        source_format=SourceFormat.NATIVE,
        name=name,
        source_ids=[str(block_id) for block_id in ids.tolist()],
        # Like the telescope software, which names targets but not blocks.
        block_names=[""] * blocks,
        target_names=target_names,
        ra_deg=ra,
        dec_deg=dec,
        pm_ra_mas_per_year=np.zeros(blocks),
        pm_dec_mas_per_year=np.zeros(blocks),
        equinox=np.full(blocks, 2000.0),
        fixed_start_mjd=fixed_start,
        fixed_stop_mjd=fixed_stop,
        scheduled_start_mjd=scheduled_start,
        scheduled_stop_mjd=scheduled_stop,
        visibility_offsets=offsets,
        visibility_periods=periods,
        dark_periods=nights,
        period_start_mjd=None if schedule_period is None else schedule_period[0],
        period_end_mjd=None if schedule_period is None else schedule_period[1],
        location=site,
        **constraints,
    )


def merged_periods(periods: np.ndarray) -> np.ndarray:
    """``periods`` sorted, with empty ones dropped and overlapping ones merged, so that
    "inside one dark period" is well defined whatever file they came from."""
    periods = np.asarray(periods, dtype=np.float64).reshape(-1, 2)
    periods = periods[periods[:, 1] > periods[:, 0]]
    if not len(periods):
        return empty_periods()
    periods = periods[np.argsort(periods[:, 0], kind="stable")]
    reach = np.maximum.accumulate(periods[:, 1])
    first_of_group = np.flatnonzero(np.concatenate([[True], periods[1:, 0] > reach[:-1]]))
    return np.column_stack(
        [periods[first_of_group, 0], np.maximum.reduceat(periods[:, 1], first_of_group)]
    )


def _sky_positions(
    rng: np.random.Generator, count: int, lat_deg: float
) -> tuple[np.ndarray, np.ndarray]:
    """RA uniform; Dec uniform on the sphere, limited to what rises above the site's horizon."""
    lowest_dec, highest_dec = max(-90.0, lat_deg - 90.0), min(90.0, lat_deg + 90.0)
    ra = np.floor(rng.uniform(0.0, 360.0, size=count) * 10.0**DECIMALS) / 10.0**DECIMALS
    sin_dec = rng.uniform(
        math.sin(math.radians(lowest_dec)), math.sin(math.radians(highest_dec)), size=count
    )
    return ra, np.round(np.degrees(np.arcsin(sin_dec)), DECIMALS)


def _constraints(rng: np.random.Generator, count: int) -> dict[str, np.ndarray]:
    """Per-block priority, durations and pointing limits, skewed the way real requests are."""
    priority = np.round(10.0 * rng.beta(3.0, 2.0, size=count), 1)
    duration_steps = np.arange(2, 25)
    step_weights = duration_steps**-1.2
    requested = 300.0 * rng.choice(duration_steps, size=count, p=step_weights / step_weights.sum())
    shorter_minimum = 300.0 * np.floor(rng.uniform(1.0, requested / 300.0))
    min_observation = np.where(
        rng.random(count) < FULL_ARC_MIN_OBSERVATION_SHARE, requested, shorter_minimum
    )
    min_alt = rng.choice(
        np.arange(20.0, 61.0, 5.0),
        size=count,
        p=np.array([4, 8, 14, 16, 18, 14, 12, 8, 6]) / 100,
    )
    max_alt = rng.choice([85.0, 88.0, 90.0], size=count, p=[0.1, 0.1, 0.8])
    restricted = rng.random(count) < RESTRICTED_AZIMUTH_SHARE
    restricted_min_az = 10.0 * rng.integers(0, 19, size=count)
    restricted_width = 10.0 * rng.integers(6, 19, size=count)
    min_az = np.where(restricted, restricted_min_az, 0.0)
    max_az = np.where(restricted, restricted_min_az + restricted_width, 360.0)
    return {
        "priority": priority,
        "requested_duration_s": requested,
        "min_observation_s": min_observation,
        "min_alt_deg": min_alt,
        "max_alt_deg": max_alt,
        "min_az_deg": min_az,
        "max_az_deg": max_az,
    }


def _visibility(
    *,
    nights: np.ndarray,
    counts: np.ndarray,
    ra: np.ndarray,
    dec: np.ndarray,
    min_alt: np.ndarray,
    fixed_start: np.ndarray,
    fixed_stop: np.ndarray,
    longest_allowed: np.ndarray,
    site: Location,
) -> tuple[np.ndarray, np.ndarray]:
    """Visibility offsets and periods: one period in each of ``counts[i]`` consecutive nights
    of the target's observing season (or of its fixed window), placed around the target's
    transit and as long as it stays above ``min_alt``, cut to ``longest_allowed``."""
    night_count, block_count = len(nights), len(counts)
    fixed = ~np.isnan(fixed_start)
    first_night = np.zeros(block_count, dtype=np.int64)
    available = np.full(block_count, night_count, dtype=np.int64)
    first_night[fixed] = np.searchsorted(nights[:, 1], fixed_start[fixed], side="right")
    available[fixed] = (
        np.searchsorted(nights[:, 0], fixed_stop[fixed], side="left") - first_night[fixed]
    )
    counts = np.minimum(counts, available)
    offsets = np.zeros(block_count + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    periods = np.empty((int(offsets[-1]), 2))
    if not len(periods):
        return offsets, periods

    # A season is centred on the night nearest opposition (the target transits at midnight)
    # and wraps around the span, as a year-long span sees the same season at both ends.
    opposition = MARCH_EQUINOX_MJD + np.mod(ra - 180.0, 360.0) / 360.0 * TROPICAL_YEAR_DAYS
    opposition = nights[0, 0] + np.mod(opposition - nights[0, 0], TROPICAL_YEAR_DAYS)
    season_centre = np.minimum(np.searchsorted(nights.mean(axis=1), opposition), night_count - 1)
    first_in_season = np.where(
        fixed, 0, np.mod(season_centre - counts // 2, np.maximum(available, 1))
    )
    lat, dec_rad = np.radians(site.lat_deg), np.radians(dec)
    cos_rise_hour_angle = (np.sin(np.radians(min_alt)) - np.sin(lat) * np.sin(dec_rad)) / (
        np.cos(lat) * np.cos(dec_rad)
    )
    # Floor the time above the limit so a season never degenerates to nothing.
    rise_hour_angle = np.degrees(np.arccos(np.clip(cos_rise_hour_angle, -1.0, 0.9)))
    time_up = 2.0 * rise_hour_angle / SIDEREAL_DEG_PER_DAY

    chunk_edges = np.searchsorted(
        offsets, np.arange(PAIRS_PER_CHUNK, len(periods), PAIRS_PER_CHUNK)
    )
    chunk_edges = np.unique(np.concatenate([[0], chunk_edges, [block_count]]))
    for low, high in itertools.pairwise(chunk_edges.tolist()):
        owner = np.repeat(np.arange(low, high), counts[low:high])
        position = np.arange(offsets[low], offsets[high]) - offsets[owner]
        wrapped = np.maximum(first_in_season[owner] + counts[owner] - available[owner], 0)
        night = first_night[owner] + np.where(
            position < wrapped, position, first_in_season[owner] + position - wrapped
        )
        start = np.fmax(nights[night, 0], fixed_start[owner])
        stop = np.fmin(nights[night, 1], fixed_stop[owner])
        length = np.minimum(np.minimum(stop - start, time_up[owner]), longest_allowed[owner])
        middle = 0.5 * (start + stop)
        hour_angle = (
            GMST_AT_J2000_DEG
            + SIDEREAL_DEG_PER_DAY * (middle - J2000_MJD)
            + site.lon_deg
            - ra[owner]
        )
        transit = middle - (np.mod(hour_angle + 180.0, 360.0) - 180.0) / SIDEREAL_DEG_PER_DAY
        centre = np.clip(transit, start + 0.5 * length, stop - 0.5 * length)
        rounded_start, rounded_stop = _rounded_inwards(centre - 0.5 * length, centre + 0.5 * length)
        periods[offsets[low] : offsets[high], 0] = np.maximum(rounded_start, start)
        periods[offsets[low] : offsets[high], 1] = np.minimum(rounded_stop, stop)
    return offsets, periods


def _rounded_inwards(start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = 10.0**DECIMALS
    return np.ceil(start * scale) / scale, np.floor(stop * scale) / scale


def _greedy_schedule(
    rng: np.random.Generator,
    *,
    priority: np.ndarray,
    requested_days: np.ndarray,
    offsets: np.ndarray,
    periods: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Scheduled ``(start, stop)`` per block (NaN when unscheduled), placed like a simple
    scheduler would: blocks in order of priority blurred by other concerns, each at a free
    time inside one of its visibility periods, the telescope never doing two at once, until
    a realistic share of the blocks that could be observed is placed."""
    block_count = len(priority)
    scheduled_start = np.full(block_count, np.nan)
    scheduled_stop = np.full(block_count, np.nan)
    counts = np.diff(offsets)
    longest = np.zeros(block_count)
    with_visibility = counts > 0
    if with_visibility.any():
        longest[with_visibility] = np.maximum.reduceat(
            periods[:, 1] - periods[:, 0], offsets[:-1][with_visibility]
        )
    observable = np.flatnonzero(longest >= requested_days)
    wanted = round(rng.uniform(0.55, 0.70) * len(observable))
    urgency = priority[observable] + rng.normal(0.0, 2.0, size=len(observable))
    busy_start, busy_stop = np.zeros(wanted), np.zeros(wanted)
    busy = 0
    for block in observable[np.argsort(-urgency, kind="stable")].tolist():
        if busy == wanted:
            break
        own = periods[offsets[block] : offsets[block + 1]]
        duration = requested_days[block]
        roomy = own[own[:, 1] - own[:, 0] >= duration]
        earliest, latest = roomy[:, 0], roomy[:, 1] - duration
        starts = np.concatenate([earliest, earliest + rng.random(len(roomy)) * (latest - earliest)])
        stops = starts + duration
        # Busy intervals are sorted and disjoint, so the last one starting before a candidate
        # ends is the only one that can still overlap it.
        previous = np.searchsorted(busy_start[:busy], stops) - 1
        free = (stops <= np.concatenate([roomy[:, 1], roomy[:, 1]])) & (
            (previous < 0) | (busy_stop[np.maximum(previous, 0)] <= starts)
        )
        candidates = np.flatnonzero(free)
        if not len(candidates):
            continue
        chosen = candidates[rng.integers(len(candidates))]
        slot = int(np.searchsorted(busy_start[:busy], starts[chosen]))
        busy_start[slot + 1 : busy + 1] = busy_start[slot:busy]
        busy_stop[slot + 1 : busy + 1] = busy_stop[slot:busy]
        busy_start[slot], busy_stop[slot] = starts[chosen], stops[chosen]
        busy += 1
        scheduled_start[block], scheduled_stop[block] = starts[chosen], stops[chosen]
    return scheduled_start, scheduled_stop
