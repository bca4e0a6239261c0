"""JSON in and out of the API with orjson, which writes numpy columns without a Python loop."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import orjson
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer

from tsi_site.api.exceptions import PayloadTooLarge

_PLAIN = frozenset({float, int, str, bool, type(None)})
_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def jsonable(value: Any) -> Any:
    """Selector output as values orjson can write.

    Dataclasses become objects (a ``BlockFrame`` becomes one array per column), numeric numpy
    arrays are kept for orjson to write natively, object arrays become lists. NaN is left alone:
    orjson writes it as ``null``.
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is np.ndarray:
        return value.tolist() if value.dtype == object else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        if all(type(item) in _PLAIN for item in value):
            return value
        return [jsonable(item) for item in value]
    return value


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, option=_OPTIONS)


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b"" if data is None else dumps(data)


class ORJSONParser(BaseParser):
    """JSON request bodies, refused above ``DATA_UPLOAD_MAX_MEMORY_SIZE`` before parsing."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge(
                f"JSON bodies are limited to {limit:,} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE); "
                "upload large files as multipart/form-data instead."
            )
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise ParseError(
                f"Invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            ) from None


class FirstRendererNegotiation(BaseContentNegotiation):
    """For downloads whose format is fixed by the URL: ignore ``Accept`` (errors stay JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
