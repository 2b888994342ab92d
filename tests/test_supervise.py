"""tools/supervise.py, which `make dev` and `make daemon` run under: a stop stops everything the
command started, and a stop that was asked for is not reported as a failure."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

SUPERVISE = str(PROJECT_ROOT / "tools" / "supervise.py")


def started(command: str, ready: Path, grace: float = 10.0, ignoring_sigint: bool = False) -> subprocess.Popen:
    """The supervisor running `sh -c command`, once the command has touched `ready` (on a busy
    machine a fixed wait may end before the shell runs); `ignoring_sigint`: started as a shell
    starts a background job, with SIGINT ignored."""
    process = subprocess.Popen(
        [sys.executable, SUPERVISE, "--grace", str(grace), "--", "sh", "-c", command],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignoring_sigint else None,
    )
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), "the supervised command did not start"
    time.sleep(0.2)  # past the touch, into the wait
    return process


@pytest.mark.parametrize("ignoring_sigint", [False, True], ids=["foreground", "started-in-the-background"])
def test_a_requested_stop_exits_0_and_leaves_nothing_behind(tmp_path, ignoring_sigint):
    ready = tmp_path / "ready"
    process = started(f"sleep 60 & touch {ready}; sleep 60", ready, ignoring_sigint=ignoring_sigint)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopping sh (signal SIGTERM)" in err and err.rstrip().endswith("stopped")
    assert "Traceback" not in err
    left = subprocess.run(["pgrep", "-f", "^sleep 60$"], capture_output=True, text=True).stdout.split()
    assert left == []


def test_a_command_that_ignores_the_stop_is_killed_and_reported(tmp_path):
    ready = tmp_path / "ready"
    process = started(f"trap '' INT; touch {ready}; sleep 60", ready, grace=1.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 128 + signal.SIGINT and "killing it" in err


def test_the_commands_own_exit_code_passes_through():
    assert subprocess.run([sys.executable, SUPERVISE, "--", "sh", "-c", "exit 7"]).returncode == 7
