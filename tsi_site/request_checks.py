"""Refusals that must happen before a request is read further: a NUL character in the query
string, which no field accepts and PostgreSQL cannot store, and a body whose declared size
passes the upload limit (413 at once, before a byte of it is read)."""

from __future__ import annotations

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tsi_site.api.errors import error_body

API_PREFIX = "/api/"


def request_limit_bytes() -> int:
    """The largest body an upload may send: every file at its limit, plus room for the form."""
    return settings.TSI_MAX_UPLOAD_FILES * settings.TSI_MAX_UPLOAD_BYTES + 1024 * 1024


def too_large_message(size: int | None = None, file_name: str | None = None) -> str:
    """Why an upload was refused: the size it declared, or the file that passed the limit."""
    limit = settings.TSI_MAX_UPLOAD_BYTES
    if file_name is not None:
        what = f"{file_name}: the upload passed its limit at this file"
    else:
        what = f"The upload is {size:,} bytes, more than its files may hold"
    return (
        f"{what}; the limit is {limit:,} bytes per file (TSI_MAX_UPLOAD_BYTES) and "
        f"{request_limit_bytes():,} bytes in all. Nothing was stored."
    )


def refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """The refusal as the client reads it: JSON for the API, a page for people."""
    if request.path.startswith(API_PREFIX):
        body = orjson.dumps(error_body(code, message))
        return HttpResponse(body, status=status, content_type="application/json")
    return render(request, "refused.html", {"message": message, "status": status}, status=status)


class RequestChecksMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API's own forms answer this with a located JSON error.
        api = request.path.startswith(API_PREFIX)
        if not api and "%00" in request.META.get("QUERY_STRING", ""):
            return refusal(
                request,
                400,
                "invalid",
                "The query contains a NUL character (%00), which no parameter accepts.",
            )
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > request_limit_bytes():
            # Closing the connection keeps the client from sending the rest of the body.
            response = refusal(request, 413, "payload_too_large", too_large_message(int(declared)))
            response["Connection"] = "close"
            return response
        return self.get_response(request)
