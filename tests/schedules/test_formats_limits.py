"""A schedule may hold at most TSI_MAX_BLOCKS blocks and TSI_MAX_PERIODS visibility periods;
an upload far over the period limit is refused before its periods are decoded."""

from __future__ import annotations

import pytest

from schedules.formats import InputFile, ScheduleInputError, export_native, read_schedule
from schedules.formats.limits import check_size_limits, estimated_periods
from tests.analytics.factories import BASE_MJD, make_schedule_data


def native(blocks: int, periods: int) -> InputFile:
    visibility = [(BASE_MJD + day, BASE_MJD + day + 0.3) for day in range(periods)]
    data = make_schedule_data([dict(visibility=visibility) for _ in range(blocks)])
    return InputFile("plan.json", export_native(data, "plan"))


def test_the_defaults_are_ten_real_schedules(settings):
    from tsi_site import settings as defaults

    assert (defaults.TSI_MAX_BLOCKS, defaults.TSI_MAX_PERIODS) == (30_000, 8_000_000)


def test_too_many_blocks_is_refused_with_the_limit(settings):
    settings.TSI_MAX_BLOCKS = 3
    assert read_schedule(native(3, 1)).block_count == 3
    with pytest.raises(ScheduleInputError) as raised:
        read_schedule(native(4, 1))
    assert "has 4 blocks; a schedule may hold at most 3 (TSI_MAX_BLOCKS)" in str(raised.value)


def test_too_many_periods_is_refused_before_decoding(settings, monkeypatch):
    settings.TSI_MAX_PERIODS = 10
    file = native(3, 4)  # 12 periods
    assert estimated_periods(file.data) == 12

    def no_decoding(*args, **kwargs):
        raise AssertionError("the periods must not be decoded")

    monkeypatch.setattr("schedules.formats.reader.decode", no_decoding)
    with pytest.raises(ScheduleInputError) as raised:
        read_schedule(file)
    assert "about 12 periods; a schedule may hold at most 10 (TSI_MAX_PERIODS)" in str(raised.value)


def test_the_exact_counts_are_checked_after_reading():
    with pytest.raises(ScheduleInputError, match="30,001 blocks"):
        check_size_limits("plan.json", 30_001, 0)
    with pytest.raises(ScheduleInputError, match="8,000,001 visibility periods"):
        check_size_limits("plan.json", 1, 8_000_001)
    check_size_limits("plan.json", 30_000, 8_000_000)
