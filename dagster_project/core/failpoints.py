"""Named points where the crash-recovery tests kill a real run (SPEC §6: a run killed at any point).

ANALYTICS_FAILPOINT=<name> SIGKILLs the process at that point; <name>:enospc raises the error a
full disk gives instead, so that a test sees what a failed (not killed) step leaves behind.
"""

import errno
import os
import signal


def failpoint(name: str) -> None:
    """SIGKILL this process here when ANALYTICS_FAILPOINT names this point: no cleanup runs, as
    with `kill -9`, so the tests see exactly what a killed run leaves behind."""
    wanted = os.environ.get("ANALYTICS_FAILPOINT", "")
    if wanted == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if wanted == f"{name}:enospc":
        raise OSError(errno.ENOSPC, f"No space left on device (ANALYTICS_FAILPOINT={wanted})")
