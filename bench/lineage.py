#!/usr/bin/env python
"""Lineage (DESIGN §14) at 20 versions of a real-size schedule: the lineage page and endpoint
and a block's history (its block page and endpoint) over HTTP (gunicorn, PostgreSQL), cold and
warm, against the target of ≤ 1 s for the lineage across 20 versions, and the page (≤ 300 ms)
and endpoint (≤ 50 ms p95) targets warm.

    .venv/bin/python bench/lineage.py
    .venv/bin/python bench/lineage.py --versions 20 --blocks 2650 --repeat 20

Version 1 is a generated schedule (``schedules.synthetic.generate_schedule_data``, fixed seed);
each next version changes the one before a little, as a scheduler rerun with edited input
would: 1 % of the blocks get a new id (one removed, one added), 2 % another priority, 3 % of
the scheduled ones move by 5 to 30 minutes, 1 % are unscheduled and 1 % of the unscheduled are
placed at the start of their first window. The versions are stored through the ETL into their
own database (``--database-url``, recreated on every run; not tsi_bench, which bench/run.py
recreates and empties between its ingests). The lineage reads no visibility windows, so the
blocks list few (``--periods``).

Every cold figure is the first request of its path to a freshly started single-worker
gunicorn that has answered one other page first (the overview of version 1, untimed, so that
the process's one-off start-up is not counted), so no cache holds anything of the lineage:
the blocks of the 20 versions are read from the database and the steps computed. Warm is the
same request again, ``--repeat`` times (median and p95).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from run import DATA, REPO, Server, environment, machine, manage, recreate_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tsi_bench_lineage"
COLD_TARGET_S = 1.0
PAGE_TARGET_S = 0.3
ENDPOINT_TARGET_S = 0.05

STORE = """
import json
from dataclasses import replace
import numpy as np
from schedules.models import SchedulingBlock
from schedules.pipeline.ingest import ingest_schedule_data
from schedules.synthetic import generate_schedule_data

