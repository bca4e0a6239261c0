"""Three versions of one name, small enough to work out every lineage step by hand.

    block  v1                     v2                          v3
    sb-a   p5, 0.10–0.20          same                        p5, unscheduled
    sb-b   p5, unscheduled        p5, 0.25–0.28               same as v2
    sb-c   p3, 0.30–0.35          p4, 0.31–0.36               same as v2
    sb-d   p2, 0.40–0.45          —                           p2, unscheduled
    sb-e   —                      p1, unscheduled             same as v2

(times are days after BASE_MJD). Step v1 → v2: e added, d removed, b newly scheduled, c
retimed and given another priority: 4 of the 5 blocks in either changed. Step v2 → v3: d added,
a newly unscheduled: 2 of 5.
"""

from __future__ import annotations

from tests.analytics.factories import BASE_MJD

NAME = "Lineage"


def at(start: float, stop: float) -> tuple[float, float]:
    return (BASE_MJD + start, BASE_MJD + stop)


V1 = [
    dict(source_id="sb-a", priority=5.0, scheduled=at(0.10, 0.20)),
    dict(source_id="sb-b", priority=5.0),
    dict(source_id="sb-c", priority=3.0, scheduled=at(0.30, 0.35)),
    dict(source_id="sb-d", priority=2.0, scheduled=at(0.40, 0.45)),
]
V2 = [
    dict(source_id="sb-a", priority=5.0, scheduled=at(0.10, 0.20)),
    dict(source_id="sb-b", priority=5.0, scheduled=at(0.25, 0.28)),
    dict(source_id="sb-c", priority=4.0, scheduled=at(0.31, 0.36)),
    dict(source_id="sb-e", priority=1.0),
]
V3 = [
    dict(source_id="sb-a", priority=5.0),
    dict(source_id="sb-b", priority=5.0, scheduled=at(0.25, 0.28)),
    dict(source_id="sb-c", priority=4.0, scheduled=at(0.31, 0.36)),
    dict(source_id="sb-d", priority=2.0),
    dict(source_id="sb-e", priority=1.0),
]


def store_lineage(store_schedule) -> list:
    """The three versions, oldest first."""
    return [store_schedule(blocks, name=NAME) for blocks in (V1, V2, V3)]
