"""The API side of a report page: the page's form parses the query string, the page's selector
answers, and the dataclass it returns is written as JSON with columns as arrays, once per
schedule version and query (``tsi_site.api.bodies``)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from schedules.models import Schedule
from tsi_site.api.access import ScheduleAccess, schedule_or_404
from tsi_site.api.bodies import cached_json_response, schedule_body_key
from tsi_site.api.errors import form_errors
from tsi_site.api.schema import READ_ERRORS, error_responses, form_parameters

TAGS = ("pages",)


def parse_filters(form_class: type[forms.Form], request: Request):
    """The page form's filter dataclass for this query string; 400 with the form's errors."""
    form = form_class(request.query_params)
    if not form.is_valid():
        raise ValidationError(form_errors(form))
    return form.filters()


def page_schema(
    form_class: type[forms.Form],
    schema: dict,
    example: OpenApiExample,
    summary: str,
    description: str,
    tags: tuple[str, ...] = TAGS,
):
    """``extend_schema`` for a page endpoint: the form's parameters and the selector's shape."""
    return extend_schema(
        summary=summary,
        description=description,
        tags=list(tags),
        parameters=form_parameters(form_class),
        responses={
            200: OpenApiResponse(schema, description=f"{summary} data.", examples=[example]),
            **error_responses(400, *READ_ERRORS),
        },
    )


class PageView(APIView):
    """GET one page's data: parse the page form, call the page selector, answer its result."""

    permission_classes = [ScheduleAccess]
    form_class: type[forms.Form]
    selector: Callable

    def get(self, request: Request, schedule_id: int) -> HttpResponse:
        schedule = schedule_or_404(schedule_id)
        filters = parse_filters(self.form_class, request)
        key = schedule_body_key(type(self).__name__, schedule, filters)
        return cached_json_response(request, key, lambda: self.select(schedule, filters))

    def select(self, schedule: Schedule, filters):
        return self.selector(schedule, filters)
