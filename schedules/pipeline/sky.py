"""The sky step of an ingest (DESIGN §12): the site and period chosen at upload, and the dark
periods and visibility computed with ``schedules.sky`` where the files bring none.

``schedules.sky`` imports astropy (about half a second), so it is imported only when
something is computed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata

import numpy as np

from schedules.formats import ScheduleInputError
from schedules.intervals import HOURS_PER_DAY
from schedules.mjd import mjd_to_iso
from schedules.models import Schedule
from schedules.schedule_data import ScheduleData
from schedules.sky.sites import Site, site_from_location, site_spec

FILE, COMPUTED, CHOSEN, SPAN, NONE = "file", "computed", "chosen", "span", "none"
# Dark periods take about a second per year of nights; a longer span is a mistyped period.
SPAN_LIMIT_DAYS = 4 * 366

NO_SITE = (
    "the files carry no site (location); choose one with --site or the site field of the "
    "upload form or the API"
)
NO_VISIBILITY_WARNING = (
    "No visibility periods were given (a raw schedule keeps them in a separate possible-periods "
    "file) and none can be computed without a site, so every block counts as impossible. "
    "Ingest it again with its visibility file, or with a site (--site, or the site field of "
    "the upload form or the API) to compute visibility from the sky."
)


@dataclass(frozen=True, slots=True)
class SkyOptions:
    """What the uploader chose: a site and a period replacing the files' own, whether computed
    dark periods need the Moon down, and whether to compute visibility even when the files
    bring it."""

    site: Site | None = None
    period: tuple[float, float] | None = None
    moon: bool = True
    compute_visibility: bool = False

    def digest_part(self) -> bytes:
        """The options that differ from the defaults, for the upload digest: the same files
        with other options are another upload (empty when all are defaults)."""
        parts = []
        if self.site is not None:
            parts.append(f"site={site_spec(self.site)}")
        if self.period is not None:
            parts.append(f"period={self.period[0]!r},{self.period[1]!r}")
        if not self.moon:
            parts.append("moon=ignored")
        if self.compute_visibility:
            parts.append("compute-visibility")
        return ";".join(parts).encode()


@dataclass
class SkyRecord:
    """Where a schedule's site, period, dark periods and visibility came from, and what the
    uploader should know about them; ``as_json`` is what the schedule stores."""

    site: Site | None = None
    site_source: str = NONE
    period_source: str = NONE
    dark_periods: str = NONE
    visibility: str = NONE
    moon: bool | None = None
    span: tuple[float, float] | None = None
    method: str = ""
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def site_name(self) -> str:
        return self.site.name if self.site is not None and self.site_source == CHOSEN else ""

    def as_json(self) -> dict:
        record: dict = {
            "site_source": self.site_source,
            "period_source": self.period_source,
            "dark_periods": self.dark_periods,
            "visibility": self.visibility,
        }
        if self.moon is not None:
            record["moon"] = self.moon
        if self.span is not None:
            record["span_mjd"] = list(self.span)
        if self.method:
            record["method"] = self.method
        return record


def visibility_source(data: ScheduleData) -> str:
    """Where the blocks' visibility came from as read: the files, or nowhere."""
    if data.block_count and not len(data.visibility_periods):
        return Schedule.VisibilitySource.NONE
    return Schedule.VisibilitySource.FILE


def complete_sky(
    data: ScheduleData,
    options: SkyOptions,
    *,
    file_name: str = "schedule",
    progress: Callable[[float], None] | None = None,
) -> SkyRecord:
    """Apply the chosen site and period to ``data`` and compute, in place, the dark periods
    and visibility it lacks (or the visibility asked for); returns what was done.

    Raises ``ScheduleInputError`` when visibility was asked for and cannot be computed.
    """
    report = progress or (lambda fraction: None)
    if options.site is not None:
        data.location = options.site.to_location()
    if options.period is not None:
        data.period_start_mjd, data.period_end_mjd = options.period
    record = SkyRecord(
        site=_site(data, options),
        site_source=CHOSEN if options.site else FILE if data.location else NONE,
        period_source=_period_source(data, options),
        dark_periods=FILE if len(data.dark_periods) else NONE,
        visibility=visibility_source(data),
    )
    wants_dark = not len(data.dark_periods)
    wants_visibility = options.compute_visibility or record.visibility == NONE
    if not (wants_dark or wants_visibility):
        return record

    site_problem = "" if record.site is not None else NO_SITE
    dark_problem = (site_problem or _span_problem(data, record)) if wants_dark else ""
    if dark_problem:
        record.notes.append(
            f"No dark periods were given, and none can be computed: {dark_problem}."
        )
    visibility_problem = ""
    if wants_visibility:
        visibility_problem = site_problem or (
            f"no dark periods were given, and none can be computed: {dark_problem}"
            if dark_problem
            else ""
        )
    if visibility_problem:
        if options.compute_visibility:
            raise ScheduleInputError(
                file_name, "", f"cannot compute visibility: {visibility_problem}"
            )
        record.warnings.append(
            NO_VISIBILITY_WARNING
            if site_problem
            else "No visibility periods were given and none can be computed: "
            f"{visibility_problem}; so every block counts as impossible."
        )
    computes_dark = wants_dark and not dark_problem
    computes_visibility = wants_visibility and not visibility_problem
    if not (computes_dark or computes_visibility):
        return record

    from schedules.sky.offline import SkyAccuracyWarning

    report(0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SkyAccuracyWarning)
        if computes_dark:
            _compute_dark_periods(data, record, options.moon)
        report(0.6)
        if computes_visibility:
            _compute_visibility(data, record, replacing=record.visibility == FILE)
    report(1.0)
    record.method = _method()
    _pass_on(caught, SkyAccuracyWarning, record)
    return record


