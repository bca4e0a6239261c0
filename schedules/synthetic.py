"""Synthetic schedules shaped like the real ones, for demos, tests and benchmarks.

The real schedules cannot be shipped, so this builds look-alikes with the same sizes and
quirks: ten-digit block ids, targets shared by several blocks, skewed priorities, some blocks
that can never be observed and some whose windows are too short, and a greedy,
priority-driven set of non-overlapping scheduled periods. The sky is real: the dark periods
and every visibility window come from the sky model (``schedules.sky``) at the site, so a
target is within its limits in dark time whenever the schedule says it is visible, and every
scheduled period lies in one of its windows. Everything follows from the seed, so a given
call always yields the same schedule (and checksum).
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import replace

import numpy as np

from schedules.schedule_data import Location, ScheduleData, SourceFormat, empty_periods
from schedules.sky.astrometry import EARTH_ROTATION_RAD_PER_DAY, apparent_places
from schedules.sky.nights import dark_periods as sky_dark_periods
from schedules.sky.offline import SkyAccuracyWarning
from schedules.sky.periods import ramp
from schedules.sky.sites import Site, site_from_location
from schedules.sky.visibility import visibility_windows

ORM_LIKE_SITE = Location(lat_deg=28.7618, lon_deg=-17.8916, height_m=2423.0)
FIRST_BLOCK_ID = 1_000_000_000
SECONDS_PER_DAY = 86400.0
# Shorter slivers (a target crossing its limit as the night ends) are not worth listing.
SHORTEST_WINDOW_DAYS = 60.0 / SECONDS_PER_DAY

ZERO_VISIBILITY_SHARE = 0.03
STARVED_SHARE = 0.05
FIXED_WINDOW_SHARE = 0.05
FULL_ARC_MIN_OBSERVATION_SHARE = 0.75
RESTRICTED_AZIMUTH_SHARE = 0.08
BLOCKS_PER_TARGET = 8
# Targets culminate at least this high, and ordinary blocks ask for at most this much less
# than their target's culmination, so that nearly every block has a season of long windows.
LOWEST_CULMINATION_DEG = 30.0
CULMINATION_MARGIN_DEG = 10.0
MIN_ALT_RANGE_DEG = (20.0, 60.0)
# A starved block's target clears its altitude floor for this share of its minimum
# observation at best.
STARVED_FRACTION = (0.3, 0.75)
# Times are kept to a microday (0.09 s) and angles to a microdegree: finer digits mean
# nothing here, and rounding keeps the output identical on machines whose trigonometric
# functions differ in the last bit.
DECIMALS = 6


def generated_nights(
    start_mjd: float, days: int, lat_deg: float, lon_deg: float = 0.0
) -> np.ndarray:
    """Dark periods (the Sun below −18° and the Moon below the horizon) at the site over
    ``[start_mjd, start_mjd + days]``, from the sky model, kept to the microday inside. The
    site's height moves these edges by under a tenth of a second, so sea level stands in.

    Returns a sorted ``(k, 2)`` array of ``[start, stop]`` MJD.
    """
    return _nights(float(start_mjd), float(days), float(lat_deg), float(lon_deg)).copy()


@functools.lru_cache(maxsize=8)
def _nights(start_mjd: float, days: float, lat_deg: float, lon_deg: float) -> np.ndarray:
    """A year of nights takes the sky model about a second; tests and benchmarks ask for the
    same few sites and years again and again."""
    site = Site("generated", lon_deg=lon_deg, lat_deg=lat_deg, height_m=0.0)
    with warnings.catch_warnings():
        # Synthetic years lie past the bundled IERS data; a second off changes nothing here.
        warnings.simplefilter("ignore", SkyAccuracyWarning)
        dark = sky_dark_periods(site, start_mjd, start_mjd + days)
    dark[:, 0], dark[:, 1] = _rounded_inwards(dark[:, 0], dark[:, 1])
    dark = dark[dark[:, 1] - dark[:, 0] >= SHORTEST_WINDOW_DAYS]
    dark.flags.writeable = False
    return dark


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
    """A reproducible schedule of ``blocks`` blocks listing up to about
    ``periods_per_block`` visibility windows each.

    Visibility lies inside ``dark_periods`` (the sky model's nights at ``location`` over
    ``days`` from ``start_mjd`` when not given): each block lists a run of about
    ``periods_per_block`` consecutive windows (±30 %) around its longest one, or every window
    the sky gives it when that is fewer. The schedule period is ``schedule_period`` or else
    the span of the dark periods.
    """
    if blocks < 0 or periods_per_block < 0:
        raise ValueError("blocks and periods_per_block must not be negative")
    rng = np.random.default_rng(seed)
    place = location or ORM_LIKE_SITE
    site = site_from_location(place, "generated")
    if dark_periods is None:
        nights = generated_nights(start_mjd, days, place.lat_deg, place.lon_deg)
    else:
        nights = merged_periods(dark_periods)
    if schedule_period is None and len(nights):
        schedule_period = (float(nights[0, 0]), float(nights[-1, 1]))

    ids = FIRST_BLOCK_ID + np.sort(rng.choice(4 * max(blocks, 1), size=blocks, replace=False))
    target_count = max(1, math.ceil(blocks / BLOCKS_PER_TARGET))
    target_ra, target_dec = _sky_positions(rng, target_count, place.lat_deg)
    # Popular targets are requested many times, most only once or twice.
    popularity = 1.0 / np.arange(1, target_count + 1) ** 0.8
    target_of_block = rng.choice(target_count, size=blocks, p=popularity / popularity.sum())
    ra, dec = target_ra[target_of_block], target_dec[target_of_block]
    target_names = [f"T{index + 1}" for index in target_of_block.tolist()]

    culmination = 90.0 - np.abs(place.lat_deg - dec)
    # Above the site's latitude a target culminates north of the zenith (azimuth 0°).
    transits_south = dec < place.lat_deg
    roles = rng.permutation(blocks)
    zero_visibility = _first_of(
        roles, culmination <= MIN_ALT_RANGE_DEG[1] - 5.0, round(ZERO_VISIBILITY_SHARE * blocks)
    )
    starved_candidates = (culmination > MIN_ALT_RANGE_DEG[0] + 0.5) & (
        culmination <= MIN_ALT_RANGE_DEG[1]
    )
    starved_candidates[zero_visibility] = False
    starved = _first_of(roles, starved_candidates, round(STARVED_SHARE * blocks))
    others = np.ones(blocks, dtype=bool)
    others[zero_visibility] = others[starved] = False
    fixed_count = round(FIXED_WINDOW_SHARE * blocks) if len(nights) else 0
    fixed = _first_of(roles, others, fixed_count)

    constraints = _constraints(rng, blocks, culmination, transits_south)
    min_alt = constraints["min_alt_deg"]
    # Never rises to its floor: five-degree steps at least a degree above its culmination.
    min_alt[zero_visibility] = 5.0 * np.ceil((culmination[zero_visibility] + 1.0) / 5.0)
    starved_fraction = rng.uniform(*STARVED_FRACTION, size=len(starved))
    fixed_choice = rng.random(len(fixed))
    fixed_lead_days = rng.integers(0, 2, size=len(fixed))
    fixed_days = rng.integers(2, 8, size=len(fixed))
    wanted = np.rint(periods_per_block * rng.uniform(0.7, 1.3, size=blocks)).astype(np.int64)
    if len(starved) and len(nights):
        min_alt[starved] = _starved_floor(
            site,
            ra[starved],
            dec[starved],
            starved_fraction * constraints["min_observation_s"][starved],
            0.5 * (nights[0, 0] + nights[-1, 1]),
        )

    fixed_start = np.full(blocks, np.nan)
    fixed_stop = np.full(blocks, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkyAccuracyWarning)
        offsets, periods = _visibility(
            site,
            nights,
            ra=ra,
            dec=dec,
            constraints=constraints,
            wanted=wanted,
            fixed=fixed,
            fixed_choice=fixed_choice,
            fixed_lead_days=fixed_lead_days,
            fixed_days=fixed_days,
            fixed_start=fixed_start,
            fixed_stop=fixed_stop,
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
        location=place,
        **constraints,
    )


def rescheduled(data: ScheduleData, seed: int) -> ScheduleData:
    """Another run of the same problem: the same blocks, windows and constraints, placed by
    the same greedy scheduler with another seed (the runs the N-way compare is for)."""
    start, stop = _greedy_schedule(
        np.random.default_rng(seed),
        priority=data.priority,
        requested_days=data.requested_duration_s / SECONDS_PER_DAY,
        offsets=data.visibility_offsets,
        periods=data.visibility_periods,
    )
    return replace(data, scheduled_start_mjd=start, scheduled_stop_mjd=stop)


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


def _first_of(order: np.ndarray, eligible: np.ndarray, count: int) -> np.ndarray:
    """The first ``count`` blocks of ``order`` that are ``eligible`` (fewer when there are
    not enough), so every role draws from the same random order of blocks."""
    return order[eligible[order]][:count]


def _sky_positions(
    rng: np.random.Generator, count: int, lat_deg: float
) -> tuple[np.ndarray, np.ndarray]:
    """RA uniform; Dec uniform on the sphere, limited to targets culminating at least
    ``LOWEST_CULMINATION_DEG`` above the site's horizon."""
    reach = 90.0 - LOWEST_CULMINATION_DEG
    lowest_dec, highest_dec = max(-90.0, lat_deg - reach), min(90.0, lat_deg + reach)
    ra = np.floor(rng.uniform(0.0, 360.0, size=count) * 10.0**DECIMALS) / 10.0**DECIMALS
    sin_dec = rng.uniform(
        math.sin(math.radians(lowest_dec)), math.sin(math.radians(highest_dec)), size=count
    )
    return ra, np.round(np.degrees(np.arcsin(sin_dec)), DECIMALS)


