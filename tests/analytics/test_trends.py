"""Trends building blocks pinned by hand: binned rates, smoothing, heatmap, logistic model."""

import math

import numpy as np
import pytest

from analytics.logistic import balanced_weights, fit_logistic, roc_auc
from analytics.selectors.trends import (
    rate_by_bins,
    rate_by_rounded_priority,
    rate_heatmap,
    smoothed_rate,
)


def test_rounded_priority_rounds_half_away_from_zero():
    priority = np.array([0.4, 0.5, 1.5, 2.49, 2.5, -0.5])
    outcome = np.array([1, 0, 1, 1, 0, 1], dtype=bool)
    bins = rate_by_rounded_priority(priority, outcome)
    assert [(b.value, b.count, b.scheduled) for b in bins] == [
        (-1.0, 1, 1),
        (0.0, 1, 1),
        (1.0, 1, 0),
        (2.0, 2, 2),
        (3.0, 1, 0),
    ]
    assert bins[0].label == "Priority -1"


def test_binned_rates_put_the_maximum_in_the_last_bin_and_drop_empty_bins():
    values = np.array([0.0, 1.0, 1.5, 9.0, 10.0])
    outcome = np.array([1, 0, 1, 0, 1], dtype=bool)
    bins = rate_by_bins(values, outcome, 5, "Visibility")
    # width 2: [0,2) holds 0, 1, 1.5; [8,10] holds 9 and the maximum 10
    assert [(b.label, b.count, b.scheduled) for b in bins] == [
        ("Visibility [0.0-2.0]", 3, 2),
        ("Visibility [8.0-10.0]", 2, 1),
    ]
    assert bins[0].value == pytest.approx(2.5 / 3)  # the mean of the values, not the centre
    assert bins[1].rate == 0.5


def test_binned_rates_with_a_single_value():
    bins = rate_by_bins(np.array([4.0, 4.0]), np.array([True, False]), 10, "Time")
    assert [(b.label, b.count, b.rate) for b in bins] == [("Time [4.0]", 2, 0.5)]
    assert rate_by_bins(np.array([]), np.array([], dtype=bool), 10, "Time") == []


def test_smoothed_rate_is_a_gaussian_weighted_mean():
    values = np.array([0.0, 10.0])
    outcome = np.array([True, False])
    curve = smoothed_rate(values, outcome, bandwidth=0.5, points=3)
    assert curve.x.tolist() == [0.0, 5.0, 10.0]
    far = math.exp(-0.5 * (10 / 5) ** 2)  # weight of a point 10 away with bandwidth 0.5 × 10
    assert curve.rate.tolist() == pytest.approx([1 / (1 + far), 0.5, far / (1 + far)])
    assert curve.samples.tolist() == [2, 2, 2]
    narrow = smoothed_rate(values, outcome, bandwidth=0.1, points=3)
    assert narrow.samples.tolist() == [1, 0, 1]
    flat = smoothed_rate(np.array([3.0, 3.0]), np.array([True, False]), 0.3, 100)
    assert (flat.x.tolist(), flat.rate.tolist()) == ([3.0], [0.5])


def test_heatmap_cells():
    visibility = np.array([0.0, 0.0, 10.0, 10.0])
    requested = np.array([1.0, 2.0, 1.0, 2.0])
    outcome = np.array([True, False, True, True])
    heatmap = rate_heatmap(visibility, requested, outcome, 2)
    assert heatmap.count.tolist() == [[1, 1], [1, 1]]
    assert heatmap.rate.tolist() == [[1.0, 0.0], [1.0, 1.0]]
    assert heatmap.visibility_edges.tolist() == [0.0, 5.0, 10.0]
    assert rate_heatmap(np.array([1.0, 1.0]), requested[:2], outcome[:2], 2) is None


def test_roc_auc_counts_ties_as_half():
    labels = np.array([0, 0, 1, 1], dtype=bool)
    assert roc_auc(labels, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)
    assert roc_auc(labels, np.array([1.0, 1.0, 1.0, 1.0])) == pytest.approx(0.5)
    assert roc_auc(np.array([1, 1], dtype=bool), np.array([0.1, 0.2])) is None


def test_balanced_weights_give_both_classes_the_same_total():
    labels = np.array([1, 0, 0, 0], dtype=bool)
    weights = balanced_weights(labels)
    assert weights.tolist() == [2.0, 2 / 3, 2 / 3, 2 / 3]
    assert weights[labels].sum() == pytest.approx(weights[~labels].sum())


def test_logistic_fit_recovers_a_known_model():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(4000, 2))
    true_beta = np.array([1.5, -2.0])
    probability = 1 / (1 + np.exp(-(features @ true_beta + 0.5)))
    labels = rng.random(4000) < probability
    fit = fit_logistic(features, labels, c=1e6)
    assert fit.converged
    assert fit.coefficients == pytest.approx(true_beta, abs=0.15)
    assert fit.intercept == pytest.approx(0.5, abs=0.15)


def test_regularisation_keeps_separable_data_finite():
    features = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    labels = np.array([0, 0, 1, 1], dtype=bool)
    fit = fit_logistic(features, labels)
    assert fit.converged and math.isfinite(fit.coefficients[0]) and fit.coefficients[0] > 0
    assert roc_auc(labels, fit.decision(features)) == 1.0
