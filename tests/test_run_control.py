"""One writer, and runs killed at any step leave nothing half-done (SPEC §6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from dagster_project import run_control
from dagster_project.settings import PROJECT_ROOT, Settings
from tests.conftest import (
    Warehouse,
    dump_dates,
    environment,
    exported_files,
    published_fingerprint,
    run_in_child,
    temp_files,
)


@pytest.fixture(scope="module")
def small_raw(tmp_path_factory):
    import shutil

    from tests.conftest import FIXTURES

    target = tmp_path_factory.mktemp("raw")
    for source in FIXTURES.iterdir():
        for day in dump_dates(FIXTURES)[:4]:
            if (source / f"dt={day}").is_dir():
                shutil.copytree(source / f"dt={day}", target / source.name / f"dt={day}")
    return target


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, small_raw) -> Warehouse:
    warehouse = Warehouse(tmp_path_factory.mktemp("uninterrupted"), small_raw)
    dates = dump_dates(small_raw)
    assert warehouse.run(dates[0], dates[-1]).success
    return warehouse


@pytest.mark.parametrize("failpoint", ["ingest", "dbt", "exports", "publish"])
def test_run_killed_during_a_step_is_completed_by_the_next_run(tmp_path, small_raw, uninterrupted, failpoint):
    dates = dump_dates(small_raw)
    warehouse = Warehouse(tmp_path / "wh", small_raw)
    # a first run, killed with SIGKILL in the middle of the step
    assert run_in_child(warehouse, dates[0], dates[-1], failpoint=failpoint) == -9
    assert not warehouse.published.exists()
    if failpoint in ("exports", "publish"):
        # it left files aside: exports half renamed into place, or a half-published warehouse
        assert temp_files(warehouse.exports, warehouse.root)
    # the next run completes the work: the same marts and the same bytes as a run never interrupted
    assert warehouse.run(dates[0], dates[-1]).success
    assert published_fingerprint(warehouse) == published_fingerprint(uninterrupted)
    assert exported_files(warehouse) == exported_files(uninterrupted)
    assert temp_files(warehouse.exports, warehouse.root) == []


def test_a_second_command_line_run_refuses_and_names_the_holder(tmp_path, small_raw):
    warehouse = Warehouse(tmp_path / "wh", small_raw)
    env = {**os.environ, **warehouse.env, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    settings_env = warehouse.env
    with environment(settings_env):
        settings = Settings.from_env()
    # another run holds the warehouse: a real one, started from the command line
    first = subprocess.Popen([sys.executable, "-m", "dagster_project.cli", "run"], env=env, cwd=PROJECT_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = run_control.lock_path(settings)
        deadline = time.monotonic() + 300
        while not (lock.exists() and lock.read_text().strip()):
            assert first.poll() is None and time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.2)
        holder = json.loads(lock.read_text())
        started = time.monotonic()
        second = subprocess.run([sys.executable, "-m", "dagster_project.cli", "run"], env=env, cwd=PROJECT_ROOT,
                                capture_output=True, text=True, timeout=300)
        assert second.returncode == 3
        assert holder["run"] in second.stderr and f"pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
        assert time.monotonic() - started < 120  # it does not wait for the first to finish
        out, err = first.communicate(timeout=900)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err[-3000:]
    # and the first run explains itself at its end
    assert "== run succeeded" in out and "published warehouse:" in out and "spend CSVs:" in out
    example = [line.split("e.g. ", 1)[1] for line in out.splitlines() if "e.g. " in line]
    assert example and os.path.exists(example[0])


def test_lock_is_reentrant_in_one_process_and_released(tmp_path):
    with environment({"ANALYTICS_WAREHOUSE": str(tmp_path / "a.duckdb")}):
        settings = Settings.from_env()
    run_control.acquire(settings, "outer", "test", wait=False)
    run_control.acquire(settings, "inner", "test", wait=False)  # the run's resource inside the CLI's lock
    run_control.release(settings)
    assert "outer" in run_control.lock_path(settings).read_text()
    run_control.release(settings)
    assert run_control.lock_path(settings).read_text() == ""


def test_leftover_temp_files_are_removed_when_the_lock_is_taken(tmp_path):
    with environment({"ANALYTICS_WAREHOUSE": str(tmp_path / "wh" / "a.duckdb"),
                      "ANALYTICS_EXPORTS_DIR": str(tmp_path / "exports")}):
        settings = Settings.from_env()
    leftovers = [tmp_path / "exports" / "spend" / "org_1" / "2026-01-01" / ".user_spend.csv.abc123.tmp",
                 tmp_path / "wh" / ".a.duckdb.xyz.tmp", tmp_path / "wh" / ".a.duckdb.xyz.tmp.wal"]
    keep = tmp_path / "exports" / "spend" / "org_1" / "2026-01-01" / "user_spend.csv"
    for path in [*leftovers, keep]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    run_control.acquire(settings, "r", "test", wait=False)
    run_control.release(settings)
    assert [p for p in leftovers if p.exists()] == [] and keep.exists()
