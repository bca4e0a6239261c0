"""Who may call the API (DESIGN §10), on top of the rules shared with the pages."""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission

from schedules.models import Schedule
from schedules.permissions import can_read, can_upload, may_change, may_delete


class ScheduleAccess(BasePermission):
    """Reads follow ``TSI_PUBLIC_READ``; uploads need ``schedules.add_schedule``; a delete
    needs ``schedules.delete_schedule`` and a change (PATCH) ``schedules.change_schedule``,
    unless the schedule is the user's own (``schedules.permissions``)."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return can_read(request.user)
        if request.method in ("DELETE", "PATCH"):
            return bool(request.user and request.user.is_authenticated)
        return can_upload(request.user)

    def has_object_permission(self, request, view, schedule: Schedule) -> bool:
        if request.method == "DELETE":
            return may_delete(request.user, schedule)
        if request.method == "PATCH":
            return may_change(request.user, schedule)
        return True


def schedule_or_404(schedule_id: int) -> Schedule:
    try:
        return Schedule.objects.select_related("uploaded_by").get(pk=schedule_id)
    except Schedule.DoesNotExist:
        raise NotFound(f"No schedule with id {schedule_id}.") from None


class BatchAccess(BasePermission):
    """Sending a bulk upload needs ``schedules.add_schedule``, as one upload does; following
    one needs a login (and shows the user's own jobs only, every job to staff)."""

    def has_permission(self, request, view) -> bool:
        if request.method == "POST":
            return can_upload(request.user)
        return bool(request.user and request.user.is_authenticated)
