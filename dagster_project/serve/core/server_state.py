"""State every server process shares: one SQLite file (the key store's, ANALYTICS_API_KEYS) opened
by each process and thread on its own connection.

`make serve` runs more than one worker process (ANALYTICS_API_WORKERS); a limit kept in one
process's memory would let each process grant it in full. The rate limit per organisation
(SPEC §7) and the sign-in throttle (SPEC §8) therefore keep their counts here, each decided in
one SQL statement, so that two processes can never both spend the last token.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

# how long a server request waits for another process's lock on the store before answering 503
SERVER_LOCK_WAIT = 0.25


class KeyStoreMissing(sqlite3.OperationalError):
    """The key store's file is gone (deleted or moved): no key can be checked or revoked in it."""


class SharedSQLite:
    """A connection per thread to one SQLite file in WAL mode (readers never wait for a writer).

    The connection follows the file at the path: when it was replaced (a restore) the next use
    opens the new one, and when it is gone every use raises KeyStoreMissing instead of serving the
    keys of a deleted file that nobody can list or revoke any more. `timeout` is how long a
    statement waits for another process's lock: short in the server, whose requests must not
    queue behind a lock (the caller answers 503 and the client retries), longer on the command line.
    """

    def __init__(self, path: Path, durable: bool = True, timeout: float = 10.0, create: bool = True):
        self.path = path
        # counters that may lose their last seconds on a power cut need no fsync per write; keys and sessions do
        self.synchronous = "full" if durable else "normal"
        self.timeout = timeout
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        if create and not path.exists():
            sqlite3.connect(path).close()

    def _identity(self) -> tuple[int, int]:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise KeyStoreMissing(
                f"the key store {self.path} is missing: restore it, or make new keys with `make api-key`"
            ) from None
        return stat.st_dev, stat.st_ino

    def connect(self) -> sqlite3.Connection:
        identity = self._identity()
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.identity != identity:
            conn.close()
            conn = None
        if conn is None:
            # mode=rw: never create a new, empty store in place of a lost one
            conn = sqlite3.connect(f"{self.path.as_uri()}?mode=rw", uri=True, timeout=self.timeout, isolation_level=None)
            conn.execute("pragma journal_mode=wal")
            conn.execute(f"pragma synchronous={self.synchronous}")
            self._local.conn, self._local.identity = conn, identity
        return conn
