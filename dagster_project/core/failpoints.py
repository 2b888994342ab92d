"""Named points where the crash-recovery tests kill a real run (SPEC §6: a run killed at any point)."""

import os
import signal


def failpoint(name: str) -> None:
    """SIGKILL this process here when ANALYTICS_FAILPOINT names this point: no cleanup runs, as
    with `kill -9`, so the tests see exactly what a killed run leaves behind."""
    if os.environ.get("ANALYTICS_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
