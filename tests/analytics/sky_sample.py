"""A small schedule at La Palma for the sky pages: Vega and a few others over ten nights of
May 2025 (inside the bundled IERS tables), with computed dark periods."""

from __future__ import annotations

import functools

from schedules.schedule_data import Location
from schedules.sky.sites import ORM

VEGA_RA, VEGA_DEC = 279.234735, 38.783689
START, END = 60818.0, 60828.0  # 2025-05-23 → 2025-06-02, around the new Moon of 27 May
# Vega culminates around 03:40 UTC then at La Palma: the night of 2025-05-25 (local).
VEGA_SCHEDULED = (60821.125, 60821.1667)
HTML_NAME = "<b>bold</b> & co"


@functools.cache
def sky_dark_periods() -> list[tuple[float, float]]:
    from schedules.sky.nights import dark_periods

    return [tuple(row) for row in dark_periods(ORM, START, END).tolist()]


def sky_blocks() -> list[dict]:
    dark = sky_dark_periods()
    return [
        dict(source_id="vega-1", target_name="Vega", ra_deg=VEGA_RA, dec_deg=VEGA_DEC,
             priority=9.0, min_alt_deg=30.0, max_alt_deg=85.0,
             visibility=[(dark[3][0], dark[3][1]), (dark[5][0], dark[5][1])],
             scheduled=VEGA_SCHEDULED),
        dict(source_id="vega-2", target_name="Vega", ra_deg=VEGA_RA, dec_deg=VEGA_DEC,
             priority=4.0, visibility=[(dark[4][0], dark[4][1])]),
        dict(source_id="m13", target_name="M13", ra_deg=250.4235, dec_deg=36.4613,
             priority=7.0, visibility=[(dark[1][0], dark[1][1]), (dark[2][0], dark[2][1])]),
        dict(source_id="<i>A</i>", block_name=HTML_NAME, ra_deg=83.6331, dec_deg=22.0145,
             priority=2.0, visibility=[]),
        dict(source_id="south", target_name="Deep south", ra_deg=100.0, dec_deg=-70.0,
             priority=5.0, visibility=[], fixed=(START + 1.0, START + 3.0)),
    ]  # fmt: skip


def store_sky_schedule(store_schedule, *, located: bool = True, name: str = "sky"):
    location = Location(lat_deg=ORM.lat_deg, lon_deg=ORM.lon_deg, height_m=ORM.height_m)
    return store_schedule(
        sky_blocks(),
        sky_dark_periods(),
        name=name,
        location=location if located else None,
        period_start_mjd=START,
        period_end_mjd=END,
    )
