"""Who may call the API (DESIGN §10), on top of the rules shared with the pages."""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission

from schedules.models import Schedule
from schedules.permissions import can_delete, can_read, can_upload


class ScheduleAccess(BasePermission):
    """Reads follow ``TSI_PUBLIC_READ``; uploads need ``schedules.add_schedule``; deletes need
    ``schedules.delete_schedule``."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return can_read(request.user)
        if request.method == "DELETE":
            return can_delete(request.user)
        return can_upload(request.user)


def schedule_or_404(schedule_id: int) -> Schedule:
    try:
        return Schedule.objects.select_related("uploaded_by").get(pk=schedule_id)
    except Schedule.DoesNotExist:
        raise NotFound(f"No schedule with id {schedule_id}.") from None
