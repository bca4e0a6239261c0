"""The alt/az page: its controls, its chart against its CSV, the airmass view, a schedule
without a site, and its endpoint (the same selector)."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pytest

from analytics.pages.altaz import AIRMASS_CAP, MOON, altaz_figure
from analytics.selectors.altaz import AltAzQuery, altaz
from schedules.models import SchedulingBlock
from tests.analytics.pages.sample import csv_rows, figure_dict, figures, floats, page_url
from tests.analytics.sky_sample import store_sky_schedule
from tsi_site.api.rendering import dumps, jsonable

API = "/api/v1"


@pytest.fixture
def sky(store_schedule):
    return store_sky_schedule(store_schedule)


def ids(schedule, *source_ids: str) -> list[str]:
    blocks = SchedulingBlock.objects.filter(schedule=schedule, source_block_id__in=source_ids)
    return [str(pk) for pk in blocks.order_by("source_block_id").values_list("pk", flat=True)]


def test_the_page_draws_the_chosen_targets_with_the_moon(reader, sky):
    query = {"target": ids(sky, "m13", "vega-1"), "date": "2025-05-25"}
    response = reader.get(page_url("analytics:alt-az", sky), query)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="chosen-targets"' in content and "Vega (vega-1)" in content
    # the multi-select offers every position once, the chosen ones selected
    assert content.count("<option value=") >= 4
    assert f'value="{ids(sky, "vega-1")[0]}" selected' in content
    assert 'value="2025-05-25"' in content
    figure = figures(response)["alt-az"]
    names = [trace["name"] for trace in figure["data"] if trace.get("showlegend", True)]
    assert names == ["M13 (m13)", "Vega (vega-1)", MOON]
    assert figure["layout"]["yaxis"]["range"] == [0, 90]
    # twilights and night shaded on both panels
    assert len(figure["layout"]["shapes"]) == 2 * 7


def test_the_chart_csv_is_the_chart_data(reader, sky):
    url = page_url("analytics:alt-az", sky)
    query = {"target": ids(sky, "vega-1", "m13"), "date": "2025-05-25", "step": "10"}
    figure = figures(reader.get(url, query))["alt-az"]
    rows = csv_rows(reader.get(url, {**query, "csv": "alt-az"}))
    for trace in figure["data"]:
        if trace.get("showlegend") is False:  # the azimuth panel
            continue
        found = [row for row in rows if row["Target"] == trace["name"]]
        assert floats(row["Altitude (°)"] for row in found) == pytest.approx(trace["y"])
    azimuth = [trace for trace in figure["data"] if trace.get("showlegend") is False]
    vega = [row for row in rows if row["Target"] == "Vega (vega-1)"]
    drawn = [value for value in azimuth[1]["y"] if value is not None and not np.isnan(value)]
    listed = [float(row["Azimuth (°)"]) for row in vega if float(row["Altitude (°)"]) > 0]
    assert drawn == pytest.approx(listed)
    nights = csv_rows(reader.get(url, {**query, "csv": "nights"}))
    assert [row["Night"] for row in nights] == ["2025-05-25"]


def test_airmass_is_capped_and_the_moon_follows(sky):
    data = altaz(sky, AltAzQuery(date=datetime.date(2025, 5, 25)))
    figure = figure_dict(altaz_figure(data, airmass=True))
    assert figure["layout"]["yaxis"]["range"] == [AIRMASS_CAP, 1.0]
    first = figure["data"][0]
    expected = data.airmass[0]
    assert [np.nan if v is None else v for v in first["y"]] == pytest.approx(expected, nan_ok=True)
    moon = next(trace for trace in figure["data"] if trace["name"] == MOON)
    up = data.moon_alt_deg > 0
    assert np.array(moon["y"], dtype=float)[up] == pytest.approx(
        1.0 / np.sin(np.radians(data.moon_alt_deg[up]))
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"target": [str(n) for n in range(1, 12)]}, "target"),
        ({"target": "vega"}, "target"),
        ({"nights": "15"}, "nights"),
        ({"date": "someday"}, "date"),
        ({"step": "0"}, "step"),
        ({"site": "nowhere"}, "site"),
    ],
)
def test_bad_controls_are_form_errors_on_the_page_and_the_api(
    reader, client, sky, settings, query, field
):
    response = reader.get(page_url("analytics:alt-az", sky), query)
    assert response.status_code == 400 and 'id="filters-invalid"' in response.content.decode()
    settings.TSI_PUBLIC_READ = True
    answer = client.get(f"{API}/schedules/{sky.pk}/alt-az/", query)
    assert answer.status_code == 400 and list(answer.json()["details"]) == [field]


def test_without_a_site_the_page_asks_for_one(reader, store_schedule):
    schedule = store_sky_schedule(store_schedule, located=False, name="nowhere")
    response = reader.get(page_url("analytics:alt-az", schedule))
    assert 'id="no-site"' in response.content.decode() and not figures(response)
    chosen = reader.get(page_url("analytics:alt-az", schedule), {"site": "mauna-kea"})
    assert "alt-az" in figures(chosen)


def test_the_endpoint_answers_the_selector(client, sky, settings):
    settings.TSI_PUBLIC_READ = True
    query = {"target": ids(sky, "vega-1"), "date": "2025-05-24", "nights": "2", "q": "e"}
    body = client.get(f"{API}/schedules/{sky.pk}/alt-az/", query).json()
    data = altaz(
        sky,
        AltAzQuery(
            search="e",
            targets=(int(query["target"][0]),),
            date=datetime.date(2025, 5, 24),
            nights=2,
        ),
    )
    assert body == json.loads(dumps(jsonable(data)))
    assert body["night_dates"] == ["2025-05-24", "2025-05-25"]
