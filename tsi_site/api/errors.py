"""Every API error is JSON ``{"code", "message", "details"}`` with the right status, never HTML."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from django.core import signals
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tsi_site.api.exceptions import PayloadTooLarge
from tsi_site.api.rendering import ORJSONRenderer

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict:
    return {"code": code, "message": message, "details": details or {}}


def api_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's handler, reshaped into the error format; unexpected errors become a JSON 500."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.error("Unhandled API error", exc_info=exc)
        # Tell Django's usual listeners (error reporting, the test client) about the failure.
        signals.got_request_exception.send(sender=None, request=getattr(request, "_request", None))
        return Response(
            error_body("server_error", "Internal server error."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    response.data = _describe(exc)
    return response


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(str(exc))
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return exceptions.ParseError(str(exc))
    return exc


def _describe(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return error_body("invalid", "The request is not valid; see details.", detail)
    details = {"retry_after_s": exc.wait} if isinstance(exc, exceptions.Throttled) else {}
    code = exc.detail.code if isinstance(exc.detail, exceptions.ErrorDetail) else None
    return error_body(code or exc.default_code, str(exc.detail), details)


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors keyed by parameter, non-field errors under ``non_field_errors``."""
    return {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


@csrf_exempt
def unknown_endpoint(request: HttpRequest) -> HttpResponse:
    """JSON 404 for any /api/ path no endpoint serves, with a hint for a missing slash."""
    details = {}
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown_endpoint:
            details["hint"] = f"Did you mean {request.path}/ (with a trailing slash)?"
    body = error_body("not_found", f"No API endpoint at {request.path}.", details)
    return HttpResponse(orjson.dumps(body), status=404, content_type="application/json")


class JsonErrorsMixin:
    """For views whose renderers are not JSON (the schema, the docs page): their errors are
    JSON like every other API error."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        renderer = ORJSONRenderer()
        self.request.accepted_renderer = renderer
        self.request.accepted_media_type = renderer.media_type
        return response
