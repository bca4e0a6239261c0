#!/usr/bin/env python
"""The N-way compare (DESIGN §14) at its limit: a reference and 10 other runs of one
25,000-block problem, the compare page and its endpoint over HTTP (gunicorn, PostgreSQL), cold
and warm, against the targets of ≤ 2 s cold and ≤ 300 ms warm.

    .venv/bin/python bench/compare.py
    .venv/bin/python bench/compare.py --blocks 2650 --periods 260 --repeat 10

The problem is generated once (``schedules.synthetic.generate_schedule_data``, fixed seed,
kept in bench/data); the reference is that schedule and each other run the same blocks placed
again by the generator's scheduler with seeds 1…10 (``schedules.synthetic.rescheduled``). The
11 schedules are stored through the ETL into their own database (``--database-url``, recreated
on every run; not tsi_bench, which bench/run.py recreates).

Every cold figure is the first compare request to a freshly started single-worker gunicorn, so
no cache holds anything of the compare: the blocks of the 11 schedules are read from the
database and the comparison is computed; the time-use chart reads the hours per class stored
with each summary at ingest. Warm is the same request again, ``--repeat`` times (median and
p95).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from run import DATA, REPO, Server, environment, machine, manage, recreate_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tsi_bench_compare"
COLD_TARGET_S = 2.0
WARM_TARGET_S = 0.3

STORE = """
import json, pickle
from pathlib import Path
from schedules.pipeline.ingest import ingest_schedule_data
from schedules.synthetic import generate_schedule_data, rescheduled
path = Path({path!r})
if path.exists():
    data = pickle.loads(path.read_bytes())
else:
    data = generate_schedule_data(blocks={blocks}, periods_per_block={periods}, seed={seed})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
runs = [data] + [rescheduled(data, seed) for seed in range(1, {runs} + 1)]
ids = [ingest_schedule_data(run, name="compare bench").schedule.pk for run in runs]
print(json.dumps(ids))
"""


def store(env: dict[str, str], args: argparse.Namespace) -> list[int]:
    """The reference and the other runs, stored through the ETL; their ids, reference first."""
    path = DATA / f"compare-{args.blocks}x{args.periods}-seed{args.seed}.pickle"
    code = STORE.format(
        path=str(path), blocks=args.blocks, periods=args.periods, seed=args.seed, runs=args.runs
    )
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def paths(ids: list[int]) -> dict[str, str]:
    reference, others = ids[0], ids[1:]
    query = "&".join(f"other={other}" for other in others)
    return {
        "page": f"/schedules/{reference}/compare/?{query}",
        "page, rows that disagree, page 3": (
            f"/schedules/{reference}/compare/?{query}&hide_agreeing=on&page=3"
        ),
        "endpoint": f"/api/v1/schedules/{reference}/compare/?{query}",
    }


def checked_get(server: Server, path: str) -> float:
    status, seconds = server.get(path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}")
    return seconds


def cold(env: dict[str, str], path: str) -> float:
    """The first request of the compare to a fresh server (after its health check): nothing
    of these schedules is cached; their time use comes with their stored summaries."""
    with Server(env, workers=1) as server:
        return checked_get(server, path)


def warm(env: dict[str, str], path: str, repeat: int) -> list[float]:
    with Server(env, workers=1) as server:
        checked_get(server, path)
        return sorted(checked_get(server, path) for _ in range(repeat))


def verdict(seconds: float, target: float) -> str:
    return "met" if seconds <= target else "missed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=25_000)
    parser.add_argument("--periods", type=int, default=30, help="visibility periods per block")
    parser.add_argument("--seed", type=int, default=25_000)
    parser.add_argument("--runs", type=int, default=10, help="schedules compared with the first")
    parser.add_argument("--repeat", type=int, default=20, help="warm requests per path")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--keep", action="store_true", help="reuse the stored schedules of the last run"
    )
    args = parser.parse_args()
    # Room in the default local-memory cache for the 11 schedules' diagnostics and the compare
    # (its 64-entry default culls the oldest third when full); a worker is killed after 30 s by
    # default, and computing one schedule's diagnostics for the warm-up can take that long on
    # a busy machine.
    env = environment(
        args.database_url,
        CACHE_URL="locmemcache://tsi?MAX_ENTRIES=1000",
        GUNICORN_CMD_ARGS="--timeout 300",
    )
    ids_file = DATA / f"compare-{args.blocks}x{args.periods}-seed{args.seed}-ids.json"
    if args.keep and ids_file.exists():
        ids = json.loads(ids_file.read_text())
    else:
        recreate_database(args.database_url)
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        started = time.perf_counter()
        ids = store(env, args)
        ids_file.write_text(json.dumps(ids))
        print(f"stored {len(ids)} schedules in {time.perf_counter() - started:.0f} s")
    info = machine()
    print(f"machine: {info}")
    print(
        f"data: {len(ids)} schedules (a reference and {len(ids) - 1} runs) of "
        f"{args.blocks:,} blocks × ~{args.periods} periods; {args.repeat} warm requests\n"
    )
    header = "| request | cold | target ≤ 2 s | warm median | warm p95 | target ≤ 300 ms (p95) |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    results = {}
    for label, path in paths(ids).items():
        first = cold(env, path)
        times = warm(env, path, args.repeat)
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results[label] = {"cold_s": first, "warm_s": times}
        print(
            f"| {label} | {first * 1000:,.0f} ms | {verdict(first, COLD_TARGET_S)} "
            f"| {median * 1000:.1f} ms | {p95 * 1000:.1f} ms "
            f"| {verdict(p95, WARM_TARGET_S)} |",
            flush=True,
        )
    out = DATA / f"compare-{args.blocks}x{args.periods}-results.json"
    out.write_text(json.dumps({"machine": info, "ids": ids, "results": results}, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
