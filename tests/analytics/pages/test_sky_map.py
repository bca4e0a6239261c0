"""The sky map page: one marker per target, the selector's points, escaped hover text, the
all-sky projection with RA growing to the left, and the lines and limits behind the points."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from django.urls import reverse

from analytics.pages.legend import block_labels
from analytics.pages.sky_map import density_grid, project, sky_map_figure
from analytics.selectors import SkyMapFilters, sky_map
from analytics.templatetags.tsi_format import num
from schedules.models import SchedulingBlock
from schedules.sky.sites import ORM, parse_site
from tests.analytics.pages.sample import (
    HTML_ID,
    HTML_NAME,
    cards,
    csv_rows,
    figure_dict,
    figures,
    floats,
    marker_count,
    page_url,
    sky_markers,
)
from tests.analytics.sky_sample import store_sky_schedule


@pytest.fixture
def sky(store_schedule):
    return store_sky_schedule(store_schedule)


def drawn_targets(figure: dict) -> list[tuple[float, float, int]]:
    """(x, y, blocks) of every marker: RA and Dec on the plane."""
    return sorted(
        (x, y, marker_count(label))
        for trace in sky_markers(figure)
        for x, y, label in zip(trace["x"], trace["y"], trace["text"], strict=True)
    )


def drawn_blocks(figure: dict) -> int:
    return sum(marker_count(label) for trace in sky_markers(figure) for label in trace["text"])


def test_sky_map_points_match_the_selector_and_escape_hover_text(sky):
    data = sky_map(sky, SkyMapFilters(exclude_impossible=False))
    figure = figure_dict(
        sky_map_figure(data, color_by="status", projection="equirectangular", flip_ra=False)
    )
    points = data.points
    status = np.where(points.is_scheduled, "s", "u")
    expected = Counter(
        zip(status.tolist(), points.ra_deg.tolist(), points.dec_deg.tolist(), strict=True)
    )
    assert drawn_targets(figure) == sorted((ra, dec, n) for (_, ra, dec), n in expected.items())
    labels = [label for trace in sky_markers(figure) for label in trace["text"]]
    single = block_labels(np.array([HTML_ID]), np.array([HTML_NAME]))[0]
    assert single == "<b>&lt;i&gt;A&lt;/i&gt;</b> &lt;b&gt;bold&lt;/b&gt; &amp; co"
    assert single in labels
    assert not any(HTML_NAME in label or HTML_ID in label for label in labels)
    assert figure["layout"]["xaxis"]["range"] == [0, 360]


def test_blocks_on_one_target_share_a_marker_that_names_them(sky):
    data = sky_map(sky, SkyMapFilters())
    figure = figure_dict(sky_map_figure(data, color_by="status", projection="aitoff", flip_ra=True))
    unscheduled = next(t for t in sky_markers(figure) if t["name"].startswith("Unscheduled"))
    vega = [label for label in unscheduled["text"] if "vega" in label]
    assert vega == ["<b>vega-2</b> Vega"]  # vega-1 is scheduled: another class, another marker
    bucket_figure = figure_dict(
        sky_map_figure(
            sky_map(sky, SkyMapFilters(priority_min=4.0, priority_max=9.0, buckets=())),
            color_by="status",
            projection="aitoff",
            flip_ra=True,
        )
    )
    assert drawn_blocks(bucket_figure) == 3


def test_a_target_with_several_blocks_is_one_marker_with_their_count(store_schedule):
    blocks = [
        dict(source_id=f"b{i}", priority=float(i), ra_deg=10.0, dec_deg=20.0) for i in range(4)
    ]
    schedule = store_schedule(blocks, name="crowded")
    data = sky_map(schedule, SkyMapFilters(exclude_impossible=False))
    figure = figure_dict(sky_map_figure(data, color_by="status", projection="aitoff", flip_ra=True))
    (trace,) = sky_markers(figure)
    assert project(np.array([10.0]), np.array([20.0]), "aitoff", True) == (trace["x"], trace["y"])
    assert trace["text"] == ["<b>4 blocks</b> on target-3: b3, b2, b1, …"]
    assert "RA 00h40m00.0s  Dec +20°00′00″" in trace["hovertext"][0]
    assert "Priority 0.00–3.00" in trace["hovertext"][0]


def test_sky_map_groups_by_status_and_flips_ra_on_the_all_sky_map(schedule):
    data = sky_map(schedule, SkyMapFilters())
    figure = figure_dict(sky_map_figure(data, color_by="status", projection="aitoff", flip_ra=True))
    markers = sky_markers(figure)
    assert [trace["name"].split(" (")[0] for trace in markers] == ["Scheduled", "Unscheduled"]
    assert drawn_blocks(figure) == data.shown_blocks
    points = data.points
    x = np.array([value for trace in markers for value in trace["x"]])
    y = np.array([value for trace in markers for value in trace["y"]])
    expected = np.unique(
        np.column_stack(project(points.ra_deg, points.dec_deg, "aitoff", True)), axis=0
    )
    assert np.allclose(np.unique(np.column_stack((x, y)), axis=0), expected)


@pytest.mark.parametrize("projection", ["aitoff", "mollweide"])
def test_all_sky_projections_put_ra_to_the_left_and_fill_an_ellipse(projection):
    # On the equator both maps place RA at its longitude; 6h is left of 0h once flipped.
    ra = np.array([0.0, 90.0, 270.0, 179.999, 0.0, 0.0])
    dec = np.array([0.0, 0.0, 0.0, 0.0, 90.0, -90.0])
    x, y = project(ra, dec, projection, flip_ra=True)
    assert np.allclose(x, [0.0, -90.0, 90.0, -179.999, 0.0, 0.0], atol=1e-6)
    assert np.allclose(y, [0.0, 0.0, 0.0, 0.0, 90.0, -90.0], atol=1e-6)
    grid_ra, grid_dec = np.meshgrid(np.linspace(0, 359.9, 73), np.linspace(-89.9, 89.9, 37))
    x, y = project(grid_ra.ravel(), grid_dec.ravel(), projection, flip_ra=False)
    assert np.all((x / 180.0) ** 2 + (y / 90.0) ** 2 <= 1.0 + 1e-9)
    # Unflipped, RA grows to the right.
    assert project(np.array([90.0]), np.array([0.0]), projection, flip_ra=False)[0][0] > 0


def test_galactic_plane_ecliptic_and_the_sites_declination_limit(sky):
    data = sky_map(sky, SkyMapFilters())
    # The galactic centre (Sgr A*) and the north galactic pole's distance from the plane.
    assert data.galactic_plane[0] == pytest.approx([266.405, -28.936], abs=1e-3)
    pole_ra, pole_dec = np.radians(192.8595), np.radians(27.1283)
    ra, dec = np.radians(data.galactic_plane[:, 0]), np.radians(data.galactic_plane[:, 1])
    cosine = np.sin(dec) * np.sin(pole_dec) + np.cos(dec) * np.cos(pole_dec) * np.cos(ra - pole_ra)
    assert np.abs(cosine).max() < 1e-5
    # The ecliptic reaches the obliquity (23.44°) at RA 6h and crosses the equator at 0h, 12h.
    assert data.ecliptic[:, 1].max() == pytest.approx(23.439, abs=1e-3)
    assert data.ecliptic[180] == pytest.approx([180.0, 0.0], abs=1e-4)
    # Vega's block asks for 30°: what culminates below it at La Palma is never seen.
    assert data.site == parse_site(f"{ORM.lon_deg},{ORM.lat_deg},{ORM.height_m}")
    assert data.altitude_limit_deg == 30.0
    assert data.never_high_below_dec_deg == pytest.approx(ORM.lat_deg - 60.0)
    assert data.never_high_above_dec_deg == pytest.approx(ORM.lat_deg + 60.0)
    figure = figure_dict(sky_map_figure(data, color_by="bucket", projection="aitoff", flip_ra=True))
    names = [trace.get("name", "") for trace in figure["data"]]
    assert "Galactic plane" in names and "Ecliptic" in names
    assert any(name.startswith("Never above 30°") for name in names)


def test_without_a_site_there_is_no_limit_until_one_is_given(store_schedule, reader):
    schedule = store_sky_schedule(store_schedule, located=False, name="nowhere")
    assert sky_map(schedule, SkyMapFilters()).site is None
    response = reader.get(page_url("analytics:sky-map", schedule))
    assert "This schedule has no site" in response.content.decode()
    response = reader.get(page_url("analytics:sky-map", schedule), {"site": "paranal"})
    data = sky_map(schedule, SkyMapFilters(site=parse_site("paranal")))
    assert data.site_source == "parameter"
    assert data.never_high_above_dec_deg == pytest.approx(-24.6272 + 60.0)
    assert "Paranal" in response.content.decode()
    bad = reader.get(page_url("analytics:sky-map", schedule), {"site": "atlantis"})
    assert bad.status_code == 400 and "unknown site" in bad.content.decode()


def test_sky_map_page_matches_the_selector(reader, normal):
    response = reader.get(page_url("analytics:sky-map", normal), {"priority_min": "3"})
    data = sky_map(normal, SkyMapFilters(priority_min=3.0))
    figure = figures(response)["sky-map"]
    assert drawn_blocks(figure) == data.shown_blocks
    # the default is the all-sky Aitoff map with RA growing to the left
    assert figure["layout"]["xaxis"]["range"] == [-184, 184]
    found = cards(response)
    assert found["shown-blocks"] == num(data.shown_blocks)
    assert found["scheduled-shown"] == num(data.scheduled_shown)
    assert found["ra-coverage"] == f"{num(data.ra_coverage_deg, 1)} °"


def test_markers_and_table_rows_link_to_block_pages(reader, sky):
    response = reader.get(page_url("analytics:sky-map", sky), {"impossible": "include"})
    figure = figures(response)["sky-map"]
    urls = {url for trace in sky_markers(figure) for url in trace["customdata"]}
    blocks = SchedulingBlock.objects.filter(schedule=sky)
    vega = blocks.get(source_block_id="vega-1")
    assert reverse("analytics:block", args=[sky.pk, vega.pk]) in urls
    assert len(urls) == 5  # no two blocks share a target and a bucket here
    lookup = reverse("analytics:block-lookup", args=[sky.pk])
    assert f'href="{lookup}?source_id=m13"' in response.content.decode()


def test_crowded_maps_show_a_density_or_webgl_markers(store_schedule, reader):
    blocks = [
        dict(source_id=f"b{i}", ra_deg=(i * 7.3) % 360, dec_deg=-80 + (i * 0.061) % 160)
        for i in range(2100)
    ]
    schedule = store_schedule(blocks, name="many")
    data = sky_map(schedule, SkyMapFilters(exclude_impossible=False))
    crowded = figure_dict(
        sky_map_figure(data, color_by="bucket", projection="aitoff", flip_ra=True)
    )
    assert not sky_markers(crowded)
    (density,) = [trace for trace in crowded["data"] if trace["type"] == "heatmap"]
    counts = np.array(density["customdata"], dtype=float)  # z is their logarithm
    assert np.allclose(
        10 ** np.nan_to_num(np.array(density["z"], dtype=float), nan=-np.inf), counts
    )
    assert counts.sum() == data.shown_blocks == 2100
    _, _, expected = density_grid(data.points.ra_deg, data.points.dec_deg, "aitoff", True)
    assert np.array_equal(counts, expected)
    # The chart's data is its CSV's: the listed blocks fall in the same cells.
    url = page_url("analytics:sky-map", schedule)
    rows = csv_rows(reader.get(url, {"impossible": "include", "csv": "sky-map"}))
    ra = np.array(floats(row["RA (°)"] for row in rows))
    dec = np.array(floats(row["Dec (°)"] for row in rows))
    assert np.array_equal(density_grid(ra, dec, "aitoff", True)[2], expected)
    markers = figure_dict(
        sky_map_figure(
            data, color_by="bucket", projection="aitoff", flip_ra=True, display="markers"
        )
    )
    assert {trace["type"] for trace in sky_markers(markers)} == {"scattergl"}
    assert drawn_blocks(markers) == 2100
    # WebGL markers need the full plotly.js; the density draws with the site bundle.
    density_page = reader.get(url, {"impossible": "include"}).content.decode()
    markers_page = reader.get(url, {"impossible": "include", "display": "markers"})
    assert "plotly/plotly-tsi.min.js" in density_page
    assert "plotly/plotly.min.js" not in density_page
    assert "plotly/plotly.min.js" in markers_page.content.decode()
