"""The overview endpoint's representation (the other pages answer their dataclasses as is)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from schedules.api.serializers import SUMMARY_SCHEMA, ScheduleSerializer
from schedules.models import Schedule
from tsi_site.api.rendering import jsonable


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


class ScheduleOverviewSerializer(serializers.Serializer):
    """Reads an ``analytics.selectors.ScheduleOverview``."""

    schedule = ScheduleSerializer()
    summary = SummaryField()
    versions = ScheduleVersionSerializer(many=True, help_text="Every version of this name.")
    previous_version = ScheduleVersionSerializer(allow_null=True)
