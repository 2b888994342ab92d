# The front door. Every target sets up what it needs: a fresh clone needs only python3.11.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
MANIFEST := dbt/target/manifest.json
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: setup manifest run backfill test dev bench lint docs clean fixtures

$(INSTALLED): requirements.lock pyproject.toml
	python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet uv==0.13.9
	$(VENV)/bin/uv pip install --quiet -p $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install --quiet -p $(PY) --no-deps -e .
	touch $@

setup: $(INSTALLED)
	@mkdir -p $(DAGSTER_HOME)

manifest: setup
	cd dbt && ../$(VENV)/bin/dbt parse --quiet --profiles-dir .

## run: ingest every dump in ANALYTICS_RAW_DIR, build every model, write every export, publish
run: manifest
	$(PY) -m dagster_project.cli run

## backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD: the same for a range of dump dates
backfill: manifest
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD"; exit 2; }
	$(PY) -m dagster_project.cli run --from $(FROM) --to $(TO)

test: manifest
	$(PY) -m pytest

dev: manifest
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000

bench: manifest
	$(PY) -m bench.run_bench

lint: setup
	$(VENV)/bin/ruff check dagster_project tests tools bench

docs: manifest
	cd dbt && ../$(VENV)/bin/dbt docs generate --profiles-dir .

fixtures: setup
	$(PY) tools/generate_dumps.py --out raw_fixtures

clean:
	rm -rf warehouse .dagster_home dbt/target dbt/logs
