"""The hourglass page: blocks at their hours between the twilight curves, its CSV, clicks,
the UTC axis, a schedule without a site, and its endpoint (the same selector)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.urls import reverse

from analytics.pages.hourglass import OBSERVATION, hourglass_figure, hourglass_marks
from analytics.selectors.hourglass import HourglassFilters, hourglass
from schedules.models import SchedulingBlock
from schedules.sky.sites import parse_site
from tests.analytics.pages.sample import cards, csv_rows, figure_dict, figures, page_url
from tests.analytics.sky_sample import VEGA_SCHEDULED, store_sky_schedule
from tsi_site.api.rendering import dumps, jsonable

API = "/api/v1"
NIGHT = np.datetime64("2025-05-25", "ms").astype(np.int64).astype(float)
DAY = 86_400_000.0


def traces(figure: dict, name: str) -> tuple[dict, dict]:
    """The filled rectangles named ``name`` and the invisible line carrying their hover."""
    (box,) = [t for t in figure["data"] if t["name"] == name and t["mode"] == "none"]
    (hover,) = [t for t in figure["data"] if t["name"] == name and t["mode"] == "lines"]
    assert box["fill"] == "toself" and hover["line"]["width"] == 0
    return box, hover


@pytest.fixture
def sky(store_schedule):
    return store_sky_schedule(store_schedule)


def test_the_block_sits_at_its_hours_and_opens_its_page(reader, sky):
    response = reader.get(page_url("analytics:hourglass", sky))
    assert response.status_code == 200
    figure = figures(response)["hourglass"]
    box, hover = traces(figure, "High priority")
    data = hourglass(sky, HourglassFilters())
    start = (VEGA_SCHEDULED[0] - data.reference_mjd[data.observation_night[0]]) * 24.0
    stop = start + (VEGA_SCHEDULED[1] - VEGA_SCHEDULED[0]) * 24.0
    # One rectangle, 0.7 of a day wide around the night's date, from start to stop.
    assert box["y"][:4] == pytest.approx([start, start, stop, stop])
    left, right = NIGHT - 0.35 * DAY, NIGHT + 0.35 * DAY
    assert box["x"][:4] == pytest.approx([left, right, right, left])
    assert np.isnan(box["x"][4]) and len(box["x"]) == 5
    # Its hover points are inside it and name the block, whose page a click opens.
    assert set(hover["x"]) == {NIGHT} and start <= min(hover["y"]) <= max(hover["y"]) <= stop
    vega = SchedulingBlock.objects.get(schedule=sky, source_block_id="vega-1")
    assert set(hover["customdata"]) == {reverse("analytics:block", args=[sky.pk, vega.pk])}
    assert "vega-1" in hover["text"][0]
    found = cards(response)
    assert found["nights"] == str(len(data.night_dates))
    assert found["drawn-blocks"].startswith("1")
    # the evening is at the top: the y axis runs from late to early
    low, high = figure["layout"]["yaxis"]["range"]
    assert low > high


def test_the_twilight_curves_are_the_nights_events(sky):
    data = hourglass(sky, HourglassFilters())
    figure = figure_dict(hourglass_figure(data, np.array(["/x/"], dtype=object)))
    curves = {trace["name"]: trace for trace in figure["data"] if trace["type"] == "scatter"}
    sunset = curves["Sunset / sunrise"]
    count = len(data.night_dates)
    hours = (data.nights.sunset - data.reference_mjd) * 24.0
    assert np.array(sunset["y"][:count], dtype=float) == pytest.approx(hours)
    dawn = (data.nights.astronomical_dawn - data.reference_mjd) * 24.0
    astronomical = curves["Astronomical twilight (−18°)"]
    assert np.array(astronomical["y"][count + 1 :], dtype=float) == pytest.approx(dawn)
    moon, hover = traces(figure, "Moon up")
    assert len(moon["x"]) == 5 * len(data.moon_night)  # four corners and a gap each
    assert hover["hovertemplate"].startswith("Moon up")


def test_the_chart_csv_is_the_chart_data(reader, sky):
    url = page_url("analytics:hourglass", sky)
    rows = csv_rows(reader.get(url, {"csv": "hourglass"}))
    data = hourglass(sky, HourglassFilters())
    marks = hourglass_marks(data)
    assert [row["Kind"] for row in rows] == marks.kind.tolist()
    assert [float(row["From (h)"]) for row in rows] == pytest.approx(marks.from_hours.tolist())
    (observation,) = [row for row in rows if row["Kind"] == OBSERVATION]
    assert observation["Block ID"] == "vega-1" and observation["Night"] == "2025-05-25"
    sunsets = [row for row in rows if row["Kind"] == "sunset"]
    assert [row["Night"] for row in sunsets] == data.night_dates
    blocks = csv_rows(reader.get(url, {"csv": "blocks"}))
    assert [row["Block ID"] for row in blocks] == ["vega-1"]


def test_hours_can_be_read_in_utc(reader, sky):
    figure = figures(reader.get(page_url("analytics:hourglass", sky), {"axis": "utc"}))["hourglass"]
    box, _ = traces(figure, "High priority")
    # 2025-05-26 03:00 UTC is three hours after the UTC midnight of that night.
    assert box["y"][0] == pytest.approx(3.0)
    assert "UTC" in figure["layout"]["yaxis"]["title"]["text"]


def test_without_a_site_the_page_asks_for_one(reader, store_schedule):
    schedule = store_sky_schedule(store_schedule, located=False, name="nowhere")
    response = reader.get(page_url("analytics:hourglass", schedule))
    assert 'id="no-site"' in response.content.decode() and not figures(response)
    data = hourglass(schedule, HourglassFilters())
    assert data.nights is None and data.outside_nights == 1
    chosen = reader.get(page_url("analytics:hourglass", schedule), {"site": "orm"})
    assert "hourglass" in figures(chosen)


def test_the_endpoint_answers_the_selector(client, sky, settings):
    settings.TSI_PUBLIC_READ = True
    query = {"axis": "utc", "site": "la-silla", "priority_min": "5"}
    body = client.get(f"{API}/schedules/{sky.pk}/hourglass/", query).json()
    data = hourglass(sky, HourglassFilters(utc=True, site=parse_site("la-silla"), priority_min=5))
    assert body == json.loads(dumps(jsonable(data)))
    assert body["site"]["name"] == "La Silla" and body["time_axis"] == "utc"
