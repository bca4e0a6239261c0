"""The altitude rule: a block scheduled while its target is below its minimum altitude, or the
Sun above −12°, at the start, middle or end of the scheduled period; only with a site."""

from __future__ import annotations

import numpy as np
import pytest

from schedules.block_metrics import compute_block_metrics
from schedules.schedule_data import Location
from schedules.sky.altitudes import altaz_curves
from schedules.sky.ephemeris import SUN, astropy_altitude_deg
from schedules.sky.nights import dark_periods
from schedules.sky.sites import ORM
from tests.analytics.factories import make_schedule_data
from validation.rules import ALTITUDE_TOLERANCE_DEG, RULES, evaluate_rules

RULE = "scheduled_below_min_altitude"
LA_PALMA = ORM.to_location()
# The Crab Nebula (M1), ICRS, over the night of 2026-01-15 at La Palma.
CRAB_RA, CRAB_DEC = 83.6331, 22.0145
NIGHT = dark_periods(ORM, 61055.5, 61056.5, moon=False)[0]
MINUTE = 1.0 / 1440.0


@pytest.fixture(scope="module")
def crab_night() -> tuple[np.ndarray, np.ndarray]:
    """The Crab's altitude every minute of the dark night, from astropy's AltAz frame."""
    times = np.arange(NIGHT[0], NIGHT[1], MINUTE)
    return times, altaz_curves(ORM, CRAB_RA, CRAB_DEC, times).alt_deg[0]


def crab_block(start: float, stop: float, min_alt: float = 30.0, **fields) -> dict:
    return dict(
        ra_deg=CRAB_RA,
        dec_deg=CRAB_DEC,
        min_alt_deg=min_alt,
        visibility=[(start - 0.01, stop + 0.01)],
        scheduled=(start, stop),
        **fields,
    )


def findings_for(*blocks: dict, location: Location | None = LA_PALMA):
    data = make_schedule_data(list(blocks), location=location)
    return evaluate_rules(data, compute_block_metrics(data))


def rows_of(findings, rule: str = RULE) -> dict[int, dict[str, str]]:
    return {
        int(findings.block_index[k]): {
            name: getattr(findings, name)[k]
            for name in ("status", "criticality", "current_value", "expected_value", "message")
        }
        for k in range(len(findings))
        if findings.rule[k] == rule
    }


def test_the_rule_is_an_error_of_the_scheduled_period():
    rule = RULES[RULE]
    assert (rule.status, rule.criticality, rule.category) == ("error", "High", "scheduled_period")


def test_high_in_dark_time_is_fine_and_low_fires_with_astropys_altitudes(crab_night):
    times, altitude = crab_night
    high = times[altitude > 60.0]
    setting = times[(altitude > 10.0) & (altitude < 25.0)]
    low_start, low_stop = setting[0], setting[0] + 20 * MINUTE
    findings = findings_for(
        crab_block(high[0], high[0] + 30 * MINUTE), crab_block(low_start, low_stop)
    )
    fired = rows_of(findings)
    assert list(fired) == [1]
    expected = altaz_curves(
        ORM, CRAB_RA, CRAB_DEC, np.array([low_start, 0.5 * (low_start + low_stop), low_stop])
    ).alt_deg[0]
    shown = " / ".join(f"{value:.1f}°" for value in expected)
    row = fired[1]
    assert (row["status"], row["criticality"]) == ("error", "High")
    assert row["message"].startswith(f"Scheduled [{low_start:.4f}, {low_stop:.4f}] MJD while")
    assert (
        f"the target is at {shown} (start, middle, end), below its minimum altitude"
        in (row["message"])
    )
    assert "30.00°" in row["message"] and "Sun" not in row["message"]
    assert row["current_value"].startswith(f"target {shown}; Sun -")
    assert row["expected_value"] == "target >= 30.00°; Sun <= -12°"


def test_the_closed_form_altitude_matches_astropy_to_an_arcminute(crab_night):
    times, altitude = crab_night
    picks = np.linspace(0, len(times) - 1, 40).astype(int)
    starts = times[picks]
    # Each block's floor sits just above astropy's altitude at its start: every one fires
    # and reports astropy's start altitude to the tenth of a degree.
    floors = altitude[picks] + ALTITUDE_TOLERANCE_DEG + 0.05
    blocks = [
        crab_block(start, start + 10 * MINUTE, min_alt=floor)
        for start, floor in zip(starts, floors, strict=True)
    ]
    fired = rows_of(findings_for(*blocks))
    assert sorted(fired) == list(range(len(blocks)))
    for index, row in fired.items():
        shown_start = float(row["current_value"].removeprefix("target ").split("°")[0])
        assert shown_start == pytest.approx(altitude[picks[index]], abs=0.06)


def test_within_the_tolerance_does_not_fire(crab_night):
    times, altitude = crab_night
    # Five minutes around the transit: the altitude stays within 0.03° of its highest.
    start = times[np.argmax(altitude)] - 2.5 * MINUTE
    floor = altitude.max() + ALTITUDE_TOLERANCE_DEG - 0.1
    fired = rows_of(findings_for(crab_block(start, start + 5 * MINUTE, min_alt=floor)))
    assert fired == {}


def test_daylight_fires_with_the_suns_altitude():
    noon = 61055.5 + ORM.lon_deg / -360.0
    findings = findings_for(crab_block(noon, noon + 0.02, min_alt=-90.0))
    row = rows_of(findings)[0]
    sun = astropy_altitude_deg(SUN, ORM, np.array([noon, noon + 0.01, noon + 0.02]))
    assert "the Sun is at " + " / ".join(f"{value:.1f}°" for value in sun) in row["message"]
    assert row["message"].endswith(", above -12°.")
    assert "the target is at" not in row["message"]


def test_twilight_between_minus_18_and_minus_12_is_not_flagged():
    dusk = NIGHT[0] - 10 * MINUTE  # the Sun a little above −18°
    findings = findings_for(crab_block(dusk, dusk + 5 * MINUTE, min_alt=-90.0))
    assert rows_of(findings) == {}


def test_without_a_site_the_rule_finds_nothing(crab_night):
    times, altitude = crab_night
    low = times[np.argmin(altitude)]
    block = crab_block(low, low + 0.01, min_alt=89.0)
    assert rows_of(findings_for(block, location=None)) == {}
    assert list(rows_of(findings_for(block))) == [0]


def test_unscheduled_blocks_and_impossible_coordinates_are_left_alone(crab_night):
    times, _ = crab_night
    unscheduled = dict(ra_deg=CRAB_RA, dec_deg=CRAB_DEC, min_alt_deg=89.0)
    bad_dec = crab_block(times[0], times[0] + 0.01, min_alt=89.0, source_id="x")
    bad_dec["dec_deg"] = 120.0
    findings = findings_for(unscheduled, bad_dec)
    assert rows_of(findings) == {}
    assert "invalid_dec" in set(findings.rule)


def test_a_stray_period_years_away_is_judged_too(crab_night):
    times, altitude = crab_night
    high = times[np.argmax(altitude)]
    # 3,652 days later the sky turns within two minutes of the same place: the Crab is
    # high again, at night, in another run of the Sun's model.
    later = high + 3652.0
    findings = findings_for(
        crab_block(high, high + 5 * MINUTE, min_alt=60.0),
        crab_block(later, later + 5 * MINUTE, min_alt=60.0),
    )
    assert rows_of(findings) == {}
