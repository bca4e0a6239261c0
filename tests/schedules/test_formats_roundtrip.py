"""Every format reads, writes and re-reads to the same content (the same checksum)."""

import json
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedules.formats import InputFile, export_native, read_schedule, write_schedule
from schedules.formats.assembly import MAX_MAGNITUDE
from schedules.formats.periods import MJD_MAX, MJD_MIN
from schedules.schedule_data import Location, ScheduleData, SourceFormat

FORMATS = (SourceFormat.RAW, SourceFormat.SNAKE_CASE, SourceFormat.NATIVE)

finite = st.floats(min_value=-MAX_MAGNITUDE, max_value=MAX_MAGNITUDE)
non_negative = st.floats(min_value=0.0, max_value=MAX_MAGNITUDE)
mjd = st.floats(min_value=MJD_MIN, max_value=MJD_MAX)
period = st.tuples(mjd, mjd).filter(lambda pair: pair[0] != pair[1]).map(sorted)
# Readers decode UTF-8 JSON, which cannot carry a lone surrogate.
text = partial(st.text, st.characters(codec="utf-8", exclude_characters="\x00"))


@st.composite
def schedule_data(draw, *, with_block_names: bool = True) -> ScheduleData:
    """Any content a reader can produce, with floats from the whole range the readers accept."""
    count = draw(st.integers(min_value=0, max_value=5))
    ids = draw(st.lists(text(min_size=1, max_size=12), min_size=count, max_size=count, unique=True))
    names = text(max_size=16) if with_block_names else st.just("")
    fixed = draw(st.lists(st.none() | period, min_size=count, max_size=count))
    scheduled = draw(st.lists(st.none() | period, min_size=count, max_size=count))
    visibility = draw(st.lists(st.lists(period, max_size=3), min_size=count, max_size=count))

    def column(values: st.SearchStrategy) -> np.ndarray:
        return np.array(draw(st.lists(values, min_size=count, max_size=count)), dtype=np.float64)

    def bounds(periods: list, side: int) -> np.ndarray:
        return np.array([np.nan if p is None else p[side] for p in periods], dtype=np.float64)

    flat = [pair for periods in visibility for pair in periods]
    location = draw(
        st.none()
        | st.builds(
            Location,
            lat_deg=st.floats(min_value=-90, max_value=90),
            lon_deg=st.floats(min_value=-180, max_value=360),
            height_m=st.floats(allow_nan=False, allow_infinity=False),
        )
    )
    schedule_period = draw(st.none() | period)
    return ScheduleData(
        source_format=SourceFormat.NATIVE,
        name=draw(text(max_size=10)),
        source_ids=ids,
        block_names=[draw(names) for _ in range(count)],
        target_names=[draw(text(max_size=16)) for _ in range(count)],
        ra_deg=column(finite),
        dec_deg=column(finite),
        pm_ra_mas_per_year=column(finite | st.just(0.0)),
        pm_dec_mas_per_year=column(finite | st.just(0.0)),
        equinox=column(finite | st.just(2000.0)),
        priority=column(finite),
        requested_duration_s=column(non_negative),
        min_observation_s=column(non_negative),
        min_alt_deg=column(finite),
        max_alt_deg=column(finite),
        min_az_deg=column(finite),
        max_az_deg=column(finite),
        fixed_start_mjd=bounds(fixed, 0),
        fixed_stop_mjd=bounds(fixed, 1),
        scheduled_start_mjd=bounds(scheduled, 0),
        scheduled_stop_mjd=bounds(scheduled, 1),
        visibility_offsets=np.cumsum([0, *map(len, visibility)], dtype=np.int64),
        visibility_periods=np.array(flat, dtype=np.float64).reshape(len(flat), 2),
        dark_periods=np.array(draw(st.lists(period, max_size=3)), dtype=np.float64).reshape(-1, 2),
        period_start_mjd=None if schedule_period is None else schedule_period[0],
        period_end_mjd=None if schedule_period is None else schedule_period[1],
        location=location,
    )


def read_written(written) -> ScheduleData:
    return read_schedule(
        InputFile("schedule.json", written.schedule),
        visibility=None
        if written.visibility is None
        else InputFile("vis.json", written.visibility),
        dark_periods=(
            None if written.dark_periods is None else InputFile("dark.json", written.dark_periods)
        ),
    )


@pytest.fixture(scope="module")
def raw_sample(shared_data) -> ScheduleData:
    return read_schedule(
        InputFile.from_path(shared_data / "schedule_raw_one_block.json"),
        dark_periods=InputFile.from_path(shared_data / "dark_periods_raw.json"),
    )


@pytest.fixture(scope="module")
def native_sample(shared_data) -> ScheduleData:
    return read_schedule(InputFile.from_path(shared_data / "schedule_native_example.json"))


@pytest.fixture(params=["raw_sample", "native_sample"])
def sample(request) -> ScheduleData:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_back_what_was_written(sample, fmt):
    written = write_schedule(sample, fmt, "written")
    assert (written.visibility is None) == (fmt != SourceFormat.RAW)
    again = read_written(written)
    assert again.source_format == fmt
    assert again.checksum() == sample.checksum()


def test_native_export_round_trips_the_samples(sample):
    exported = export_native(sample, "exported")
    again = read_schedule(InputFile("exported.json", exported))
    assert again.name == "exported"
    assert again.checksum() == sample.checksum()


@pytest.mark.parametrize(
    "files",
    [
        {"schedule": "schedule_raw_one_block.json", "dark_periods": "dark_periods_raw.json"},
        {"schedule": "schedule_native_example.json"},
    ],
)
@pytest.mark.parametrize("indent", [None, 1, 4, "\t"])
def test_reindenting_does_not_change_the_checksum(shared_data, files, indent):
    def load(reindent: bool) -> ScheduleData:
        inputs = {}
        for role, file_name in files.items():
            text = (shared_data / file_name).read_bytes()
            if reindent:
                text = json.dumps(json.loads(text), indent=indent).encode()
            inputs[role] = InputFile(file_name, text)
        return read_schedule(inputs.pop("schedule"), **inputs)

    assert load(reindent=True).checksum() == load(reindent=False).checksum()


@settings(max_examples=60, deadline=None)
@given(schedule_data())
def test_native_export_round_trips_any_content(data):
    again = read_schedule(InputFile("exported.json", export_native(data, data.name)))
    assert again.checksum() == data.checksum()
    assert again.name == data.name


@settings(max_examples=60, deadline=None)
@given(schedule_data(with_block_names=False))
def test_the_same_content_in_every_format_has_one_checksum(data):
    checksums = {fmt: read_written(write_schedule(data, fmt, "same")).checksum() for fmt in FORMATS}
    assert set(checksums.values()) == {data.checksum()}, checksums


def test_raw_format_cannot_carry_block_names(native_sample):
    named = ScheduleData(**{**vars(native_sample), "block_names": ["a", "b"]})
    assert read_written(write_schedule(named, "raw")).block_names == ["", ""]


def test_write_schedule_rejects_an_unknown_format(native_sample):
    with pytest.raises(ValueError, match="unknown format"):
        write_schedule(native_sample, "csv")
