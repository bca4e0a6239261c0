"""Per-schedule caches of what every report request would otherwise re-read: the stored block
frame and the parsed visibility periods.

Keys carry the id of the schedule's current summary row, which a refresh replaces, so a stale
entry is never read again, in any process, without explicit invalidation. Two tiers: a small
dict of live objects in this process (no unpickling: about 10 ms saved per request on a
25,000-block schedule), then Django's cache (shared between processes when ``CACHE_URL``
points at Redis). Cached arrays are made read-only, so no caller can change them for the next.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass

import numpy as np
from django.conf import settings
from django.core.cache import cache

from analytics.models import ScheduleSummary
from schedules.models import Schedule


def analytics_version(schedule: Schedule) -> str:
    """A token that changes whenever the schedule's analytics are rebuilt."""
    summary_id = (
        ScheduleSummary.objects.filter(schedule=schedule).values_list("id", flat=True).first()
    )
    return _version(schedule, summary_id)


def analytics_versions(schedules: Sequence[Schedule]) -> list[str]:
    """``analytics_version`` of each schedule, in one query."""
    summary_ids = dict(
        ScheduleSummary.objects.filter(schedule__in=schedules).values_list("schedule_id", "id")
    )
    return [_version(schedule, summary_ids.get(schedule.pk)) for schedule in schedules]


def _version(schedule: Schedule, summary_id: int | None) -> str:
    return f"{schedule.pk}-{schedule.checksum[:16]}-{summary_id}"


LOCAL_ENTRIES = 8
_local: OrderedDict[str, object] = OrderedDict()


def cached_per_schedule[T](
    kind: str, schedule: Schedule, compute: Callable[[], T | None]
) -> T | None:
    """``compute()`` once per schedule version; ``None`` results are not cached."""
    return _cached(f"tsi:{kind}:{analytics_version(schedule)}", compute)


def cached_for_schedules[T](
    kind: str, schedules: Sequence[Schedule], compute: Callable[[], T | None]
) -> T | None:
    """``compute()`` once per combination of these schedules' versions, in this order (the
    N-way compare: the reference, then the others)."""
    versions = ",".join(analytics_versions(schedules))
    # Hashed: eleven versions are longer than a cache key may be (250 characters in memcached).
    return _cached(f"tsi:{kind}:{hashlib.sha256(versions.encode()).hexdigest()}", compute)


def cached_per_state[T](kind: str, state: str, compute: Callable[[], T | None]) -> T | None:
    """``compute()`` once per ``state``: a text that names every version the value depends on
    (the lineage: the contents and analytics of all versions of a name), read by the caller
    in a query it needs anyway."""
    return _cached(f"tsi:{kind}:{hashlib.sha256(state.encode()).hexdigest()}", compute)


def _cached[T](key: str, compute: Callable[[], T | None]) -> T | None:
    if key in _local:
        _local.move_to_end(key)
        return _local[key]
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is None:
            return None
        cache.set(key, value, settings.TSI_REPORT_CACHE_SECONDS)
    _remember(key, _read_only(value))
    return value


def clear_local_cache() -> None:
    _local.clear()


def _remember(key: str, value: object) -> None:
    _local[key] = value
    while len(_local) > LOCAL_ENTRIES:
        _local.popitem(last=False)


def _read_only[T](value: T) -> T:
    arrays = (
        [getattr(value, field.name) for field in fields(value)]
        if is_dataclass(value)
        else list(value)
        if isinstance(value, tuple)
        else [value]
    )
    for array in arrays:
        if isinstance(array, np.ndarray):
            array.flags.writeable = False
    return value
