"""plotly.js is the installed package's own build, served without a CDN."""

from __future__ import annotations


def test_plotly_js_is_served_from_the_installed_package(client):
    from django.contrib.staticfiles import finders

    found = finders.find("plotly/plotly.min.js")
    assert found and found.endswith("package_data/plotly.min.js")
    assert finders.find("plotly/widgetbundle.js") is None
