"""The site's plotly.js bundle, as a browser loads it: the trace types it registers are the
ones ``plotly_bundle`` counts on, and its version is the full bundle's."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from playwright.sync_api import Page

from schedules.models import Schedule
from tests.e2e.conftest import BrowserProblems, wait_for_charts
from tsi_site.web.plotly_static import TSI_TRACES

pytestmark = pytest.mark.e2e


def test_the_site_bundle_draws_exactly_the_trace_types_pages_count_on(
    page: Page, problems: BrowserProblems, sign_in, uploader, sample: Schedule
):
    sign_in(uploader)
    page.goto(reverse("analytics:trends", args=[sample.pk]))
    assert wait_for_charts(page) > 0
    script = page.evaluate("document.querySelector('script[src*=\"plotly\"]').src")
    assert "/plotly/plotly-tsi." in script
    registered = page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")
    assert set(registered) == TSI_TRACES
    with open(finders.find("plotly/plotly.min.js"), encoding="utf-8") as handle:
        full_version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", handle.read(300)).group(1)
    assert page.evaluate("Plotly.version") == full_version
    problems.assert_none("trends page with the site bundle")
