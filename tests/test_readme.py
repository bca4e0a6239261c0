"""What the README promises a newcomer: after the setup, every command it shows works exactly
as written; ``make run`` says little and stops cleanly and silently on Ctrl-C."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO_DIR

README = (REPO_DIR / "README.md").read_text()
PYTHON = REPO_DIR / ".venv" / "bin" / "python"


def readme_commands(section: str) -> list[str]:
    """The shell commands of the first code block under ``## <section>``, one per command."""
    text = README.split(f"## {section}", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    joined = text.replace("\\\n", " ")
    return [line.split("  #", 1)[0].strip() for line in joined.splitlines() if line.strip()]


@pytest.fixture
def newcomer(tmp_path: Path) -> dict[str, str]:
    """The environment of someone who typed only the README's setup: no DEBUG, no SECRET_KEY,
    only the files the setup writes (here in a temporary folder, not the developer's)."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "TSI_ENV_FILE": str(tmp_path / ".env"),
        "TSI_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tsi.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    subprocess.run(
        ["make", "-s", str(tmp_path / ".env"), f"ENV_FILE={tmp_path / '.env'}"],
        cwd=REPO_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    return env


@pytest.mark.slow
def test_the_setup_writes_a_secret_key_once(newcomer):
    env_file = Path(newcomer["TSI_ENV_FILE"])
    first = env_file.read_text()
    assert re.search(r"^SECRET_KEY=\S{40,}$", first, re.MULTILINE)
    subprocess.run(
        ["make", "-s", str(env_file), f"ENV_FILE={env_file}"],
        cwd=REPO_DIR,
        env=newcomer,
        check=True,
    )
    assert env_file.read_text() == first, "a second setup keeps the key"


@pytest.mark.slow
def test_every_loading_command_of_the_readme_works_as_written(newcomer, tmp_path):
    migrate = subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=REPO_DIR,
        env=newcomer,
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr
    commands = readme_commands("Loading schedules")
    assert len(commands) == 4
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == ".venv/bin/python"
        done = subprocess.run(argv, cwd=REPO_DIR, env=newcomer, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "ImproperlyConfigured" not in done.stderr
    summary = subprocess.run(
        [str(PYTHON), "manage.py", "summarize", "Spring 2026", "--json"],
        cwd=REPO_DIR,
        env=newcomer,
        capture_output=True,
        text=True,
    )
    assert '"total_blocks": 300' in summary.stdout.replace(":300", ": 300")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_make_run_is_short_and_stops_cleanly_on_ctrl_c(newcomer, tmp_path):
    port = free_port()
    env = {**newcomer, "ENV_FILE": newcomer["TSI_ENV_FILE"]}
    run = subprocess.Popen(
        ["make", "run", f"PORT={port}", f"ENV_FILE={newcomer['TSI_ENV_FILE']}"],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as page:
                    if page.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("make run did not serve the sign-in page within two minutes")
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    # make itself dies of the interrupt, as after any Ctrl-C; it must not report anything.
    assert run.returncode in (0, -signal.SIGINT), output
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
    for noise in ("Segmentation fault", "Traceback", "Exception ignored", "make: ***"):
        assert noise not in output, output
    assert "objects imported automatically" not in output
    assert output.count("Analytics data source") == 1, output
    assert "Sign in as 'admin' with password" in output
