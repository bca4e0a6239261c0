"""The block page: what it shows, its charts and their CSVs, the links that lead to it, a
schedule without a site, and the block API's night context (the same selector)."""

from __future__ import annotations

import html
import json

import numpy as np
import pytest
from django.urls import reverse

from analytics.pages.block import (
    DARK_ROW,
    MOON_ROW,
    SCHEDULED_ROW,
    SUN_ROW,
    VISIBLE_ROW,
    altitude_figure,
    window_bars,
    windows_figure,
)
from analytics.selectors.block import BlockQuery, block_detail
from schedules.models import SchedulingBlock
from schedules.sky.sites import parse_site
from tests.analytics.pages.sample import cards, csv_rows, figure_dict, figures, floats
from tests.analytics.sky_sample import HTML_NAME, store_sky_schedule
from tsi_site.api.rendering import dumps, jsonable

API = "/api/v1"


@pytest.fixture
def sky(store_schedule):
    return store_sky_schedule(store_schedule)


def block_of(schedule, source_id: str) -> SchedulingBlock:
    return SchedulingBlock.objects.get(schedule=schedule, source_block_id=source_id)


def block_url(schedule, source_id: str) -> str:
    return reverse("analytics:block", args=[schedule.pk, block_of(schedule, source_id).pk])


def test_the_page_shows_the_request_the_status_and_the_night(reader, sky):
    response = reader.get(block_url(sky, "vega-1"))
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "Block vega-1" in content
    assert "18h36m56.3s" in content and "+38°47′01″" in content
    assert "30.0° to 85.0°" in content  # altitude limits
    assert 'class="status-badge status-scheduled"' in content
    assert "the scheduled night" in content
    found = cards(response)
    assert found["priority"] == "9.00"
    assert found["requested"] == "1.00 h"
    assert found["visibility"].startswith("14.3 h")
    # The other block on Vega links to its page through the lookup.
    lookup = reverse("analytics:block-lookup", args=[sky.pk])
    assert f'<a href="{lookup}?source_id=vega-2">vega-2</a>' in content
    assert set(figures(response)) == {"windows", "altitude"}


def test_findings_and_escaped_names(reader, sky):
    content = reader.get(block_url(sky, "<i>A</i>")).content.decode()
    assert HTML_NAME not in content and "<i>A</i>" not in content
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in content
    south = reader.get(block_url(sky, "south"))
    rows = csv_rows(reader.get(block_url(sky, "south"), {"csv": "findings"}))
    assert rows and {row["Status"] for row in rows} >= {"impossible"}
    assert 'class="status-badge status-impossible"' in south.content.decode()


def test_every_chart_csv_is_the_chart_data(reader, sky):
    url = block_url(sky, "vega-1")
    page = reader.get(url)
    drawn = figures(page)
    # Filled scatter paths: the page loads the site's plotly.js bundle, not the full one.
    assert "plotly/plotly-tsi.min" in page.content.decode()
    windows = csv_rows(reader.get(url, {"csv": "windows"}))
    # Each series is one filled path of rectangles (four corners and a gap each) in its row,
    # dates as epoch milliseconds.
    figure = drawn["windows"]
    names = figure["layout"]["yaxis"]["ticktext"]
    bars = sorted(
        (trace["name"], names[round(trace["y"][i])], trace["x"][i] / 86_400_000.0 + 40587.0)
        for trace in figure["data"]
        if trace.get("fill") == "toself"
        for i in range(0, len(trace["x"]), 5)
    )
    rows = sorted((row["Series"], row["Row"], float(row["Start (MJD)"])) for row in windows)
    assert [bar[:2] for bar in bars] == [row[:2] for row in rows]
    # plotly reads dates to the millisecond
    assert np.allclose([bar[2] for bar in bars], [row[2] for row in rows], rtol=0, atol=1.2e-8)
    # The periods' hover points lie in their rows; the Sun's bands have none.
    hovers = {trace["name"]: trace for trace in figure["data"] if trace["mode"] == "lines"}
    assert set(hovers) == {"Scheduled", "Visibility window", "Dark period", "Moon up"}
    assert set(hovers["Scheduled"]["y"]) == {names.index(SCHEDULED_ROW)}
    assert "Scheduled" in hovers["Scheduled"]["hovertemplate"]
    assert {row["Row"] for row in windows} == {
        SCHEDULED_ROW,
        VISIBLE_ROW,
        DARK_ROW,
        MOON_ROW,
        SUN_ROW,
    }
    altitude = csv_rows(reader.get(url, {"csv": "altitude"}))
    curve = next(t for t in drawn["altitude"]["data"] if t.get("name") == "Vega")
    assert floats(row["Altitude (°)"] for row in altitude) == pytest.approx(curve["y"])
    assert floats(row["Azimuth (°)"] for row in altitude) == pytest.approx(
        [az for az, _ in curve["customdata"]]
    )
    moon = next(t for t in drawn["altitude"]["data"] if t.get("name") == "Moon")
    assert floats(row["Moon altitude (°)"] for row in altitude) == pytest.approx(moon["y"])


