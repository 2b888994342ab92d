"""State every server process shares: one SQLite file (the key store's, ANALYTICS_API_KEYS) opened
by each process and thread on its own connection.

`make serve` runs more than one worker process (ANALYTICS_API_WORKERS); a limit kept in one
process's memory would let each process grant it in full. The rate limit per organisation
(SPEC §7) and the sign-in throttle (SPEC §8) therefore keep their counts here, each decided in
one SQL statement, so that two processes can never both spend the last token.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class SharedSQLite:
    """A connection per thread to one SQLite file in WAL mode (readers never wait for a writer)."""

    def __init__(self, path: Path, durable: bool = True):
        self.path = path
        # counters that may lose their last seconds on a power cut need no fsync per write; keys and sessions do
        self.synchronous = "full" if durable else "normal"
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)

    def connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("pragma journal_mode=wal")
            conn.execute(f"pragma synchronous={self.synchronous}")
            self._local.conn = conn
        return conn
