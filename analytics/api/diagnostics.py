"""Endpoints of the fragmentation and diagnostics pages, and the release gate (DESIGN §13)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from analytics.api import examples, schemas
from analytics.forms import DiagnosticsListForm, GateForm
from analytics.gate import UnknownMetric
from analytics.selectors.diagnostics import diagnostics, fragmentation
from analytics.selectors.figures import release_gate
from schedules.models import Schedule
from tsi_site.api.access import ScheduleAccess, schedule_or_404
from tsi_site.api.bodies import cached_json_response, schedule_body_key
from tsi_site.api.pages import TAGS, PageView, page_schema
from tsi_site.api.schema import READ_ERRORS, error_responses


@extend_schema(
    summary="Fragmentation",
    description="The schedule period split into classified pieces (`segment_*`, the time-use "
    "strip), hours per class, statistics of the idle gaps and the ten largest. `notes` say "
    "what was taken as operable time.",
    tags=list(TAGS),
    responses={
        200: OpenApiResponse(
            schemas.FRAGMENTATION,
            description="Fragmentation data.",
            examples=[examples.FRAGMENTATION],
        ),
        **error_responses(*READ_ERRORS),
    },
)
class FragmentationView(APIView):
    permission_classes = [ScheduleAccess]

    def get(self, request: Request, schedule_id: int) -> HttpResponse:
        schedule = schedule_or_404(schedule_id)
        key = schedule_body_key("fragmentation", schedule, None)
        return cached_json_response(request, key, lambda: fragmentation(schedule))


@page_schema(
    DiagnosticsListForm,
    schemas.DIAGNOSTICS,
    examples.DIAGNOSTICS,
    "Diagnostics",
    "Why each unscheduled block was left out (`unscheduled`, by priority; `reason` keeps one "
    "reason) and which scheduled blocks occupy the windows of the blocked ones; priority "
    "inversions; pressure per night and per RA hour; the KPIs beside a greedy baseline and the "
    "blocks only one of them schedules. The three lists come a slice at a time (`offset`, "
    "`limit`); `unscheduled_total`, `blocker_pairs` and `inversion_pairs` count every row. "
    "`notes` say what was taken as operable time.",
)
class DiagnosticsView(PageView):
    form_class = DiagnosticsListForm
    selector = staticmethod(diagnostics)


@page_schema(
    GateForm,
    schemas.GATE,
    examples.GATE,
    "Release gate",
    "Checks conditions on the figures of `manage.py summarize --json` (the same check as "
    "`--fail-if` on `ingest` and `summarize`): `passed` is false when any condition does not "
    "hold, and `failures` name them. A condition naming no figure answers 400 listing the "
    "known ones.",
)
class GateView(PageView):
    form_class = GateForm

    def select(self, schedule: Schedule, filters):
        try:
            return release_gate(schedule, filters)
        except UnknownMetric as error:
            raise ValidationError({"fail_if": [str(error)]}) from None
