"""``read_schedule``: detect the format, read the schedule, apply the companion files."""

from __future__ import annotations

import msgspec

from schedules.formats.blocks import read_blocks_schedule
from schedules.formats.companions import read_dark_periods, read_visibility, replace_visibility
from schedules.formats.decoding import check_depth, decode, prepare
from schedules.formats.errors import ScheduleInputError
from schedules.formats.input_file import InputFile
from schedules.formats.limits import check_period_estimate, check_size_limits
from schedules.formats.periods import DroppedPeriods
from schedules.formats.raw import read_raw_schedule
from schedules.schedule_data import ScheduleData

_RAW_KEY = "SchedulingBlock"
_BLOCKS_KEY = "blocks"


def read_schedule(
    schedule: InputFile,
    *,
    visibility: InputFile | None = None,
    dark_periods: InputFile | None = None,
    dropped: DroppedPeriods | None = None,
) -> ScheduleData:
    """The normalised schedule from a schedule file of any format and its optional
    visibility and dark-periods files; raises ``ScheduleInputError`` for any bad input.

    The visibility file replaces the periods of the blocks it names (after the schedule's
    own ``possible_periods``); the dark-periods file replaces the dark periods and supplies
    the location and schedule period only where the schedule has none. A period that does not
    run forwards within the years 1 to 9999 is bad input, unless ``dropped`` is given: then
    it is left out (a single period, such as a scheduled one, counts as absent) and recorded
    there.
    """
    check_period_estimate([schedule, *([visibility] if visibility is not None else [])])
    data = prepare(schedule)
    # A pass that skips values cheaply: it checks the syntax and finds the top-level keys.
    top_level = decode(schedule.name, data, dict[str, msgspec.Raw])
    check_depth(schedule.name, data)
    if _RAW_KEY in top_level and _BLOCKS_KEY in top_level:
        raise ScheduleInputError(
            schedule.name, "", f'has both "{_RAW_KEY}" and "{_BLOCKS_KEY}" keys; expected one'
        )
    if _RAW_KEY in top_level:
        result = read_raw_schedule(schedule.name, data, dropped)
    elif _BLOCKS_KEY in top_level:
        result = read_blocks_schedule(schedule.name, data, dropped)
    else:
        raise ScheduleInputError(
            schedule.name,
            "",
            f'unknown schedule format: expected a top-level "{_RAW_KEY}" (raw telescope format) '
            f'or "{_BLOCKS_KEY}" (snake-case or native format) key',
        )
    if visibility is not None:
        replace_visibility(result, read_visibility(visibility, result.source_ids, dropped))
    if dark_periods is not None:
        periods, location, window = read_dark_periods(dark_periods, dropped)
        result.dark_periods = periods
        if result.location is None:
            result.location = location
        if window is not None and result.period_start_mjd is None and result.period_end_mjd is None:
            result.period_start_mjd, result.period_end_mjd = window
    check_size_limits(schedule.name, result.block_count, len(result.visibility_periods))
    return result
