"""Liveness and database check for load balancers and monitoring."""

import logging

from django.db import DatabaseError, connection
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tsi_site.api.errors import error_body

logger = logging.getLogger(__name__)

_HEALTH = inline_serializer(
    "Health",
    {
        "status": serializers.CharField(help_text="ok"),
        "database": serializers.CharField(help_text="ok"),
    },
)
_UNHEALTHY = inline_serializer(
    "Unhealthy",
    {
        "status": serializers.CharField(help_text="error"),
        "database": serializers.CharField(help_text="error"),
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "details": serializers.DictField(),
    },
)


class HealthView(APIView):
    """Public, unthrottled and session-free, so probes never hit limits or the session table."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        summary="Health check",
        description="Runs `SELECT 1` on the database; 200 when it answers, 503 when it does not.",
        responses={
            200: OpenApiResponse(
                _HEALTH,
                description="The database answered.",
                examples=[OpenApiExample("ok", value={"status": "ok", "database": "ok"})],
            ),
            503: OpenApiResponse(
                _UNHEALTHY,
                description="The database did not answer.",
                examples=[
                    OpenApiExample(
                        "database down",
                        value={
                            "status": "error",
                            "database": "error",
                            **error_body("database_unavailable", "The database did not answer."),
                        },
                    )
                ],
            ),
        },
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            logger.exception("Health check: the database did not answer")
            body = {
                "status": "error",
                "database": "error",
                **error_body("database_unavailable", "The database did not answer."),
            }
            return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"status": "ok", "database": "ok"})
