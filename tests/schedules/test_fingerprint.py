"""Equal structure, equal fingerprint: what runs of one problem share and what they may change."""

from __future__ import annotations

import dataclasses

import numpy as np

from schedules.fingerprint import structure_fingerprint
from schedules.formats import InputFile, export_native, read_schedule
from schedules.schedule_data import Location
from tests.analytics.factories import BASE_MJD, make_schedule_data

BLOCKS = [
    dict(source_id="b", priority=3.0, min_alt_deg=30.0),
    dict(source_id="a", priority=5.0, fixed=(BASE_MJD, BASE_MJD + 1)),
]
SITE = Location(lat_deg=28.7624, lon_deg=-17.8892, height_m=2396.0)


def plan(blocks=BLOCKS, **fields):
    return make_schedule_data(
        blocks, location=SITE, period_start_mjd=BASE_MJD, period_end_mjd=BASE_MJD + 30, **fields
    )


def test_runs_of_one_problem_share_a_fingerprint():
    base = structure_fingerprint(plan())
    rescheduled = [{**block, "scheduled": (BASE_MJD + 0.1, BASE_MJD + 0.2)} for block in BLOCKS]
    reprioritised = [{**block, "priority": 9.0} for block in BLOCKS]
    assert structure_fingerprint(plan(rescheduled)) == base
    assert structure_fingerprint(plan(reprioritised)) == base
    assert structure_fingerprint(plan(list(reversed(BLOCKS)))) == base, "block order is not"
    more_visibility = [{**block, "visibility": [(BASE_MJD, BASE_MJD + 2)]} for block in BLOCKS]
    assert structure_fingerprint(plan(more_visibility)) == base


def test_a_file_round_trip_keeps_the_fingerprint():
    data = plan()
    again = read_schedule(InputFile("plan.json", export_native(data, "plan")))
    assert structure_fingerprint(again) == structure_fingerprint(data)


def test_structure_changes_change_the_fingerprint():
    base = structure_fingerprint(plan())
    changed = [
        plan([{**BLOCKS[0], "min_alt_deg": 35.0}, BLOCKS[1]]),
        plan([BLOCKS[0]]),
        plan([{**BLOCKS[0], "source_id": "c"}, BLOCKS[1]]),
        plan([{**BLOCKS[0], "ra_deg": 181.0}, BLOCKS[1]]),
        plan([{**BLOCKS[0], "requested_duration_s": 7200.0}, BLOCKS[1]]),
        dataclasses.replace(plan(), period_end_mjd=BASE_MJD + 31),
        dataclasses.replace(plan(), location=Location(-24.6272, -70.4041, 2635.0)),
        dataclasses.replace(plan(), location=None),
    ]
    fingerprints = [structure_fingerprint(data) for data in changed]
    assert base not in fingerprints and len(set(fingerprints)) == len(changed)


def test_tiny_float_noise_does_not_change_it():
    noisy = plan([{**BLOCKS[0], "ra_deg": 180.0 + 1e-9}, BLOCKS[1]])
    assert structure_fingerprint(noisy) == structure_fingerprint(plan())
    assert np.isclose(noisy.ra_deg[0], 180.0)