def _constraints(
    rng: np.random.Generator, count: int, culmination: np.ndarray, transits_south: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-block priority, durations and pointing limits, skewed the way real requests are,
    and within what each target reaches: the altitude floor lies at least
    ``CULMINATION_MARGIN_DEG`` below its culmination, and an azimuth range holds the
    azimuth it culminates at."""
    priority = np.round(10.0 * rng.beta(3.0, 2.0, size=count), 1)
    duration_steps = np.arange(2, 25)
    step_weights = duration_steps**-1.2
    requested = 300.0 * rng.choice(duration_steps, size=count, p=step_weights / step_weights.sum())
    shorter_minimum = 300.0 * np.floor(rng.uniform(1.0, requested / 300.0))
    min_observation = np.where(
        rng.random(count) < FULL_ARC_MIN_OBSERVATION_SHARE, requested, shorter_minimum
    )
    wished_min_alt = rng.choice(
        np.arange(20.0, 61.0, 5.0),
        size=count,
        p=np.array([4, 8, 14, 16, 18, 14, 12, 8, 6]) / 100,
    )
    reachable = 5.0 * np.floor((culmination - CULMINATION_MARGIN_DEG) / 5.0)
    min_alt = np.clip(wished_min_alt, MIN_ALT_RANGE_DEG[0], np.maximum(reachable, 20.0))
    max_alt = rng.choice([85.0, 88.0, 90.0], size=count, p=[0.1, 0.1, 0.8])
    # Ranges through the south only, where they can hold the culmination and stay within
    # 0–360° as written.
    restricted = (rng.random(count) < RESTRICTED_AZIMUTH_SHARE) & transits_south
    width = 10.0 * rng.integers(6, 19, size=count)
    steps = rng.integers(0, 19, size=count) % (width // 10 + 1)
    min_az = np.where(restricted, 180.0 - width + 10.0 * steps, 0.0)
    max_az = np.where(restricted, min_az + width, 360.0)
    return {
        "priority": priority,
        "requested_duration_s": requested,
        "min_observation_s": min_observation,
        "min_alt_deg": min_alt,
        "max_alt_deg": max_alt,
        "min_az_deg": min_az,
        "max_az_deg": max_az,
    }


def _starved_floor(
    site: Site, ra: np.ndarray, dec: np.ndarray, seconds_up: np.ndarray, epoch_mjd: float
) -> np.ndarray:
    """Altitude floors each target clears for only ``seconds_up`` around its culmination,
    from its place of date (precession alone moves a culmination by tenths of a degree,
    far more than the few arcminutes such a floor sits below it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkyAccuracyWarning)
        _, delta = apparent_places(ra, dec, np.array([epoch_mjd]))
    delta = delta[:, 0]
    lat = math.radians(site.lat_deg)
    half_turn = EARTH_ROTATION_RAD_PER_DAY * 0.5 * seconds_up / SECONDS_PER_DAY
    sin_floor = math.sin(lat) * np.sin(delta) + math.cos(lat) * np.cos(delta) * np.cos(half_turn)
    floor = np.degrees(np.arcsin(np.clip(sin_floor, -1.0, 1.0)))
    return np.clip(np.ceil(floor * 10.0**DECIMALS) / 10.0**DECIMALS, *MIN_ALT_RANGE_DEG)


def _visibility(
    site: Site,
    nights: np.ndarray,
    *,
    ra: np.ndarray,
    dec: np.ndarray,
    constraints: dict[str, np.ndarray],
    wanted: np.ndarray,
    fixed: np.ndarray,
    fixed_choice: np.ndarray,
    fixed_lead_days: np.ndarray,
    fixed_days: np.ndarray,
    fixed_start: np.ndarray,
    fixed_stop: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Every block's windows from the sky model (no minimum length, as telescope files list
    them), cut to the fixed windows it sets in ``fixed_start``/``fixed_stop`` (a few whole
    UTC days from one of the block's windows), then each block's run of ``wanted`` windows."""
    block_count = len(ra)
    if not block_count or not len(nights) or not wanted.any():
        if len(fixed) and len(nights):
            anchor = nights[(fixed_choice * len(nights)).astype(np.int64), 0]
            fixed_start[fixed] = np.floor(anchor) - fixed_lead_days
            fixed_stop[fixed] = fixed_start[fixed] + fixed_days
        return np.zeros(block_count + 1, dtype=np.int64), empty_periods()
    offsets, windows = visibility_windows(
        site,
        nights,
        ra_deg=ra,
        dec_deg=dec,
        min_alt_deg=constraints["min_alt_deg"],
        max_alt_deg=constraints["max_alt_deg"],
        min_az_deg=constraints["min_az_deg"],
        max_az_deg=constraints["max_az_deg"],
        fixed_start_mjd=np.full(block_count, np.nan),
        fixed_stop_mjd=np.full(block_count, np.nan),
        min_observation_s=np.zeros(block_count),
    )
    counts = np.diff(offsets)[fixed]
    # A block without windows gets its fixed window on a random night instead.
    pick = offsets[fixed] + (fixed_choice * np.maximum(counts, 1)).astype(np.int64)
    night = (fixed_choice * len(nights)).astype(np.int64)
    anchor = np.where(
        counts > 0, windows[np.minimum(pick, max(len(windows) - 1, 0)), 0], nights[night, 0]
    )
    fixed_start[fixed] = np.floor(anchor) - fixed_lead_days
    fixed_stop[fixed] = fixed_start[fixed] + fixed_days

    owner = np.repeat(np.arange(block_count), np.diff(offsets))
    start = np.fmax(windows[:, 0], fixed_start[owner])
    stop = np.fmin(windows[:, 1], fixed_stop[owner])
    start, stop = _rounded_inwards(start, stop)
    kept = stop - start >= SHORTEST_WINDOW_DAYS
    kept_offsets = np.zeros(block_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[kept], minlength=block_count), out=kept_offsets[1:])
    return _runs_around_longest(kept_offsets, np.column_stack((start[kept], stop[kept])), wanted)


def _runs_around_longest(
    offsets: np.ndarray, windows: np.ndarray, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each block, ``wanted`` consecutive windows centred on its longest (all of them
    when it has fewer), in the ``ScheduleData`` layout."""
    counts = np.diff(offsets)
    owner = np.repeat(np.arange(len(counts)), counts)
    position = ramp(counts)
    length = windows[:, 1] - windows[:, 0]
    has = counts > 0
    starts = offsets[:-1][has]
    longest = np.zeros(len(counts))
    longest[has] = np.maximum.reduceat(length, starts)
    best = np.zeros(len(counts), dtype=np.int64)
    # The earliest of equally long windows.
    best[has] = np.minimum.reduceat(
        np.where(length == longest[owner], position, np.iinfo(np.int64).max), starts
    )
    keep_count = np.minimum(wanted, counts)
    first = np.clip(best - keep_count // 2, 0, counts - keep_count)
    kept = (position >= first[owner]) & (position < first[owner] + keep_count[owner])
    kept_offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(keep_count, out=kept_offsets[1:])
    return kept_offsets, windows[kept]


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
