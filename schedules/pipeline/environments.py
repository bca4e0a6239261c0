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


def rename_environment(environment: Environment, name: str) -> Environment:
    """Give the environment a name of the user's choosing (names need not be unique)."""
    environment.name = name
    environment.save(update_fields=["name"])
    return environment


def choose_baseline(environment: Environment, schedule: Schedule | None) -> Environment:
    """Measure the environment's schedules against ``schedule`` (None: the first uploaded)."""
    if schedule is not None and schedule.environment_id != environment.pk:
        raise ValueError(f"“{schedule}” is not in the environment “{environment.name}”.")
    environment.baseline = schedule
    environment.save(update_fields=["baseline"])
    return environment
