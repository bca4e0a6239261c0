"""Random small schedules checked against the definitions written out plainly: per block,
per window, per pair, with Python loops and no cleverness."""

import numpy as np
import pytest

from analytics.diagnostics.greedy import place_greedily
from analytics.diagnostics.inversions import find_inversions
from analytics.diagnostics.operable import (
    LENGTH_TOLERANCE_DAYS,
    operable_time,
    scheduled_periods,
    usable_windows,
)
from analytics.diagnostics.reasons import (
    BLOCKERS_KEPT,
    explain_unscheduled,
    find_blockers,
)
from tests.analytics.factories import BASE_MJD, make_schedule_data

TOL = LENGTH_TOLERANCE_DAYS
SEEDS = range(150)


def at(quarters: int) -> float:
    return BASE_MJD + quarters / 96


def random_schedule(seed: int):
    """Up to 10 blocks on a quarter-hour grid over one day: shared edges, touching and nested
    periods, overlapping scheduled blocks, open and invalid fixed windows."""
    rng = np.random.default_rng(seed)

    def interval(longest: int) -> tuple[float, float]:
        start = int(rng.integers(0, 96))
        return at(start), at(min(96, start + int(rng.integers(1, longest))))

    blocks = []
    for _ in range(int(rng.integers(1, 11))):
        requested = int(rng.integers(0, 13))
        block = {
            "priority": float(rng.integers(1, 6)),
            "requested_duration_s": requested * 900.0,
            "min_observation_s": float(rng.integers(0, requested + 1)) * 900.0,
            "visibility": [interval(40) for _ in range(int(rng.integers(0, 4)))],
        }
        if rng.random() < 0.2:
            start, stop = interval(60)
            choices = [(start, stop), (np.nan, stop), (start, np.nan), (stop, start)]
            block["fixed"] = choices[int(rng.integers(len(choices)))]
        if rng.random() < 0.4:
            block["scheduled"] = interval(16)
        blocks.append(block)
    dark = [interval(60) for _ in range(int(rng.integers(0, 4)))]
    data = make_schedule_data(
        blocks, dark_periods=dark, period_start_mjd=at(0), period_end_mjd=at(96)
    )
    errors = rng.random(len(blocks)) < 0.1
    return data, errors


def merged(periods):
    out = []
    for start, stop in sorted(p for p in periods if p[0] <= p[1]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], stop)
        else:
            out.append([start, stop])
    return out


def cut(pieces, low, high):
    return [(max(a, low), min(b, high)) for a, b in pieces if max(a, low) < min(b, high)]


def minus(window, busy):
    pieces = [window]
    for busy_start, busy_stop in busy:
        pieces = [
            piece
            for low, high in pieces
            for piece in ((low, min(high, busy_start)), (max(low, busy_stop), high))
            if piece[0] < piece[1]
        ]
    return pieces


def definitions(data, errors):
    """Usable windows, reasons, blockers, inversions and greedy placements, by hand."""
    window = (data.period_start_mjd, data.period_end_mjd)
    operable = [p for d in merged(data.dark_periods.tolist()) for p in cut([d], *window)]
    if not len(data.dark_periods):
        operable = [window]
    n = data.block_count
    request = data.requested_duration_s / 86400
    scheduled = [i for i in range(n) if data.scheduled_start_mjd[i] < data.scheduled_stop_mjd[i]]
    period = {i: (data.scheduled_start_mjd[i], data.scheduled_stop_mjd[i]) for i in scheduled}

    usable = []
    for i in range(n):
        low, high = data.fixed_start_mjd[i], data.fixed_stop_mjd[i]
        if low >= high:
            low, high = np.nan, np.nan
        low = -np.inf if np.isnan(low) else low
        high = np.inf if np.isnan(high) else high
        pieces = [
            piece
            for v in merged(data.visibility_of(i).tolist())
            for o in operable
            for piece in cut(cut([v], *o), low, high)
        ]
        least = max(data.min_observation_s[i], 0) / 86400
        usable.append([(a, b) for a, b in pieces if b - a >= least - TOL])

    reasons, blockers, inversions = {}, {}, {}
    for i in range(n):
        if i in period:
            continue
        longest = max(((b - a) * 24 for a, b in data.visibility_of(i).tolist()), default=0.0)
        roomy = [w for w in usable[i] if w[1] - w[0] >= request[i] - TOL]
        free = [p for w in roomy for p in minus(w, period.values())]
        if longest < 0.001:
            reasons[i] = "no_visibility"
        elif not usable[i]:
            reasons[i] = "no_window_fits"
        elif not roomy:
            reasons[i] = "requested_exceeds_visibility"
        elif errors[i]:
            reasons[i] = "other_validation_issue"
        elif any(b - a >= request[i] - TOL for a, b in free):
            reasons[i] = "feasible_free"
        else:
            reasons[i] = "blocked"
        if reasons[i] == "blocked":
            taken = {
                s: sum(max(0.0, min(b, period[s][1]) - max(a, period[s][0])) for a, b in usable[i])
                for s in scheduled
            }
            blockers[i] = {s: hours for s, hours in taken.items() if hours > 0}
        if reasons[i] in ("blocked", "feasible_free"):
            for s in scheduled:
                if not data.priority[i] > data.priority[s]:
                    continue
                others = [period[t] for t in scheduled if t != s]
                freed = [
                    (b - a, a, b)
                    for w in roomy
                    for a, b in minus(w, others)
                    if b - a >= request[i] - TOL and min(b, period[s][1]) > max(a, period[s][0])
                ]
                if freed:
                    best = max(freed, key=lambda f: (f[0], -f[1]))
                    inversions[(i, s)] = (best[1], best[2])
    return usable, reasons, blockers, inversions