def _site(data: ScheduleData, options: SkyOptions) -> Site | None:
    if options.site is not None:
        return options.site
    return site_from_location(data.location) if data.location is not None else None


def _period_source(data: ScheduleData, options: SkyOptions) -> str:
    if options.period is not None:
        return CHOSEN
    if data.period_start_mjd is not None and data.period_end_mjd is not None:
        return FILE
    return NONE


def _span_problem(data: ScheduleData, record: SkyRecord) -> str:
    """Why no dark periods can be computed for ``data`` at its site ("" when they can, with
    ``record.span`` set)."""
    span = _span(data, record)
    if span is None:
        return (
            "the schedule has no period and no periods to take one from; choose one with "
            "--period or the period fields of the upload form or the API"
        )
    days = span[1] - span[0]
    if days > SPAN_LIMIT_DAYS:
        return (
            f"the period spans {days:,.0f} days, more than the {SPAN_LIMIT_DAYS:,} the sky "
            "model computes in one ingest; choose a shorter one with --period"
        )
    record.span = span
    return ""


def _span(data: ScheduleData, record: SkyRecord) -> tuple[float, float] | None:
    """The schedule period, else the local noon-to-noon nights holding every visibility and
    scheduled period."""
    if data.period_start_mjd is not None and data.period_end_mjd is not None:
        return data.period_start_mjd, data.period_end_mjd
    times = np.concatenate(
        (
            data.visibility_periods.ravel(),
            data.scheduled_start_mjd,
            data.scheduled_stop_mjd,
        )
    )
    times = times[np.isfinite(times)]
    if not len(times):
        return None
    record.period_source = SPAN
    # Local mean noon, so that the nights around the periods are whole.
    noon = 0.5 - record.site.lon_deg / 360.0
    return (
        math.floor(float(times.min()) - noon) + noon,
        math.floor(float(times.max()) - noon) + 1.0 + noon,
    )


def _compute_dark_periods(data: ScheduleData, record: SkyRecord, moon: bool) -> None:
    from schedules.sky.nights import dark_periods

    start, end = record.span
    data.dark_periods = dark_periods(record.site, start, end, moon=moon)
    record.dark_periods, record.moon = COMPUTED, moon
    hours = float(np.sum(data.dark_periods[:, 1] - data.dark_periods[:, 0])) * HOURS_PER_DAY
    first, last = mjd_to_iso(np.array([start, end]))
    condition = "and the Moon below the horizon" if moon else "(the Moon ignored)"
    record.notes.append(
        f"Dark periods computed at {_site_label(record)} from {first} to {last}, the Sun below "
        f"−18° {condition}: {_count(len(data.dark_periods), 'period')}, {hours:,.1f} h."
    )


def _compute_visibility(data: ScheduleData, record: SkyRecord, *, replacing: bool) -> None:
    from schedules.sky.visibility import schedule_visibility

    data.visibility_offsets, data.visibility_periods = schedule_visibility(
        data, record.site, data.dark_periods
    )
    record.visibility = Schedule.VisibilitySource.COMPUTED
    visible = int(np.count_nonzero(np.diff(data.visibility_offsets)))
    why = "on request, replacing the files' periods" if replacing else "none were given"
    record.notes.append(
        f"Visibility computed from the sky at {_site_label(record)} inside the "
        f"{_DARK_ORIGIN[record.dark_periods]} dark periods ({why}): "
        f"{len(data.visibility_periods):,} windows; "
        f"{visible:,} of {data.block_count:,} blocks are visible at some time."
    )
    if data.block_count and not visible:
        record.warnings.append(
            "No block's target comes within its limits during the dark time, so every block "
            "counts as impossible: check the site and the period."
        )


_DARK_ORIGIN = {FILE: "files'", COMPUTED: "computed"}


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _site_label(record: SkyRecord) -> str:
    site = record.site
    place = f"lon {site.lon_deg:.4f}°, lat {site.lat_deg:.4f}°, {site.height_m:,.0f} m"
    return (
        f"{site.name} ({place})" if record.site_source == CHOSEN else f"the files' site ({place})"
    )


def _method() -> str:
    """The model and the data behind computed periods, so a stored schedule says how its
    periods were made."""
    return (
        f"schedules.sky closed form; astropy {metadata.version('astropy')}, bundled IERS "
        f"(astropy-iers-data {metadata.version('astropy-iers-data')}); geometric altitude"
    )


def _pass_on(
    caught: list[warnings.WarningMessage], category: type[Warning], record: SkyRecord
) -> None:
    """The sky model's accuracy warnings become notes for the uploader, once each; any other
    warning goes on as it came."""
    ours = [str(warning.message) for warning in caught if issubclass(warning.category, category)]
    for message in dict.fromkeys(ours):
        record.notes.append(message[0].upper() + message[1:] + ".")
    for warning in caught:
        if not issubclass(warning.category, category):
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
