"""dbt on Spark (ANALYTICS_ENGINE=spark, `make run-spark`): the same models, another engine.

Ingest stays on DuckDB: it is one pass per dump date whose work (parsing, validating, rejecting
with a reason) is the same at any scale, and it already holds every accepted record with its
provenance. What Spark needs from it is the raw tables, so the run writes them as Parquet,
partitioned by dump date, under ANALYTICS_SPARK_DIR/raw; the dbt project registers a view per
table over those files (macros/raw_sources.sql) and dbt-spark builds every model from them.

Parquet tables take no DELETE, so a Spark run rebuilds every model (--full-refresh) from the raw
files, in a warehouse and metastore it starts afresh. Spark's marts then come back to the working
DuckDB file, with their YAML descriptions as comments, and the exports and the publish that
follow are the ones a DuckDB run uses: the files and the published warehouse are in the same
formats whichever engine computed them (SPEC §5).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from ..core.sql import sql_literal
from ..settings import Settings

# The schemas whose Spark tables the exports and the publish read.
RESULT_SCHEMAS = ("marts", "meta")


def spark_paths(settings: Settings) -> dict[str, Path]:
    root = settings.spark_dir
    return {"raw": root / "raw", "warehouse": root / "warehouse", "metastore": root / "metastore_db", "tmp": root / "tmp"}


def write_raw_parquet(conn: duckdb.DuckDBPyConnection, raw_dir: Path) -> dict[str, int]:
    """Every raw table as Parquet under `raw_dir`/<table>, partitioned by dump date: written
    aside, then swapped in whole, so Spark never reads a half-written set. Returns rows per table."""
    staging = raw_dir.with_name(raw_dir.name + ".writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    counts = {}
    tables = conn.execute("""
        select table_name from duckdb_tables()
        where database_name = current_database() and schema_name = 'raw' order by table_name""").fetchall()
    for (table,) in tables:
        columns = conn.execute(
            """
            select column_name, data_type from duckdb_columns()
            where database_name = current_database() and schema_name = 'raw' and table_name = ?
            order by column_index""",
            [table],
        ).fetchall()
        # JSON is text to Spark (it parses it with get_json_object, as DuckDB does)
        select = ", ".join(f'cast("{name}" as varchar) as "{name}"' if kind == "JSON" else f'"{name}"' for name, kind in columns)
        # one pass over the table: COPY says how many rows it wrote; emptiness is one row's read
        empty = conn.execute(f'select 1 from raw."{table}" limit 1').fetchone() is None
        target = staging / table
        if not empty and "dump_date" in {name for name, _ in columns}:
            copied = conn.execute(
                f'copy (select {select} from raw."{table}") to {sql_literal(str(target))} '
                "(format parquet, partition_by (dump_date))"
            )
        else:
            # no partition folder to hold an empty table: one file that still carries the columns
            target.mkdir()
            copied = conn.execute(
                f'copy (select {select} from raw."{table}") to {sql_literal(str(target / "data.parquet"))} (format parquet)'
            )
        counts[table] = copied.fetchone()[0]
    shutil.rmtree(raw_dir, ignore_errors=True)
    staging.rename(raw_dir)
    return counts


def reset_spark_warehouse(settings: Settings) -> None:
    """A Spark run is a full build: it starts from an empty warehouse and metastore."""
    paths = spark_paths(settings)
    for key in ("warehouse", "metastore", "tmp"):
        shutil.rmtree(paths[key], ignore_errors=True)
    paths["tmp"].mkdir(parents=True, exist_ok=True)


def model_docs(manifest_path: Path) -> dict[tuple[str, str], dict]:
    """(schema, table) -> {"description", "columns": {name: description}} of every model."""
    manifest = json.loads(manifest_path.read_text())
    docs = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["schema"] in RESULT_SCHEMAS:
            docs[(node["schema"], node["alias"])] = {
                "description": node.get("description") or "",
                "columns": {name: c.get("description") or "" for name, c in node.get("columns", {}).items()},
            }
    return docs


def duckdb_columns(conn: duckdb.DuckDBPyConnection, source: str) -> str:
    """Spark's wide integers (DECIMAL(38,0), having no 128-bit integer) as the HUGEINT the DuckDB
    build has, so that both engines publish the same types."""
    described = conn.execute(f"describe select * from {source}").fetchall()
    return ", ".join(
        f'cast("{name}" as hugeint) as "{name}"' if kind == "DECIMAL(38,0)" else f'"{name}"' for name, kind, *_ in described
    )


def load_spark_results(conn: duckdb.DuckDBPyConnection, settings: Settings, manifest_path: Path) -> dict[str, int]:
    """Replace the working warehouse's marts (and meta) with the tables Spark built, read from
    their Parquet files, in one transaction: the exports see all of Spark's results or none."""
    warehouse = spark_paths(settings)["warehouse"]
    counts = {}
    conn.execute("begin")
    try:
        for (schema, table), docs in sorted(model_docs(manifest_path).items()):
            files = warehouse / f"{schema}.db" / table
            if not files.is_dir():
                raise RuntimeError(f"Spark built no table {schema}.{table} (no folder {files})")
            conn.execute(f"create schema if not exists {schema}")
            source = f"read_parquet({sql_literal(str(files / '*.parquet'))})"
            conn.execute(f'create or replace table {schema}."{table}" as select {duckdb_columns(conn, source)} from {source}')
            conn.execute(f'comment on table {schema}."{table}" is {sql_literal(docs["description"])}')
            existing = {
                c
                for (c,) in conn.execute(
                    "select column_name from duckdb_columns() where database_name = current_database() "
                    "and schema_name = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
            }
            for column, text in docs["columns"].items():
                if column in existing and text:
                    conn.execute(f'comment on column {schema}."{table}"."{column}" is {sql_literal(text)}')
            counts[f"{schema}.{table}"] = conn.execute(f'select count(*) from {schema}."{table}"').fetchone()[0]
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return counts
