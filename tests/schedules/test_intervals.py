import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedules.intervals import (
    contained_in_own_periods,
    contained_in_periods,
    find_overlapping_pairs,
    merge_grouped_periods,
    merge_periods,
    overlap_counts,
    overlap_durations,
)

NAN = np.nan

# Quarter-day grid points: plenty of shared endpoints, touching, nesting and reversed rows.
grid_value = st.integers(0, 12).map(lambda quarter: quarter / 4)
interval = st.one_of(
    st.tuples(grid_value, grid_value),
    st.just((NAN, 1.0)),
)
intervals = st.lists(interval, max_size=14).map(
    lambda rows: np.array(rows, dtype=np.float64).reshape(-1, 2)
)


def brute_force_pairs(periods: np.ndarray) -> list[tuple[int, int, float]]:
    """Overlap straight from the definition: min(stop) - max(start) > 0, every pair."""
    pairs = []
    for i in range(len(periods)):
        for j in range(i + 1, len(periods)):
            overlap = np.minimum(periods[i, 1], periods[j, 1]) - np.maximum(
                periods[i, 0], periods[j, 0]
            )
            if overlap > 0:
                pairs.append((i, j, float(overlap)))
    return pairs


def union_contains(periods: np.ndarray, points: np.ndarray) -> np.ndarray:
    valid = periods[periods[:, 0] <= periods[:, 1]]
    return np.array(
        [bool(np.any((valid[:, 0] <= t) & (t <= valid[:, 1]))) for t in points], dtype=bool
    )


def as_pairs(result: tuple[np.ndarray, np.ndarray, np.ndarray]) -> list[tuple[int, int, float]]:
    i, j, overlap = result
    return [(int(a), int(b), float(c)) for a, b, c in zip(i, j, overlap, strict=True)]


class TestMergePeriods:
    def test_empty_input_gives_an_empty_two_column_array(self):
        assert merge_periods(np.empty((0, 2))).shape == (0, 2)

    def test_overlapping_touching_and_nested_periods_merge_and_gaps_stay(self):
        periods = np.array([[5.0, 6.0], [0.0, 2.0], [1.0, 3.0], [3.0, 4.0], [1.5, 1.7], [7, 8]])
        np.testing.assert_array_equal(merge_periods(periods), [[0.0, 4.0], [5.0, 6.0], [7.0, 8.0]])

    def test_a_period_nested_in_an_earlier_long_one_does_not_end_the_union(self):
        periods = np.array([[0.0, 10.0], [1.0, 2.0], [3.0, 4.0], [10.0, 11.0]])
        np.testing.assert_array_equal(merge_periods(periods), [[0.0, 11.0]])

    def test_reversed_and_nan_rows_are_ignored(self):
        periods = np.array([[3.0, 1.0], [NAN, 2.0], [0.0, 1.0], [4.0, NAN]])
        np.testing.assert_array_equal(merge_periods(periods), [[0.0, 1.0]])

    @given(intervals)
    def test_union_is_sorted_disjoint_and_covers_exactly_the_input(self, periods):
        merged = merge_periods(periods)
        assert np.all(merged[:, 0] <= merged[:, 1])
        assert np.all(merged[1:, 0] > merged[:-1, 1])
        endpoints = np.unique(periods[~np.isnan(periods)])
        probes = np.concatenate((endpoints, (endpoints[1:] + endpoints[:-1]) / 2, [-1.0, 99.0]))
        np.testing.assert_array_equal(
            union_contains(merged, probes), union_contains(periods, probes)
        )
        assert set(merged.ravel()) <= set(endpoints)


class TestMergeGroupedPeriods:
    def test_each_group_is_merged_on_its_own_and_empty_groups_stay_empty(self):
        periods = np.array([[0.0, 1.0], [1.0, 2.0], [5.0, 6.0], [0.5, 3.0], [0.0, 1.0]])
        offsets = np.array([0, 3, 3, 5])
        merged, merged_offsets = merge_grouped_periods(periods, offsets)
        np.testing.assert_array_equal(merged, [[0.0, 2.0], [5.0, 6.0], [0.0, 3.0]])
        np.testing.assert_array_equal(merged_offsets, [0, 2, 2, 3])

    def test_no_groups(self):
        merged, merged_offsets = merge_grouped_periods(np.empty((0, 2)), np.array([0]))
        assert merged.shape == (0, 2)
        np.testing.assert_array_equal(merged_offsets, [0])

    @given(st.lists(intervals, max_size=5))
    def test_matches_merging_every_group_separately(self, groups):
        periods = np.concatenate([np.empty((0, 2)), *groups])
        offsets = np.concatenate(([0], np.cumsum([len(group) for group in groups])))
        merged, merged_offsets = merge_grouped_periods(periods, offsets)
        for index, group in enumerate(groups):
            own = merged[merged_offsets[index] : merged_offsets[index + 1]]
            np.testing.assert_array_equal(own, merge_periods(group))


