"""Per-schedule caches of what every report request would otherwise re-read: the stored block
frame and the parsed visibility periods.

Keys carry the id of the schedule's current summary row, which a refresh replaces, so a stale
entry is never read again, in any process, without explicit invalidation. The cache is
Django's (per-process memory by default, Redis when ``CACHE_URL`` points at one).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from analytics.models import ScheduleSummary
from schedules.models import Schedule


def analytics_version(schedule: Schedule) -> str:
    """A token that changes whenever the schedule's analytics are rebuilt."""
    summary_id = (
        ScheduleSummary.objects.filter(schedule=schedule).values_list("id", flat=True).first()
    )
    return f"{schedule.pk}-{schedule.checksum[:16]}-{summary_id}"


def cached_per_schedule[T](
    kind: str, schedule: Schedule, compute: Callable[[], T | None]
) -> T | None:
    """``compute()`` once per schedule version; ``None`` results are not cached."""
    key = f"tsi:{kind}:{analytics_version(schedule)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None:
            cache.set(key, value, settings.TSI_REPORT_CACHE_SECONDS)
    return value
