#!/usr/bin/env python
"""Run a production-like TSI stack on this machine: gunicorn with several web workers, several
task workers, and the local PostgreSQL — the same processes docs/operations.md describes.

    .venv/bin/python deploy/stack.py                    # http://127.0.0.1:8100/
    .venv/bin/python deploy/stack.py --port 8200 --database tsi_demo --task-workers 3

It creates the database if needed, migrates it, collects static files, then serves until
Ctrl-C (or SIGTERM), when it stops every process it started. Settings come from the
environment like any deployment; the defaults below only make a local run work over plain
HTTP on loopback (no TLS, so secure cookies and the HTTPS redirect are off).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def stack_environment(args: argparse.Namespace) -> dict[str, str]:
    state = REPO / "var" / "stack" / args.database
    env = dict(os.environ)
    defaults = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(state / "static"),
        "MEDIA_ROOT": str(state / "media"),
        "TSI_VAR_DIR": str(state),
        "CONN_MAX_AGE": "60",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    if args.redis:
        defaults["CACHE_URL"] = args.redis
    for key, value in defaults.items():
        env.setdefault(key, value)
    return env


def ensure_database(database_url: str) -> None:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            db.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True)


def wait_until_healthy(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/api/v1/health/"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the web tier did not answer {url} within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--database", default="tsi_stack", help="PostgreSQL database name")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/1",
        help="shared cache for the web workers (empty string: per-process memory)",
    )
    args = parser.parse_args()
    env = stack_environment(args)
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")

    processes = [
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "tsi_site.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.web_workers),
                "--timeout",
                "120",
                "--access-logfile",
                "-",
            ],
            cwd=REPO,
            env=env,
        )
    ]
    for number in range(args.task_workers):
        processes.append(
            subprocess.Popen(
                [
                    PYTHON,
                    "manage.py",
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--worker-id",
                    f"stack-{number + 1}",
                ],
                cwd=REPO,
                env=env,
            )
        )

    def stop(*_signal_args) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    wait_until_healthy(args.port)
    print(
        f"TSI stack up: http://127.0.0.1:{args.port}/ ({args.web_workers} web workers, "
        f"{args.task_workers} task workers, database {args.database}). Ctrl-C stops it.",
        flush=True,
    )
    while all(process.poll() is None for process in processes):
        time.sleep(0.5)
    print("a stack process exited; stopping the others", file=sys.stderr)
    stop()


if __name__ == "__main__":
    main()
