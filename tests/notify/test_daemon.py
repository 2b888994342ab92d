"""The real daemon (`make daemon`): a run killed with kill -9 no longer wedges the one-at-a-time
queue, the next run does the owed work by itself, and the operators hear of the dead run and of
a stale warehouse without anyone running anything (SPEC §6, §9)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from tests.conftest import PROJECT_ROOT, Warehouse, copy_first_days
from tests.test_operations import alive, default_signals, descendants


def test_a_killed_run_is_swept_and_the_queue_moves_on(tmp_path, webhook_server):
    hooks, port = webhook_server
    raw = copy_first_days(tmp_path / "raw", 2)
    warehouse = Warehouse(tmp_path / "wh", raw)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    outer = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    env = {
        **outer,
        **warehouse.env,
        "DAGSTER_HOME": str(home),
        "ANALYTICS_OPS_WEBHOOK": f"http://127.0.0.1:{port}/ops",
        "ANALYTICS_WEBHOOK_HTTP_HOSTS": "127.0.0.1",
        "ANALYTICS_STALE_AFTER": "00:00",
        # the daemon's sweeper and notifications every 10 s instead of every minute and two
        "ANALYTICS_SWEEP_INTERVAL_SECONDS": "10",
        "ANALYTICS_NOTIFY_INTERVAL_SECONDS": "10",
    }
    # a run killed half-way (SIGKILL in its dbt step): Dagster's storage still says it is running
    killed = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run"],
        env={**env, "ANALYTICS_FAILPOINT": "dbt"},
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=600,
    )
    assert killed.returncode == -signal.SIGKILL
    with DagsterInstance.from_config(str(home)) as instance:
        (dead,) = instance.get_run_records(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED]))
    dead_id = dead.dagster_run.run_id

    log = open(tmp_path / "daemon.log", "w+")  # noqa: SIM115 - closed below
    daemon = subprocess.Popen(
        [str(PROJECT_ROOT / ".venv" / "bin" / "dagster-daemon"), "run", "-m", "dagster_project.definitions"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=default_signals,
    )
    try:
        deadline, succeeded = time.monotonic() + 420, []
        while time.monotonic() < deadline and not succeeded:
            assert daemon.poll() is None, "the daemon stopped"
            time.sleep(5)
            with DagsterInstance.from_config(str(home)) as instance:
                succeeded = instance.get_run_records(filters=RunsFilter(statuses=[DagsterRunStatus.SUCCESS]))
                swept = instance.get_run_by_id(dead_id)
        assert swept.status == DagsterRunStatus.FAILURE, "the killed run was not marked failed"
        assert succeeded, "no queued run started after the killed one was swept"
        # the new-dump sensor queued the owed days; the first of them ran and published
        assert warehouse.published.exists()
        deadline = time.monotonic() + 240
        texts: list[str] = []
        while time.monotonic() < deadline:
            texts = [post["text"] for post in hooks.posts.get("/ops", [])]
            if any(dead_id in t for t in texts) and any(t.startswith("Analytics warehouse is stale") for t in texts):
                break
            time.sleep(5)
    finally:
        tree = descendants(daemon.pid)
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        for pid in alive(tree | {daemon.pid}):
            os.kill(pid, signal.SIGKILL)
        log.seek(0)
        daemon_log = log.read()
        log.close()
    assert [t for t in texts if dead_id in t and t.startswith("Analytics run failed")], (texts, daemon_log[-3000:])
    stale = [t for t in texts if t.startswith("Analytics warehouse is stale")]
    assert stale and len(stale) == len(set(stale))  # once per published latest date
