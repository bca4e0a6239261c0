"""L2-regularised logistic regression (Newton's method) and ROC AUC, in numpy.

Small and exact enough for a few thousand rows and seven coefficients; the objective matches
the usual ``C · Σ wᵢ·lossᵢ + ½‖β‖²`` with the intercept left unpenalised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.ranks import average_ranks


@dataclass(frozen=True)
class LogisticFit:
    intercept: float
    coefficients: np.ndarray
    iterations: int
    converged: bool

    def decision(self, features: np.ndarray) -> np.ndarray:
        return features @ self.coefficients + self.intercept

    def probability(self, features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision(features)))


def balanced_weights(labels: np.ndarray) -> np.ndarray:
    """n / (2 · n_class) per row, so both classes weigh the same in total."""
    labels = labels.astype(bool)
    positives = labels.sum()
    negatives = labels.size - positives
    return np.where(labels, labels.size / (2 * positives), labels.size / (2 * negatives))


def fit_logistic(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    sample_weight: np.ndarray | None = None,
    c: float = 1.0,
    max_iterations: int = 100,
    tolerance: float = 1e-10,
) -> LogisticFit:
    rows, columns = features.shape
    design = np.column_stack([np.ones(rows), features])
    weights = np.ones(rows) if sample_weight is None else sample_weight
    target = labels.astype(np.float64)
    beta = np.zeros(columns + 1)
    penalty = np.eye(columns + 1) / c
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    converged = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported after the loop
        probability = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (weights * (probability - target)) + penalty @ beta
        curvature = weights * probability * (1.0 - probability)
        hessian = design.T @ (design * curvature[:, None]) + penalty
        step = np.linalg.solve(hessian + 1e-12 * np.eye(columns + 1), gradient)
        beta -= step
        if np.max(np.abs(step)) < tolerance:
            converged = True
            break
    return LogisticFit(float(beta[0]), beta[1:].copy(), iteration, converged)


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """Area under the ROC curve (Mann–Whitney form, ties count one half)."""
    labels = labels.astype(bool)
    positives = int(labels.sum())
    negatives = labels.size - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = average_ranks(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))
