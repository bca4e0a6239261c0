"""How much one schedule may hold: ``TSI_MAX_BLOCKS`` blocks and ``TSI_MAX_PERIODS``
visibility periods (safe defaults about ten times a real schedule). The periods are counted
from the files' bytes before they are decoded, so an oversized upload is refused before it
costs the memory of decoding it; the exact counts are checked again after reading."""

from __future__ import annotations

from django.conf import settings

from schedules.formats.errors import ScheduleInputError
from schedules.formats.input_file import InputFile

# Every period names its end once, in any style: "stop", "stopTime", "stop_mjd" or "end_mjd".
_PERIOD_END_KEYS = (b'"stop', b'"end_mjd"')


def estimated_periods(data: bytes) -> int:
    """About how many periods the JSON text holds (a C-speed count of their end keys)."""
    return sum(data.count(key) for key in _PERIOD_END_KEYS)


def check_period_estimate(files: list[InputFile]) -> None:
    """Refuse, before decoding, files that together hold far more periods than allowed."""
    limit = settings.TSI_MAX_PERIODS
    estimate = sum(estimated_periods(file.data) for file in files)
    if estimate > limit:
        biggest = max(files, key=lambda file: estimated_periods(file.data))
        raise ScheduleInputError(
            biggest.name,
            "",
            f"the upload holds about {estimate:,} periods; a schedule may hold at most "
            f"{limit:,} (TSI_MAX_PERIODS)",
        )


def check_size_limits(file: str, blocks: int, periods: int) -> None:
    """Refuse a schedule that holds more blocks or visibility periods than allowed."""
    if blocks > settings.TSI_MAX_BLOCKS:
        raise ScheduleInputError(
            file,
            "",
            f"the schedule has {blocks:,} blocks; a schedule may hold at most "
            f"{settings.TSI_MAX_BLOCKS:,} (TSI_MAX_BLOCKS)",
        )
    if periods > settings.TSI_MAX_PERIODS:
        raise ScheduleInputError(
            file,
            "",
            f"the schedule has {periods:,} visibility periods; a schedule may hold at most "
            f"{settings.TSI_MAX_PERIODS:,} (TSI_MAX_PERIODS)",
        )
