"""The synthetic schedule generator: reproducibility and the invariants real schedules hold."""

from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from schedules.block_metrics import compute_block_metrics
from schedules.formats import InputFile, read_dark_periods, read_schedule
from schedules.schedule_data import Location, empty_periods
from schedules.sky.altitudes import altaz_curves
from schedules.sky.sites import site_from_location
from schedules.synthetic import (
    generate_schedule_data,
    generated_nights,
    merged_periods,
    rescheduled,
)
from validation.rules import evaluate_rules

SAMPLE_SCHEDULE = Path(__file__).resolve().parents[2] / "schedules/fixtures/sample_schedule.json"


@pytest.fixture(scope="module")
def synthetic():
    return generate_schedule_data(blocks=400, periods_per_block=20, seed=7)


def inside_any(periods: np.ndarray, containers: np.ndarray) -> np.ndarray:
    """Whether each of ``periods`` lies inside one of the sorted, disjoint ``containers``."""
    index = np.searchsorted(containers[:, 0], periods[:, 0], side="right") - 1
    clipped = np.maximum(index, 0)
    return (
        (index >= 0)
        & (containers[clipped, 0] <= periods[:, 0])
        & (periods[:, 1] <= containers[clipped, 1])
    )


def test_same_seed_gives_identical_data_and_another_seed_does_not():
    first = generate_schedule_data(blocks=120, periods_per_block=15, seed=3)
    again = generate_schedule_data(blocks=120, periods_per_block=15, seed=3)
    other = generate_schedule_data(blocks=120, periods_per_block=15, seed=4)
    assert first.checksum() == again.checksum()
    assert first.checksum() != other.checksum()


def test_columns_have_one_row_per_block(synthetic):
    assert synthetic.block_count == 400
    assert len(set(synthetic.source_ids)) == 400
    assert all(len(block_id) == 10 and block_id.isdigit() for block_id in synthetic.source_ids)
    assert len(synthetic.visibility_offsets) == 401
    for column in ("ra_deg", "priority", "scheduled_start_mjd", "fixed_stop_mjd"):
        assert getattr(synthetic, column).shape == (400,)


def test_targets_are_shared_and_on_the_visible_sky(synthetic):
    assert len(set(synthetic.target_names)) < synthetic.block_count / 2
    assert ((synthetic.ra_deg >= 0) & (synthetic.ra_deg < 360)).all()
    assert synthetic.dec_deg.min() >= 28.7618 - 90
    assert synthetic.dec_deg.max() <= 90


def test_priorities_have_one_decimal_within_zero_to_ten(synthetic):
    priority = synthetic.priority
    assert ((priority >= 0) & (priority <= 10)).all()
    np.testing.assert_array_equal(priority, np.round(priority, 1))
    assert len(np.unique(priority)) > 20


def test_durations_and_limits_are_plausible(synthetic):
    requested, minimum = synthetic.requested_duration_s, synthetic.min_observation_s
    assert ((requested >= 600) & (requested <= 7200) & (requested % 300 == 0)).all()
    assert ((minimum > 0) & (minimum <= requested)).all()
    assert 0.5 < (minimum == requested).mean() < 1
    assert ((synthetic.min_alt_deg >= 20) & (synthetic.min_alt_deg <= 60)).all()
    assert ((synthetic.max_alt_deg >= 85) & (synthetic.max_alt_deg <= 90)).all()
    assert (synthetic.min_az_deg < synthetic.max_az_deg).all()
    assert (synthetic.max_az_deg <= 360).all()


def test_visibility_lies_in_dark_periods_sorted_and_disjoint_per_block(synthetic):
    periods, offsets = synthetic.visibility_periods, synthetic.visibility_offsets
    assert (periods[:, 0] < periods[:, 1]).all()
    assert inside_any(periods, synthetic.dark_periods).all()
    starts_a_block = np.zeros(len(periods), dtype=bool)
    starts_a_block[offsets[:-1][np.diff(offsets) > 0]] = True
    follows_previous = periods[1:, 0] >= periods[:-1, 1]
    assert (follows_previous | starts_a_block[1:]).all()