def replay(data, usable, order):
    busy, placed = [], {}
    for i in order.tolist():
        need = data.requested_duration_s[i] / 86400
        if not need > 0:
            continue
        for a, c in usable[i]:
            if c - a < need - TOL:
                continue
            starts = sorted({a} | {stop for _, stop in busy if a <= stop <= c})
            fits = [
                t
                for t in starts
                if t + need <= c + TOL and not any(s < t + need and t < e for s, e in busy)
            ]
            if fits:
                placed[i] = fits[0]
                busy.append((fits[0], fits[0] + need))
                break
    return placed


def computed(data, errors):
    operable = operable_time(data)
    windows = usable_windows(data, operable)
    is_scheduled, union = scheduled_periods(data)
    reasons = explain_unscheduled(data, windows, is_scheduled, union, errors)
    return (
        windows,
        reasons,
        find_blockers(data, windows, reasons, is_scheduled),
        find_inversions(data, windows, reasons, is_scheduled),
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_diagnostics_follow_the_definitions(seed):
    data, errors = random_schedule(seed)
    usable, reasons, blockers, inversions = definitions(data, errors)
    windows, found_reasons, found_blockers, found_inversions = computed(data, errors)

    for i in range(data.block_count):
        np.testing.assert_array_equal(windows.of(i), np.array(usable[i]).reshape(-1, 2))
    names = found_reasons.names()
    assert {i: names[i] for i in range(data.block_count) if names[i] != "scheduled"} == reasons

    assert found_blockers.blocked_blocks.tolist() == sorted(blockers)
    for k, block in enumerate(found_blockers.blocked_blocks.tolist()):
        expected = sorted(
            blockers[block].items(), key=lambda item: (-round(item[1] / TOL), item[0])
        )
        rows = slice(found_blockers.offsets[k], found_blockers.offsets[k + 1])
        assert found_blockers.blocker[rows].tolist() == [s for s, _ in expected[:BLOCKERS_KEPT]]
        np.testing.assert_allclose(
            found_blockers.hours[rows], [h * 24 for _, h in expected[:BLOCKERS_KEPT]], rtol=1e-9
        )
        assert found_blockers.blocker_count[k] == len(expected)

    found = {
        (int(b), int(s)): (start, stop)
        for b, s, start, stop in zip(
            found_inversions.unscheduled,
            found_inversions.scheduled,
            found_inversions.freed_start_mjd,
            found_inversions.freed_stop_mjd,
            strict=True,
        )
    }
    assert found == inversions


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("batch", [1, 4, 512])
def test_greedy_follows_the_definition(seed, batch):
    data, errors = random_schedule(seed)
    usable, *_ = definitions(data, errors)
    windows = usable_windows(data, operable_time(data))
    start, stop, order = place_greedily(data, windows, batch_blocks=batch)
    expected = replay(data, usable, order)
    assert {i: start[i] for i in np.flatnonzero(~np.isnan(start)).tolist()} == expected
    expected_stop = start + data.requested_duration_s / 86400
    np.testing.assert_array_equal(stop, np.where(np.isnan(start), np.nan, expected_stop))
