# The front door. Every target sets up what it needs: a fresh clone needs only python3.11.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
SPARK_VENV := .venv-spark
SPARK_INSTALLED := $(SPARK_VENV)/.installed
LLAP_JAR := $(SPARK_VENV)/extra-jars/hive-llap-common-2.3.9.jar
MANIFEST := dbt/target/manifest.json
UV_PIN := uv==0.13.9
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# Python must read and write compiled bytecode: without it every run recompiles dagster, dbt and
# Great Expectations from source (seconds of CPU per process). Some shells set this variable.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup manifest run backfill test test-fast soak dev daemon bench bench-api lint docs freshness clean fixtures sql spend-csv \
	serve api-key api-keys api-key-revoke browser spark-setup run-spark bench-spark spark-up spark-down spark-status spark-reset java screenshots \
	alert-recipient alert-recipients alert-recipient-remove budget budgets budget-remove notifications notify notify-test

$(INSTALLED): requirements.lock pyproject.toml
	python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet $(UV_PIN)
	$(VENV)/bin/uv pip install --quiet --compile-bytecode -p $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install --quiet -p $(PY) --no-deps -e .
	touch $@

setup: $(INSTALLED)
	@mkdir -p $(DAGSTER_HOME)
	@cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml

manifest: setup
	cd dbt && ../$(VENV)/bin/dbt parse --quiet --profiles-dir .

## run: ingest every dump in ANALYTICS_RAW_DIR, build every model, write every export, publish
run: manifest
	$(PY) -m dagster_project.cli run

## run-spark: the same run with dbt on the Spark cluster (ANALYTICS_ENGINE=spark; starts it if it is down; docs/spark.md)
run-spark: manifest spark-up
	ANALYTICS_ENGINE=spark $(PY) -m dagster_project.cli run

## spark-up / spark-down / spark-status: a standalone Spark cluster and its Thrift server under ANALYTICS_SPARK_DIR
spark-up: spark-setup
	@python3 tools/spark_cluster.py up

spark-down:
	@python3 tools/spark_cluster.py down

spark-status:
	@python3 tools/spark_cluster.py status

## spark-reset: stop the cluster and remove its warehouse and metastore (the next Spark run is a full build)
spark-reset:
	@python3 tools/spark_cluster.py reset

## spark-setup: dbt-spark and pyspark in .venv-spark (first use only), and a Java runtime
spark-setup: $(SPARK_INSTALLED) $(LLAP_JAR) java

# the one jar pyspark 4 lacks for its Thrift server (tools/spark_cluster.py, LLAP_ARCHIVE, says why)
$(LLAP_JAR): $(SPARK_INSTALLED)
	python3 tools/spark_cluster.py setup

# Its own uv, so that it installs beside .venv's (.ci/run makes both at once).
$(SPARK_INSTALLED): requirements-spark.lock
	python3.11 -m venv $(SPARK_VENV) || python3 -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet $(UV_PIN)
	@# --no-cache: pyspark comes as a source archive, and uv kept a new 1.4 GB build of it in its cache on
	@# every install (the registry's answers carry no cache headers), until a machine's disk filled up.
	$(SPARK_VENV)/bin/uv pip install --quiet --no-cache --compile-bytecode -p $(SPARK_VENV)/bin/python -r requirements-spark.lock
	touch $@

