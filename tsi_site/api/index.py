"""``GET /api/v1/``: where everything is, so a client can start from one URL."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# Per-schedule endpoints, as templates under schedules/{id}/.
SCHEDULE_ENDPOINTS = (
    "",
    "blocks/",
    "blocks/export.csv",
    "blocks/export.jsonl",
    "export/",
    "overview/",
    "sky-map/",
    "distributions/",
    "visibility-histogram/",
    "timeline/",
    "insights/",
    "trends/",
    "compare/{other_id}/",
    "validation-report/",
)


class ApiIndexView(APIView):
    """Lists URLs only, so it is open to everyone; each endpoint checks its own access."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Index of the API",
        description="The collections, the schema and docs, and the per-schedule endpoints as "
        "URL templates.",
        responses={
            200: OpenApiResponse(
                {
                    "type": "object",
                    "properties": {
                        "schedules": {"type": "string", "format": "uri"},
                        "jobs": {"type": "string", "format": "uri"},
                        "health": {"type": "string", "format": "uri"},
                        "schema": {"type": "string", "format": "uri"},
                        "docs": {"type": "string", "format": "uri"},
                        "per_schedule": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["schedules", "jobs", "health", "schema", "docs", "per_schedule"],
                },
                description="Where everything is.",
                examples=[
                    OpenApiExample(
                        "index",
                        value={
                            "schedules": "http://127.0.0.1:8000/api/v1/schedules/",
                            "jobs": "http://127.0.0.1:8000/api/v1/jobs/",
                            "health": "http://127.0.0.1:8000/api/v1/health/",
                            "schema": "http://127.0.0.1:8000/api/schema/",
                            "docs": "http://127.0.0.1:8000/api/docs/",
                            "per_schedule": [
                                "http://127.0.0.1:8000/api/v1/schedules/{schedule_id}/sky-map/"
                            ],
                        },
                    )
                ],
            )
        },
    )
    def get(self, request: Request) -> Response:
        url = request.build_absolute_uri
        schedules = url(reverse("api:schedule-list"))
        return Response(
            {
                "schedules": schedules,
                "jobs": url(reverse("api:job-list")),
                "health": url(reverse("api:health")),
                "schema": url(reverse("api:schema")),
                "docs": url(reverse("api:docs")),
                "per_schedule": [f"{schedules}{{schedule_id}}/{end}" for end in SCHEDULE_ENDPOINTS],
            }
        )
