"""tools/supervise.py, which `make dev` and `make daemon` run under: a stop stops everything the
command started, and a stop that was asked for is not reported as a failure."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from tests.conftest import PROJECT_ROOT

SUPERVISE = str(PROJECT_ROOT / "tools" / "supervise.py")


def started(command: list[str], grace: float = 3.0) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, SUPERVISE, "--grace", str(grace), "--", *command], stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.0)  # the command is running
    return process


def test_a_requested_stop_exits_0_and_leaves_nothing_behind():
    process = started(["sh", "-c", "sleep 60 & sleep 60"])
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopping sh (signal SIGTERM)" in err and err.rstrip().endswith("stopped")
    assert "Traceback" not in err
    left = subprocess.run(["pgrep", "-f", "^sleep 60$"], capture_output=True, text=True).stdout.split()
    assert left == []


def test_a_command_that_ignores_the_stop_is_killed_and_reported():
    process = started(["sh", "-c", "trap '' INT; sleep 60"], grace=1.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 128 + signal.SIGINT and "killing it" in err


def test_the_commands_own_exit_code_passes_through():
    assert subprocess.run([sys.executable, SUPERVISE, "--", "sh", "-c", "exit 7"]).returncode == 7
