"""Sign-in protection (SPEC §8): failed sign-ins from one client are throttled, counted in the key
store's SQLite file so that every server process counts the same ones."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

from .server_state import SERVER_LOCK_WAIT, SharedSQLite

log = logging.getLogger(__name__)


class SignInThrottle:
    """At most `limit` failed sign-ins per client in `seconds`; then 429 until the oldest expires. The
    failures are kept in the key store's SQLite file, so every server process counts the same ones."""

    def __init__(self, path: Path, limit: int = 5, seconds: float = 60.0):
        self.limit, self.seconds = limit, seconds
        self._here: defaultdict[str, list[float]] = defaultdict(list)  # only while the shared file cannot be written
        self._db = SharedSQLite(path, durable=False, timeout=SERVER_LOCK_WAIT)
        conn = self._db.connect()
        conn.execute("create table if not exists signin_failures (client text not null, failed_at real not null)")
        conn.execute("create index if not exists signin_failures_client on signin_failures (client, failed_at)")

    def retry_after(self, client: str) -> int:
        """Seconds until `client` may try again; 0 when it may now."""
        moment = time.time()
        try:
            count, oldest = (
                self._db.connect()
                .execute(
                    "select count(*), min(failed_at) from signin_failures where client = ? and failed_at > ?",
                    (client, moment - self.seconds),
                )
                .fetchone()
            )
        except sqlite3.Error:
            recent = [t for t in self._here[client] if t > moment - self.seconds]
            count, oldest = len(recent), min(recent, default=moment)
        if count < self.limit:
            return 0
        return max(1, int(oldest + self.seconds - moment + 0.999))

    def failed(self, client: str) -> None:
        moment = time.time()
        try:
            conn = self._db.connect()
            # expired failures are dropped as new ones come: the table stays bounded under a spray of clients
            conn.execute("delete from signin_failures where failed_at <= ?", (moment - self.seconds,))
            conn.execute("insert into signin_failures values (?, ?)", (client, moment))
        except sqlite3.Error as exc:
            # a full disk must not make sign-in a 500 nor lift the throttle: this process counts on its own
            log.warning("failed sign-ins kept in this process only: %s", exc)
            if len(self._here) > 10_000:  # bounded under a spray of clients
                self._here.clear()
            self._here[client] = [t for t in self._here[client] if t > moment - self.seconds] + [moment]

    def succeeded(self, client: str) -> None:
        self._here.pop(client, None)
        try:
            self._db.connect().execute("delete from signin_failures where client = ?", (client,))
        except sqlite3.Error as exc:
            log.warning("could not clear the failed sign-ins of a client: %s", exc)
