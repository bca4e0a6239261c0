"""The overview endpoint's representation (the other pages answer their dataclasses as is)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analytics.selectors.diagnostics import schedule_kpis
from analytics.selectors.overview import Headline
from schedules.api.serializers import KPIS_SCHEMA, SUMMARY_SCHEMA, ScheduleSerializer
from schedules.models import Schedule
from tsi_site.api.rendering import jsonable
from tsi_site.api.schema import dataclass_schema


@extend_schema_field(SUMMARY_SCHEMA)
class SummaryField(serializers.Field):
    def to_representation(self, value):
        return jsonable(value)


class ScheduleVersionSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:schedule-detail", lookup_url_kwarg="schedule_id"
    )

    class Meta:
        model = Schedule
        fields = ["id", "url", "version", "uploaded_at", "block_count"]


@extend_schema_field(dataclass_schema(Headline))
class HeadlineField(serializers.Field):
    def to_representation(self, value):
        return jsonable(value)


class ScheduleOverviewSerializer(serializers.Serializer):
    """Reads an ``analytics.selectors.ScheduleOverview``."""

    schedule = ScheduleSerializer()
    summary = SummaryField()
    headline = HeadlineField(
        help_text="Headline figures over the chosen blocks; `scope` names them."
    )
    kpis = serializers.SerializerMethodField(
        help_text="The diagnostics' KPIs beside a greedy baseline's (DESIGN §13)."
    )
    versions = ScheduleVersionSerializer(many=True, help_text="Every version of this name.")
    previous_version = ScheduleVersionSerializer(allow_null=True)

    @extend_schema_field(KPIS_SCHEMA)
    def get_kpis(self, overview) -> dict:
        return jsonable(schedule_kpis(overview.schedule, overview.summary.kpi_comparison))
