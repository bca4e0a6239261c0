#!/usr/bin/env python
"""Cold timings of every diagnostic (DESIGN §13) and of the whole entry point, against the
target of ≤ 1 s cold at 25,000 blocks (greedy baseline included).

    .venv/bin/python bench/diagnostics.py                      # 25,000 blocks × ~30 periods
    .venv/bin/python bench/diagnostics.py --blocks 2650 --periods 260 --repeat 5

"Cold" means the first call in a fresh interpreter: every measurement runs in its own child
process, which loads the schedule (generated once, with a fixed seed, and kept in bench/data),
computes what the measured step needs untimed, then times one call. Peak RSS is the child's
high-water mark; "+RSS" is how far the measured call raised it. The floor, timed the same way
in the same run, is a fixed numpy workload: one sort-and-sweep over every visibility period
(argsort of the starts, a running maximum of the stops in that order), the least any
diagnostic over all periods has to do, so the ratio says how far each step is from it on
this machine at this moment.

    .venv/bin/python bench/diagnostics.py --requests --repeat 20

``--requests`` times what a reader waits for instead, in one child process against a private
SQLite database in bench/data (never the PostgreSQL one others use): the schedule is stored
through the ETL, then the diagnostics selector and every diagnostics page, CSV and endpoint
are requested through Django's test client, cold (caches emptied first) and warm (the same
request again, ``--repeat`` times). The warm target is ≤ 100 ms at 25,000 blocks.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data"
TARGET_MS = 1000.0
STEPS = (
    "floor",
    "operable",
    "usable_windows",
    "fragmentation",
    "reasons",
    "blockers",
    "inversions",
    "pressure",
    "kpis",
    "greedy",
    "diagnose (entry point)",
)


def schedule_path(blocks: int, periods: int, seed: int) -> Path:
    return DATA / f"diagnostics-{blocks}x{periods}-seed{seed}.pickle"


def prepare(blocks: int, periods: int, seed: int) -> Path:
    path = schedule_path(blocks, periods, seed)
    if not path.exists():
        from schedules.synthetic import generate_schedule_data

        print(f"generating {blocks:,} blocks × ~{periods} periods (seed {seed})…", flush=True)
        data = generate_schedule_data(blocks=blocks, periods_per_block=periods, seed=seed)
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure(step: str, path: Path) -> dict:
    """Runs in the child: set up ``step``'s inputs, then time one call of it."""
    import numpy as np

    from analytics.diagnostics.fragmentation import fragment
    from analytics.diagnostics.greedy import greedy_baseline
    from analytics.diagnostics.inversions import find_inversions
    from analytics.diagnostics.kpis import compute_kpis
    from analytics.diagnostics.operable import (
        operable_time,
        scheduled_periods,
        usable_windows,
    )
    from analytics.diagnostics.pressure import compute_pressure
    from analytics.diagnostics.reasons import explain_unscheduled, find_blockers
    from analytics.diagnostics.report import diagnose

    data = pickle.loads(path.read_bytes())
    flags = np.zeros(data.block_count, dtype=bool)
    call: Callable[[], object]
    if step == "floor":
        periods = data.visibility_periods

        def call() -> object:
            order = np.argsort(periods[:, 0])
            return np.maximum.accumulate(periods[order, 1])

    elif step == "operable":
        call = lambda: operable_time(data)  # noqa: E731
    elif step == "diagnose (entry point)":
        call = lambda: diagnose(data, flags)  # noqa: E731
    else:
        operable = operable_time(data)
        if step == "usable_windows":
            call = lambda: usable_windows(data, operable)  # noqa: E731
        else:
            windows = usable_windows(data, operable)
            is_scheduled, union = scheduled_periods(data)
            if step == "fragmentation":
                call = lambda: fragment(operable, windows, union)  # noqa: E731
            elif step == "pressure":
                call = lambda: compute_pressure(data, operable, windows, is_scheduled)  # noqa: E731
            elif step in ("reasons", "blockers", "inversions"):
                if step == "reasons":
                    call = lambda: explain_unscheduled(  # noqa: E731
                        data, windows, is_scheduled, union, flags
                    )
                else:
                    reasons = explain_unscheduled(data, windows, is_scheduled, union, flags)
                    find = find_blockers if step == "blockers" else find_inversions
                    call = lambda: find(data, windows, reasons, is_scheduled)  # noqa: E731
            else:
                strip = fragment(operable, windows, union)
                if step == "kpis":
                    call = lambda: compute_kpis(  # noqa: E731
                        data.priority, is_scheduled, strip, operable.hours, windows.union_hours
                    )
                else:
                    kpis = compute_kpis(
                        data.priority, is_scheduled, strip, operable.hours, windows.union_hours
                    )
                    call = lambda: greedy_baseline(  # noqa: E731
                        data, operable, windows, is_scheduled, kpis
                    )
    before = peak_rss_mb()
    started = time.perf_counter()
    call()
    elapsed = time.perf_counter() - started
    after = peak_rss_mb()
    return {"ms": elapsed * 1000, "peak_rss_mb": after, "added_rss_mb": after - before}


