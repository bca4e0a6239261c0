#!/usr/bin/env python
"""The sky pages (block, hourglass, alt/az, sky map) as a reader waits for them, and how long
Chromium takes to draw the sky map.

    .venv/bin/python bench/sky_pages.py                          # 2,650 and 25,000 blocks
    .venv/bin/python bench/sky_pages.py --blocks 25000 --periods 30 --repeat 20

Each size runs in a child process against a private SQLite database in bench/data (never the
PostgreSQL one others use): a generated schedule at an ORM-like site is stored through the
ETL once, then every page and endpoint is requested through Django's test client, cold
(caches emptied, so the nights of the schedule's year are computed) and warm (the same request
again, ``--repeat`` times; median and p95). Then the sky map page's HTML is loaded into the
system Chromium (headless, as the end-to-end tests run it) with plotly.js and charts.js from
the static files, and the time from navigation to the chart being drawn is measured, median
of ``--draws`` loads. bench/run.py times the same pages over HTTP under gunicorn, on
PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data"
CHROMIUM = "/usr/bin/chromium"
CHILD = "child"
# The sky map as drawn by default (markers, or a density above 2,000 targets), and as markers.
DRAWN = {"default": "", "markers": "?display=markers"}


def database_for(blocks: int, periods: int) -> Path:
    return DATA / f"sky-pages-{blocks}x{periods}.sqlite3"


def paths(schedule_id: int, block_id: int) -> dict[str, str]:
    page, api = f"/schedules/{schedule_id}", f"/api/v1/schedules/{schedule_id}"
    return {
        "page block": f"{page}/blocks/{block_id}/",
        "page hourglass": f"{page}/hourglass/",
        "page alt-az": f"{page}/alt-az/",
        "page sky-map": f"{page}/sky-map/",
        "api block (altitude)": f"{api}/blocks/{block_id}/?altitude=true",
        "api hourglass": f"{api}/hourglass/",
        "api alt-az": f"{api}/alt-az/",
        "api sky-map": f"{api}/sky-map/",
    }


def child(blocks: int, periods: int, repeat: int, draws: int) -> dict:
    """In the child process: store the schedule if needed, time the requests and the draw."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from analytics.frame_cache import clear_local_cache
    from schedules.models import Schedule, SchedulingBlock
    from schedules.pipeline.ingest import ingest_schedule_data
    from schedules.synthetic import generate_schedule_data

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    name = f"sky pages {blocks}"
    schedule = Schedule.objects.filter(name=name).first()
    if schedule is None:
        data = generate_schedule_data(blocks=blocks, periods_per_block=periods, seed=blocks)
        schedule = ingest_schedule_data(data, name=name).schedule
    block = (
        SchedulingBlock.objects.filter(schedule=schedule)
        .exclude(scheduled_period=[])
        .order_by("id")
        .first()
    )
    client = Client()
    results = {}
    for label, url in paths(schedule.pk, block.pk).items():
        cache.clear()
        clear_local_cache()
        started = time.perf_counter()
        response = client.get(url)
        cold = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        warm = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            warm.append(time.perf_counter() - started)
        warm.sort()
        results[label] = {
            "cold_ms": cold * 1000,
            "median_ms": statistics.median(warm) * 1000,
            "p95_ms": warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))] * 1000,
            "kb": len(response.content) / 1000,
        }
    sky_map = paths(schedule.pk, block.pk)["page sky-map"]
    drawn = {
        label: draw_times(client.get(sky_map + query).content.decode(), draws)
        for label, query in DRAWN.items()
    }
    return {"requests": results, "draw": drawn, "blocks": blocks}


def draw_times(html: str, draws: int) -> dict:
    """Milliseconds from navigation to the sky map drawn (``plotly-chart-ready``), and of
    ``Plotly.newPlot`` alone, in headless Chromium; static files come from STATIC_ROOT."""
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    def serve(route) -> None:
        found = Path(settings.STATIC_ROOT) / route.request.url.split("/static/", 1)[1]
        if not found.is_file():
            route.fulfill(status=404)
            return
        kind = "application/javascript" if found.suffix == ".js" else "text/css"
        route.fulfill(status=200, body=found.read_bytes(), content_type=kind)

    loads, plots, refused = [], [], 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/static/**", serve)
        page.route(
            "http://bench.invalid/",
            lambda route: route.fulfill(body=html, content_type="text/html"),
        )
        for _ in range(draws):
            started = time.perf_counter()
            page.goto("http://bench.invalid/")
            page.wait_for_selector("#plot-sky-map.plotly-chart-ready", timeout=60_000)
            loads.append((time.perf_counter() - started) * 1000)
            # Plotly writes this into the chart when it could not start WebGL.
            refused += page.locator("#plot-sky-map", has_text="WebGL is not supported").count()
            plots.append(
                page.evaluate(
                    """() => {
                      const gd = document.getElementById("plot-sky-map");
                      const started = performance.now();
                      return Plotly.newPlot(gd, gd.data, gd.layout).then(
                        () => performance.now() - started);
                    }"""
                )
            )
        browser.close()
    return {
        "load_ms": statistics.median(loads),
        "newplot_ms": statistics.median(plots),
        "webgl_refused": refused,
    }


def run(blocks: int, periods: int, repeat: int, draws: int) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tsi_site.settings",
        DATABASE_URL=f"sqlite:///{database_for(blocks, periods)}",
        SECRET_KEY=env.get("SECRET_KEY", "benchmark-only-secret"),
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        TSI_PUBLIC_READ="true",
        LOG_LEVEL="WARNING",
        SECURE_SSL_REDIRECT="false",
        TSI_API_ANON_RATE="1000000/minute",
        STATIC_ROOT=str(DATA / "static"),
        DATA_SOURCE="etl",
    )
    result = subprocess.run(
        [sys.executable, __file__, CHILD, str(blocks), str(periods), str(repeat), str(draws)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        sys.path.insert(0, str(REPO))
        blocks, periods, repeat, draws = (int(value) for value in sys.argv[2:6])
        print(json.dumps(child(blocks, periods, repeat, draws)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, help="one size only (with --periods)")
    parser.add_argument("--periods", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=30, help="warm requests per page")
    parser.add_argument("--draws", type=int, default=5, help="sky map loads in Chromium")
    args = parser.parse_args()
    sizes = [(args.blocks, args.periods)] if args.blocks else [(2650, 260), (25000, 30)]
    for blocks, periods in sizes:
        result = run(blocks, periods, args.repeat, args.draws)
        print(f"\n{blocks:,} blocks × ~{periods} periods ({args.repeat} warm requests each)")
        print("| request | cold | warm median | warm p95 | size |")
        print("|---|---|---|---|---|")
        for label, measured in result["requests"].items():
            print(
                f"| {label} | {measured['cold_ms']:.0f} ms | {measured['median_ms']:.0f} ms | "
                f"{measured['p95_ms']:.0f} ms | {measured['kb']:.0f} kB |"
            )
        for label, draw in result["draw"].items():
            print(
                f"sky map ({label}) in Chromium: {draw['load_ms']:.0f} ms from navigation to "
                f"drawn, Plotly.newPlot {draw['newplot_ms']:.0f} ms (median of {args.draws})"
                + (
                    f"; WebGL refused in {draw['webgl_refused']} loads"
                    if draw["webgl_refused"]
                    else ""
                )
            )


if __name__ == "__main__":
    main()
