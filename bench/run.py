#!/usr/bin/env python
"""TSI benchmarks against PostgreSQL: ingest (per phase, peak memory, versus a floor), every
analytics API endpoint and page over HTTP (gunicorn, cold and warm), the visibility histogram,
the time headless Chromium takes to draw every page (bench/browser.py), and the etl/legacy data
sources. Prints one table per size, then every figure against its target (met or missed, and
the floor measured in the same run), and writes bench/results/*.json.

    make bench                                   # both sizes
    make bench BENCH_ARGS="--size real --repeat 5"
    make bench BENCH_ARGS="--size large --ingest-only"   # ingest and floor only

The data are generated with ``manage.py generate_schedule`` (fixed seeds) into bench/data/.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import orjson
import psycopg
from browser import draw_times

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data"
RESULTS = REPO / "bench" / "results"
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tsi_bench"
FLOOR_TABLES = (
    "schedules_schedulingblock",
    "analytics_blockanalytics",
    "validation_validationresult",
)
REAL_DARK_PERIODS = REPO.parent / "shared" / "data" / "dark_periods_raw.json"


@dataclass(frozen=True)
class Size:
    name: str
    blocks: int
    periods: int
    fmt: str
    seed: int

    @property
    def schedule(self) -> Path:
        return DATA / f"{self.name}.json"

    def ingest_args(self) -> list[str]:
        args = [str(self.schedule)]
        if self.fmt == "raw":
            args += ["--visibility", str(DATA / f"{self.name}_possible_periods.json")]
            args += ["--dark-periods", str(DATA / f"{self.name}_dark_periods.json")]
        return args


SIZES = {
    "real": Size("real", 2650, 260, "raw", 2650),
    "large": Size("large", 25000, 30, "native", 25000),
    # Ten times the real size, as large observatories plan for; not in "all" (minutes to run).
    "tenfold": Size("tenfold", 26500, 260, "raw", 26500),
}


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.samples.append(seconds)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.samples)
        index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
        return ordered[index]

    def summary(self) -> dict:
        return {
            "n": len(self.samples),
            "median": statistics.median(self.samples),
            "p50": self.percentile(50),
            "p95": self.percentile(95),
            "p99": self.percentile(99),
        }


def environment(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=env.get("SECRET_KEY", "benchmark-only-secret"),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        TSI_PUBLIC_READ="true",
        TSI_MAX_UPLOAD_BYTES=str(2 * 1024**3),
        LOG_LEVEL="WARNING",
        # Plain HTTP on loopback: no HTTPS redirect, no secure-only cookies.
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        STATIC_ROOT=str(DATA / "static"),
        # Throttling would turn a benchmark into a rate-limit test.
        TSI_API_ANON_RATE="1000000/minute",
        TSI_API_USER_RATE="1000000/minute",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def generate(size: Size, env: dict[str, str]) -> None:
    if size.schedule.exists():
        return
    DATA.mkdir(parents=True, exist_ok=True)
    args = ["generate_schedule", "--blocks", str(size.blocks), "--periods", str(size.periods)]
    args += ["--seed", str(size.seed), "--format", size.fmt, "--output", str(size.schedule)]
    if size.fmt == "raw":
        args += ["--dark-periods", str(REAL_DARK_PERIODS)]
    print(f"generating {size.name}: {size.blocks:,} blocks × ~{size.periods} periods…")
    manage(env, *args)


def recreate_database(database_url: str) -> None:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def empty_tables(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("TRUNCATE schedules_schedule, schedules_target CASCADE")


def run_ingest(size: Size, env: dict[str, str]) -> dict:
    """One ingest through the command in a child process; its own peak RSS from wait4."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [PYTHON, "manage.py", "ingest", *size.ingest_args(), "--json"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stdout = child.stdout.read()
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"ingest failed:\n{stderr.decode()}")
    result = json.loads(stdout)
    return {
        "wall_s": wall,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "phases_s": result["timings"],
        "schedule_id": result["id"],
    }