java:
	@command -v java >/dev/null 2>&1 || { \
		echo "installing Debian's Java runtime for Spark"; \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

## backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD: the same for a range of dump dates
backfill: manifest
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD"; exit 2; }
	@ANALYTICS_INVOKED_AS=make $(PY) -m dagster_project.cli run --from "$(FROM)" --to "$(TO)"

## test: every test, on two workers (pytest-xdist), the longest first (tests/conftest.py); the slowest 25 listed at the end.
## The Spark parity tests run on a cluster of their own (ports and folder below), started first and stopped after.
## Its data is a few hundred rows: one executor of two cores instead of two of one, and JVMs that collect
## garbage on one thread, not G1's concurrent ones (docs/spark.md has the figures).
TEST_SPARK := ANALYTICS_SPARK_DIR=$(CURDIR)/.test-spark ANALYTICS_SPARK_PORT=10401 ANALYTICS_SPARK_MASTER_PORT=7401 \
	ANALYTICS_SPARK_MASTER_UI_PORT=8401 ANALYTICS_SPARK_WORKERS=1 ANALYTICS_SPARK_WORKER_CORES=2 \
	ANALYTICS_SPARK_JAVA_OPTIONS=-XX:+UseSerialGC
test: manifest browser spark-setup
	@$(TEST_SPARK) python3 tools/spark_cluster.py up
	@status=0; $(TEST_SPARK) ANALYTICS_TEST_SPARK=1 $(PY) -m pytest -n 2 --dist loadscope --no-loadscope-reorder --durations=25 \
		|| status=$$?; $(TEST_SPARK) python3 tools/spark_cluster.py down; exit $$status

## soak: the generated operator-sequence test, one sequence of 200 steps (STEPS=, EXAMPLES=, SEED= to change)
soak: manifest
	ANALYTICS_SEQUENCE_STEPS=$(or $(STEPS),200) ANALYTICS_SEQUENCE_EXAMPLES=$(or $(EXAMPLES),1) \
		$(if $(SEED),ANALYTICS_SEQUENCE_SEED=$(SEED)) $(PY) -m pytest -q -s tests/test_sequence_machine.py

## test-fast: the tests that run no real job (the edit loop; well under a minute)
test-fast: manifest
	$(PY) -m pytest -m "not job" --durations=10

## screenshots: the README's pictures of the pages (docs/screenshots/), taken by the browser tests
screenshots: manifest browser
	ANALYTICS_README_SCREENSHOTS=$(CURDIR)/docs/screenshots $(PY) -m pytest -q tests/serve/test_dashboard.py -k readme_screenshots

## browser: Debian's chromium for the dashboard's browser tests (Playwright drives it; it never downloads one)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq chromium >/dev/null; }

## serve: the Analytics API and the dashboard on http://127.0.0.1:8000 (ANALYTICS_API_HOST / _PORT)
serve: manifest
	$(PY) -m dagster_project.serve

## api-key ORG=<organization_id> ROLE=<primary_owner|owner|admin> [NAME=<label>] [EXPIRES=<days>]: a new key, printed once (last line)
api-key: setup
	@test -n "$(ORG)" -a -n "$(ROLE)" || { echo "usage: make api-key ORG=<organization_id> ROLE=<primary_owner|owner|admin> [NAME=<label>] [EXPIRES=<days>]"; exit 2; }
	@$(PY) -m dagster_project.serve.core.keys create --org "$(ORG)" --role "$(ROLE)" --name "$(NAME)" $(if $(EXPIRES),--expires-days "$(EXPIRES)",)

## api-keys: every key (never its secret)
api-keys: setup
	@$(PY) -m dagster_project.serve.core.keys list

## api-key-revoke ID=<id>
api-key-revoke: setup
	@test -n "$(ID)" || { echo "usage: make api-key-revoke ID=<id> (see make api-keys)"; exit 2; }
	@$(PY) -m dagster_project.serve.core.keys revoke "$(ID)"

## dev: dagster dev on http://127.0.0.1:$(DEV_PORT); Ctrl-C or SIGTERM stops it and what it started within seconds
DEV_PORT ?= 3000
dev: setup manifest
	@$(PY) tools/supervise.py -- $(VENV)/bin/dagster dev -h 127.0.0.1 -p $(DEV_PORT)

## daemon: the schedule, the sensor and the run queue without the UI (see README "Running unattended")
daemon: setup manifest
	@$(PY) tools/supervise.py -- $(VENV)/bin/dagster-daemon run -m dagster_project.definitions

## sql Q="select ...": a query on the published warehouse (read-only); without Q an interactive shell
sql: setup
	@$(PY) tools/sql.py $(if $(Q),"$$Q",)

## spend-csv ORG=<organization_id> DATE=YYYY-MM-DD [OUT=dir]: one spend CSV, named for its organisation and date (default ~/Downloads)
spend-csv: setup
	@test -n "$(ORG)" -a -n "$(DATE)" || { echo "usage: make spend-csv ORG=<organization_id> DATE=YYYY-MM-DD [OUT=dir]"; exit 2; }
	@$(PY) tools/spend_csv.py --org "$(ORG)" --date "$(DATE)" $(if $(OUT),--out "$(OUT)",)

## alert-recipient ORG=<organization_id> EMAIL=<address>|WEBHOOK=<url> [ROLE=owner]: who gets an organisation's spend notifications
# (the values reach the program through the environment, never through the shell's quoting)
alert-recipient: setup
	@test -n "$$ORG" -a -n "$$EMAIL$$WEBHOOK" || { echo "usage: make alert-recipient ORG=<organization_id> EMAIL=<address>|WEBHOOK=<url> [ROLE=primary_owner|owner|admin]"; exit 2; }
	@$(PY) -m dagster_project.notify.cli recipient add --from-env

## alert-recipients [ORG=...] / alert-recipient-remove ID=<id>: list (webhooks masked) and remove recipients
alert-recipients: setup
	@$(PY) -m dagster_project.notify.cli recipient list --from-env

alert-recipient-remove: setup
	@test -n "$$ID" || { echo "usage: make alert-recipient-remove ID=<id> (see make alert-recipients)"; exit 2; }
	@$(PY) -m dagster_project.notify.cli recipient remove --from-env

## budget ORG=<organization_id> USD=<amount>: a monthly budget (notified at 50, 80 and 100 %); budgets lists, budget-remove ORG= removes
budget: setup
	@test -n "$$ORG" -a -n "$$USD" || { echo "usage: make budget ORG=<organization_id> USD=<amount>"; exit 2; }
	@$(PY) -m dagster_project.notify.cli budget set --from-env

budgets: setup
	@$(PY) -m dagster_project.notify.cli budget list

budget-remove: setup
	@test -n "$$ORG" || { echo "usage: make budget-remove ORG=<organization_id>"; exit 2; }
	@$(PY) -m dagster_project.notify.cli budget remove --from-env

## notifications: the delivery ledger (kind, key, target, status, attempts, last error, sent at)
notifications: setup
	@$(PY) -m dagster_project.notify.cli ledger

## notify: one pass by hand of what the daemon does every 2 minutes (queue, withdraw, deliver, retry, staleness)
notify: setup
	@$(PY) -m dagster_project.cli notify

## notify-test [ORG=...]: one test message to every configured channel (and to ORG's recipients)
notify-test: setup
	@$(PY) -m dagster_project.notify.cli test --from-env

bench: manifest
	$(PY) -m bench.run_bench

## bench-spark: the benchmark with the models on the Spark cluster (80 organisations, 50 days; ARGS= to change)
bench-spark: manifest spark-up
	$(PY) -m bench.run_bench --spark $(or $(ARGS),--orgs 80 --days 50)

## bench-api: 8 clients for 30 s on the make-bench warehouse; page renders of the dashboard
bench-api: manifest
	$(PY) -m bench.api_bench

## lint: ruff (rules and format), the import contracts of pyproject.toml (layers that point one way), and
## sqlfluff on the dbt models as dbt renders them (dbt/.sqlfluff)
lint: manifest
	$(VENV)/bin/ruff check dagster_project tests tools bench
	$(VENV)/bin/ruff format --check dagster_project tests tools bench
	$(VENV)/bin/lint-imports
	@mkdir -p .lint  # dbt's templater opens the profile's DuckDB file: a scratch one, never a warehouse
	cd dbt && ANALYTICS_WORK_WAREHOUSE=$(CURDIR)/.lint/sqlfluff.duckdb ../$(VENV)/bin/sqlfluff lint models --processes 2

## freshness: when ingest last loaded each raw source (dbt source freshness on the working warehouse): warn after 30 hours, error after 54
freshness: manifest
	@cd dbt && ../$(VENV)/bin/dbt source freshness --profiles-dir . --target-path target/freshness

## docs: dbt's documentation as one self-contained page, dbt/target/static_index.html (opens from disk, offline)
docs: manifest
	cd dbt && ../$(VENV)/bin/dbt docs generate --static --profiles-dir .
	@echo "open dbt/target/static_index.html"

fixtures: setup
	$(PY) tools/generate_dumps.py --out raw_fixtures

clean:
	rm -rf warehouse .dagster_home dbt/target dbt/logs
