"""Progress lines for long loops, at most one every few seconds.

Every line a Dagster step logs is an event the instance stores (about 15 ms each with the default
SQLite storage), so a line per dump day cost a 64-day backfill seconds of bookkeeping. A loop
reports through `Progress` instead: the first item, then at most one line per `every` seconds, and
the last item, each with how far it is.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol


class _Log(Protocol):
    def info(self, msg: str) -> None: ...


class Progress:
    def __init__(self, log: _Log | logging.Logger, what: str, total: int, every: float = 10.0):
        self.log, self.what, self.total, self.every = log, what, total, every
        self.done = 0
        self._last = float("-inf")

    def step(self, detail: str, count: int = 1) -> None:
        """`count` items finished; `detail` says what they were (shown when this step's line is logged)."""
        self.done += count
        now = time.monotonic()
        if self.done == 1 or self.done == self.total or now - self._last >= self.every:
            self.log.info(f"{self.what} {self.done}/{self.total}: {detail}")
            self._last = now