def run_child(step: str, path: Path, *extra: str, env: dict | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", step, "--data", str(path), *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )
    if result.returncode != 0:
        raise SystemExit(f"{step} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


REQUESTS = "requests"
WARM_TARGET_MS = 100.0


def request_paths(schedule_id: int) -> dict[str, str]:
    page, api = f"/schedules/{schedule_id}", f"/api/v1/schedules/{schedule_id}"
    return {
        "page fragmentation": f"{page}/fragmentation/",
        "page diagnostics": f"{page}/diagnostics/",
        "page overview (KPIs)": f"{page}/",
        "csv strip": f"{page}/fragmentation/?csv=strip",
        "csv unscheduled": f"{page}/diagnostics/?csv=unscheduled",
        "csv inversions": f"{page}/diagnostics/?csv=inversions",
        "api fragmentation": f"{api}/fragmentation/",
        "api diagnostics": f"{api}/diagnostics/",
        "api diagnostics ?reason=blocked": f"{api}/diagnostics/?reason=blocked",
        "api gate": f"{api}/gate/?fail_if=kpis.composite%3E%3D0.5",
        "api schedule (KPIs)": f"{api}/",
    }


def measure_requests(path: Path, repeat: int) -> dict:
    """Runs in the child: store the schedule, then time the selector and every request."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from analytics.frame_cache import clear_local_cache
    from analytics.selectors.diagnostics import DiagnosticsFilters, diagnostics
    from schedules.pipeline.ingest import ingest_schedule_data

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    schedule = ingest_schedule_data(pickle.loads(path.read_bytes()), name="bench").schedule

    def cold_then_warm(call: Callable[[], object]) -> dict:
        cache.clear()
        clear_local_cache()
        started = time.perf_counter()
        call()
        cold = time.perf_counter() - started
        warm = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            warm.append(time.perf_counter() - started)
        warm.sort()
        return {
            "cold_ms": cold * 1000,
            "warm_median_ms": statistics.median(warm) * 1000,
            "warm_p95_ms": warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))] * 1000,
        }

    client = Client()
    results = {
        "selector diagnostics()": cold_then_warm(
            lambda: diagnostics(schedule, DiagnosticsFilters())
        )
    }
    for label, url in request_paths(schedule.pk).items():

        def get(url: str = url) -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}")

        results[label] = cold_then_warm(get)
    return results


def print_requests(path: Path, repeat: int) -> None:
    database = path.with_suffix(".sqlite3")
    database.unlink(missing_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "tsi_site.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "TSI_PUBLIC_READ": "true",
        "LOG_LEVEL": "WARNING",
        "SECURE_SSL_REDIRECT": "false",
        "TSI_API_ANON_RATE": "1000000/minute",
        "STATIC_ROOT": str(DATA / "static"),
    }
    try:
        rows = run_child(REQUESTS, path, "--repeat", str(repeat), env=env)
    finally:
        database.unlink(missing_ok=True)
    print(f"machine: {machine()}")
    print(f"{repeat} warm requests each after one cold one (caches emptied)\n")
    header = "| request | cold | warm median | warm p95 | target ≤ 100 ms warm |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for label, row in rows.items():
        verdict = "met" if row["warm_p95_ms"] <= WARM_TARGET_MS else "missed"
        print(
            f"| {label} | {row['cold_ms']:.0f} ms | {row['warm_median_ms']:.1f} ms"
            f" | {row['warm_p95_ms']:.1f} ms | {verdict} |"
        )


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import numpy as np

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{model or platform.processor()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__}, load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=25_000)
    parser.add_argument("--periods", type=int, default=30, help="visibility periods per block")
    parser.add_argument("--seed", type=int, default=25_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="cold runs per step (warm requests with --requests)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument(
        "--requests", action="store_true", help="time the selector and the HTTP requests"
    )
    args = parser.parse_args()
    if args.child == REQUESTS:
        print(json.dumps(measure_requests(Path(args.data), args.repeat)))
        return
    if args.child:
        print(json.dumps(measure(args.child, Path(args.data))))
        return

    path = prepare(args.blocks, args.periods, args.seed)
    if args.requests:
        print_requests(path, args.repeat)
        return
    data = pickle.loads(path.read_bytes())
    print(f"machine: {machine()}")
    print(
        f"schedule: {data.block_count:,} blocks, {len(data.visibility_periods):,} visibility "
        f"periods, {len(data.dark_periods):,} dark periods; {args.repeat} cold runs per step\n"
    )
    rows = {}
    for step in STEPS:
        runs = [run_child(step, path) for _ in range(args.repeat)]
        rows[step] = {
            "median_ms": statistics.median(run["ms"] for run in runs),
            "min_ms": min(run["ms"] for run in runs),
            "max_ms": max(run["ms"] for run in runs),
            "peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
            "added_rss_mb": max(run["added_rss_mb"] for run in runs),
        }
    floor = rows["floor"]["median_ms"]
    header = "| step | cold median | min–max | ÷ floor | peak RSS | +RSS | target ≤ 1 s |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for step, row in rows.items():
        verdict = "" if step == "floor" else ("met" if row["median_ms"] <= TARGET_MS else "missed")
        print(
            f"| {step} | {row['median_ms']:.0f} ms | {row['min_ms']:.0f}–{row['max_ms']:.0f} ms"
            f" | {row['median_ms'] / floor:.1f}× | {row['peak_rss_mb']:.0f} MB"
            f" | {row['added_rss_mb']:.0f} MB | {verdict} |"
        )


if __name__ == "__main__":
    main()
