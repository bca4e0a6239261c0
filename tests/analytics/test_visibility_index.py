"""The visibility histogram's per-version index: merged windows and the gaps between them,
sorted once, so that any bins are counted with binary searches; equal to counting block by
block, bin by bin."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from analytics.selectors.visibility import (
    count_visible_blocks,
    select_visibility,
    visibility_index,
)


def ragged(per_block: list[list[tuple[float, float]]]):
    offsets = np.zeros(len(per_block) + 1, dtype=np.int64)
    np.cumsum([len(periods) for periods in per_block], out=offsets[1:])
    flat = [period for periods in per_block for period in periods]
    periods = np.array(flat, dtype=np.float64).reshape(-1, 2)
    return np.arange(100, 100 + len(per_block)), offsets, periods


def block_by_block(per_block, row, edges) -> np.ndarray:
    """The definition: a block counts once in a bin when any of its periods overlaps the bin
    strictly (touching edges do not count)."""
    counts = np.zeros((4, len(edges) - 1), dtype=np.int64)
    for block, periods in enumerate(per_block):
        if row[block] == 4:
            continue
        for k, (lo, hi) in enumerate(itertools.pairwise(edges)):
            if any(start < hi and stop > lo for start, stop in periods):
                counts[row[block], k] += 1
    return counts


def test_hand_made_blocks_count_once_per_bin():
    per_block = [
        [(0.5, 1.5), (1.2, 1.8), (3.1, 3.2)],  # overlapping periods, and a window in bin 3
        [(1.0, 2.0), (2.0, 2.5)],  # touching periods: one window; touches bin 0 at 1.0
        [(0.1, 0.2), (0.3, 0.4), (0.6, 0.9)],  # three windows in bin 0: counted once
        [(2.5, 2.5)],  # an instant inside bin 2
        [(3.0, 3.0)],  # an instant on an edge: overlaps nothing
        [],  # never visible
        [(-5.0, 0.05), (3.9, 9.0)],  # beyond both ends of the range
    ]
    row = np.array([0, 1, 0, 3, 2, 2, 4])  # the last block is filtered out
    edges = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    index = visibility_index(*ragged(per_block))
    counts = count_visible_blocks(select_visibility(index, row), edges)
    assert counts.tolist() == [
        [2, 1, 0, 1],  # blocks 0 and 2, then block 0's windows (0.5–1.8) and (3.1–3.2)
        [0, 1, 1, 0],  # block 1 from 1.0 to 2.5
        [0, 0, 0, 0],  # the instant on an edge and the empty block
        [0, 0, 1, 0],  # the instant at 2.5
    ]
    assert np.array_equal(counts, block_by_block(per_block, row, edges))
    assert index.start.tolist() == [-5.0, 0.1, 0.3, 0.5, 0.6, 1.0, 2.5, 3.0, 3.1, 3.9]
    assert (index.first_mjd, index.last_mjd) == (-5.0, 9.0)


@pytest.mark.parametrize("seed", range(6))
def test_equal_to_counting_block_by_block_on_random_schedules(seed):
    rng = np.random.default_rng(seed)
    per_block = []
    for _ in range(60):
        count = int(rng.integers(0, 9))
        # Coarse times (quarters) so that touching and equal edges happen often.
        starts = rng.integers(0, 40, count) / 4
        lengths = rng.integers(0, 6, count) / 4
        periods = list(zip(starts.tolist(), (starts + lengths).tolist(), strict=True))
        if rng.random() < 0.5:
            periods.sort()
        per_block.append(periods)
    row = rng.integers(0, 5, len(per_block))
    selection = select_visibility(visibility_index(*ragged(per_block)), row)
    for edges in (
        np.linspace(0.0, 10.0, 11),
        np.linspace(-1.0, 12.0, 4),
        np.array([2.0, 2.25, 2.5, 7.0, 7.5]),
        np.linspace(0.0, 10.0, 201),
    ):
        expected = block_by_block(per_block, row, edges)
        assert np.array_equal(count_visible_blocks(selection, edges), expected)
