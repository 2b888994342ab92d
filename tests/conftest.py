"""Shared fixtures: real warehouses built by the real Dagster job in temporary directories."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from dagster_project.core.environ import environment  # noqa: F401 - tests import it from here
from dagster_project.settings import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "raw_fixtures"
ENV_VARS = ["ANALYTICS_RAW_DIR", "ANALYTICS_WAREHOUSE", "ANALYTICS_WORK_WAREHOUSE", "ANALYTICS_EXPORTS_DIR"]


@dataclass
class Warehouse:
    """One isolated warehouse: its raw dir, working and published DuckDB files, exports."""

    root: Path
    raw_dir: Path
    engine: str = "duckdb"
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            "ANALYTICS_RAW_DIR": str(self.raw_dir),
            "ANALYTICS_WAREHOUSE": str(self.published),
            "ANALYTICS_WORK_WAREHOUSE": str(self.root / "build" / "work.duckdb"),
            "ANALYTICS_EXPORTS_DIR": str(self.exports),
            "ANALYTICS_ENGINE": self.engine,
            "ANALYTICS_DBT_TARGET": "spark" if self.engine == "spark" else "local",
            **self.extra_env,
        }

    @property
    def published(self) -> Path:
        return self.root / "analytics.duckdb"

    @property
    def work(self) -> Path:
        return self.root / "build" / "work.duckdb"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    def run(self, start: str | dt.date, end: str | dt.date | None = None, selection=None):
        """Materialize the job (or a selection) over dump dates [start, end]; returns the result."""
        from dagster import DagsterInstance

        from dagster_project.cli import execute_range
        from dagster_project.definitions import build_definitions
        from dagster_project.settings import Settings

        start = dt.date.fromisoformat(str(start))
        end = dt.date.fromisoformat(str(end)) if end else start
        with environment(self.env):
            defs = build_definitions(Settings.from_env(), self.env["ANALYTICS_DBT_TARGET"])
            with DagsterInstance.ephemeral() as instance:
                return execute_range(defs, instance, start, end, selection=selection, log_level="WARNING")

    def query(self, sql: str, params=None, published: bool = True) -> list[tuple]:
        with duckdb.connect(str(self.published if published else self.work), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()


def dump_dates(raw_dir: Path) -> list[str]:
    """Dates of the dump folders that hold files (stray folders with unparseable or future dates left out)."""
    from tests.reference import dump_files

    return sorted(
        {
            day.isoformat()
            for source in ["events", "usage", "claude_code", "snapshots"]
            for day, files in dump_files(raw_dir, source)
            if files
        }
    )


def build(root: Path, raw_dir: Path, **options) -> Warehouse:
    wh = Warehouse(root, raw_dir, **options)
    dates = dump_dates(raw_dir)
    result = wh.run(dates[0], dates[-1])
    assert result.success, "full build failed"
    return wh


def generate(out: Path, *args: str) -> Path:
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "tools" / "generate_dumps.py"), "--out", str(out), *args],
        check=True,
        capture_output=True,
    )
    return out


def shared_folder(tmp_path_factory) -> Path:
    """A folder every worker of this test session sees (pytest-xdist gives each its own basetemp)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-warehouses"
    shared.mkdir(exist_ok=True)
    return shared


def shared_build(tmp_path_factory, name: str, raw_dir: Path, prepare=None, **options) -> Warehouse:
    """A warehouse the whole job builds from `raw_dir` once per test session, whichever worker asks
    first (the others wait on a file lock), and each caller's own copy of it, free to change.
    `prepare(raw_dir)`, when given, writes the raw folder first (under the same lock)."""
    from filelock import FileLock

    built = shared_folder(tmp_path_factory) / name
    with FileLock(f"{built}.lock"):
        if not (built / ".complete").exists():
            shutil.rmtree(built, ignore_errors=True)
            if prepare:
                shutil.rmtree(raw_dir, ignore_errors=True)
                prepare(raw_dir)
            build(built, raw_dir, **options)
            (built / ".complete").touch()
    copy = tmp_path_factory.mktemp(name)
    shutil.copytree(built, copy, symlinks=True, dirs_exist_ok=True)
    return Warehouse(copy, raw_dir, **options)


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory) -> Warehouse:
    """raw_fixtures/ built from scratch by the whole job (once a session; this worker's copy)."""
    return shared_build(tmp_path_factory, "fixtures_wh", FIXTURES)


@pytest.fixture(scope="session")
def reference():
    from tests.reference import Reference

    return Reference(FIXTURES)


def copy_first_days(target: Path, days: int = 6) -> Path:
    """The first `days` dump dates of raw_fixtures/, copied to `target`."""
    dates = dump_dates(FIXTURES)[:days]
    for source in FIXTURES.iterdir():
        for day in dates:
            folder = source / f"dt={day}"
            if folder.is_dir():
                shutil.copytree(folder, target / source.name / folder.name)
    return target


@pytest.fixture
def small_raw_copy(tmp_path) -> Path:
    """A copy of the first days of raw_fixtures/ that a test may damage."""
    return copy_first_days(tmp_path / "raw")


@pytest.fixture
def first_days_built(tmp_path_factory, small_raw_copy) -> Warehouse:
    """The first six days built by the whole job (once a session), this test's copy, reading this
    test's own copy of those days (small_raw_copy), which it may change before its next run."""
    built = shared_build(tmp_path_factory, "first_days", shared_folder(tmp_path_factory) / "first_days_raw", copy_first_days)
    return Warehouse(built.root, small_raw_copy)


