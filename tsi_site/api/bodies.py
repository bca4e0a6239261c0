"""Page endpoint bodies written and gzipped once per schedule version and query (and the
pages' rendered charts, cached the same way).

At 25,000 blocks the sky map's JSON is 3.8 MB: writing it takes about 12 ms and gzipping it
over 100 ms, on every request. Here both bytes are kept per schedule version, schedule row
and parsed query, so a warm request only looks up the version and sends the bytes it has:
gzipped with ``Content-Encoding: gzip`` when the client accepts it (``GZipMiddleware`` leaves
an encoded response alone), plain otherwise. Either carries ``Vary: Accept-Encoding`` and an
ETag of its own representation; a matching ``If-None-Match`` is answered 304 with no body.

The version comes from ``analytics_version`` (a refresh or a new upload changes it), and the
schedule row's field values are part of the key, so an edited name or site is never served
stale. ``DATA_SOURCE=legacy`` recomputes every answer by design, so it caches nothing here.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from analytics.data_source import ETL, current_data_source
from analytics.frame_cache import analytics_versions
from schedules.models import Schedule
from tsi_site.api.rendering import dumps, jsonable

LOCAL_BYTES = 96 * 1024 * 1024  # per process; the sky map at 25,000 blocks is about 4.4 MB
GZIP_LEVEL = 6  # paid once per version and query, so the default level's smaller bodies win


@dataclass(frozen=True)
class Body:
    plain: bytes
    gzipped: bytes
    digest: str  # of the plain bytes: the ETag's base

    @property
    def size(self) -> int:
        return len(self.plain) + len(self.gzipped)


_local: OrderedDict[str, tuple[object, int]] = OrderedDict()
_local_bytes = 0


def schedule_body_key(kind: str, schedule: Schedule, query: object) -> str:
    """The cache key of one endpoint's answer: endpoint, analytics version, the schedule row's
    fields (name, site, environment: anything a body may show), and the parsed query."""
    return schedules_body_key(kind, [schedule], query)


def schedules_body_key(kind: str, schedules: Sequence[Schedule], query: object) -> str:
    """``schedule_body_key`` of an answer read from several schedules (a comparison): each
    one's version and row, in order."""
    versions = ",".join(analytics_versions(schedules))
    rows = [_row(schedule) for schedule in schedules]
    detail = hashlib.blake2b(f"{versions}|{rows!r}|{query!r}".encode(), digest_size=16)
    return f"tsi:body:{kind}:{detail.hexdigest()}"


def cached_json_response(
    request: HttpRequest, key: str, compute: Callable[[], Any]
) -> HttpResponse:
    """``compute()``'s JSON answered from the bytes cached under ``key`` (``json_body``)."""
    return body_response(request, json_body(key, compute))


def json_body(key: str, compute: Callable[[], Any]) -> Body:
    """The JSON of ``compute()`` as plain and gzipped bytes, cached under ``key`` (ETL only)."""
    return cached_rendering(key, lambda: _make_body(compute()), lambda body: body.size)


def cached_rendering[T](key: str, compute: Callable[[], T], size: Callable[[T], int]) -> T:
    """``compute()`` once per ``key``: in this process (up to ``LOCAL_BYTES`` by ``size``), then
    in Django's cache. With ``DATA_SOURCE=legacy`` always computed."""
    if current_data_source() != ETL:
        return compute()
    if key in _local:
        _local.move_to_end(key)
        return _local[key][0]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.TSI_REPORT_CACHE_SECONDS)
    _remember(key, value, size(value))
    return value


def body_response(request: HttpRequest, body: Body) -> HttpResponse:
    """The body as this client asked for it: gzipped when accepted, plain otherwise."""
    gzipped = accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    etag = f'"{body.digest}-gzip"' if gzipped else f'"{body.digest}"'
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match and _matches(if_none_match, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(
            body.gzipped if gzipped else body.plain, content_type="application/json"
        )
        if gzipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether to send gzip, decided as ``GZipMiddleware`` decides for every other response
    of the site (``gzip`` named in ``Accept-Encoding``), so the two never disagree."""
    return re_accepts_gzip.search(accept_encoding) is not None


def clear_local_bodies() -> None:
    global _local_bytes
    _local.clear()
    _local_bytes = 0


def _row(schedule: Schedule) -> list[tuple[str, object]]:
    """The loaded fields' values (reading a deferred one would cost a query each)."""
    deferred = schedule.get_deferred_fields()
    return sorted(
        (field.attname, getattr(schedule, field.attname))
        for field in schedule._meta.concrete_fields
        if field.attname not in deferred
    )


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    # Weak comparison (RFC 9110 §13.1.2): GZipMiddleware and proxies may weaken an ETag.
    wanted = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
    return etag in wanted


def _make_body(data: Any) -> Body:
    plain = dumps(jsonable(data))
    return Body(
        plain=plain,
        gzipped=gzip.compress(plain, compresslevel=GZIP_LEVEL, mtime=0),
        digest=hashlib.blake2b(plain, digest_size=16).hexdigest(),
    )


def _remember(key: str, value: object, size: int) -> None:
    global _local_bytes
    if size > LOCAL_BYTES:
        return
    _local[key] = (value, size)
    _local_bytes += size
    while _local_bytes > LOCAL_BYTES:
        _, (_, dropped) = _local.popitem(last=False)
        _local_bytes -= dropped