def next_version(data, step):
    rng = np.random.default_rng(step)
    n = data.block_count
    ids = list(data.source_ids)
    for index in rng.choice(n, size=n // 100, replace=False).tolist():
        ids[index] = f"v{{step + 1}}-{{index}}"
    priority = data.priority.copy()
    changed = rng.choice(n, size=n // 50, replace=False)
    priority[changed] = np.clip(priority[changed] + rng.choice([-1.0, 1.0], len(changed)), 0, 10)
    start, stop = data.scheduled_start_mjd.copy(), data.scheduled_stop_mjd.copy()
    scheduled = np.flatnonzero(start < stop)
    moved = rng.choice(scheduled, size=len(scheduled) * 3 // 100, replace=False)
    shift = rng.uniform(5, 30, len(moved)) * rng.choice([-1.0, 1.0], len(moved)) / 1440
    start[moved] += shift
    stop[moved] += shift
    dropped = rng.choice(scheduled, size=len(scheduled) // 100, replace=False)
    start[dropped] = stop[dropped] = np.nan
    offsets = data.visibility_offsets
    idle = np.flatnonzero(~(start < stop) & (np.diff(offsets) > 0))
    placed = rng.choice(idle, size=min(len(idle), len(idle) // 100 + 1), replace=False)
    start[placed] = data.visibility_periods[offsets[placed], 0]
    stop[placed] = start[placed] + data.requested_duration_s[placed] / 86400
    return replace(data, source_ids=ids, priority=priority, scheduled_start_mjd=start,
                   scheduled_stop_mjd=stop)

data = generate_schedule_data(blocks={blocks}, periods_per_block={periods}, seed={seed})
ids = []
for step in range({versions}):
    if step:
        data = next_version(data, step)
    ids.append(ingest_schedule_data(data, name="lineage bench").schedule.pk)
latest = ids[-1]
block = (
    SchedulingBlock.objects.filter(schedule_id=latest).exclude(scheduled_period=[])
    .order_by("id").values_list("id", flat=True).first()
)
print(json.dumps({{"ids": ids, "block": block}}))
"""


def store(env: dict[str, str], args: argparse.Namespace) -> dict:
    """The versions, stored through the ETL: their ids, oldest first, and a block of the last."""
    code = STORE.format(
        blocks=args.blocks, periods=args.periods, seed=args.seed, versions=args.versions
    )
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def paths(stored: dict) -> dict[str, tuple[str, float, float]]:
    """Label → (path, cold target, warm target) of each request timed, all of the last
    version."""
    latest, block = stored["ids"][-1], stored["block"]
    page, api = f"/schedules/{latest}", f"/api/v1/schedules/{latest}"
    return {
        "lineage page": (f"{page}/lineage/", COLD_TARGET_S, PAGE_TARGET_S),
        "lineage CSV": (f"{page}/lineage/?csv=steps", COLD_TARGET_S, PAGE_TARGET_S),
        "lineage endpoint": (f"{api}/lineage/", COLD_TARGET_S, ENDPOINT_TARGET_S),
        "block page (with its history)": (
            f"{page}/blocks/{block}/",
            COLD_TARGET_S,
            PAGE_TARGET_S,
        ),
        "block history endpoint": (
            f"{api}/blocks/{block}/history/",
            COLD_TARGET_S,
            ENDPOINT_TARGET_S,
        ),
    }


def checked_get(server: Server, path: str) -> float:
    status, seconds = server.get(path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}")
    return seconds


def cold(env: dict[str, str], path: str, warm_up: str) -> float:
    """The first request of ``path`` to a fresh server that has answered ``warm_up`` (untimed),
    so that its one-off start-up (imports, templates) is not counted."""
    with Server(env, workers=1) as server:
        checked_get(server, warm_up)
        return checked_get(server, path)


def warm(env: dict[str, str], path: str, repeat: int) -> list[float]:
    with Server(env, workers=1) as server:
        checked_get(server, path)
        return sorted(checked_get(server, path) for _ in range(repeat))


def verdict(seconds: float, target: float) -> str:
    return "met" if seconds <= target else "missed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--blocks", type=int, default=2650)
    parser.add_argument("--periods", type=int, default=30, help="visibility periods per block")
    parser.add_argument("--seed", type=int, default=2650)
    parser.add_argument("--repeat", type=int, default=20, help="warm requests per path")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--keep", action="store_true", help="reuse the stored versions of the last run"
    )
    args = parser.parse_args()
    env = environment(args.database_url)
    stored_file = DATA / f"lineage-{args.versions}x{args.blocks}-seed{args.seed}-ids.json"
    if args.keep and stored_file.exists():
        stored = json.loads(stored_file.read_text())
    else:
        recreate_database(args.database_url)
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        started = time.perf_counter()
        stored = store(env, args)
        DATA.mkdir(parents=True, exist_ok=True)
        stored_file.write_text(json.dumps(stored))
        print(f"stored {len(stored['ids'])} versions in {time.perf_counter() - started:.0f} s")
    info = machine()
    print(f"machine: {info}")
    print(
        f"data: {len(stored['ids'])} versions of one name, {args.blocks:,} blocks × "
        f"~{args.periods} periods each; {args.repeat} warm requests\n"
    )
    header = "| request | cold | target | | warm median | warm p95 | target (p95) | |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    results = {}
    for label, (path, cold_target, warm_target) in paths(stored).items():
        first = cold(env, path, f"/schedules/{stored['ids'][0]}/")
        times = warm(env, path, args.repeat)
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results[label] = {"path": path, "cold_s": first, "warm_s": times}
        print(
            f"| {label} | {first * 1000:,.0f} ms | ≤ {cold_target * 1000:,.0f} ms "
            f"| {verdict(first, cold_target)} | {median * 1000:.1f} ms | {p95 * 1000:.1f} ms "
            f"| ≤ {warm_target * 1000:,.0f} ms | {verdict(p95, warm_target)} |",
            flush=True,
        )
    out = Path(DATA / f"lineage-{args.versions}x{args.blocks}-results.json")
    out.write_text(json.dumps({"machine": info, "stored": stored, "results": results}, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
