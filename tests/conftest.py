"""Shared fixtures: real warehouses built by the real Dagster job in temporary directories."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "raw_fixtures"
ENV_VARS = ["ANALYTICS_RAW_DIR", "ANALYTICS_WAREHOUSE", "ANALYTICS_WORK_WAREHOUSE", "ANALYTICS_EXPORTS_DIR"]


@contextlib.contextmanager
def environment(values: dict[str, str]):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass
class Warehouse:
    """One isolated warehouse: its raw dir, working and published DuckDB files, exports."""

    root: Path
    raw_dir: Path

    @property
    def env(self) -> dict[str, str]:
        return {
            "ANALYTICS_RAW_DIR": str(self.raw_dir),
            "ANALYTICS_WAREHOUSE": str(self.published),
            "ANALYTICS_WORK_WAREHOUSE": str(self.root / "build" / "work.duckdb"),
            "ANALYTICS_EXPORTS_DIR": str(self.exports),
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
            defs = build_definitions(Settings.from_env())
            with DagsterInstance.ephemeral() as instance:
                return execute_range(defs, instance, start, end, selection=selection, log_level="WARNING")

    def query(self, sql: str, params=None, published: bool = True) -> list[tuple]:
        with duckdb.connect(str(self.published if published else self.work), read_only=True) as conn:
            return conn.execute(sql, params or []).fetchall()


def dump_dates(raw_dir: Path) -> list[str]:
    return sorted({p.name[3:] for p in raw_dir.glob("*/dt=*")})


def build(root: Path, raw_dir: Path) -> Warehouse:
    wh = Warehouse(root, raw_dir)
    dates = dump_dates(raw_dir)
    result = wh.run(dates[0], dates[-1])
    assert result.success, "full build failed"
    return wh


def generate(out: Path, *args: str) -> Path:
    subprocess.run([sys.executable, str(PROJECT_ROOT / "tools" / "generate_dumps.py"), "--out", str(out), *args],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory) -> Warehouse:
    """raw_fixtures/ built once, from scratch, by the whole job."""
    return build(tmp_path_factory.mktemp("fixtures_wh"), FIXTURES)


@pytest.fixture(scope="session")
def reference():
    from tests.reference import Reference

    return Reference(FIXTURES)


@pytest.fixture
def small_raw_copy(tmp_path) -> Path:
    """A copy of the first days of raw_fixtures/ that a test may damage."""
    dates = dump_dates(FIXTURES)[:6]
    target = tmp_path / "raw"
    for source in FIXTURES.iterdir():
        for day in dates:
            folder = source / f"dt={day}"
            if folder.is_dir():
                shutil.copytree(folder, target / source.name / folder.name)
    return target
