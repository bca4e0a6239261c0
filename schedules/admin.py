"""Admin for schedules, blocks, targets and ingest jobs, kept fast on 25,000-block schedules:
no per-row queries (``list_select_related``), no full-table counts, no per-object delete lists."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.db import router, transaction
from django.db.models import Count

from schedules.models import Environment, IngestJob, Schedule, SchedulingBlock, Target
from schedules.pipeline.refresh import ContentClash, refresh_after_edit, refresh_analytics
from tsi_site.web.admin import ReadableNumbersAdmin
from tsi_site.web.downloads import native_export_response


@admin.action(description="Recompute analytics and validation")
def refresh_selected(modeladmin, request, queryset):
    count = 0
    for schedule in queryset:
        refresh_analytics(schedule)
        count += 1
    modeladmin.message_user(request, f"Recomputed analytics of {count} schedule(s).")


@admin.action(description="Export in native format (one schedule)")
def export_native_action(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, "Select exactly one schedule to export.", messages.WARNING)
        return None
    return native_export_response(queryset.get())


class SummaryCountsMixin:
    """Confirm deletions with per-model counts instead of listing every cascaded row."""

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        ids = [obj.pk for obj in objs]
        blocks = SchedulingBlock.objects.using(router.db_for_write(Schedule))
        block_count = blocks.filter(schedule_id__in=ids).count()
        model_count = {"schedules": len(objs), "scheduling blocks (with analytics)": block_count}
        return [str(obj) for obj in objs], model_count, set(), []


@admin.register(Schedule)
class ScheduleAdmin(SummaryCountsMixin, ReadableNumbersAdmin):
    list_display = (
        "name",
        "version",
        "block_count",
        "source_format",
        "uploaded_at",
        "uploaded_by",
        "short_checksum",
    )
    list_filter = ("source_format", "uploaded_at")
    search_fields = ("name", "=checksum")
    list_select_related = ("uploaded_by",)
    show_full_result_count = False
    date_hierarchy = "uploaded_at"
    actions = [refresh_selected, export_native_action]
    readonly_fields = (
        "checksum",
        "version",
        "block_count",
        "source_format",
        "uploaded_at",
        "uploaded_by",
        "period_start_mjd",
        "period_end_mjd",
        "location_lat_deg",
        "location_lon_deg",
        "location_height_m",
        "dark_period_count",
        "structure_fingerprint",
        "environment",
    )
    # The period arrays can hold hundreds of thousands of numbers: never render them in a form.
    exclude = ("dark_periods", "possible_periods")

    @admin.display(description="checksum")
    def short_checksum(self, obj: Schedule) -> str:
        return obj.checksum[:12]

    @admin.display(description="dark periods")
    def dark_period_count(self, obj: Schedule) -> int:
        return len(obj.dark_periods)

    def has_add_permission(self, request) -> bool:
        return False  # schedules arrive through ingest (command, upload page or API)


@admin.register(Environment)
class EnvironmentAdmin(ReadableNumbersAdmin):
    list_display = ("name", "schedule_count", "created_at", "short_fingerprint")
    search_fields = ("name", "=fingerprint")
    readonly_fields = ("fingerprint", "created_at")
    raw_id_fields = ("baseline",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(schedule_count=Count("schedules"))

    @admin.display(description="schedules", ordering="schedule_count")
    def schedule_count(self, obj: Environment) -> int:
        return obj.schedule_count

    @admin.display(description="fingerprint")
    def short_fingerprint(self, obj: Environment) -> str:
        return obj.fingerprint[:12]

    def has_add_permission(self, request) -> bool:
        return False  # environments are made at ingest, one per structure fingerprint


class RefreshesSchedules:
    """Edits that change what schedules hold refresh those schedules (analytics, findings and
    checksum) in the same savepoint, so pages, CSVs and the API agree at once. An edit that would
    make a schedule a copy of another stored one is undone, and the user is told why."""

    def edit_and_refresh(self, request, edit: Callable[[], None], schedules) -> None:
        try:
            with transaction.atomic():
                edit()
                refresh_after_edit(list(schedules))
        except ContentClash as clash:
            request.tsi_edit_refused = True
            messages.error(request, str(clash))

    def message_user(self, request, message, *args, **kwargs) -> None:
        if not getattr(request, "tsi_edit_refused", False):
            super().message_user(request, message, *args, **kwargs)


@admin.register(SchedulingBlock)
class SchedulingBlockAdmin(RefreshesSchedules, ReadableNumbersAdmin):
    list_display = (
        "source_block_id",
        "block_name",
        "target",
        "schedule",
        "priority",
        "requested_duration_s",
        "is_scheduled",
    )
    list_filter = ("schedule",)
    search_fields = ("=source_block_id", "block_name", "target__name")
    list_select_related = ("schedule", "target")
    raw_id_fields = ("schedule", "target")
    show_full_result_count = False
    readonly_fields = ("schedule",)

    @admin.display(boolean=True, description="scheduled")
    def is_scheduled(self, obj: SchedulingBlock) -> bool:
        return bool(obj.scheduled_period)

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        save = super().save_model
        self.edit_and_refresh(request, lambda: save(request, obj, form, change), [obj.schedule])

    def delete_model(self, request, obj) -> None:
        delete = super().delete_model
        self.edit_and_refresh(request, lambda: delete(request, obj), [obj.schedule])

    def delete_queryset(self, request, queryset) -> None:
        schedules = list(Schedule.objects.filter(blocks__in=queryset).distinct())
        delete = super().delete_queryset
        self.edit_and_refresh(request, lambda: delete(request, queryset), schedules)


@admin.register(Target)
class TargetAdmin(RefreshesSchedules, ReadableNumbersAdmin):
    list_display = ("name", "ra_deg", "dec_deg", "pm_ra_mas_per_year", "pm_dec_mas_per_year")
    search_fields = ("name",)
    show_full_result_count = False

    def save_model(self, request, obj, form, change) -> None:
        # A target is shared: every schedule with a block observing it changes with it.
        schedules = Schedule.objects.filter(blocks__target=obj).distinct() if change else []
        save = super().save_model
        self.edit_and_refresh(request, lambda: save(request, obj, form, change), schedules)


@admin.register(IngestJob)
class IngestJobAdmin(ReadableNumbersAdmin):
    list_display = (
        "id",
        "requested_name",
        "state",
        "phase",
        "progress",
        "created_by",
        "created_at",
    )
    list_filter = ("state",)
    search_fields = ("requested_name", "error")
    list_select_related = ("created_by", "schedule")
    show_full_result_count = False
    readonly_fields = [field.name for field in IngestJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
