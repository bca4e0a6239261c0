"""OpenAPI descriptions derived from the code they describe: the selectors' dataclasses, the
pages' filter forms and the error format, so the schema cannot drift from the responses."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping

import numpy as np
from django import forms
from django.core import validators
from django.forms.utils import pretty_name
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

NUMBER_ARRAY = {
    "type": "array",
    "items": {"type": "number", "nullable": True},
    "description": "Numbers (NaN is written as null).",
}
_BASIC = {
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    str: {"type": "string"},
}


def array_of(item: dict, description: str = "") -> dict:
    schema = {"type": "array", "items": item}
    return {**schema, "description": description} if description else schema


def dataclass_schema(cls: type, overrides: Mapping[str, dict] | None = None) -> dict:
    """The schema of ``jsonable(instance)`` for an instance of the dataclass ``cls``.

    Built from the type hints. numpy arrays are arrays of numbers unless ``overrides`` (keyed
    ``"ClassName.field"``) says otherwise, as it must for integer, boolean, string and 2-D
    columns, and for dicts whose keys the type hint does not name.
    """
    overrides = overrides or {}
    hints = typing.get_type_hints(cls)
    properties = {}
    for field in dataclasses.fields(cls):
        key = f"{cls.__name__}.{field.name}"
        properties[field.name] = (
            overrides[key] if key in overrides else _hint_schema(hints[field.name], overrides)
        )
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    # A dataclass without a docstring gets a generated signature as __doc__: skip that.
    doc = (cls.__doc__ or "").strip()
    if doc and not doc.startswith(f"{cls.__name__}("):
        schema["description"] = doc.replace("``", "`")
    return schema


def _hint_schema(hint, overrides: Mapping[str, dict]) -> dict:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is np.ndarray:
        return NUMBER_ARRAY
    if hint in _BASIC:
        return dict(_BASIC[hint])
    if origin in (typing.Union, types.UnionType):
        present = [arg for arg in args if arg is not type(None)]
        if len(present) != 1:
            raise TypeError(f"no schema for the union {hint!r}")
        return {**_hint_schema(present[0], overrides), "nullable": True}
    if origin in (list, tuple):
        return array_of(_hint_schema(args[0], overrides))
    if origin is dict:
        return {"type": "object", "additionalProperties": _hint_schema(args[1], overrides)}
    if dataclasses.is_dataclass(hint):
        return dataclass_schema(hint, overrides)
    raise TypeError(f"no schema for {hint!r}; add an override")


def form_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """Query parameters of a GET filter form, with types, bounds, choices and defaults."""
    form = form_class()
    return [
        OpenApiParameter(name, type=_form_field_schema(field), description=_describe(name, field))
        for name, field in form.fields.items()
    ]


def _describe(name: str, field: forms.Field) -> str:
    parts = [str(field.label or pretty_name(name))]
    if field.help_text:
        parts.append(str(field.help_text))
    if isinstance(field, forms.ChoiceField):
        parts.append("; ".join(f"`{value}`: {label}" for value, label in field.choices if value))
    return ". ".join(parts) + "."


def _form_field_schema(field: forms.Field) -> dict:
    if isinstance(field, forms.BooleanField):
        schema: dict = {"type": "boolean"}
    elif isinstance(field, forms.FloatField):  # before IntegerField: FloatField subclasses it
        schema = {"type": "number"}
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
    elif isinstance(field, forms.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, forms.ChoiceField):
        schema = {"type": "string", "enum": [value for value, _ in field.choices if value != ""]}
    elif isinstance(field, forms.RegexField):
        schema = {"type": "string", "pattern": field.regex.pattern}
    else:
        schema = {"type": "string"}
    for validator in field.validators:
        if isinstance(validator, validators.MinValueValidator):
            schema["minimum"] = validator.limit_value
        elif isinstance(validator, validators.MaxValueValidator):
            schema["maximum"] = validator.limit_value
        elif isinstance(validator, validators.MaxLengthValidator):
            schema["maxLength"] = validator.limit_value
    if field.initial is not None and not callable(field.initial):
        schema["default"] = field.initial
    return schema


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    code = serializers.CharField(
        help_text="Stable machine-readable code, e.g. invalid, not_found, permission_denied."
    )
    message = serializers.CharField(help_text="What went wrong, for people.")
    details = serializers.DictField(
        help_text="Structured specifics: for `invalid`, the messages per parameter or field."
    )


_ERRORS = {
    400: (
        "The query parameters or the request body are not valid.",
        {
            "code": "invalid",
            "message": "The request is not valid; see details.",
            "details": {"priority_max": ["Must not be below the lower bound."]},
        },
    ),
    401: (
        "No credentials, or invalid ones (send `Authorization: Token <key>` or log in).",
        {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
            "details": {},
        },
    ),
    403: (
        "Authenticated, but not allowed to do this.",
        {
            "code": "permission_denied",
            "message": "You do not have permission to perform this action.",
            "details": {},
        },
    ),
    404: (
        "No such object (or it is not yours to see), or a page past the last one.",
        {"code": "not_found", "message": "No schedule with id 999.", "details": {}},
    ),
    409: (
        "The change would clash with what is stored; nothing was changed.",
        {
            "code": "conflict",
            "message": "After this change “Night A v1” would hold exactly the content of "
            "“Night B v1” (#7), which is already stored; nothing was changed.",
            "details": {},
        },
    ),
    413: (
        "A file or the body is larger than the configured limit.",
        {
            "code": "payload_too_large",
            "message": "schedule: the file is 734,003,200 bytes; the limit is 536,870,912 bytes.",
            "details": {},
        },
    ),
    507: (
        "The server could not store the upload (its disk may be full); nothing was stored.",
        {
            "code": "insufficient_storage",
            "message": "The server could not store the upload (its disk may be full); nothing "
            "was stored. Try again later, or tell the administrators.",
            "details": {},
        },
    ),
    415: (
        "The body's content type is not JSON or multipart form data.",
        {
            "code": "unsupported_media_type",
            "message": 'Unsupported media type "text/plain" in request.',
            "details": {},
        },
    ),
    429: (
        "Too many requests; retry after the given number of seconds.",
        {
            "code": "throttled",
            "message": "Request was throttled. Expected available in 12 seconds.",
            "details": {"retry_after_s": 12},
        },
    ),
}
READ_ERRORS = (401, 403, 404, 429)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Documented error responses for the given statuses, each with an example body."""
    responses = {}
    for code in statuses:
        description, example = _ERRORS[code]
        responses[code] = OpenApiResponse(
            ErrorSerializer,
            description=description,
            examples=[OpenApiExample(example["code"], value=example)],
        )
    return responses


PATH_PARAMETER_DESCRIPTIONS = {
    "schedule_id": "Id of the schedule (`id` in the schedule list).",
    "other_id": "Id of the schedule to compare with.",
    "block_id": "Database id of the block (its `id`, not its source block id).",
    "job_id": "Id of the upload job (`id` in the job answered by the upload).",
    "environment_id": "Id of the environment (`id` in the environment list).",
    "batch_id": "Id of the bulk upload (`id` in the batch answered by the upload).",
}


def describe_path_parameters(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: one description per path parameter name, for every endpoint."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and not parameter.get("description"):
                    parameter["description"] = PATH_PARAMETER_DESCRIPTIONS.get(
                        parameter["name"], ""
                    )
    return result
