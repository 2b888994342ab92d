"""The pending-work ledger: what a run set out to do survives the run (SPEC §6, "work is never
forgotten").

A run may die anywhere: a poison file, a full disk, a kill. Whatever dump dates it covered, the
next successful run must finish its work, even when that run covers other dates (a nightly run
after a failed backfill). Two tables in the working warehouse say what is still owed:

- `control.pending_ingest (source, dump_date)`: a (source, day) the run must (re)load. Written for
  every source and day of the run's window before anything else, deleted by the transaction that
  loads that day (ingest/loader.py), so it is exact: a day loaded is never owed, a day a killed run
  did not reach stays owed and the next run's ingest loads it.
- `control.pending_work (run_id, dump_start, dump_end)`: the dump windows whose records dbt, the
  exports and the publish still owe. Every run builds for all of them at once (dbt's dump window
  is their hull, a superset that re-decides more keys and days than needed, never fewer), and the
  ledger is cleared only once the run's warehouse is published and its exports are in place.

A window without dates (a run of unpartitioned assets alone) means "every dump": a full build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb

from .sql import rollback

SOURCES_LEDGER = "control.pending_ingest"
WORK_LEDGER = "control.pending_work"


# How a run says, in its log and its summary, that it rebuilds everything (cli.run_notes reads it).
FULL_BUILD_NOTE = "full build:"


def ensure_ledger(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("create schema if not exists control")
    conn.execute(f"create table if not exists {SOURCES_LEDGER} (source varchar not null, dump_date date not null)")
    conn.execute(f"""create table if not exists {WORK_LEDGER}
                     (run_id varchar not null, dump_start date, dump_end date, recorded_at timestamptz not null)""")


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def holds_no_run(conn: duckdb.DuckDBPyConnection) -> bool:
    """True for a working warehouse that no run has loaded or recorded anything in: a new one, or
    one that replaced a lost file. It holds none of the dump dates built before."""
    ensure_ledger(conn)
    loaded = conn.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'ingested_files'"
    ).fetchone()[0]
    owed = conn.execute(f"select (select count(*) from {WORK_LEDGER}) + (select count(*) from {SOURCES_LEDGER})").fetchone()[0]
    return not loaded and not owed


def record_run(
    conn: duckdb.DuckDBPyConnection,
    run_id: str,
    start: dt.date | None,
    end: dt.date | None,
    sources: Iterable[str],
    also_ingest: Iterable[dt.date] = (),
) -> None:
    """Before a run writes anything: it owes its window to dbt and the exports, and each of its
    (source, day), and of `also_ingest`, to ingest. Idempotent (a resource set up twice in one run
    records once)."""
    ensure_ledger(conn)
    days = sorted(set(days_between(start, end) if start and end else []) | set(also_ingest))
    conn.execute("begin transaction")
    try:
        if not conn.execute(f"select 1 from {WORK_LEDGER} where run_id = ?", [run_id]).fetchall():
            conn.execute(f"insert into {WORK_LEDGER} values (?, ?, ?, current_timestamp)", [run_id, start, end])
        rows = [(source, day) for source in sources for day in days]
        if rows:
            conn.executemany(
                f"""insert into {SOURCES_LEDGER}
                                 select ?, ? where not exists (select 1 from {SOURCES_LEDGER}
                                                               where source = $1 and dump_date = $2)""",
                rows,
            )
        conn.execute("commit")
    except Exception:
        rollback(conn)  # a failed rollback must not hide why the transaction failed
        raise


def owed_ingest_days(conn: duckdb.DuckDBPyConnection, source: str) -> list[dt.date]:
    ensure_ledger(conn)
    return [
        d
        for (d,) in conn.execute(
            f"select distinct dump_date from {SOURCES_LEDGER} where source = ? order by 1", [source]
        ).fetchall()
    ]


def mark_ingested(conn: duckdb.DuckDBPyConnection, source: str, days: list[dt.date]) -> None:
    """Called inside the transaction that loads the days: the two commit together."""
    conn.execute(f"delete from {SOURCES_LEDGER} where source = ? and dump_date in (select unnest(?::date[]))", [source, days])


def owed_windows(conn: duckdb.DuckDBPyConnection) -> list[tuple[dt.date | None, dt.date | None]]:
    """Every window still owed; [(None, None)] alone when one of them is a full build."""
    ensure_ledger(conn)
    windows = conn.execute(f"select distinct dump_start, dump_end from {WORK_LEDGER} order by 1, 2").fetchall()
    if any(start is None or end is None for start, end in windows):
        return [(None, None)]
    return windows


def owed_runs(conn: duckdb.DuckDBPyConnection) -> list[str]:
    ensure_ledger(conn)
    return [r for (r,) in conn.execute(f"select run_id from {WORK_LEDGER} order by recorded_at").fetchall()]


def settle(conn: duckdb.DuckDBPyConnection) -> None:
    """After the publish and the exports' move: every owed window is built, published and exported."""
    ensure_ledger(conn)
    conn.execute(f"delete from {WORK_LEDGER}")
