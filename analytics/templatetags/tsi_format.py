"""Display filters for the report pages: numbers, fractions and MJD times, with a dash for
missing values. Formatting only; every number comes from a selector."""

from __future__ import annotations

import math

from django import template

from schedules.mjd import mjd_to_datetime

register = template.Library()
MISSING = "—"


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


@register.filter
def num(value, decimals: int = 2) -> str:
    """``1234.5678|num:1`` → ``1,234.6``; integers keep no decimals."""
    if _missing(value):
        return MISSING
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{float(value):,.{int(decimals)}f}"


@register.filter
def percent(value, decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.4567|percent`` → ``45.7 %``."""
    if _missing(value):
        return MISSING
    return f"{float(value) * 100:.{int(decimals)}f} %"


@register.filter
def percent_of(value, count) -> str:
    """``rate|percent_of:blocks``: the rate as a percentage, or a dash when it is a share of
    nothing (``count`` is 0), where 0 % would mislead."""
    if not count:
        return MISSING
    return percent(value)


@register.filter
def mjd_utc(value) -> str:
    """An MJD as a UTC time to the minute: ``2026-03-01 22:04 UTC``."""
    if _missing(value):
        return MISSING
    return mjd_to_datetime(float(value)).strftime("%Y-%m-%d %H:%M UTC")


@register.filter
def mjd_minute(value) -> str:
    """An MJD as a UTC time to the minute without the zone: ``2026-03-01 22:04``."""
    if _missing(value):
        return MISSING
    return mjd_to_datetime(float(value)).strftime("%Y-%m-%d %H:%M")


@register.filter
def through(start: str, stop: str) -> str:
    """Two formatted ends as a range, ``start – stop``; a single dash when both are missing."""
    if start == MISSING and stop == MISSING:
        return MISSING
    return f"{start} – {stop}"


@register.filter
def mjd(value) -> str:
    """An MJD with five decimals (about a second), without thousands separators."""
    if _missing(value):
        return MISSING
    return f"{float(value):.5f}"


@register.filter
def minutes(value) -> str:
    """A duration given in minutes, in the unit that reads best: ``90`` → ``1.5 h``."""
    if _missing(value):
        return MISSING
    value = float(value)
    if value >= 2 * 1440:
        return f"{value / 1440:,.2f} d"
    if value >= 120:
        return f"{value / 60:,.2f} h"
    return f"{value:,.1f} min"
