"""Average ranks (ties share the mean of their positions), the basis of Spearman's rho and
the Mann–Whitney form of ROC AUC.

Written in numpy rather than imported from scipy.stats: importing scipy.stats costs about two
seconds, paid by every command and web worker at start-up.
"""

import numpy as np


def average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of ``values``; tied values all get the average of their ranks."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts_group = np.ones(len(values), dtype=bool)
    starts_group[1:] = ordered[1:] != ordered[:-1]
    group_start = np.flatnonzero(starts_group)
    group_end = np.append(group_start[1:], len(values))
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.repeat((group_start + group_end + 1) / 2.0, group_end - group_start)
    return ranks
