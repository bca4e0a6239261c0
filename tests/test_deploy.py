"""Production settings pass Django's deployment checks and send the security headers."""

import subprocess
import sys

from tests.conftest import REPO_DIR

PRODUCTION_ENVIRONMENT = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Kp2vQ9mR4tW8yB1nF6hJ3sL5dG0aZcE2uX9oI4pV7kM1qT6wY3rN8bH5jD0fS",
    "ALLOWED_HOSTS": "tsi.example.org",
    "DATABASE_URL": "sqlite:////tmp/tsi-deploy-check.sqlite3",
    "PATH": "/usr/bin:/bin",
    # A production host has no development .env: `make run` writes one into the checkout.
    "TSI_ENV_FILE": "/nonexistent/tsi.env",
}


def run_manage(*args: str, environment: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_DIR,
        env=environment or PRODUCTION_ENVIRONMENT,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    environment = dict(PRODUCTION_ENVIRONMENT)
    environment.pop("SECRET_KEY")
    result = run_manage("check", environment=environment)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment when DEBUG is off." in result.stderr


def test_invalid_data_source_stops_start_up_with_a_clear_message():
    result = run_manage("check", environment=dict(PRODUCTION_ENVIRONMENT, DATA_SOURCE="fast"))
    assert result.returncode != 0
    assert "DATA_SOURCE must be one of etl, legacy; got 'fast'" in result.stderr


def test_security_headers_on_pages(client):
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
