#!/usr/bin/env python
"""Benchmark of an ingest that computes its sky (DESIGN §9, §12): the real-size raw schedule
(2,650 blocks over the real year of dark periods) ingested by ``manage.py ingest`` in a child
process, with visibility computed from the sky instead of read from its possible-periods
file, beside the same schedule with its file and with dark periods computed too. Wall time,
the ingest's phases and the child's peak RSS; SQLite in a scratch folder unless
``--database-url`` names another (empty) database.

    .venv/bin/python bench/sky_ingest.py
    .venv/bin/python bench/sky_ingest.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data"
REAL_DARK_PERIODS = REPO.parent / "shared" / "data" / "dark_periods_raw.json"
PYTHON = sys.executable
BLOCKS, PERIODS, SEED = 2650, 260, 2650
SCHEDULE = DATA / "sky_real.json"
POSSIBLE_PERIODS = DATA / "sky_real_possible_periods.json"
DARK_PERIODS = DATA / "sky_real_dark_periods.json"
CASES = {
    "possible-periods file (read)": ["--visibility", str(POSSIBLE_PERIODS), "--dark-periods"],
    "visibility computed, dark periods from the file": ["--dark-periods"],
    "visibility and dark periods computed (--site orm)": [
        "--site",
        "orm",
        "--period",
        "61771,62137",
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="ingests per case")
    parser.add_argument("--database-url", help="an empty database to use instead of SQLite")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="tsi-sky-ingest-"))
    try:
        env = _environment(scratch, args.database_url)
        _generate(env)
        _manage(env, "migrate", "-v", "0")
        template = scratch / "tsi.sqlite3"
        pristine = scratch / "pristine.sqlite3"
        if not args.database_url:
            shutil.copyfile(template, pristine)
        results = {}
        for case, options in CASES.items():
            runs = []
            for _ in range(args.repeat):
                if args.database_url:
                    _manage(env, "flush", "--no-input")
                else:
                    shutil.copyfile(pristine, template)
                runs.append(_ingest(env, _arguments(options)))
            results[case] = runs
        _report(results)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _environment(scratch: Path, database_url: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(TSI_VAR_DIR=str(scratch), SECRET_KEY="bench-sky-ingest", LOG_LEVEL="WARNING")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _generate(env: dict[str, str]) -> None:
    if SCHEDULE.exists():
        return
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"generating {BLOCKS:,} blocks × the real year (--periods {PERIODS})…", flush=True)
    _manage(
        env,
        *("generate_schedule", "--blocks", str(BLOCKS), "--periods", str(PERIODS)),
        *("--seed", str(SEED), "--format", "raw", "--dark-periods", str(REAL_DARK_PERIODS)),
        *("--output", str(SCHEDULE)),
    )


def _arguments(options: list[str]) -> list[str]:
    # "--dark-periods" at the end of a case takes the generated dark-periods file.
    return [*options, str(DARK_PERIODS)] if options[-1] == "--dark-periods" else options


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def _ingest(env: dict[str, str], options: list[str]) -> dict:
    """One ingest in a child process; its own peak RSS from wait4."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [PYTHON, "manage.py", "ingest", str(SCHEDULE), *options, "--json"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # With --json the command writes one line to stdout and little to stderr.
    stdout = child.stdout.read()
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"ingest failed:\n{stderr.decode()}")
    result = json.loads(stdout)
    return {
        "wall_s": wall,
        "phases_s": result["timings"],
        "visibility": result["sky"]["visibility"],
        "dark_periods": result["sky"]["dark_periods"],
        "peak_rss_mb": usage.ru_maxrss / 1024.0,
    }


def _report(results: dict[str, list[dict]]) -> None:
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"sky ingest — {machine}")
    print(f"  {BLOCKS:,} blocks, the real year of dark periods; medians of the runs")
    summary = {}
    for case, runs in results.items():
        phases = {
            phase: statistics.median(run["phases_s"].get(phase, 0.0) for run in runs)
            for phase in runs[0]["phases_s"]
        }
        wall = statistics.median(run["wall_s"] for run in runs)
        peak = max(run["peak_rss_mb"] for run in runs)
        shown = ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in phases.items())
        print(f"  {case}: wall {wall:.2f} s ({shown}); peak RSS ≤ {peak:.0f} MB")
        summary[case] = {"wall_s": round(wall, 3), "phases_s": phases, "peak_rss_mb": round(peak)}
    print(json.dumps({"cores": os.cpu_count(), "cases": summary}))


if __name__ == "__main__":
    main()