class TestContainment:
    merged = np.array([[0.0, 1.0], [2.0, 3.0]])

    @pytest.mark.parametrize(
        ("start", "stop", "expected"),
        [
            (0.2, 0.8, True),
            (0.0, 1.0, True),
            (-1e-4, 1.0 + 1e-4, True),
            (-2e-4, 0.5, False),
            (2.5, 3.0 + 2e-4, False),
            (0.5, 2.5, False),
            (1.2, 1.8, False),
            (4.0, 5.0, False),
            (NAN, NAN, False),
        ],
    )
    def test_inside_one_merged_period_with_tolerance(self, start, stop, expected):
        inside = contained_in_periods(self.merged, np.array([start]), np.array([stop]), 1e-4)
        assert inside.tolist() == [expected]

    def test_nothing_is_inside_an_empty_set(self):
        inside = contained_in_periods(np.empty((0, 2)), np.array([0.0]), np.array([1.0]))
        assert inside.tolist() == [False]

    def test_each_interval_is_checked_against_its_own_group(self):
        merged = np.array([[0.0, 1.0], [2.0, 3.0], [5.0, 6.0]])
        merged_offsets = np.array([0, 2, 2, 3])
        start = np.array([2.1, 0.0, 0.5])
        stop = np.array([2.9, 0.5, 0.6])
        inside = contained_in_own_periods(merged, merged_offsets, start, stop, 1e-4)
        assert inside.tolist() == [True, False, False]


class TestOverlappingPairs:
    @pytest.mark.parametrize(
        ("periods", "expected"),
        [
            ([[0, 2], [1, 3]], [(0, 1, 1.0)]),
            ([[0, 1], [1, 2]], []),
            ([[0, 10], [2, 3]], [(0, 1, 1.0)]),
            ([[0, 2], [0, 5]], [(0, 1, 2.0)]),
            ([[2, 3], [0, 10]], [(0, 1, 1.0)]),
            ([[0, 4], [1, 5], [2, 6]], [(0, 1, 3.0), (0, 2, 2.0), (1, 2, 3.0)]),
            ([[0, 4], [2, 2], [NAN, 3], [3, 1]], []),
        ],
        ids=[
            "overlap",
            "touching",
            "nested",
            "equal-starts",
            "reverse-order",
            "three-way",
            "empty",
        ],
    )
    def test_pairs_and_overlap(self, periods, expected):
        periods = np.array(periods, dtype=np.float64)
        assert as_pairs(find_overlapping_pairs(periods[:, 0], periods[:, 1])) == expected

    @given(intervals)
    def test_matches_the_quadratic_definition(self, periods):
        found = as_pairs(find_overlapping_pairs(periods[:, 0], periods[:, 1]))
        assert found == brute_force_pairs(periods)

    @given(intervals)
    def test_capped_partners_give_a_subset(self, periods):
        capped = as_pairs(find_overlapping_pairs(periods[:, 0], periods[:, 1], 1))
        assert set(capped) <= set(as_pairs(find_overlapping_pairs(periods[:, 0], periods[:, 1])))

    @given(intervals)
    def test_counts_and_durations_match_the_quadratic_definition(self, periods):
        counts = np.zeros(len(periods), dtype=np.int64)
        durations = np.zeros(len(periods))
        for i, j, overlap in brute_force_pairs(periods):
            counts[[i, j]] += 1
            durations[[i, j]] += overlap
        np.testing.assert_array_equal(overlap_counts(periods[:, 0], periods[:, 1]), counts)
        np.testing.assert_allclose(
            overlap_durations(periods[:, 0], periods[:, 1]), durations, atol=1e-9
        )

    def test_durations_at_mjd_scale(self):
        start = 60000.0 + np.array([0.0, 0.25, 0.5, 2.0])
        stop = 60000.0 + np.array([1.0, 0.75, 1.5, 3.0])
        np.testing.assert_allclose(
            overlap_durations(start, stop), [1.0, 0.75, 0.75, 0.0], atol=1e-9
        )
        assert overlap_counts(start, stop).tolist() == [2, 2, 2, 0]
