"""Environments over HTTP (DESIGN §14): the list, one environment's ranking by composite KPI
with deltas against its baseline, and renaming or keeping a baseline. The ranking is the
environments page's selector, so the page and the API never disagree."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.selectors.environments import (
    RANKED_FIGURES,
    NotAMember,
    environment_list,
    environment_ranking,
)
from schedules.models import Environment, Schedule
from schedules.permissions import can_change_environment, can_read
from schedules.pipeline.environments import choose_baseline, rename_environment
from tsi_site.api.schema import READ_ERRORS, error_responses

TAGS = ["environments"]
FIGURES_SCHEMA = {
    "type": "object",
    "properties": {name: {"type": "number", "nullable": True} for name in RANKED_FIGURES},
    "required": list(RANKED_FIGURES),
}


class EnvironmentAccess(BasePermission):
    """Reads follow ``TSI_PUBLIC_READ``; changes need ``schedules.change_environment``."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return can_read(request.user)
        return can_change_environment(request.user)


class EnvironmentSerializer(serializers.ModelSerializer):
    schedule_count = serializers.IntegerField(read_only=True)
    best_composite = serializers.FloatField(
        read_only=True, allow_null=True, help_text="The best composite KPI of its schedules."
    )
    latest_upload = serializers.DateTimeField(read_only=True)
    baseline = serializers.PrimaryKeyRelatedField(
        queryset=Schedule.objects.all(),
        allow_null=True,
        required=False,
        help_text="Schedule id the others are measured against; null: the first uploaded.",
    )

    class Meta:
        model = Environment
        fields = [
            "id",
            "name",
            "fingerprint",
            "baseline",
            "created_at",
            "schedule_count",
            "best_composite",
            "latest_upload",
        ]
        read_only_fields = ["fingerprint", "created_at"]

    def validate_baseline(self, schedule: Schedule | None) -> Schedule | None:
        if schedule is not None and schedule.environment_id != self.instance.pk:
            raise serializers.ValidationError(
                f"Schedule {schedule.pk} is not in the environment “{self.instance.name}”."
            )
        return schedule

    def update(self, environment: Environment, validated_data: dict) -> Environment:
        if "name" in validated_data:
            rename_environment(environment, validated_data["name"])
        if "baseline" in validated_data:
            choose_baseline(environment, validated_data["baseline"])
        return environment


class RankedScheduleSerializer(serializers.Serializer):
    schedule = serializers.IntegerField(source="schedule.pk")
    name = serializers.CharField(source="schedule.name")
    version = serializers.IntegerField(source="schedule.version")
    uploaded_at = serializers.DateTimeField(source="schedule.uploaded_at")
    rank = serializers.IntegerField(
        allow_null=True, help_text="1 for the best composite; null without stored KPIs."
    )
    upload_order = serializers.IntegerField(help_text="1 for the first uploaded.")
    is_baseline = serializers.BooleanField()
    figures = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="The composite and the five KPIs (DESIGN §13), each in [0, 1].",
    )
    deltas = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Each figure minus the baseline's.",
    )


class EnvironmentRankingSerializer(serializers.Serializer):
    environment = EnvironmentSerializer(source="environment_row")
    baseline = serializers.IntegerField(
        source="ranking.baseline.pk", allow_null=True, help_text="The baseline of these deltas."
    )
    missing_kpis = serializers.IntegerField(
        source="ranking.missing_kpis",
        help_text="Schedules stored before KPIs were kept with each schedule (unranked).",
    )
    ranked = RankedScheduleSerializer(
        source="ranking.ranked", many=True, help_text="Best composite first."
    )


BEST_RUN_FIGURES = {
    "composite": 0.4,
    "scheduling_rate": 0.5,
    "scheduled_fraction_of_operable": 0.1667,
    "visibility_use": 0.1667,
    "priority_alignment": 1.0,
    "gap_compactness": 0.1667,
}
RANKING_EXAMPLE = OpenApiExample(
    "Three runs",
    value={
        "environment": {
            "id": 4,
            "name": "Semester A runs",
            "fingerprint": "9f2c…",
            "baseline": None,
            "created_at": "2026-11-30T09:12:44Z",
            "schedule_count": 3,
            "best_composite": 0.4,
            "latest_upload": "2026-11-30T11:02:10Z",
        },
        "baseline": 11,
        "missing_kpis": 0,
        "ranked": [
            {
                "schedule": 13,
                "name": "run two",
                "version": 1,
                "uploaded_at": "2026-11-30T11:02:10Z",
                "rank": 1,
                "upload_order": 3,
                "is_baseline": False,
                "figures": BEST_RUN_FIGURES,
                # Against a baseline that scheduled nothing, whose figures are all 0.
                "deltas": BEST_RUN_FIGURES,
            }
        ],
    },
)


@extend_schema_view(
    list=extend_schema(
        summary="List environments",
        description="Groups of schedules of one problem (site, period, block ids and "
        "constraints), most recently uploaded to first. `q` matches the environment's name or "
        "a member schedule's.",
        tags=TAGS,
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Search text.")],
        responses={
            200: OpenApiResponse(
                EnvironmentSerializer(many=True), description="A page of environments."
            ),
            **error_responses(*READ_ERRORS),
        },
    ),
    retrieve=extend_schema(
        summary="An environment's schedules ranked by composite KPI",
        description="Best composite first, each figure with its delta to the baseline "
        "(`baseline` in the query for this answer only, else the environment's kept baseline, "
        "else its first upload). Sort `ranked` by `upload_order` for the KPIs' evolution.",
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "baseline", OpenApiTypes.INT, description="Schedule id to measure against."
            )
        ],
        responses={
            200: OpenApiResponse(
                EnvironmentRankingSerializer,
                description="The ranking.",
                examples=[RANKING_EXAMPLE],
            ),
            **error_responses(400, *READ_ERRORS),
        },
    ),
    partial_update=extend_schema(
        summary="Rename an environment or keep a baseline (needs schedules.change_environment)",
        tags=TAGS,
        responses={
            200: OpenApiResponse(EnvironmentSerializer, description="The environment."),
            **error_responses(400, *READ_ERRORS),
        },
    ),
)
class EnvironmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [EnvironmentAccess]
    serializer_class = EnvironmentSerializer
    lookup_url_kwarg = "environment_id"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        search = self.request.query_params.get("q", "").strip()[:200]
        return environment_list(search if self.action == "list" else "")

    def retrieve(self, request: Request, environment_id: int) -> Response:
        environment = self.get_object()
        baseline = request.query_params.get("baseline")
        try:
            ranking = environment_ranking(environment, int(baseline) if baseline else None)
        except ValueError as error:
            message = str(error) if isinstance(error, NotAMember) else "Enter a schedule id."
            raise ValidationError({"baseline": [message]}) from None
        answer = {"environment_row": environment, "ranking": ranking}
        return Response(EnvironmentRankingSerializer(answer).data)
