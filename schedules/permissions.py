"""Who may do what (DESIGN §10), shared by the pages and the API.

Reading needs a login unless ``TSI_PUBLIC_READ`` is on; uploading needs
``schedules.add_schedule``; deleting needs ``schedules.delete_schedule``, as in the admin.
"""

from django.conf import settings


def can_read(user) -> bool:
    return settings.TSI_PUBLIC_READ or bool(user and user.is_authenticated)


def can_upload(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("schedules.add_schedule"))


def can_delete(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("schedules.delete_schedule"))


def can_change_environment(user) -> bool:
    """Rename an environment or keep its baseline."""
    return bool(user and user.is_authenticated and user.has_perm("schedules.change_environment"))
