"""How long headless Chromium takes from navigation to every chart of a page drawn.

Used by bench/run.py against its gunicorn server. Each load is a fresh browser context (no
HTTP or compiled-code cache: a reader's first visit), and the time is the page's own clock
(``performance.now()``, zero at navigation start) when the last of its charts became ready,
i.e. ``Plotly.newPlot`` resolved after its ``plotly_afterplot`` (static/tsi/charts.js marks it
``plotly-chart-ready``). A page without charts counts when its document has loaded.

The floor, in the same browser: a page holding only the site's plotly.js bundle and a
one-point chart; and the same page with the full bundle.
"""

from __future__ import annotations

import statistics
import time

CHROMIUM = "/usr/bin/chromium"

# Records when every chart of the page is drawn; installed before any script of the page runs.
DRAWN_AT = """
(() => {
  const check = () => {
    if (window.__drawnAt !== undefined || document.readyState === "loading") return;
    const charts = document.querySelectorAll(".plotly-chart");
    if ([...charts].every((chart) => chart.classList.contains("plotly-chart-ready"))) {
      window.__drawnAt = performance.now();
      window.__charts = charts.length;
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true, attributes: true, attributeFilter: ["class"],
  });
  document.addEventListener("DOMContentLoaded", () => setTimeout(check, 0));
  window.addEventListener("load", check);
})();
"""

# The floors: the same one-point page with each bundle (the difference is what the site's
# bundle saves on every page load). WhiteNoise serves the unhashed names too.
FLOOR_BUNDLES = {
    "floor": "plotly/plotly-tsi.min.js",
    "floor with the full plotly.js": "plotly/plotly.min.js",
}
FLOOR_PAGE = """<!doctype html><html><head><script src="{script}"></script></head><body>
<div class="plotly-chart" id="p"></div>
<script>Plotly.newPlot("p", [{{x: [1], y: [1], type: "scatter"}}]).then(
  () => document.getElementById("p").classList.add("plotly-chart-ready"));</script>
</body></html>"""


def floor_page(script: str):
    """A route handler answering the floor page that loads ``script``."""
    html = FLOOR_PAGE.format(script=script)
    return lambda route: route.fulfill(body=html, content_type="text/html")


def drawn_at(page, timeout_s: float = 120.0) -> float:
    """When the page had every chart drawn, by its own clock. Polled from here: the pages'
    Content-Security-Policy forbids the ``eval`` that ``wait_for_function`` polls with."""
    deadline = time.monotonic() + timeout_s
    while (drawn := page.evaluate("window.__drawnAt")) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page.url}: charts not drawn within {timeout_s:.0f} s")
        time.sleep(0.02)
    return drawn


def draw_times(base_url: str, paths: dict[str, str], draws: int) -> dict[str, dict]:
    """Milliseconds from navigation to drawn for each page (median and max of ``draws``
    loads), its chart count and plotly.js bundle, and the floor."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for label, path in paths.items():
            samples, charts, script = [], 0, ""
            for _ in range(draws):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.add_init_script(DRAWN_AT)
                page.goto(base_url + path, timeout=120_000)
                samples.append(drawn_at(page))
                charts = page.evaluate("window.__charts")
                script = page.evaluate(
                    "(document.querySelector('script[src*=\"plotly\"]') || {}).src || ''"
                )
                context.close()
            results[label] = {
                "median_ms": statistics.median(samples),
                "max_ms": max(samples),
                "charts": charts,
                "bundle": script.rsplit("/", 1)[-1].split(".")[0] if script else "",
            }
        for label, script in FLOOR_BUNDLES.items():
            samples = []
            for _ in range(draws):
                context = browser.new_context()
                page = context.new_page()
                page.add_init_script(DRAWN_AT)
                page.route(base_url + "/bench-floor/", floor_page(f"{base_url}/static/{script}"))
                page.goto(base_url + "/bench-floor/")
                samples.append(drawn_at(page))
                context.close()
            results[label] = {
                "median_ms": statistics.median(samples),
                "max_ms": max(samples),
                "charts": 1,
                "bundle": script.rsplit("/", 1)[-1].split(".")[0],
            }
        browser.close()
    return results
