"""One block: its request and constraints, its status, its findings, the other blocks on its
target, and the sky it was scheduled against (its windows, the nights, its altitude)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.block_frame import load_block_frame
from analytics.selectors.nights import (
    SkyNights,
    choose_site,
    curve_times,
    nights_for,
    sampled_altaz,
    schedule_nights,
    schedule_span,
)
from schedules.models import Schedule, SchedulingBlock
from schedules.sky.sites import Site
from validation.selectors import ValidationIssue, block_issues

ALTITUDE_STEP_MINUTES = 5.0
SAME_TARGET_LISTED = 50
SCHEDULED_NIGHT, LONGEST_WINDOW, BEST_NIGHT = (
    "scheduled",
    "longest visibility window",
    "highest at local midnight",
)


@dataclass(frozen=True)
class BlockQuery:
    """``site`` overrides the schedule's location; ``altitude`` asks for the sampled curve."""

    site: Site | None = None
    altitude: bool = True


@dataclass(frozen=True)
class BlockInfo:
    """The block as requested, and what became of it (``priority_bucket`` 1–4)."""

    block_id: int
    source_block_id: str
    display_name: str
    target_name: str
    ra_deg: float
    dec_deg: float
    pm_ra_mas_per_year: float
    pm_dec_mas_per_year: float
    equinox: float
    priority: float
    priority_bucket: int
    requested_hours: float
    min_observation_hours: float
    min_alt_deg: float
    max_alt_deg: float
    min_az_deg: float
    max_az_deg: float
    fixed_start_mjd: float | None
    fixed_stop_mjd: float | None
    is_scheduled: bool
    scheduled_start_mjd: float | None
    scheduled_stop_mjd: float | None
    is_impossible: bool
    total_visibility_hours: float
    visibility_periods: np.ndarray  # (k, 2) MJD


@dataclass(frozen=True)
class TargetNeighbour:
    """Another block of the schedule observing the same RA and Dec."""

    block_id: int
    source_block_id: str
    display_name: str
    priority: float
    is_scheduled: bool


@dataclass(frozen=True)
class AltitudeCurve:
    """The target (and the Moon) over the focus night, every few minutes; airmass is sec z
    above the horizon, null below."""

    mjd: np.ndarray
    alt_deg: np.ndarray
    az_deg: np.ndarray
    airmass: np.ndarray
    moon_alt_deg: np.ndarray


@dataclass(frozen=True)
class FocusNight:
    """The night the block is shown in: the one it is scheduled in, else the one of its longest
    window, else the one it stands highest at local midnight (``reason``). MJD, null when the
    event does not happen that night."""

    reason: str
    noon_mjd: float
    sunset: float | None
    sunrise: float | None
    civil_dusk: float | None
    civil_dawn: float | None
    nautical_dusk: float | None
    nautical_dawn: float | None
    astronomical_dusk: float | None
    astronomical_dawn: float | None
    moonrise: float | None
    moonset: float | None
    moon_illumination: float
    moon_separation_deg: float  # from the target at local midnight


@dataclass(frozen=True)
class BlockSky:
    """The block's night context at ``site`` (null with every other field empty when neither the
    schedule nor the ``site`` parameter gives one): the nights of the schedule's period with the
    Moon's periods above the horizon, the schedule's dark periods, the focus night and, on
    request, the altitude curve."""

    site: Site | None
    site_source: str  # "parameter", "schedule" or ""
    nights: SkyNights | None
    dark_periods: np.ndarray  # (k, 2) MJD, the schedule's
    night: FocusNight | None
    altitude: AltitudeCurve | None


@dataclass(frozen=True)
class BlockDetail:
    block: BlockInfo
    sky: BlockSky
    findings: list[ValidationIssue]
    same_target: list[TargetNeighbour]
    same_target_count: int


def block_detail(schedule: Schedule, block_id: int, query: BlockQuery) -> BlockDetail | None:
    """None when the schedule has no such block."""
    block = (
        SchedulingBlock.objects.select_related("target")
        .filter(schedule=schedule, pk=block_id)
        .order_by("pk")  # not the model's order, which joins the schedule
        .first()
    )
    if block is None:
        return None
    return describe_block(schedule, block, query)


def describe_block(schedule: Schedule, block: SchedulingBlock, query: BlockQuery) -> BlockDetail:
    """The detail of a block already read (with its target)."""
    info, neighbours = _block_info(schedule, block)
    return BlockDetail(
        block=info,
        sky=block_sky(schedule, info, query),
        findings=block_issues(schedule, block.pk),
        same_target=neighbours[:SAME_TARGET_LISTED],
        same_target_count=len(neighbours),
    )


def block_id_for_source(schedule: Schedule, source_block_id: str) -> int | None:
    return (
        SchedulingBlock.objects.filter(schedule=schedule, source_block_id=source_block_id)
        .values_list("pk", flat=True)
        .first()
    )


