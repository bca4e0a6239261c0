"""Three runs of one small problem, for the environments tests.

Four blocks, each visible through one 12-hour night that is all operable, each asking for one
hour. The runs schedule none, one, or two of them back to back from the start of the night,
so by DESIGN §13 (one idle gap, the rest of the night):

========  =====  ========  ==========  =========  ===========  =========
run       rate   operable  visibility  priority   compactness  composite
========  =====  ========  ==========  =========  ===========  =========
none      0      0         0           0          0            0
one       1/4    1/12      1/12        1          1/12         3/10
two       1/2    2/12      2/12        1          2/12         2/5
========  =====  ========  ==========  =========  ===========  =========
"""

from __future__ import annotations

from tests.analytics.factories import BASE_MJD

HOUR = 1.0 / 24.0
NIGHT = [(BASE_MJD, BASE_MJD + 0.5)]
RUN_SCHEDULED = {"none": 0, "one": 1, "two": 2}
EXPECTED = {
    "none": {
        "scheduling_rate": 0.0,
        "scheduled_fraction_of_operable": 0.0,
        "visibility_use": 0.0,
        "priority_alignment": 0.0,
        "gap_compactness": 0.0,
        "composite": 0.0,
    },
    "one": {
        "scheduling_rate": 0.25,
        "scheduled_fraction_of_operable": 1 / 12,
        "visibility_use": 1 / 12,
        "priority_alignment": 1.0,
        "gap_compactness": 1 / 12,
        "composite": 0.3,
    },
    "two": {
        "scheduling_rate": 0.5,
        "scheduled_fraction_of_operable": 2 / 12,
        "visibility_use": 2 / 12,
        "priority_alignment": 1.0,
        "gap_compactness": 2 / 12,
        "composite": 0.4,
    },
}


def run_blocks(scheduled: int, **changes) -> list[dict]:
    """The problem's four blocks, the first ``scheduled`` of them placed back to back."""
    return [
        {
            "source_id": f"sb-{index}",
            "visibility": NIGHT,
            "scheduled": (BASE_MJD + index * HOUR, BASE_MJD + (index + 1) * HOUR)
            if index < scheduled
            else None,
            **changes,
        }
        for index in range(4)
    ]


def store_runs(store_schedule, order=("none", "one", "two")) -> dict:
    """The runs, uploaded in ``order`` under their own names."""
    return {
        run: store_schedule(run_blocks(RUN_SCHEDULED[run]), NIGHT, name=f"run {run}")
        for run in order
    }
