"""plotly.js is the installed package's own build, served without a CDN."""

from __future__ import annotations

import re

import pytest


def test_plotly_js_is_served_from_the_installed_package(client):
    from django.contrib.staticfiles import finders

    found = finders.find("plotly/plotly.min.js")
    assert found and found.endswith("package_data/plotly.min.js")
    assert finders.find("plotly/widgetbundle.js") is None


def _version(path) -> str:
    with open(path, encoding="utf-8") as handle:
        header = handle.read(200)
    return re.search(r"plotly\.js .*?v(\d+\.\d+\.\d+)", header).group(1)


@pytest.mark.parametrize("name", ["plotly-basic.min.js", "plotly-cartesian.min.js"])
def test_the_smaller_bundles_are_the_same_plotly_js_as_the_full_one(name):
    from django.contrib.staticfiles import finders

    bundle = finders.find(f"plotly/{name}")
    assert bundle and bundle.endswith(f"static/plotly/{name}")
    assert _version(bundle) == _version(finders.find("plotly/plotly.min.js"))


def test_pages_load_the_smallest_bundle_that_draws_their_traces():
    from tsi_site.web.plotly_static import plotly_bundle

    assert plotly_bundle({"scatter", "bar"}) == "plotly/plotly-basic.min.js"
    assert plotly_bundle(iter(["scatter", "pie"])) == "plotly/plotly-basic.min.js"
    assert plotly_bundle(set()) == "plotly/plotly-basic.min.js"
    assert plotly_bundle({"scatter", "bar", "box", "heatmap", "histogram", "violin"}) == (
        "plotly/plotly-cartesian.min.js"
    )
    assert plotly_bundle({"heatmap"}) == "plotly/plotly-cartesian.min.js"
    assert plotly_bundle({"scatter", "scattergl"}) == "plotly/plotly.min.js"