def run_log_path(warehouse: Warehouse, start, end) -> Path:
    """Where run_in_child keeps what the command-line run printed."""
    return warehouse.root / f"run-{start}-{end}.log"


def run_in_child(warehouse: Warehouse, start, end, failpoint: str | None = None) -> int:
    """Run the job as `make backfill` does, in a process of its own (the real CLI), and return its
    exit code: -9 when a failpoint SIGKILLed it, as `kill -9` would. (A forked copy of a test
    process that holds threads, as pytest-xdist's workers do, may crash in the child.)"""
    # the run's Dagster instance in memory-backed storage where there is one: its SQLite event log
    # syncs every event to disk (~10 ms each, seconds a run), which is no part of what is tested
    home = Path(tempfile.mkdtemp(prefix="dagster-home-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    env = {**os.environ, **warehouse.env, "DAGSTER_HOME": str(home)}
    if failpoint:
        env["ANALYTICS_FAILPOINT"] = failpoint
    try:
        # output to a file, not a pipe: a killed run's children could hold a pipe open
        with open(run_log_path(warehouse, start, end), "ab") as log:
            child = subprocess.run(
                [sys.executable, "-m", "dagster_project.cli", "run", "--from", str(start), "--to", str(end)],
                env=env,
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=900,
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return child.returncode


def published_fingerprint(warehouse: Warehouse) -> dict[str, tuple]:
    """Row count and content hash of every published table (ingestion and publication times left out)."""
    out = {}
    with duckdb.connect(str(warehouse.published), read_only=True) as conn:
        tables = conn.execute("select schema_name, table_name from duckdb_tables() where schema_name <> 'meta'").fetchall()
        for schema, table in tables:
            columns = [
                c
                for (c,) in conn.execute(
                    "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                    "and column_name <> 'ingested_at'",
                    [schema, table],
                ).fetchall()
            ]
            out[f"{schema}.{table}"] = conn.execute(
                f"select count(*), sum(hash({', '.join(chr(34) + c + chr(34) for c in columns)})) from {schema}.{table}"
            ).fetchall()[0]
    return out


def exported_files(warehouse: Warehouse, staged: bool = True) -> dict[str, bytes]:
    """Every file under the exports folder; `staged=False`: only what readers see (not a run's
    hidden staging folder, exports/staging.py)."""
    return {
        p.relative_to(warehouse.exports).as_posix(): p.read_bytes()
        for p in sorted(warehouse.exports.rglob("*"))
        if p.is_file() and (staged or not p.relative_to(warehouse.exports).as_posix().startswith(".analytics-staging/"))
    }


# -- tiers ----------------------------------------------------------------------------------------
# `job`: the test runs the real Dagster job (or needs a warehouse it built) and pays dbt's fixed
# cost; `make test-fast` runs the rest in seconds. Under pytest-xdist (`make test`, `--dist
# loadscope`) a module's tests stay on one worker, so a module-scoped warehouse is built once.
JOB_FIXTURES = {
    "fixture_warehouse",
    "api",
    "sequence",
    "extreme_warehouse",
    "first_three_days",
    "from_scratch",
    "small_raw",
    "first_days_built",
}
JOB_MODULES = {
    "test_faults",
    "test_incremental",
    "test_redelivery",
    "test_marts_match_reference",
    "test_spark_parity",
    "test_operations",
    "test_run_control",
    "test_daemon",
}


def pytest_configure(config):
    config.addinivalue_line("markers", "job: runs the real Dagster job or reads a warehouse it built (slow tier)")


# The longest first: under `make test` (`--no-loadscope-reorder`) pytest-xdist hands the modules
# out in collection order, so these start at once on both workers and the many short modules fill
# the end, and both workers finish together (xdist's own order, by number of tests, left the Spark
# build and the failed-run scenarios, few tests but minutes each, for last).
LONGEST_FIRST = [
    "tests/transform/test_spark_parity.py",
    "tests/test_faults.py::TestFailedBackfillInIngestOrDbt",
    "tests/test_faults.py::TestFailedBackfillInExportsOrPublish",
    "tests/transform/test_incremental.py",
    "tests/test_sequence_machine.py",
    "tests/test_operator_sequences.py",
    "tests/serve/test_dashboard.py",
    "tests/transform/test_redelivery.py",
    "tests/transform/test_marts_match_reference.py",
]


def run_order(item) -> int:
    return next((n for n, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)), len(LONGEST_FIRST))


def pytest_collection_modifyitems(config, items):
    items.sort(key=run_order)  # stable: the rest keep their order
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        if module in JOB_MODULES or JOB_FIXTURES & set(item.fixturenames) or item.get_closest_marker("job"):
            item.add_marker(pytest.mark.job)


# Figures a test measured, printed at the end of the session (make test shows them).
MEASUREMENTS: list[str] = []


def pytest_terminal_summary(terminalreporter):
    """Say what the tests measured and where the browser tests left their screenshots (not committed)."""
    from tests.serve.test_dashboard import SCREENSHOTS

    for line in MEASUREMENTS:
        terminalreporter.write_line(line)
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"dashboard screenshots: {SCREENSHOTS}")
