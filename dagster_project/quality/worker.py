"""The quality checks' worker process: Great Expectations is imported there, once, while the run
process goes on.

Importing Great Expectations takes ~10 s of CPU. A run starts this process first, so that on a
2-core machine the import happens on the other core while the run imports Dagster and loads the
day's dumps; the checks then only wait for a validation of a few summary rows. A process forked
from a run (the crash tests) starts a worker of its own.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor

_executor: ProcessPoolExecutor | None = None
_owner: int | None = None


PR_SET_PDEATHSIG = 1


def _start_worker(parent: int) -> None:
    """In the worker: die with the run (a run killed with kill -9 must not leave its worker
    behind, holding the run's output pipes open for ever), then import the suites."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the worker ends when the run's pipe closes
        pass
    if os.getppid() != parent:  # the run died before prctl took effect
        os._exit(0)
    from . import suites  # noqa: F401 - the slow import, done ahead of the first validation


def _validate(table_name: str, rows: list[dict]) -> list[str]:
    from .suites import validate

    return validate(table_name, rows)


def start() -> ProcessPoolExecutor:
    """The worker of this process, started (and importing) if it is not yet."""
    global _executor, _owner
    if _executor is None or _owner != os.getpid():
        _executor = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(os.getpid(),)
        )
        _owner = os.getpid()
        _executor.submit(int)  # spawns the process now; its initializer imports the suites
    return _executor


def validate(table_name: str, rows: list[dict]) -> list[str]:
    """Failed expectations of the table's suite on these per-day summaries."""
    return start().submit(_validate, table_name, rows).result()
