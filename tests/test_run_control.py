"""One writer, and runs killed at any step leave nothing half-done (SPEC §6)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from dagster_project import run_control
from dagster_project.settings import PROJECT_ROOT, Settings
from tests.conftest import (
    Warehouse,
    copy_first_days,
    environment,
)


@pytest.fixture(scope="module")
def small_raw(tmp_path_factory):
    return copy_first_days(tmp_path_factory.mktemp("raw"), days=4)


# Runs killed at every step, then completed by a run of other dates: tests/test_faults.py.


def test_a_second_command_line_run_refuses_and_names_the_holder(tmp_path, small_raw):
    warehouse = Warehouse(tmp_path / "wh", small_raw)
    env = {**os.environ, **warehouse.env, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    settings_env = warehouse.env
    with environment(settings_env):
        settings = Settings.from_env()
    # another run holds the warehouse: a real one, started from the command line
    first = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli", "run"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = run_control.lock_path(settings)
        deadline = time.monotonic() + 300
        while not (lock.exists() and lock.read_text().strip()):
            assert first.poll() is None and time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.2)
        holder = json.loads(lock.read_text())
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "dagster_project.cli", "run"],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
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
    # dbt's progress is logged while it runs: its first node and its last, out of the same total
    progress = re.findall(r"dbt build, nodes (\d+)/(\d+): ", err)
    assert progress and progress[0][0] == "1" and progress[-1][0] == progress[-1][1], progress
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
