"""Read-only admin for the ETL's analytics: inspect, never edit (refresh rebuilds them)."""

from django.contrib import admin

from analytics.models import BlockAnalytics, ScheduleSummary
from tsi_site.web.admin import ReadableNumbersAdmin


class ReadOnlyAdmin(ReadableNumbersAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScheduleSummary)
class ScheduleSummaryAdmin(ReadOnlyAdmin):
    list_display = (
        "schedule",
        "total_blocks",
        "scheduled_blocks",
        "impossible_blocks",
        "scheduling_rate",
        "conflict_count",
        "computed_at",
    )
    list_select_related = ("schedule",)
    search_fields = ("schedule__name",)
    show_full_result_count = False


@admin.register(BlockAnalytics)
class BlockAnalyticsAdmin(ReadOnlyAdmin):
    list_display = (
        "source_block_id",
        "display_name",
        "schedule",
        "priority",
        "priority_bucket",
        "total_visibility_hours",
        "is_scheduled",
        "is_impossible",
    )
    list_filter = ("priority_bucket", "is_scheduled", "is_impossible", "schedule")
    search_fields = ("=source_block_id", "display_name")
    list_select_related = ("schedule",)
    show_full_result_count = False
    raw_id_fields = ("schedule", "block")
