"""Which version of the dbt models built a warehouse, so that a new version rebuilds it whole.

Incremental models replace only the partitions a night touches: the rest stay as the models of
their day computed them. When the models change (a new column, a corrected metric), the partitions
built before would keep the old logic, and a new column would stop dbt at the first incremental
model (`on_schema_change: fail`). So each successful dbt build records the models' fingerprint in
the working warehouse, and a run whose models differ from the recorded ones rebuilds every model
from every dump (`--full-refresh`), as a build from scratch would."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

TABLE = "control.models_version"
PROJECT = "analytics"  # the dbt project's name: its own models and macros, not dbt's or adapters'
# the config that decides what a model holds and how its rows are replaced (not its docs, group,
# access or tags: a change of those needs no rebuild)
BUILD_CONFIG = (
    "materialized", "incremental_strategy", "partition_by", "replaced", "raw_table", "lookahead", "lookbehind",
    "drop_outside_calendar", "schema", "alias", "on_schema_change",
)  # fmt: skip


def fingerprint(manifest: Path) -> str:
    """A digest of every model, seed and macro of the project as parsed (dbt's own checksums of the
    models' SQL and the config that decides their rows, the macros' text)."""
    parsed = json.loads(manifest.read_text())
    parts = [
        f"{uid} {node['checksum']['checksum']} "
        f"{json.dumps({k: node.get('config', {}).get(k) for k in BUILD_CONFIG}, sort_keys=True, default=str)}"
        for uid, node in parsed["nodes"].items()
        if node["resource_type"] in ("model", "seed") and node["package_name"] == PROJECT
    ]
    parts += [
        f"{uid} {hashlib.sha256(macro['macro_sql'].encode()).hexdigest()}"
        for uid, macro in parsed["macros"].items()
        if macro["package_name"] == PROJECT
    ]
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


def built_with(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the models that last built this warehouse; None if none is recorded."""
    conn.execute("create schema if not exists control")
    conn.execute(f"create table if not exists {TABLE} (fingerprint varchar not null, built_at timestamptz not null)")
    row = conn.execute(f"select fingerprint from {TABLE} order by built_at desc limit 1").fetchone()
    return row[0] if row else None


def models_changed(conn: duckdb.DuckDBPyConnection, current: str) -> bool:
    """Whether the warehouse holds models (a build happened) that another version of them built."""
    has_models = conn.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() and schema_name = 'marts'"
    ).fetchone()[0]
    return bool(has_models) and built_with(conn) != current


def record(conn: duckdb.DuckDBPyConnection, current: str) -> None:
    """After a successful build: these models built the warehouse."""
    built_with(conn)
    conn.execute(f"delete from {TABLE}")
    conn.execute(f"insert into {TABLE} values (?, now())", [current])
