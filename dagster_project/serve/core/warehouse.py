"""The published warehouse, read-only, shared by every request (SPEC §6, §7).

One DuckDB connection serves all requests, each through a cursor of its own (opening a
connection costs ~20 ms). A publish renames a new file over the old one; a connection keeps
reading the file it opened, so before each request the file's inode is checked and, when it
changed, a new connection is opened for the requests from then on (the old one is dropped when
the last request using it ends). The server never writes and never locks the working warehouse,
so it cannot block or break a pipeline run.

Each state is an in-memory database with the published file ATTACHed read-only: `duckdb.connect`
on a path returns the instance already open for that path in this process, which would be the
previous file, while an ATTACH in a fresh database opens the file that is at the path now.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

ALIAS = "published"


class WarehouseUnavailable(RuntimeError):
    """No published warehouse yet (run `make run`), or it cannot be opened."""


@dataclass(frozen=True)
class Snapshot:
    """One published state: its connection and what it holds."""

    connection: duckdb.DuckDBPyConnection
    inode: tuple[int, int]
    latest_date: dt.date | None
    published_at: dt.datetime | None
    # organisation id -> (plan, spend reports hidden) on its latest day, and its first day: every
    # request checks its caller's, so it is read once per published state instead of once per request
    organizations: dict[str, tuple[str | None, bool, dt.date | None]]
    groups: dict[str, frozenset[str]]  # organisation id -> its RBAC group ids (SPEC §7: an unknown one is a 400)


class PublishedWarehouse:
    # one DuckDB thread per query: the server's reads are small and run concurrently, one per request
    # (make bench-api: 128 requests/s against 122 with two threads per query)
    def __init__(self, path: Path, threads: int = 1, memory_limit: str = "1GB"):
        self.path = path
        self.settings = {"threads": threads, "memory_limit": memory_limit}
        if "'" in str(path):
            raise ValueError(f"the warehouse path may not contain a quote: {path}")
        self._lock = threading.Lock()
        self._current: Snapshot | None = None

    def _identity(self) -> tuple[int, int]:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise WarehouseUnavailable(f"no published warehouse at {self.path}: run `make run` first") from None
        return stat.st_dev, stat.st_ino

    def _open(self, inode: tuple[int, int]) -> Snapshot:
        try:
            conn = duckdb.connect(":memory:", config=self.settings)
            conn.execute(f"attach '{self.path}' as {ALIAS} (read_only)")
            conn.execute(f"use {ALIAS}")
        except duckdb.Error as exc:
            raise WarehouseUnavailable(f"cannot open {self.path}: {str(exc).splitlines()[0]}") from exc
        latest = published = None
        with contextlib.suppress(duckdb.Error):
            latest, published = conn.execute("select latest_date, published_at from meta.publication").fetchone()
        if latest is None:
            with contextlib.suppress(duckdb.Error):
                latest = conn.execute("select max(date) from marts.organizations_daily").fetchone()[0]
        organizations = {}
        with contextlib.suppress(duckdb.Error):
            organizations = {
                org: (plan, bool(hidden), first)
                for org, plan, hidden, first in conn.execute(
                    "select organization_id, arg_max(plan, date), arg_max(spend_reports_hidden, date), min(date) "
                    "from marts.organizations_daily group by organization_id"
                ).fetchall()
            }
        groups = {}
        with contextlib.suppress(duckdb.Error):  # a warehouse from before groups has none
            # every organisation's groups on any day: checking the ids a request names costs no query
            rows = conn.execute(
                "select organization_id, list(distinct rbac_group_id) from marts.groups_daily group by 1"
            ).fetchall()
            groups = {organization: frozenset(ids) for organization, ids in rows}
        return Snapshot(conn, inode, latest, published, organizations, groups)

    def snapshot(self) -> Snapshot:
        """The current published state, reopened when a run has published a new file."""
        inode = self._identity()
        current = self._current
        if current is not None and current.inode == inode:
            return current
        with self._lock:
            if self._current is None or self._current.inode != inode:
                self._current = self._open(inode)
            return self._current

    @contextlib.contextmanager
    def cursor(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, Snapshot]]:
        """A cursor of its own for one request, on the state current when it starts."""
        snapshot = self.snapshot()
        cursor = snapshot.connection.cursor()
        cursor.execute(f"use {ALIAS}")  # a cursor starts in the in-memory database
        try:
            yield cursor, snapshot
        finally:
            cursor.close()
