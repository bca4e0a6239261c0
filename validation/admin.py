"""Read-only admin for validation findings."""

from django.contrib import admin

from tsi_site.web.admin import ReadableNumbersAdmin
from validation.models import ValidationResult


@admin.register(ValidationResult)
class ValidationResultAdmin(ReadableNumbersAdmin):
    list_display = ("block", "schedule", "rule", "status", "criticality", "field", "message")
    list_filter = ("status", "criticality", "category", "rule", "schedule")
    search_fields = ("=block__source_block_id", "rule", "message")
    list_select_related = ("block", "schedule")
    show_full_result_count = False
    raw_id_fields = ("schedule", "block")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
