import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedules.intervals import (
    FreeTime,
    RangeMaximum,
    contained_in_own_periods,
    contained_in_periods,
    find_overlapping_pairs,
    intersect_grouped_with_periods,
    merge_grouped_periods,
    merge_periods,
    overlap_counts,
    overlap_durations,
    overlapping_pairs_between,
    search_sorted,
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

    @given(intervals)
    def test_same_union_as_the_grouped_sweep_with_one_group(self, periods):
        swept, _ = merge_grouped_periods(periods, np.array([0, len(periods)]))
        np.testing.assert_array_equal(merge_periods(periods), swept)


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


def brute_free_pieces(busy: np.ndarray, start: float, stop: float) -> list[tuple[float, float]]:
    """[start, stop] minus every busy row, straight from the definition."""
    pieces = [(start, stop)]
    for busy_start, busy_stop in busy:
        if not busy_start < busy_stop:
            continue
        cut = []
        for low, high in pieces:
            if busy_stop <= low or high <= busy_start:
                cut.append((low, high))
                continue
            if low < busy_start:
                cut.append((low, busy_start))
            if busy_stop < high:
                cut.append((busy_stop, high))
        pieces = cut
    return [(low, high) for low, high in pieces if high > low]


class TestIntersectGroupedWithPeriods:
    def test_pieces_keep_their_group_and_name_the_shared_row(self):
        periods = np.array([[0.0, 5.0], [6.0, 7.0], [2.5, 3.5], [8.0, 9.0]])
        offsets = np.array([0, 2, 2, 4])
        merged = np.array([[1.0, 2.0], [3.0, 6.5]])
        pieces, piece_offsets, rows = intersect_grouped_with_periods(periods, offsets, merged)
        # Group 0: [0,5] meets [1,2] and [3,6.5]; [6,7] meets [3,6.5]. Group 2: [2.5,3.5]
        # meets [3,6.5] only; [8,9] meets nothing.
        np.testing.assert_array_equal(pieces, [[1, 2], [3, 5], [6, 6.5], [3, 3.5]])
        np.testing.assert_array_equal(piece_offsets, [0, 3, 3, 4])
        np.testing.assert_array_equal(rows, [0, 1, 1, 1])

    def test_touching_gives_no_piece_and_reversed_rows_are_ignored(self):
        periods = np.array([[0.0, 1.0], [3.0, 2.0], [NAN, 2.0]])
        pieces, piece_offsets, rows = intersect_grouped_with_periods(
            periods, np.array([0, 3]), np.array([[1.0, 4.0]])
        )
        assert pieces.shape == (0, 2) and rows.shape == (0,)
        np.testing.assert_array_equal(piece_offsets, [0, 0])

    @given(st.lists(intervals, max_size=4), intervals)
    def test_matches_cutting_every_row_by_hand(self, groups, other):
        periods = np.concatenate([np.empty((0, 2)), *groups])
        offsets = np.concatenate(([0], np.cumsum([len(group) for group in groups])))
        merged = merge_periods(other)
        pieces, piece_offsets, rows = intersect_grouped_with_periods(periods, offsets, merged)
        for index, group in enumerate(groups):
            expected = [
                (max(a, c), min(b, d), row)
                for a, b in group
                if a < b
                for row, (c, d) in enumerate(merged)
                if max(a, c) < min(b, d)
            ]
            own = slice(piece_offsets[index], piece_offsets[index + 1])
            found = [(a, b, int(row)) for (a, b), row in zip(pieces[own], rows[own], strict=True)]
            assert found == expected


class TestOverlappingPairsBetween:
    def test_cases_from_both_sides_touching_and_equal_starts(self):
        first = np.array([[0.0, 2.0], [5.0, 6.0], [3.0, 4.0]])
        second = np.array([[1.0, 3.0], [0.0, 10.0], [2.0, 3.0], [3.0, 3.0]])
        i, j, overlap = overlapping_pairs_between(
            first[:, 0], first[:, 1], second[:, 0], second[:, 1]
        )
        found = sorted(zip(i.tolist(), j.tolist(), overlap.tolist(), strict=True))
        # [0,2] meets [1,3] (1) and [0,10] (2) but only touches [2,3]; [3,4] and [5,6] lie
        # inside [0,10]; [3,4] touches [1,3] and [2,3]; the empty [3,3] meets nothing.
        assert found == [(0, 0, 1.0), (0, 1, 2.0), (1, 1, 1.0), (2, 1, 1.0)]

    @given(intervals, intervals)
    def test_matches_the_quadratic_definition(self, first, second):
        i, j, overlap = overlapping_pairs_between(
            first[:, 0], first[:, 1], second[:, 0], second[:, 1]
        )
        found = sorted(zip(i.tolist(), j.tolist(), overlap.tolist(), strict=True))
        expected = [
            (a, b, min(first[a, 1], second[b, 1]) - max(first[a, 0], second[b, 0]))
            for a in range(len(first))
            for b in range(len(second))
            if first[a, 0] < first[a, 1]
            and second[b, 0] < second[b, 1]
            and min(first[a, 1], second[b, 1]) > max(first[a, 0], second[b, 0])
        ]
        assert found == expected


class TestFreeTime:
    busy = np.array([[1.0, 2.0], [2.0, 3.0], [4.0, 4.5], [6.0, 9.0]])

    def test_longest_free_stretch_inside_each_query(self):
        free = FreeTime(self.busy)
        start = np.array([0.0, 1.5, 2.5, 0.0, 7.0, 8.0])
        stop = np.array([10.0, 2.5, 6.5, 0.5, 8.0, 12.0])
        # Gaps: (-inf,1], [3,4], [4.5,6], [9,inf). [1,3] is busy throughout because the two
        # busy periods touch; [2.5,6.5] holds [3,4] and [4.5,6] (1.5 h); [8,12] holds [9,12].
        np.testing.assert_array_equal(
            free.longest_within(start, stop), [1.5, 0.0, 1.5, 0.5, 0.0, 3.0]
        )

    def test_earliest_fit_takes_the_first_gap_long_enough_and_touching_is_free(self):
        free = FreeTime(self.busy)
        start = np.array([0.0, 0.0, 0.0, 2.5, 5.0, 0.0])
        stop = np.array([10.0, 10.0, 11.0, 10.0, 10.0, 5.0])
        length = np.array([1.0, 1.2, 2.0, 1.0, 0.5, 1.5])
        # [0,1] fits before the first busy period (touching it); 1.2 skips [3,4] (1.0) and
        # takes [4.5,6]; 2.0 only fits in [9,11]; from 2.5 the first free time is 3; from 5
        # the rest of [4.5,6] holds 0.5; nothing of 1.5 fits in [0,5] after 0 except [0,1]
        # which is too short.
        np.testing.assert_array_equal(
            free.earliest_fit(start, stop, length), [0.0, 4.5, 9.0, 3.0, 5.0, NAN]
        )

    def test_no_busy_time_leaves_every_query_free(self):
        free = FreeTime(np.empty((0, 2)))
        np.testing.assert_array_equal(free.longest_within(np.array([1.0]), np.array([3.0])), [2])
        np.testing.assert_array_equal(
            free.earliest_fit(np.array([1.0]), np.array([3.0]), np.array([2.0])), [1.0]
        )

    @given(intervals, st.lists(st.tuples(grid_value, grid_value, grid_value), max_size=8))
    def test_matches_cutting_the_busy_time_out_by_hand(self, busy, queries):
        free = FreeTime(busy)
        rows = np.array([q for q in queries if q[0] < q[1]], dtype=np.float64).reshape(-1, 3)
        start, stop, length = rows[:, 0], rows[:, 1], rows[:, 2]
        longest = free.longest_within(start, stop)
        earliest = free.earliest_fit(start, stop, length)
        for k, (a, b, need) in enumerate(rows):
            pieces = brute_free_pieces(busy, a, b)
            assert longest[k] == max((high - low for low, high in pieces), default=0.0)
            fitting = [low for low, high in pieces if high - low >= need]
            if fitting:
                assert earliest[k] == min(fitting)
            else:
                assert np.isnan(earliest[k])


class TestRangeMaximum:
    def test_maxima_and_first_reaching_a_threshold(self):
        ranges = RangeMaximum(np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0]))
        low, high = np.array([0, 1, 3, 4, 2]), np.array([6, 1, 3, 2, 6])
        np.testing.assert_array_equal(ranges.between(low, high), [9, 1, 1, -np.inf, 9])
        # First value >= 4 from 0 is at 2; >= 6 from 3 at 5; nothing >= 10 in [0, 6] (7).
        first = ranges.first_at_least(
            np.array([0, 3, 0]), np.array([6, 6, 6]), 4.0 + np.array([0, 2, 6])
        )
        np.testing.assert_array_equal(first, [2, 5, 7])

    def test_no_values(self):
        ranges = RangeMaximum(np.empty(0))
        assert ranges.between(np.array([0]), np.array([-1])).tolist() == [-np.inf]

    @given(
        st.lists(st.integers(-5, 5), min_size=1, max_size=40),
        st.lists(
            st.tuples(st.integers(0, 45), st.integers(-1, 45), st.integers(-5, 6)), max_size=10
        ),
    )
    def test_matches_scanning_each_run(self, values, queries):
        ranges = RangeMaximum(np.array(values, dtype=np.float64))
        rows = np.array(queries, dtype=np.int64).reshape(-1, 3)
        low, high = np.minimum(rows[:, 0], len(values)), np.minimum(rows[:, 1], len(values) - 1)
        maxima = ranges.between(low, high)
        first = ranges.first_at_least(low, high, rows[:, 2].astype(np.float64))
        for k in range(len(rows)):
            run = values[low[k] : high[k] + 1]
            assert maxima[k] == max(run, default=-np.inf)
            reaching = [i for i in range(low[k], high[k] + 1) if values[i] >= rows[k, 2]]
            if reaching:
                assert first[k] == reaching[0]
            else:
                assert first[k] > high[k]