def test_visibility_counts_follow_the_request(synthetic):
    counts = synthetic.visibility_counts()
    assert 0 < (counts == 0).mean() < 0.1
    assert counts.max() <= 26
    assert 14 <= np.median(counts[counts > 0]) <= 26


def test_some_blocks_have_too_little_visibility(synthetic):
    longest = np.array(
        [
            np.max(np.diff(synthetic.visibility_of(index), axis=1), initial=0.0)
            for index in range(synthetic.block_count)
        ]
    )
    has_visibility = synthetic.visibility_counts() > 0
    too_short = has_visibility & (longest * 86400 < synthetic.min_observation_s)
    assert 0.02 < too_short.mean() < 0.15


def test_fixed_windows_contain_visibility_and_schedule(synthetic):
    fixed = np.flatnonzero(~np.isnan(synthetic.fixed_start_mjd))
    assert 0.02 < len(fixed) / synthetic.block_count < 0.1
    for index in fixed:
        start, stop = synthetic.fixed_start_mjd[index], synthetic.fixed_stop_mjd[index]
        assert 1 <= stop - start <= 8
        visibility = synthetic.visibility_of(index)
        assert ((visibility[:, 0] >= start) & (visibility[:, 1] <= stop)).all()
        if not np.isnan(synthetic.scheduled_start_mjd[index]):
            assert start <= synthetic.scheduled_start_mjd[index]
            assert synthetic.scheduled_stop_mjd[index] <= stop


def test_scheduled_periods_fit_visibility_requested_time_and_never_overlap(synthetic):
    scheduled = np.flatnonzero(~np.isnan(synthetic.scheduled_start_mjd))
    start, stop = synthetic.scheduled_start_mjd[scheduled], synthetic.scheduled_stop_mjd[scheduled]
    np.testing.assert_allclose(
        (stop - start) * 86400, synthetic.requested_duration_s[scheduled], atol=1e-3
    )
    for index, period in zip(scheduled, np.column_stack([start, stop]), strict=True):
        assert inside_any(period[None, :], synthetic.visibility_of(index))[0]
    order = np.argsort(start)
    assert (start[order][1:] >= stop[order][:-1]).all()
    assert inside_any(np.column_stack([start, stop]), synthetic.dark_periods).all()


def test_another_run_places_the_same_blocks_again(synthetic):
    """The runs of one problem the N-way compare is measured on: only the placement differs."""
    run = rescheduled(synthetic, seed=1)
    assert run.source_ids == synthetic.source_ids
    np.testing.assert_array_equal(run.visibility_periods, synthetic.visibility_periods)
    start, stop = run.scheduled_start_mjd, run.scheduled_stop_mjd
    placed = ~np.isnan(start)
    assert not np.array_equal(placed, ~np.isnan(synthetic.scheduled_start_mjd))
    for index in np.flatnonzero(placed):
        assert inside_any(np.array([[start[index], stop[index]]]), run.visibility_of(index))[0]
    order = np.argsort(start[placed])
    assert (start[placed][order][1:] >= stop[placed][order][:-1]).all()
    assert np.array_equal(rescheduled(synthetic, seed=1).scheduled_start_mjd, start, equal_nan=True)


def test_a_realistic_share_is_scheduled_favouring_high_priority(synthetic):
    scheduled = ~np.isnan(synthetic.scheduled_start_mjd)
    assert 0.4 < scheduled.mean() < 0.75
    high = synthetic.priority >= np.median(synthetic.priority)
    assert scheduled[high].mean() > scheduled[~high].mean()


def test_schedule_period_location_and_dark_periods_default_to_the_site_year(synthetic):
    assert synthetic.location == Location(28.7618, -17.8916, 2423.0)
    assert synthetic.period_start_mjd == 61771.0
    assert synthetic.period_end_mjd == synthetic.dark_periods[-1, 1] <= 62137
    np.testing.assert_array_equal(
        synthetic.dark_periods, generated_nights(61771.0, 366, 28.7618, -17.8916)
    )


