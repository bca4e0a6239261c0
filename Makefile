# TSI developer commands. `make run` sets everything up and serves the app; `make test` runs
# the whole suite (against DATABASE_URL when it is set, else a throwaway SQLite database).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SAMPLE := schedules/fixtures/sample_schedule.json

# The first interpreter that really runs and is 3.12+: PATH first, then pyenv's installs.
PYTHON_CANDIDATES := python3.13 python3.12 python3 \
	$(wildcard $(shell pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13) \
	$(wildcard $(shell pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12)
FIND_PYTHON := for c in $(PYTHON_CANDIDATES); do \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v "$$c" || echo "$$c"; break; fi; done

.PHONY: help venv install migrate sample run serve worker test lint format check bench clean

help:
	@echo "make run    - set up (virtualenv, dependencies, database, sample schedule) and serve"
	@echo "make test   - run the whole test suite (uses DATABASE_URL when set)"
	@echo "make lint   - ruff check + format check + import layers (lint-imports) + makemigrations --check"
	@echo "make bench  - benchmarks against DATABASE_URL (PostgreSQL)"

ENV_FILE := .env

$(STAMP): pyproject.toml
	@python=$$($(FIND_PYTHON)); \
	if [ -z "$$python" ]; then \
	  echo "error: TSI needs Python 3.12 or newer; none found on PATH or under pyenv." >&2; \
	  echo "       Install one (e.g. 'pyenv install 3.13') and run make again." >&2; exit 1; fi; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# Local settings for manage.py, so every command works as the README writes it. Never for
# production: a deployment sets SECRET_KEY in its own environment.
$(ENV_FILE):
	@printf '# Local development settings, written by make. Not for production.\nSECRET_KEY=%s\n' \
	  "$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote $@ with a generated SECRET_KEY for local use."

venv install: $(STAMP) $(ENV_FILE)

migrate: $(STAMP) $(ENV_FILE)
	@mkdir -p var
	@LOG_LEVEL=WARNING $(PY) manage.py migrate --no-input -v 0
	@echo "Database ready (migrated)."

sample: migrate
	@LOG_LEVEL=WARNING $(PY) manage.py shell --no-imports -c "from schedules.models import Schedule; import sys; sys.exit(0 if Schedule.objects.exists() else 3)" \
	  && echo "The database already holds schedules; the sample is not loaded again." \
	  || LOG_LEVEL=WARNING $(PY) manage.py ingest $(SAMPLE) --name "Sample schedule"

run: sample
	@LOG_LEVEL=WARNING $(PY) manage.py ensure_admin
	@echo "Serving TSI on http://$(HOST):$(PORT)/ with a task worker; Ctrl-C stops both."
	@DEBUG=true $(PY) deploy/dev.py $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	SECRET_KEY=lint $(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
