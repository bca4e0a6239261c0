"""Reading and writing schedule files in the raw, snake-case and native formats.

Every format parses into :class:`~schedules.schedule_data.ScheduleData`; every input problem
is a :class:`ScheduleInputError` that names the file, where in it, and what was expected.
The formats are described in docs/formats.md.
"""

from schedules.formats.companions import read_dark_periods
from schedules.formats.errors import ScheduleInputError
from schedules.formats.export import WrittenSchedule, export_native, write_schedule
from schedules.formats.input_file import InputFile
from schedules.formats.periods import DroppedPeriods
from schedules.formats.reader import read_schedule

__all__ = [
    "DroppedPeriods",
    "InputFile",
    "ScheduleInputError",
    "WrittenSchedule",
    "export_native",
    "read_dark_periods",
    "read_schedule",
    "write_schedule",
]