def test_generated_nights_look_like_a_dark_period_file():
    nights = generated_nights(61771.0, 366, 28.7618, -17.8916)
    hours = (nights[:, 1] - nights[:, 0]) * 24
    assert 280 < len(nights) < 340
    assert 1400 < hours.sum() < 1900
    assert hours.max() < 11.5
    assert (nights[1:, 0] > nights[:-1, 1]).all()
    june, december = generated_nights(61923.0, 30, 28.76), generated_nights(62106.0, 30, 28.76)
    assert np.diff(june).max() < np.diff(december).max()


def test_given_dark_periods_location_and_period_are_used():
    dark = np.array([[61802.9, 61803.2], [61800.9, 61801.25], [61801.9, 61802.2]])
    site = Location(-29.25, -70.73, 2380.0)
    data = generate_schedule_data(
        blocks=50,
        periods_per_block=2,
        seed=1,
        dark_periods=dark,
        location=site,
        schedule_period=(61800.0, 61804.0),
    )
    np.testing.assert_array_equal(data.dark_periods, merged_periods(dark))
    assert data.location == site
    assert (data.period_start_mjd, data.period_end_mjd) == (61800.0, 61804.0)
    assert inside_any(data.visibility_periods, data.dark_periods).all()
    assert data.dec_deg.max() <= -29.25 + 90


def test_merged_periods_sorts_drops_empty_and_merges_overlaps():
    periods = np.array([[5.0, 6.0], [1.0, 3.0], [2.0, 4.0], [7.0, 7.0], [4.0, 4.5]])
    np.testing.assert_array_equal(merged_periods(periods), [[1.0, 4.5], [5.0, 6.0]])


def test_edge_sizes():
    empty = generate_schedule_data(blocks=0, periods_per_block=10, seed=0)
    assert empty.block_count == 0
    no_visibility = generate_schedule_data(blocks=30, periods_per_block=0, seed=0)
    assert len(no_visibility.visibility_periods) == 0
    assert np.isnan(no_visibility.scheduled_start_mjd).all()
    no_nights = generate_schedule_data(
        blocks=30, periods_per_block=5, seed=0, dark_periods=empty_periods()
    )
    assert no_nights.period_start_mjd is None
    assert len(no_nights.visibility_periods) == 0
    with pytest.raises(ValueError, match="negative"):
        generate_schedule_data(blocks=-1, periods_per_block=5, seed=0)


@pytest.mark.parametrize("fmt", ["raw", "snake_case", "native"])
def test_command_writes_files_that_read_back_to_the_generated_data(fmt, tmp_path):
    output = tmp_path / "generated.json"
    printed = StringIO()
    call_command(
        "generate_schedule",
        *("--blocks", "60", "--periods", "8", "--seed", "5", "--format", fmt),
        *("--output", str(output)),
        stdout=printed,
    )
    visibility = tmp_path / "generated_possible_periods.json"
    dark_periods = tmp_path / "generated_dark_periods.json"
    companions = [visibility, dark_periods] if fmt == "raw" else []
    assert sorted(tmp_path.iterdir()) == sorted([output, *companions])
    for path in [output, *companions]:
        assert f"{path} ({path.stat().st_size:,} bytes)" in printed.getvalue()
    companion_inputs = (
        {
            "visibility": InputFile.from_path(visibility),
            "dark_periods": InputFile.from_path(dark_periods),
        }
        if companions
        else {}
    )
    read_back = read_schedule(InputFile.from_path(output), **companion_inputs)
    expected = generate_schedule_data(blocks=60, periods_per_block=8, seed=5)
    assert read_back.checksum() == expected.checksum()


