"""Requests per organisation per minute (SPEC §7: ANALYTICS_API_RATE_LIMIT, 429 with retry-after)."""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from pathlib import Path

from .server_state import SERVER_LOCK_WAIT, SharedSQLite

log = logging.getLogger(__name__)

# one statement refills the bucket for the time passed, takes a token when there is one and says
# whether it did: atomic in SQLite, so worker processes never both take the last token
TAKE = """
insert into rate_buckets (organization_id, tokens, updated_at, granted) values (:key, :capacity - 1, :now, 1)
on conflict (organization_id) do update set
    tokens = min(:capacity, tokens + max(0, :now - updated_at) * :rate)
        - (min(:capacity, tokens + max(0, :now - updated_at) * :rate) >= 1),
    granted = min(:capacity, tokens + max(0, :now - updated_at) * :rate) >= 1,
    updated_at = :now
returning tokens, granted
"""


class RateLimiter:
    """A token bucket per organisation: `per_minute` requests, refilled evenly over the minute, shared by
    every server process through the key store's SQLite file."""

    def __init__(self, per_minute: int, path: Path):
        self.capacity = max(1, per_minute)
        self.rate = self.capacity / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}  # only while the shared file cannot be written
        self._lock = threading.Lock()
        self._db = SharedSQLite(path, durable=False, timeout=SERVER_LOCK_WAIT)
        self._db.connect().execute(
            "create table if not exists rate_buckets (organization_id text primary key, tokens real not null, "
            "updated_at real not null, granted integer not null)"
        )

    def take(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds to wait."""
        # wall-clock seconds: every process reads the same clock (a step back refills nothing: max(0, ...))
        bound = {"key": key, "capacity": float(self.capacity), "rate": self.rate, "now": time.time()}
        try:
            tokens, granted = self._db.connect().execute(TAKE, bound).fetchone()
        except sqlite3.Error as exc:
            # a full disk or an unwritable key store must not turn every request into a 500: this
            # process counts on its own until the file can be written again
            log.warning("rate limit kept in this process only: %s", exc)
            return self._take_here(key, bound["now"])
        return 0.0 if granted else (1 - tokens) / self.rate

    def _take_here(self, key: str, moment: float) -> float:
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.capacity), moment))
            tokens = min(self.capacity, tokens + max(0.0, moment - last) * self.rate)
            granted = tokens >= 1
            self._buckets[key] = (tokens - granted, moment)
            return 0.0 if granted else (1 - tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        return str(max(1, math.ceil(wait)))
