"""The sky map page: its points are the selector's, with escaped hover text."""

from __future__ import annotations

import numpy as np

from analytics.pages.legend import block_labels
from analytics.pages.sky_map import sky_map_figure
from analytics.selectors import SkyMapFilters, sky_map
from analytics.templatetags.tsi_format import num
from tests.analytics.pages.sample import HTML_ID, HTML_NAME, cards, figure_dict, figures, page_url


def test_sky_map_points_match_the_selector_and_escape_hover_text(schedule):
    data = sky_map(schedule, SkyMapFilters())
    figure = figure_dict(
        sky_map_figure(data, color_by="bucket", projection="equirectangular", flip_ra=False)
    )
    points = {
        (label, x, y)
        for trace in figure["data"]
        for label, x, y in zip(trace["text"], trace["x"], trace["y"], strict=True)
    }
    expected = set(
        zip(
            block_labels(data.points.source_block_id, data.points.display_name).tolist(),
            data.points.ra_deg.tolist(),
            data.points.dec_deg.tolist(),
            strict=True,
        )
    )
    assert points == expected
    labels = [label for trace in figure["data"] for label in trace["text"]]
    assert "<b>&lt;i&gt;A&lt;/i&gt;</b> &lt;b&gt;bold&lt;/b&gt; &amp; co" in labels
    assert not any(HTML_NAME in label or HTML_ID in label for label in labels)
    assert figure["layout"]["xaxis"]["range"] == [0, 360]


def test_sky_map_groups_by_status_and_flips_ra_on_the_all_sky_map(schedule):
    data = sky_map(schedule, SkyMapFilters())
    figure = figure_dict(sky_map_figure(data, color_by="status", projection="aitoff", flip_ra=True))
    markers = [trace for trace in figure["data"] if trace.get("mode") == "markers"]
    assert [trace["name"] for trace in markers] == ["Scheduled", "Unscheduled"]
    assert sum(len(trace["lat"]) for trace in markers) == data.shown_blocks
    assert figure["layout"]["geo"]["projection"]["type"] == "aitoff"
    ra = np.array([row[0] for trace in markers for row in trace["customdata"]])
    lon = np.array([value for trace in markers for value in trace["lon"]])
    assert np.allclose(lon, -((ra + 180) % 360 - 180))


def test_sky_map_page_matches_the_selector(reader, normal):
    response = reader.get(page_url("analytics:sky-map", normal), {"priority_min": "3"})
    data = sky_map(normal, SkyMapFilters(priority_min=3.0))
    figure = figures(response)["sky-map"]
    assert sum(len(trace["x"]) for trace in figure["data"]) == data.shown_blocks
    found = cards(response)
    assert found["shown-blocks"] == num(data.shown_blocks)
    assert found["scheduled-shown"] == num(data.scheduled_shown)
    assert found["ra-coverage"] == f"{num(data.ra_coverage_deg, 1)} °"