def test_the_windows_chart_draws_each_kind_of_period(sky):
    detail = block_detail(sky, block_of(sky, "vega-1").pk, BlockQuery())
    bars = window_bars(detail)
    visible = bars.row == VISIBLE_ROW
    assert np.array_equal(
        np.column_stack((bars.start[visible], bars.stop[visible])), detail.block.visibility_periods
    )
    dark = bars.row == DARK_ROW
    assert np.array_equal(
        np.column_stack((bars.start[dark], bars.stop[dark])), detail.sky.dark_periods
    )
    moon = bars.row == MOON_ROW
    assert np.array_equal(
        np.column_stack((bars.start[moon], bars.stop[moon])), detail.sky.nights.moon_up
    )
    night = (bars.row == SUN_ROW) & (bars.series == "Night (Sun below −18°)")
    assert np.allclose(bars.start[night], detail.sky.nights.astronomical_dusk)
    figure = figure_dict(windows_figure(detail))
    # Opens on the week around its night; double-click shows everything.
    start, stop = (np.datetime64(value) for value in figure["layout"]["xaxis"]["range"])
    assert (stop - start) == np.timedelta64(7, "D")
    altitude = figure_dict(altitude_figure(detail))
    limits = [shape["y0"] for shape in altitude["layout"]["shapes"] if shape["type"] == "line"]
    assert sorted(limits) == [30.0, 85.0]
    assert altitude["layout"]["yaxis2"]["ticktext"][:2] == ["1", "1.1"]
    assert altitude["layout"]["yaxis2"]["tickvals"][4] == pytest.approx(30.0)  # airmass 2


def test_missing_blocks_and_blocks_of_other_schedules_are_404(reader, sky, store_schedule):
    other = store_sky_schedule(store_schedule, located=False, name="another")
    foreign = block_of(other, "vega-1")
    assert reader.get(reverse("analytics:block", args=[sky.pk, foreign.pk])).status_code == 404
    assert reader.get(reverse("analytics:block", args=[sky.pk, 987654])).status_code == 404


def test_source_ids_in_tables_resolve_to_the_block_page(reader, sky):
    lookup = reverse("analytics:block-lookup", args=[sky.pk])
    response = reader.get(lookup, {"source_id": "<i>A</i>"})
    assert response.status_code == 302
    assert response["Location"] == block_url(sky, "<i>A</i>")
    assert reader.get(lookup, {"source_id": "nope"}).status_code == 404


def test_a_schedule_without_a_site_asks_for_one(reader, store_schedule):
    schedule = store_sky_schedule(store_schedule, located=False, name="nowhere")
    url = block_url(schedule, "vega-1")
    content = reader.get(url).content.decode()
    assert 'id="no-site"' in content and "Choose a site above" in content
    assert "plot-altitude" not in content
    chosen = reader.get(url, {"site": "la-palma"})
    assert 'id="no-site"' not in chosen.content.decode()
    assert "ORM (La Palma)" in chosen.content.decode()
    assert "altitude" in figures(chosen)
    assert reader.get(url, {"site": "1,2"}).status_code == 400


def test_the_block_api_answers_the_page_selector(client, sky, settings):
    settings.TSI_PUBLIC_READ = True
    block = block_of(sky, "vega-1")
    url = f"{API}/schedules/{sky.pk}/blocks/{block.pk}/"
    body = client.get(url).json()
    expected = block_detail(sky, block.pk, BlockQuery(altitude=False))
    assert body["sky"] == json.loads(dumps(jsonable(expected.sky)))
    assert body["sky"]["altitude"] is None
    assert body["findings"] == json.loads(dumps(jsonable(expected.findings)))
    assert body["visibility_periods"] == expected.block.visibility_periods.tolist()
    with_curve = client.get(url, {"altitude": "true", "site": "paranal"}).json()
    paranal = block_detail(sky, block.pk, BlockQuery(site=parse_site("paranal")))
    assert with_curve["sky"]["site"]["name"] == "Paranal"
    assert with_curve["sky"]["altitude"]["alt_deg"] == pytest.approx(
        paranal.sky.altitude.alt_deg.tolist()
    )
    bad = client.get(url, {"site": "atlantis"})
    assert bad.status_code == 400 and list(bad.json()["details"]) == ["site"]
