"""Export of stored schedules in the native format."""

from schedules.formats import export_native
from schedules.models import Schedule
from schedules.selectors import load_schedule_data


def export_schedule_native(schedule: Schedule) -> bytes:
    """The schedule as native-format JSON; ingesting it again yields the same checksum."""
    data, _ = load_schedule_data(schedule)
    return export_native(data, schedule.name)