def _block_info(
    schedule: Schedule, block: SchedulingBlock
) -> tuple[BlockInfo, list[TargetNeighbour]]:
    """The block's own columns from its row, its status from the schedule's block frame (so it
    follows the configured data source, like every page), and its target neighbours."""
    frame = load_block_frame(schedule)
    (row,) = np.flatnonzero(frame.block_id == block.pk)
    target = block.target
    periods = np.array(block.visibility_periods, dtype=np.float64).reshape(-1, 2)
    scheduled = bool(frame.is_scheduled[row])
    info = BlockInfo(
        block_id=block.pk,
        source_block_id=block.source_block_id,
        display_name=str(frame.display_name[row]),
        target_name=target.name,
        ra_deg=target.ra_deg,
        dec_deg=target.dec_deg,
        pm_ra_mas_per_year=target.pm_ra_mas_per_year,
        pm_dec_mas_per_year=target.pm_dec_mas_per_year,
        equinox=target.equinox,
        priority=block.priority,
        priority_bucket=int(frame.priority_bucket[row]),
        requested_hours=block.requested_duration_s / 3600.0,
        min_observation_hours=block.min_observation_s / 3600.0,
        min_alt_deg=block.min_alt_deg,
        max_alt_deg=block.max_alt_deg,
        min_az_deg=block.min_az_deg,
        max_az_deg=block.max_az_deg,
        fixed_start_mjd=_finite(block.fixed_start_mjd),
        fixed_stop_mjd=_finite(block.fixed_stop_mjd),
        is_scheduled=scheduled,
        scheduled_start_mjd=_finite(frame.scheduled_start_mjd[row]) if scheduled else None,
        scheduled_stop_mjd=_finite(frame.scheduled_stop_mjd[row]) if scheduled else None,
        is_impossible=bool(frame.is_impossible[row]),
        total_visibility_hours=float(frame.total_visibility_hours[row]),
        visibility_periods=periods,
    )
    same = np.flatnonzero(
        (frame.ra_deg == target.ra_deg)
        & (frame.dec_deg == target.dec_deg)
        & (frame.block_id != block.pk)
    )
    same = same[np.argsort(-frame.priority[same], kind="stable")]
    neighbours = [
        TargetNeighbour(int(block_id), str(source), str(name), float(priority), bool(flag))
        for block_id, source, name, priority, flag in zip(
            frame.block_id[same].tolist(),
            frame.source_block_id[same].tolist(),
            frame.display_name[same].tolist(),
            frame.priority[same].tolist(),
            frame.is_scheduled[same].tolist(),
            strict=True,
        )
    ]
    return info, neighbours


def block_sky(schedule: Schedule, info: BlockInfo, query: BlockQuery) -> BlockSky:
    dark = np.array(schedule.dark_periods, dtype=np.float64).reshape(-1, 2)
    choice = choose_site(schedule, query.site)
    own_times = np.concatenate(
        (info.visibility_periods.ravel(), [info.scheduled_start_mjd or np.nan])
    )
    span = schedule_span(schedule, own_times)
    if choice.site is None or span is None:
        return BlockSky(choice.site, choice.source, None, dark, None, None)
    site = choice.site
    nights = schedule_nights(schedule, site, span)
    reason, focus_mjd = _focus(info, site, nights)
    night = nights_for(nights, site, focus_mjd, 1)
    return BlockSky(
        site=site,
        site_source=choice.source,
        nights=nights,
        dark_periods=dark,
        night=_focus_night(reason, night, site, info),
        altitude=_altitude_curve(site, info, night) if query.altitude else None,
    )


def _focus(info: BlockInfo, site: Site, nights: SkyNights) -> tuple[str, float]:
    """Why this night, and a time inside it."""
    if info.scheduled_start_mjd is not None:
        return SCHEDULED_NIGHT, info.scheduled_start_mjd
    periods = info.visibility_periods
    if len(periods):
        longest = int(np.argmax(periods[:, 1] - periods[:, 0]))
        return LONGEST_WINDOW, float(periods[longest].mean())
    from schedules.sky.altitudes import altitude_at

    midnights = nights.noon_mjd + 0.5
    altitude = altitude_at(site, np.array([info.ra_deg]), np.array([info.dec_deg]), midnights[None])
    return BEST_NIGHT, float(midnights[int(np.nanargmax(altitude[0]))])


def _focus_night(reason: str, night: SkyNights, site: Site, info: BlockInfo) -> FocusNight:
    from schedules.sky.ephemeris import moon_separation_deg

    midnight = night.noon_mjd[:1] + 0.5
    separation = moon_separation_deg(
        site, np.array([info.ra_deg]), np.array([info.dec_deg]), midnight
    )
    return FocusNight(
        reason=reason,
        noon_mjd=float(night.noon_mjd[0]),
        **{
            name: _finite(getattr(night, name)[0])
            for name in (
                "sunset",
                "sunrise",
                "civil_dusk",
                "civil_dawn",
                "nautical_dusk",
                "nautical_dawn",
                "astronomical_dusk",
                "astronomical_dawn",
                "moonrise",
                "moonset",
            )
        },
        moon_illumination=float(night.moon_illumination[0]),
        moon_separation_deg=float(separation[0, 0]),
    )


def _altitude_curve(site: Site, info: BlockInfo, night: SkyNights) -> AltitudeCurve:
    from schedules.sky.ephemeris import moon_altitude_deg

    times = curve_times(night, ALTITUDE_STEP_MINUTES)
    curves = sampled_altaz(site, np.array([info.ra_deg]), np.array([info.dec_deg]), times)
    return AltitudeCurve(
        mjd=times,
        alt_deg=curves.alt_deg[0],
        az_deg=curves.az_deg[0],
        airmass=curves.airmass[0],
        moon_alt_deg=moon_altitude_deg(site, times),
    )


def _finite(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)
