"""Publish the marts to the file analysts open (SPEC §6).

Runs build in the working warehouse; publishing copies the marts (and the rejected and ignored
records) into a new DuckDB file beside ANALYTICS_WAREHOUSE and renames it over the old one. A
reader that opened the old file keeps reading it (its inode lives on until closed); a new reader
opens the new, complete state. The published file is never written in place, so an analyst's
read-only connection never blocks a run and never sees a half-built state. dbt's descriptions
travel along as table and column comments, and `meta.publication` says when and what was
published.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..core.atomic import atomic_path
from ..core.failpoints import failpoint
from ..core.sql import sql_literal

PUBLISHED_SCHEMAS = ("marts",)
# raw.ingested_files: which dump files each published state holds (the new-dump sensor reads it)
PUBLISHED_TABLES = ("raw.rejected_records", "raw.ignored_files", "raw.ingested_files")
# what the ingest tables are, for analysts reading the published file (dbt documents the marts)
RAW_COMMENTS = {
    "raw.rejected_records": "Every rejected line of the dump files: its source, dump date, file and line number, the "
    "line, and the reason (reason_code: a stable code; reason: the code and the field).",
    "raw.ignored_files": "Every file under the dump directory that is not ingested (another extension, a folder whose "
    "date does not parse, a symbolic link, ...), with the reason.",
    "raw.ingested_files": "The dump files this published state was built from, per raw table: lines read, accepted and "
    "rejected (the new-dump sensor compares the dump directory with it).",
}


def published_tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    existing = {
        f"{s}.{t}"
        for s, t in conn.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
    }
    marts = sorted(t for t in existing if t.split(".")[0] in PUBLISHED_SCHEMAS)
    return marts + [t for t in PUBLISHED_TABLES if t in existing]


def clustering_order(conn: duckdb.DuckDBPyConnection, table: str) -> str:
    """An ORDER BY that stores each organisation's rows together, by date: the API and the dashboard
    read one organisation (and one date) at a time, and DuckDB skips the row groups whose min/max
    rule them out, so a sorted table answers in a few milliseconds where a scan takes tens."""
    schema, name = table.split(".")
    columns = [
        c
        for (c,) in conn.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    ]
    order = [c for c in ("organization_id", "as_of_date", "date", "dump_date") if c in columns]
    return f"order by {', '.join(order)}" if order else ""


def copy_comments(conn: duckdb.DuckDBPyConnection, table: str) -> None:
    schema, name = table.split(".")
    comment = conn.execute(
        "select comment from duckdb_tables() where database_name = current_database() and schema_name = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    if comment and comment[0]:
        conn.execute(f"comment on table published.{table} is {sql_literal(comment[0])}")
    for column, text in conn.execute(
        "select column_name, comment from duckdb_columns() where database_name = current_database() "
        "and schema_name = ? and table_name = ? and comment is not null",
        [schema, name],
    ).fetchall():
        conn.execute(f'comment on column published.{table}."{column}" is {sql_literal(text)}')


def publish_warehouse(conn: duckdb.DuckDBPyConnection, target: Path, run_id: str = "") -> dict[str, int]:
    tables = published_tables(conn)
    counts = {}
    with atomic_path(target) as tmp:
        conn.execute(f"attach {sql_literal(str(tmp))} as published")
        try:
            for schema in sorted({t.split(".")[0] for t in tables} | {"meta"}):
                conn.execute(f"create schema published.{schema}")
            for table in tables:
                conn.execute(f"create table published.{table} as select * from {table} {clustering_order(conn, table)}")
                copy_comments(conn, table)
                if table in RAW_COMMENTS:
                    conn.execute(f"comment on table published.{table} is {sql_literal(RAW_COMMENTS[table])}")
                counts[table] = conn.execute(f"select count(*) from published.{table}").fetchall()[0][0]
            conn.execute(
                """
                create table published.meta.publication as
                select current_timestamp::timestamptz as published_at, max(date) as latest_date,
                       ?::varchar as run_id
                from marts.organizations_daily""",
                [run_id],
            )
            conn.execute(
                "comment on table published.meta.publication is "
                "'When this file was published, by which run, and the latest date its marts hold.'"
            )
            failpoint("publish")
        finally:
            conn.execute("detach published")
    return counts
