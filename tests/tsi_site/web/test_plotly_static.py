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


def test_the_site_bundle_is_the_same_plotly_js_as_the_full_one():
    from django.contrib.staticfiles import finders

    bundle = finders.find("plotly/plotly-tsi.min.js")
    assert bundle and bundle.endswith("static/plotly/plotly-tsi.min.js")
    assert _version(bundle) == _version(finders.find("plotly/plotly.min.js"))


def test_pages_load_the_site_bundle_unless_a_trace_needs_the_full_one():
    from tsi_site.web.plotly_static import plotly_bundle

    kinds = {"scatter", "bar", "box", "heatmap", "histogram", "violin"}
    assert plotly_bundle(kinds) == "plotly/plotly-tsi.min.js"
    assert plotly_bundle(iter(["scatter"])) == "plotly/plotly-tsi.min.js"
    assert plotly_bundle(set()) == "plotly/plotly-tsi.min.js"
    assert plotly_bundle({"scatter", "scattergl"}) == "plotly/plotly.min.js"
    assert plotly_bundle({"pie"}) == "plotly/plotly.min.js"
