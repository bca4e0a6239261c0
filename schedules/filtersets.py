"""The one filter set for a schedule's blocks: the blocks API, its exports and the pages' block
tables all read the same query parameters through it."""

import django_filters
from django.db.models import Q, QuerySet
from django_filters.widgets import BooleanWidget

from analytics.models import PriorityBucket
from schedules.models import SchedulingBlock


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    pass


class BlockFilterSet(django_filters.FilterSet):
    """Filter ``SchedulingBlock`` rows of one schedule (pass them as ``queryset``).

    ``scheduled``, ``impossible`` and ``bucket`` read the blocks' stored analytics.
    """

    source_id = CharInFilter(
        field_name="source_block_id",
        label="Source block ids, comma-separated (exact match)",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        label="Part of the block id, block name or target name (any case)",
    )
    priority_min = django_filters.NumberFilter(
        field_name="priority", lookup_expr="gte", label="Lowest priority (inclusive)"
    )
    priority_max = django_filters.NumberFilter(
        field_name="priority", lookup_expr="lte", label="Highest priority (inclusive)"
    )
    scheduled = django_filters.BooleanFilter(
        field_name="analytics__is_scheduled", widget=BooleanWidget, label="Scheduled or not"
    )
    impossible = django_filters.BooleanFilter(
        field_name="analytics__is_impossible",
        widget=BooleanWidget,
        label="Impossible (cannot be observed under its constraints) or not",
    )
    bucket = django_filters.MultipleChoiceFilter(
        field_name="analytics__priority_bucket",
        choices=PriorityBucket.choices,
        label="Priority buckets (repeat for several): 1 Low … 4 High",
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("id", "id"),
            ("source_block_id", "source_id"),
            ("priority", "priority"),
            ("analytics__total_visibility_hours", "visibility_hours"),
            ("analytics__requested_hours", "requested_hours"),
            ("analytics__scheduled_start_mjd", "scheduled_start"),
        ),
        label="Sort key; prefix with - for descending",
    )

    class Meta:
        model = SchedulingBlock
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(source_block_id__icontains=value)
            | Q(block_name__icontains=value)
            | Q(target__name__icontains=value)
        )
