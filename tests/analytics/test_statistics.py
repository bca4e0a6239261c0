"""Histogram edges follow the data's resolution: no bin falls between two grid values."""

import numpy as np
import pytest

from analytics.statistics import grid_step, histogram_edges, split_histogram


def test_five_degree_data_gets_no_empty_every_other_bin():
    """The elevation ranges of real schedules step by 5°: 2.25° bins used to leave every
    other bin empty."""
    values = np.repeat(np.arange(20.0, 66.0, 5.0), 3)
    histogram = split_histogram(values, np.zeros(len(values), dtype=bool), bins=20)
    assert histogram.edges.tolist() == [17.5 + 5 * k for k in range(11)]
    assert histogram.unscheduled.tolist() == [3] * 10


def test_many_grid_values_share_bins_evenly():
    edges = histogram_edges(np.arange(0.0, 100.0), bins=20)
    assert len(edges) == 21 and np.allclose(np.diff(edges), 5.0) and edges[0] == -0.5


def test_values_off_any_grid_get_equal_bins_over_their_range():
    values = np.array([0.0, 0.3, 1.0, np.sqrt(2)])
    assert histogram_edges(values, 4).tolist() == pytest.approx(np.linspace(0, np.sqrt(2), 5))


@pytest.mark.parametrize(
    ("values", "step"),
    [([1.0, 3.0, 7.0], 2.0), ([0.5, 1.0, 2.5], 0.5), ([0.0, 1.0, np.sqrt(2)], None), ([4.0], None)],
)
def test_grid_step(values, step):
    assert grid_step(np.array(values)) == step
