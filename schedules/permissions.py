"""Who may do what (DESIGN §10), shared by the pages and the API.

Reading needs a login unless ``TSI_PUBLIC_READ`` is on; uploading needs
``schedules.add_schedule``; deleting needs ``schedules.delete_schedule``, as in the admin.
Renaming a schedule or changing its site needs ``schedules.change_schedule``. The owner of a
schedule (its ``uploaded_by``) may rename, re-site and delete it without those permissions
while they may still upload: what someone uploaded stays theirs to tidy up, and taking away
the upload permission takes that away too. ``is_staff`` alone grants nothing here.
"""

from django.conf import settings


def can_read(user) -> bool:
    return settings.TSI_PUBLIC_READ or bool(user and user.is_authenticated)


def can_upload(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("schedules.add_schedule"))


def can_delete(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("schedules.delete_schedule"))


def can_change(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("schedules.change_schedule"))


def owns(user, schedule) -> bool:
    """The user uploaded the schedule and may still upload."""
    return can_upload(user) and schedule.uploaded_by_id == user.pk


def may_change(user, schedule) -> bool:
    """Rename the schedule or change its site."""
    return can_change(user) or owns(user, schedule)


def may_delete(user, schedule) -> bool:
    return can_delete(user) or owns(user, schedule)


def can_manage(user) -> bool:
    """Open the schedule management page: some schedule may be theirs to change or delete."""
    return can_change(user) or can_delete(user) or can_upload(user)


def can_change_environment(user) -> bool:
    """Rename an environment or keep its baseline."""
    return bool(user and user.is_authenticated and user.has_perm("schedules.change_environment"))
