"""Publish the marts to the file analysts open (SPEC §6).

Runs build in the working warehouse; publishing copies the marts (and the rejected records)
into a new DuckDB file beside ANALYTICS_WAREHOUSE and renames it over the old one. A reader
that opened the old file keeps reading it (its inode lives on until closed); a new reader
opens the new, complete state. The published file is never written in place, so an
analyst's read-only connection never blocks a run and never sees a half-built state.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .atomic import atomic_path

PUBLISHED_SCHEMAS = ("marts",)
PUBLISHED_TABLES = ("raw.rejected_records",)


def publish_warehouse(conn: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    tables = [f"{schema}.{name}" for schema, name in conn.execute(
        f"""select schema_name, table_name from duckdb_tables()
            where database_name = current_database()
              and schema_name in ({', '.join(f"'{s}'" for s in PUBLISHED_SCHEMAS)})
            order by all""").fetchall()]
    tables += [t for t in PUBLISHED_TABLES if conn.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name || '.' || table_name = ?", [t]).fetchall()[0][0]]
    counts = {}
    with atomic_path(target) as tmp:
        conn.execute(f"attach '{tmp}' as published")
        try:
            for schema in sorted({t.split(".")[0] for t in tables}):
                conn.execute(f"create schema published.{schema}")
            for table in tables:
                conn.execute(f"create table published.{table} as select * from {table}")
                counts[table] = conn.execute(f"select count(*) from published.{table}").fetchall()[0][0]
        finally:
            conn.execute("detach published")
    return counts
