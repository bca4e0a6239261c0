"""Computed visibility against astroplan, the field's reference: the same site, targets,
limits and dark periods, astroplan sampled every 10 s; every window edge within 60 s and the
median within 10 s, windows matched one to one. Astroplan runs offline on the bundled IERS
tables (the network is unreachable during the test)."""

from __future__ import annotations

import numpy as np
import pytest
from astropy import units
from astropy.time import Time
from astropy.utils import iers

from schedules.sky.nights import dark_periods
from schedules.sky.offline import earth_location, use_bundled_tables, utc_times
from schedules.sky.sites import ORM, PARANAL
from tests.schedules.sky.samples import SECONDS_PER_DAY, our_windows, sample_targets

STEP_S = 10.0
# Windows this close to the minimum observation may be kept by one side and not the other.
AMBIGUOUS_S = 2.0 * STEP_S


def astroplan_windows(site, dark: np.ndarray, targets: dict[str, np.ndarray]) -> list[np.ndarray]:
    import astroplan
    from astroplan.constraints import AltitudeConstraint, Constraint, TimeConstraint, _get_altaz

    class AzimuthRange(Constraint):
        """astroplan 0.10 has no azimuth constraint: this one reads the AltAz that astroplan
        caches for its own AltitudeConstraint."""

        def __init__(self, low_deg: float, high_deg: float) -> None:
            self.low, self.width = low_deg, np.mod(high_deg - low_deg, 360.0)

        def compute_constraint(self, times, observer, targets):
            azimuth = _get_altaz(times, observer, targets)["altaz"].az.to_value(units.deg)
            return np.mod(azimuth - self.low, 360.0) <= self.width

    # Every dark period sampled from its start to its end, at most 10 s apart.
    segments = [
        np.linspace(start, stop, int(np.ceil((stop - start) * SECONDS_PER_DAY / STEP_S)) + 1)
        for start, stop in dark
    ]
    segment = np.concatenate([np.full(len(s), k) for k, s in enumerate(segments)])
    mjd = np.concatenate(segments)
    times = utc_times(mjd)
    observer = astroplan.Observer(location=earth_location(site))
    coordinates = [
        astroplan.FixedTarget(coord=_icrs(ra, dec))
        for ra, dec in zip(targets["ra_deg"], targets["dec_deg"], strict=True)
    ]
    count = len(coordinates)

    windows = []
    for row in range(count):
        constraints = [
            AltitudeConstraint(
                targets["min_alt_deg"][row] * units.deg, targets["max_alt_deg"][row] * units.deg
            )
        ]
        low, high = targets["min_az_deg"][row], targets["max_az_deg"][row]
        if 0.0 < abs(high - low) < 360.0:
            constraints.append(AzimuthRange(low, high))
        fixed = [targets["fixed_start_mjd"][row], targets["fixed_stop_mjd"][row]]
        if np.isfinite(fixed).any():
            constraints.append(
                TimeConstraint(*(Time(v, format="mjd") if np.isfinite(v) else None for v in fixed))
            )
        # All targets in every call, so astroplan computes its AltAz grid once and caches it.
        masks = [
            np.broadcast_to(
                constraint(observer, coordinates, times=times, grid_times_targets=True),
                (count, len(mjd)),
            )[row]
            for constraint in constraints
        ]
        windows.append(_runs(np.logical_and.reduce(masks), mjd, segment))
    return windows


def _runs(mask: np.ndarray, mjd: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Runs of True samples as windows; an edge between samples is put halfway, an edge at
    the end of a dark period stays there."""
    boundary = np.flatnonzero(np.diff(segment)) + 1
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    change = np.diff(padded)
    first = np.flatnonzero(change == 1)
    last = np.flatnonzero(change == -1) - 1
    # A run crossing from one dark period into the next is two windows.
    splits = boundary[mask[boundary] & mask[boundary - 1]]
    first = np.sort(np.concatenate((first, splits)))
    last = np.sort(np.concatenate((last, splits - 1)))
    opens_segment = (first == 0) | (segment[first] != segment[np.maximum(first - 1, 0)])
    closes_segment = (last == len(mjd) - 1) | (
        segment[last] != segment[np.minimum(last + 1, len(mjd) - 1)]
    )
    start = np.where(opens_segment, mjd[first], 0.5 * (mjd[np.maximum(first - 1, 0)] + mjd[first]))
    stop = np.where(
        closes_segment, mjd[last], 0.5 * (mjd[last] + mjd[np.minimum(last + 1, len(mjd) - 1)])
    )
    return np.column_stack((start, stop))


def _icrs(ra: float, dec: float):
    from astropy.coordinates import SkyCoord

    return SkyCoord(ra=ra * units.deg, dec=dec * units.deg, frame="icrs")


def compare(ours: list[np.ndarray], reference: list[np.ndarray], minimum_s: np.ndarray):
    """Edge residuals (seconds) of windows matched one to one, skipping windows whose length
    is within the sampling of the minimum observation (either side may keep them)."""
    residuals = []
    for row, (mine, theirs) in enumerate(zip(ours, reference, strict=True)):
        length = (theirs[:, 1] - theirs[:, 0]) * SECONDS_PER_DAY
        ambiguous = np.abs(length - minimum_s[row]) < AMBIGUOUS_S
        theirs_kept = theirs[(length >= minimum_s[row]) & ~ambiguous]
        overlaps_ambiguous = np.zeros(len(mine), dtype=bool)
        for start, stop in theirs[ambiguous]:
            overlaps_ambiguous |= (mine[:, 0] < stop) & (mine[:, 1] > start)
        mine_kept = mine[~overlaps_ambiguous]
        assert len(mine_kept) == len(theirs_kept), f"target {row}: window counts differ"
        residuals.append(np.abs(mine_kept - theirs_kept).ravel() * SECONDS_PER_DAY)
    return np.concatenate(residuals)


@pytest.mark.parametrize(
    ("site", "span"),
    [
        # The real nights are in 2028, past the bundled IERS predictions: both sides
        # extrapolate the same tables, and say so.
        pytest.param(
            ORM,
            (61800.0, 61821.0),
            marks=pytest.mark.filterwarnings("ignore::schedules.sky.offline.SkyAccuracyWarning"),
            id="la-palma-real-nights",
        ),
        pytest.param(PARANAL, (61420.0, 61441.0), id="paranal"),
    ],
)
def test_windows_match_astroplan(site, span, real_nights, no_network):
    import astroplan.utils

    use_bundled_tables()
    assert iers.conf.auto_download is False
    table = iers.earth_orientation_table.get()
    assert isinstance(table, iers.IERS_A) and table.meta["data_path"] == iers.IERS_A_FILE
    # astroplan swaps in a zero UT1−UTC when it cannot reach IERS data; it must not have.
    assert Time._get_delta_ut1_utc is astroplan.utils.BACKUP_Time_get_delta_ut1_utc

    if site is ORM:
        dark = real_nights.dark_periods
        dark = dark[(dark[:, 0] >= span[0]) & (dark[:, 1] <= span[1])]
    else:
        dark = dark_periods(site, *span)
    assert len(dark) >= 14
    targets = sample_targets(span[0])
    ours = our_windows(site, dark, targets)
    reference = astroplan_windows(site, dark, targets)
    residual = compare(ours, reference, targets["min_observation_s"])

    assert sum(len(w) for w in ours) >= 150
    assert residual.max() <= 60.0
    assert np.median(residual) <= 10.0
    # The reference's own sampling is ±5 s; our edges are not worse than that.
    assert residual.max() <= STEP_S / 2.0 + 1.0
