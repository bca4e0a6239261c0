"""plotly.js is the installed package's own build, served without a CDN."""

from __future__ import annotations

import re


def test_plotly_js_is_served_from_the_installed_package(client):
    from django.contrib.staticfiles import finders

    found = finders.find("plotly/plotly.min.js")
    assert found and found.endswith("package_data/plotly.min.js")
    assert finders.find("plotly/widgetbundle.js") is None


def _version(path) -> str:
    with open(path, encoding="utf-8") as handle:
        header = handle.read(200)
    return re.search(r"plotly\.js .*?v(\d+\.\d+\.\d+)", header).group(1)


def test_the_cartesian_bundle_is_the_same_plotly_js_as_the_full_one():
    from django.contrib.staticfiles import finders

    cartesian = finders.find("plotly/plotly-cartesian.min.js")
    assert cartesian and cartesian.endswith("static/plotly/plotly-cartesian.min.js")
    assert _version(cartesian) == _version(finders.find("plotly/plotly.min.js"))


def test_pages_load_the_cartesian_bundle_unless_a_trace_needs_the_full_one():
    from tsi_site.web.plotly_static import plotly_bundle

    assert plotly_bundle({"scatter", "bar", "box", "heatmap", "histogram", "violin"}) == (
        "plotly/plotly-cartesian.min.js"
    )
    assert plotly_bundle(set()) == "plotly/plotly-cartesian.min.js"
    assert plotly_bundle({"scatter", "scattergl"}) == "plotly/plotly.min.js"