class TestSearchSorted:
    @pytest.mark.parametrize("seed", range(40))
    @pytest.mark.parametrize("side", ["left", "right"])
    def test_same_as_numpy_on_clustered_values_and_odd_queries(self, seed, side):
        rng = np.random.default_rng(seed)
        # Values on a coarse grid (many ties), crowded into a few clusters like nights.
        clusters = rng.integers(0, 5, size=int(rng.integers(2, 3000)))
        values = np.sort(np.round(clusters * 10 + rng.random(len(clusters)), 2))
        queries = np.round(rng.random(int(rng.integers(4096, 12000))) * 60 - 5, 2)
        queries[:200] = values[rng.integers(0, len(values), 200)]
        queries[200:210] = [
            np.nan,
            np.inf,
            -np.inf,
            -1e300,
            1e300,
            values[0],
            values[-1],
            0,
            55,
            -5,
        ]
        np.testing.assert_array_equal(
            search_sorted(values, queries, side), np.searchsorted(values, queries, side)
        )

    def test_small_and_degenerate_inputs_fall_back_to_numpy(self):
        queries = np.linspace(-1, 2, 5000)
        for values in (np.empty(0), np.array([0.5]), np.array([1.0, 1.0]), np.array([0, np.inf])):
            np.testing.assert_array_equal(
                search_sorted(values, queries, "right"), np.searchsorted(values, queries, "right")
            )