def test_command_uses_the_dark_periods_file(tmp_path, shared_data):
    dark_file = shared_data / "dark_periods_raw.json"
    output = tmp_path / "generated.json"
    call_command(
        "generate_schedule",
        *("--blocks", "40", "--periods", "6", "--seed", "9", "--name", "Forty"),
        *("--dark-periods", str(dark_file), "--output", str(output)),
        stdout=StringIO(),
    )
    periods, location, window = read_dark_periods(InputFile.from_path(dark_file))
    expected = generate_schedule_data(
        blocks=40,
        periods_per_block=6,
        seed=9,
        dark_periods=periods,
        location=location,
        schedule_period=window,
    )
    read_back = read_schedule(InputFile.from_path(output))
    assert read_back.checksum() == expected.checksum()
    assert read_back.name == "Forty"
    assert len(read_back.dark_periods) == 314
    assert (read_back.period_start_mjd, read_back.period_end_mjd) == (61771.0, 62137.0)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--blocks", "-1"), "zero or more"),
        (("--periods", "-5"), "zero or more"),
        (("--dark-periods", "/nonexistent/dark.json"), "file not found"),
    ],
)
def test_command_refuses_bad_options(arguments, message, tmp_path):
    with pytest.raises(CommandError, match=message):
        call_command(
            "generate_schedule",
            *arguments,
            "--output",
            str(tmp_path / "out.json"),
            stdout=StringIO(),
        )


def test_command_refuses_an_unwritable_output(tmp_path):
    with pytest.raises(CommandError, match="not a directory"):
        call_command(
            "generate_schedule",
            "--output",
            str(tmp_path / "missing" / "out.json"),
            stdout=StringIO(),
        )
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "generate_schedule", "--blocks", "3", "--output", str(tmp_path), stdout=StringIO()
        )


def test_bundled_sample_is_reproduced_by_its_recorded_command(tmp_path, shared_data):
    """The command recorded in the generate_schedule module docstring."""
    output = tmp_path / "sample_schedule.json"
    call_command(
        "generate_schedule",
        *("--blocks", "300", "--periods", "12", "--seed", "2028"),
        *("--dark-periods", str(shared_data / "dark_periods_raw.json")),
        *("--name", "Sample schedule", "--output", str(output)),
        stdout=StringIO(),
    )
    assert output.read_bytes() == SAMPLE_SCHEDULE.read_bytes()
    assert SAMPLE_SCHEDULE.stat().st_size < 1_000_000


@pytest.mark.filterwarnings("ignore::schedules.sky.offline.SkyAccuracyWarning")
def test_a_target_is_within_its_limits_whenever_it_is_listed_visible(synthetic):
    """Astropy's altitude and azimuth at the start, middle and end of sampled windows."""
    site = site_from_location(synthetic.location)
    owner = np.repeat(np.arange(synthetic.block_count), synthetic.visibility_counts())
    rows = np.random.default_rng(0).choice(len(owner), size=150, replace=False)
    for row in rows.tolist():
        block = owner[row]
        start, stop = synthetic.visibility_periods[row]
        curves = altaz_curves(
            site,
            synthetic.ra_deg[block],
            synthetic.dec_deg[block],
            np.array([start, 0.5 * (start + stop), stop]),
        )
        altitude, azimuth = curves.alt_deg[0], curves.az_deg[0]
        assert (altitude >= synthetic.min_alt_deg[block] - 0.01).all(), (block, altitude)
        assert (altitude <= synthetic.max_alt_deg[block] + 0.01).all(), (block, altitude)
        if synthetic.max_az_deg[block] - synthetic.min_az_deg[block] < 360:
            assert (azimuth >= synthetic.min_az_deg[block] - 0.01).all()
            assert (azimuth <= synthetic.max_az_deg[block] + 0.01).all()


def test_the_altitude_rule_finds_nothing_in_generated_schedules(synthetic):
    findings = evaluate_rules(synthetic, compute_block_metrics(synthetic))
    assert "scheduled_below_min_altitude" not in set(findings.rule)
