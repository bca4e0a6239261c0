"""Group schedules into environments (DESIGN §14): a schedule joins the environment of its
structure fingerprint, which is made, named after it, the first time that structure is seen."""

from __future__ import annotations

from schedules.fingerprint import structure_fingerprint
from schedules.models import Environment, Schedule
from schedules.schedule_data import ScheduleData


def assign_environment(schedule: Schedule, data: ScheduleData) -> Environment:
    """Record the schedule's fingerprint and put it in that fingerprint's environment; an
    environment another schedule left empty is removed."""
    fingerprint = structure_fingerprint(data)
    environment, _ = Environment.objects.get_or_create(
        fingerprint=fingerprint, defaults={"name": schedule.name}
    )
    previous = schedule.environment_id
    Schedule.objects.filter(pk=schedule.pk).update(
        structure_fingerprint=fingerprint, environment=environment
    )
    schedule.structure_fingerprint, schedule.environment = fingerprint, environment
    if previous is not None and previous != environment.pk:
        Environment.objects.filter(pk=previous, schedules__isnull=True).delete()
    return environment
