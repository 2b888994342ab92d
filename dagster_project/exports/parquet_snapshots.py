"""Parquet snapshots of every mart, one file per mart and date (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from .atomic import atomic_path

# SPEC §4: daily marts are keyed by `date`, as-of marts by `as_of_date`
MART_DATE_COLUMNS = {
    "activity_daily": "date",
    "claude_ai_daily": "date",
    "spend_daily": "date",
    "claude_code_daily": "date",
    "claude_ai_windows": "as_of_date",
    "leaderboards": "as_of_date",
    "top_connectors": "as_of_date",
    "spend_totals": "as_of_date",
    "spend_by_model": "as_of_date",
    "user_spend": "as_of_date",
}


def snapshot_path(exports_dir: Path, day: dt.date, mart: str) -> Path:
    return exports_dir / "snapshots" / day.isoformat() / f"{mart}.parquet"


def export_snapshots_for_date(conn: duckdb.DuckDBPyConnection, exports_dir: Path, day: dt.date) -> dict[str, int]:
    """Write every mart's rows of `day`; DECIMAL columns stay DECIMAL in Parquet."""
    counts = {}
    for mart, column in MART_DATE_COLUMNS.items():
        query = f"select * from marts.{mart} where {column} = '{day.isoformat()}'::date order by all"
        with atomic_path(snapshot_path(exports_dir, day, mart)) as tmp:
            # COPY answers with the number of rows it wrote
            counts[mart] = conn.execute(f"copy ({query}) to '{tmp}' (format parquet, compression zstd)").fetchall()[0][0]
    return counts
