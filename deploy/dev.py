#!/usr/bin/env python
"""``make run``'s server: Django's development server and one task worker, stopped together.

    .venv/bin/python deploy/dev.py 127.0.0.1:8000

Each runs in a process session of its own, so the terminal's Ctrl-C reaches only this script,
which then stops both in order and exits quietly. The worker logs only errors; the server logs
as configured, once (no autoreloader: restart ``make run`` after changing code).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STOP_GRACE_S = 10


def start(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**os.environ, **env},
        start_new_session=True,
    )


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(address: str) -> int:
    stopping = False

    def request_stop(signum: int, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    processes = [
        start("db_worker", "--queue-name", "*", "--no-reload", "-v", "0", LOG_LEVEL="ERROR"),
        start("runserver", "--noreload", address),
    ]
    while not stopping and all(process.poll() is None for process in processes):
        time.sleep(0.2)
    stop(processes)
    if not stopping:
        print("The server or the worker stopped on its own; see above.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"))