SECOND_VERSION = """
import numpy as np
from schedules.models import Schedule
from schedules.selectors import load_schedule_data
from schedules.pipeline.ingest import ingest_schedule_data
schedule = Schedule.objects.get(pk={schedule_id})
data, _ = load_schedule_data(schedule)
rng = np.random.default_rng(1)
scheduled = np.flatnonzero(~np.isnan(data.scheduled_start_mjd))
moved = rng.choice(scheduled, size=len(scheduled) // 10, replace=False)
data.scheduled_start_mjd[moved] += 1 / 24
data.scheduled_stop_mjd[moved] += 1 / 24
dropped = rng.choice(scheduled, size=len(scheduled) // 20, replace=False)
data.scheduled_start_mjd[dropped] = np.nan
data.scheduled_stop_mjd[dropped] = np.nan
print(ingest_schedule_data(data, name=schedule.name).schedule.pk)
"""


def store_second_version(env: dict[str, str], schedule_id: int) -> int:
    """Version 2 of the schedule, a tenth of it retimed by an hour and a twentieth dropped,
    for the compare page."""
    output = manage(env, "shell", "-c", SECOND_VERSION.format(schedule_id=schedule_id))
    return int(output.strip().splitlines()[-1])


def floor(size: Size, database_url: str) -> dict:
    """The least any ingest could cost: parse the files with orjson, and COPY the rows the
    ingest wrote into unlogged scratch tables."""
    files = [Path(arg) for arg in size.ingest_args() if arg.endswith(".json")]
    started = time.perf_counter()
    for path in files:
        orjson.loads(path.read_bytes())
    parse = time.perf_counter() - started
    tables = FLOOR_TABLES
    copy_seconds = 0.0
    with psycopg.connect(database_url) as connection:
        for table in tables:
            with connection.cursor() as cursor:
                buffer = bytearray()
                with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                    for chunk in copy:
                        buffer += chunk
                cursor.execute(f"DROP TABLE IF EXISTS floor_{table}")
                cursor.execute(
                    f"CREATE UNLOGGED TABLE floor_{table} (LIKE {table} INCLUDING DEFAULTS)"
                )
                connection.commit()
                started = time.perf_counter()
                with cursor.copy(f"COPY floor_{table} FROM STDIN") as copy:
                    copy.write(bytes(buffer))
                connection.commit()
                copy_seconds += time.perf_counter() - started
                cursor.execute(f"DROP TABLE floor_{table}")
                connection.commit()
    return {"parse_s": parse, "copy_s": copy_seconds, "total_s": parse + copy_seconds}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the project on loopback, for as long as the ``with`` block runs."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.port = free_port()
        self.workers = workers
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "tsi_site.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--log-level", "warning"],
            cwd=REPO, env=env,
        )  # fmt: skip
        self.connection: http.client.HTTPConnection | None = None

    def worker_peak_rss_mb(self) -> float:
        """The largest high-water mark (VmHWM) of the server's worker processes so far."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        peaks = [0.0]
        for pid in children.read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks)

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = self.get("/api/v1/health/")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
                self.connection = None
        raise SystemExit("gunicorn did not become healthy within 60 s")

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def get(self, path: str) -> tuple[int, float]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        self.connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = self.connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, elapsed


def endpoints(schedule_id: int, other_id: int, block_id: int) -> dict[str, str]:
    api = f"/api/v1/schedules/{schedule_id}"
    page = f"/schedules/{schedule_id}"
    # A raw schedule carries no location: the sky pages are asked for La Palma's nights.
    sky = "site=orm"
    return {
        "floor: api health": "/api/v1/health/",
        "api overview": f"{api}/overview/",
        "api sky-map": f"{api}/sky-map/",
        "api distributions": f"{api}/distributions/",
        "api visibility-histogram": f"{api}/visibility-histogram/",
        "api timeline": f"{api}/timeline/",
        "api insights": f"{api}/insights/",
        "api trends": f"{api}/trends/",
        "api compare": f"{api}/compare/{other_id}/",
        "api validation-report": f"{api}/validation-report/",
        "api hourglass": f"{api}/hourglass/?{sky}",
        "api alt-az": f"{api}/alt-az/?{sky}",
        "api block": f"{api}/blocks/{block_id}/?{sky}&altitude=true",
        "api fragmentation": f"{api}/fragmentation/",
        "api diagnostics": f"{api}/diagnostics/",
        "api gate": f"{api}/gate/?fail_if=kpis.composite%3E%3D0.5",
        "page overview": f"{page}/",
        "page validation": f"{page}/validation/",
        "page sky-map": f"{page}/sky-map/",
        "page distributions": f"{page}/distributions/",
        "page visibility": f"{page}/visibility/",
        "page timeline": f"{page}/timeline/",
        "page insights": f"{page}/insights/",
        "page trends": f"{page}/trends/",
        "page compare": f"{page}/compare/?other={other_id}",
        "page hourglass": f"{page}/hourglass/?{sky}",
        "page alt-az": f"{page}/alt-az/?{sky}",
        "page block": f"{page}/blocks/{block_id}/?{sky}",
        "page fragmentation": f"{page}/fragmentation/",
        "page diagnostics": f"{page}/diagnostics/",
    }


HISTOGRAM_VARIANTS = {
    "50 bins": "?bins=50",
    "500 bins": "?bins=500",
    "2000 bins": "?bins=2000",
    "15-minute bins": "?bin_mode=duration&bin_minutes=15",
    "priority ≥ 5": "?bins=200&priority_min=5",
    "scheduled only": "?bins=200&status=scheduled",
}


def measure(
    server: Server, paths: dict[str, str], warm_requests: int, *, warm_up: bool
) -> dict[str, dict]:
    results = {}
    for label, path in paths.items():
        status, cold = server.get(path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
        # Each gunicorn worker has its own cache: let every one of them see the path first.
        for _ in range(server.workers * 3 if warm_up else 0):
            server.get(path)
        timing = Timing()
        for _ in range(warm_requests):
            timing.add(server.get(path)[1])
        results[label] = {"cold_s": cold, "warm": timing.summary()}
    return results


def bench_size(size: Size, args: argparse.Namespace) -> dict:
    database_url = args.database_url
    env = environment(database_url)
    generate(size, env)
    recreate_database(database_url)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    ingests = []
    for attempt in range(args.repeat):
        if attempt:
            empty_tables(database_url)
        ingests.append(run_ingest(size, env))
        print(f"  ingest {attempt + 1}/{args.repeat}: {ingests[-1]['wall_s']:.2f} s")
    floor_result = floor(size, database_url)
    walls = Timing(samples=[run["wall_s"] for run in ingests])
    result = {
        "size": size.name,
        "blocks": size.blocks,
        "periods_per_block": size.periods,
        "format": size.fmt,
        "input_bytes": sum(
            Path(arg).stat().st_size for arg in size.ingest_args() if arg.endswith(".json")
        ),
        "ingest": {
            "runs": ingests,
            "wall": walls.summary(),
            "peak_rss_mb_max": max(run["peak_rss_mb"] for run in ingests),
            "floor": floor_result,
            "ratio_to_floor": walls.summary()["median"] / floor_result["total_s"],
        },
        "http": {},
        "browser": {},
    }
    if args.ingest_only:
        return result
    schedule_id = ingests[-1]["schedule_id"]
    other_id = store_second_version(env, schedule_id)
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("ANALYZE")
        # The block page of the first scheduled block.
        (block_id,) = connection.execute(
            "SELECT id FROM schedules_schedulingblock WHERE schedule_id = %s "
            "AND scheduled_period::text <> '[]' ORDER BY id LIMIT 1",
            [schedule_id],
        ).fetchone()
    paths = endpoints(schedule_id, other_id, block_id)
    histogram_paths = {
        label: f"/api/v1/schedules/{schedule_id}/visibility-histogram/{query}"
        for label, query in HISTOGRAM_VARIANTS.items()
    }
    http_results = {}
    browser_results = {}
    for source in ("etl", "legacy") if args.legacy else ("etl",):
        server_env = environment(database_url, DATA_SOURCE=source)
        requests = args.warm if source == "etl" else max(3, args.warm // 5)
        with Server(server_env, args.workers) as server:
            http_results[source] = {
                # legacy caches nothing, so there is nothing to warm up
                "endpoints": measure(server, paths, requests, warm_up=source == "etl"),
                "histogram": measure(server, histogram_paths, requests, warm_up=source == "etl"),
            }
            if source == "etl" and args.draws:
                pages = {label: path for label, path in paths.items() if label.startswith("page")}
                browser_results = draw_times(f"http://127.0.0.1:{server.port}", pages, args.draws)
            http_results[source]["web_worker_peak_rss_mb"] = server.worker_peak_rss_mb()
    return result | {"http": http_results, "browser": browser_results}


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3),
    }


def table(result: dict) -> str:
    ingest = result["ingest"]
    lines = [
        f"## {result['size']}: {result['blocks']:,} blocks × ~{result['periods_per_block']} "
        f"periods, {result['format']} format, {result['input_bytes'] / 1e6:,.1f} MB of input",
        "",
        "| ingest | median | p95 | peak RSS |",
        "|---|---|---|---|",
        f"| total (command wall time) | {ingest['wall']['median']:.2f} s | "
        f"{ingest['wall']['p95']:.2f} s | {ingest['peak_rss_mb_max']:.0f} MB |",
    ]
    for phase in ingest["runs"][0]["phases_s"]:
        values = Timing(samples=[run["phases_s"][phase] for run in ingest["runs"]])
        lines.append(f"| {phase} | {values.summary()['median']:.2f} s | "
                     f"{values.summary()['p95']:.2f} s | |")  # fmt: skip
    floor_result = ingest["floor"]
    lines.append(
        f"| floor (orjson parse {floor_result['parse_s']:.2f} s + raw COPY "
        f"{floor_result['copy_s']:.2f} s) | {floor_result['total_s']:.2f} s | | |"
    )
    lines.append(f"| ingest ÷ floor | {ingest['ratio_to_floor']:.1f}× | | |")
    if not result["http"]:
        return "\n".join(lines)
    lines += [
        "",
        "| request | etl cold | etl p50 | etl p95 | etl p99 | legacy p50 | legacy ÷ etl |",
        "|---|---|---|---|---|---|---|",
    ]
    etl, legacy = result["http"]["etl"], result["http"].get("legacy")
    for group in ("endpoints", "histogram"):
        for label, measured in etl[group].items():
            warm = measured["warm"]
            name = label if group == "endpoints" else f"api visibility-histogram, {label}"
            other = legacy[group][label]["warm"]["p50"] if legacy else None
            versus = f"{other * 1000:.1f} ms | {other / warm['p50']:.1f}×" if other else "– | –"
            lines.append(
                f"| {name} | {measured['cold_s'] * 1000:.0f} ms | {warm['p50'] * 1000:.1f} ms | "
                f"{warm['p95'] * 1000:.1f} ms | {warm['p99'] * 1000:.1f} ms | {versus} |"
            )
    if result["browser"]:
        lines += [
            "",
            "| page in Chromium (navigation → every chart drawn) | median | max | charts "
            "| plotly.js |",
            "|---|---|---|---|---|",
        ]
        for label, drawn in result["browser"].items():
            lines.append(
                f"| {label} | {drawn['median_ms']:.0f} ms | {drawn['max_ms']:.0f} ms | "
                f"{drawn['charts']} | {drawn['bundle'] or '–'} |"
            )
    return "\n".join(lines)


# DESIGN §9 and issue 15: what each figure must reach.
API_P95_S = 0.050
PAGE_P95_S = 0.300
HISTOGRAM_P95_S = 0.050
DRAW_S = 1.5
REAL_INGEST_S = 5.0
INGEST_FLOOR_RATIO = 2.0
INGEST_RSS_MB = 1024
LEGACY_RATIO = 5.0
TENFOLD_WARM_S = 1.0  # at ten times the real size, nothing over a second warm


def verdicts(result: dict) -> list[dict]:
    """Every measured figure against its target, with the floor of its kind measured in the
    same run (ingest: parse and COPY; requests: the health endpoint's round trip; drawing: a
    page with only plotly.js and one point), so a busy machine shows as a high floor."""
    rows = []

    def add(
        figure: str,
        measured: float,
        target: float,
        unit: str,
        floor: float | None = None,
        *,
        at_least: bool = False,
    ) -> None:
        met = measured >= target if at_least else measured <= target
        rows.append({
            "figure": figure, "measured": measured, "target": target, "unit": unit,
            "floor": floor, "at_least": at_least, "met": met,
        })  # fmt: skip

    ingest = result["ingest"]
    floor_s = ingest["floor"]["total_s"]
    if result["size"] == "real":
        add("ingest, median wall", ingest["wall"]["median"], REAL_INGEST_S, "s", floor_s)
    add("ingest, median wall ÷ floor", ingest["ratio_to_floor"], INGEST_FLOOR_RATIO, "×")
    add("ingest, peak RSS", ingest["peak_rss_mb_max"], INGEST_RSS_MB, "MB")
    if not result["http"]:
        return rows
    etl = result["http"]["etl"]
    tenfold = result["size"] == "tenfold"
    if "web_worker_peak_rss_mb" in etl:
        add("web worker, peak RSS", etl["web_worker_peak_rss_mb"], INGEST_RSS_MB, "MB")
    round_trip = etl["endpoints"]["floor: api health"]["warm"]["p95"]
    for label, measured in etl["endpoints"].items():
        if label.startswith("floor"):
            continue
        target = TENFOLD_WARM_S if tenfold else HISTOGRAM_P95_S if "histogram" in label else (
            API_P95_S if label.startswith("api") else PAGE_P95_S
        )  # fmt: skip
        add(f"{label}, p95", measured["warm"]["p95"], target, "s", round_trip)
    for label, measured in etl["histogram"].items():
        add(f"api visibility-histogram, {label}, p95", measured["warm"]["p95"],
            TENFOLD_WARM_S if tenfold else HISTOGRAM_P95_S, "s", round_trip)  # fmt: skip
    browser = result["browser"]
    floor_draw = browser["floor"]["median_ms"] / 1000 if "floor" in browser else None
    for label, drawn in browser.items():
        if not label.startswith("floor"):
            add(f"{label} drawn in Chromium, median", drawn["median_ms"] / 1000, DRAW_S, "s",
                floor_draw)  # fmt: skip
    legacy = result["http"].get("legacy")
    if legacy:
        ratios = [
            legacy[group][label]["warm"]["p50"] / measured["warm"]["p50"]
            for group in ("endpoints", "histogram")
            for label, measured in etl[group].items()
            if not label.startswith("floor")
        ]
        add("legacy ÷ etl p50, least gain", min(ratios), LEGACY_RATIO, "×", at_least=True)
    return rows


def _seconds(value: float, target: float) -> str:
    return f"{value * 1000:.1f} ms" if target < 1 else f"{value:.2f} s"


def verdict_table(result: dict) -> str:
    lines = [
        f"### Targets at {result['blocks']:,} blocks",
        "",
        "| figure | measured | target | floor (same run) | ÷ floor | |",
        "|---|---|---|---|---|---|",
    ]
    for row in result["verdicts"]:
        measured, target, floor = row["measured"], row["target"], row["floor"]
        floor_text = ratio = ""
        if row["unit"] == "s":
            shown = _seconds(measured, target)
            goal = f"≤ {_seconds(target, target).replace('.0 ms', ' ms')}"
            if floor:
                floor_text, ratio = _seconds(floor, target), f"{measured / floor:.1f}×"
        elif row["unit"] == "MB":
            shown, goal = f"{measured:.0f} MB", f"≤ {target:.0f} MB"
        else:
            shown = f"{measured:.2f}×"
            goal = f"≥ {target:.1f}×" if row["at_least"] else f"≤ {target:.1f}×"
        verdict = "met" if row["met"] else f"missed by {100 * abs(measured / target - 1):.0f} %"
        lines.append(f"| {row['figure']} | {shown} | {goal} | {floor_text} | {ratio} | {verdict} |")
    met = sum(row["met"] for row in result["verdicts"])
    lines.append(f"\n{met} of {len(result['verdicts'])} figures meet their target.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=[*SIZES, "all"], default="all")
    parser.add_argument("--repeat", type=int, default=3, help="ingest runs per size")
    parser.add_argument("--warm", type=int, default=30, help="warm requests per endpoint")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--draws", type=int, default=3, help="Chromium loads per page (0: none)")
    parser.add_argument(
        "--no-legacy", dest="legacy", action="store_false", help="skip DATA_SOURCE=legacy"
    )
    parser.add_argument(
        "--ingest-only",
        action="store_true",
        help="measure the ingest and its floor only: no second version, HTTP or Chromium",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL database to (re)create for the run",
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmarks run against PostgreSQL; pass a postgres:// URL.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    sizes = [SIZES["real"], SIZES["large"]] if args.size == "all" else [SIZES[args.size]]
    for size in sizes:
        print(f"benchmarking {size.name}…")
        result = bench_size(size, args)
        result["machine"] = machine()
        result["command"] = " ".join(["bench/run.py", *sys.argv[1:]])
        result["verdicts"] = verdicts(result)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        suffix = "-ingest" if args.ingest_only else ""
        output = RESULTS / f"{stamp}-{size.name}{suffix}.json"
        output.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
        print(table(result))
        print()
        print(verdict_table(result))
        print(f"\n(written to {output.relative_to(REPO)})\n")


if __name__ == "__main__":
    main()
