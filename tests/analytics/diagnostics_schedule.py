"""A small stored schedule in which every diagnostic has something to say: one unscheduled
block for each reason, a blocked block with its blocker, a priority inversion, two nights and
idle time of every class."""

from __future__ import annotations

T = 60000.0  # 2023-02-25 00:00 UTC
DARK = [(T, T + 0.5), (T + 1.0, T + 1.5)]
PERIOD = dict(period_start_mjd=T, period_end_mjd=T + 2.0)
BLOCKS = [
    dict(source_id="S1", block_name="Low scheduled", priority=3.0, requested_duration_s=8640.0,
         visibility=[(T, T + 0.3)], scheduled=(T + 0.1, T + 0.2), ra_deg=15.0),
    dict(source_id="S2", block_name="High scheduled", priority=8.0, requested_duration_s=8640.0,
         visibility=[(T + 1.0, T + 1.2)], scheduled=(T + 1.0, T + 1.1), ra_deg=100.0),
    dict(source_id="NV", priority=5.0, visibility=[]),
    dict(source_id="NW", priority=4.0, visibility=[(T + 0.6, T + 0.9)]),
    dict(source_id="RX", priority=6.0, requested_duration_s=36000.0, visibility=[(T, T + 0.3)]),
    dict(source_id="VE", priority=2.0, ra_deg=400.0, visibility=[(T + 1.25, T + 1.45)]),
    dict(source_id="BL", block_name="Blocked", priority=7.0, requested_duration_s=17280.0,
         visibility=[(T, T + 0.3)], ra_deg=200.0),
    dict(source_id="FF", priority=1.0, visibility=[(T + 1.2, T + 1.4)], ra_deg=350.0),
]  # fmt: skip
REASON_OF = {
    "S1": "scheduled",
    "S2": "scheduled",
    "NV": "no_visibility",
    "NW": "no_window_fits",
    "RX": "requested_exceeds_visibility",
    "VE": "other_validation_issue",
    "BL": "blocked",
    "FF": "feasible_free",
}


def store_why_schedule(store_schedule, *, name: str = "why", dark=DARK):
    return store_schedule(BLOCKS, dark, name=name, **PERIOD)
