"""Parquet snapshots of every mart, one file per mart and date (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from ..core.mart_catalog import mart_catalog
from ..settings import DBT_PROJECT_DIR
from .staging import ExportStage

# every mart with a date, and its date column (the marts' dbt YAML, core/mart_catalog.py): a new
# mart gets its snapshots without being listed here; a mart without a date (marts.projects) gets none
MART_DATE_COLUMNS = {
    name: mart.date_column for name, mart in mart_catalog(DBT_PROJECT_DIR / "models" / "marts").items() if mart.date_column
}


def snapshot_folder(exports_dir: Path, day: dt.date) -> Path:
    return exports_dir / "snapshots" / day.isoformat()


def parquet_columns(conn: duckdb.DuckDBPyConnection, mart: str) -> str:
    """The mart's columns as Parquet holds them exactly: DuckDB writes HUGEINT (the sums of raw
    integers) as DOUBLE, so those go as DECIMAL(38,0), every digit kept."""
    columns = conn.execute(
        "select column_name, data_type from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'marts' and table_name = ? order by column_index",
        [mart],
    ).fetchall()
    return ", ".join(
        f'cast("{name}" as decimal(38, 0)) as "{name}"' if kind == "HUGEINT" else f'"{name}"' for name, kind in columns
    )


def export_snapshots_for_date(
    conn: duckdb.DuckDBPyConnection, exports_dir: Path, day: dt.date, staged: ExportStage, columns: dict[str, str] | None = None
) -> dict[str, int]:
    """Stage every mart's rows of `day`; DECIMAL columns stay DECIMAL in Parquet, wide integers
    become DECIMAL(38,0). `columns`: parquet_columns of each mart, when the caller has them."""
    counts = {}
    for mart, column in MART_DATE_COLUMNS.items():
        select = (columns or {}).get(mart) or parquet_columns(conn, mart)
        query = f"select {select} from marts.{mart} where {column} = '{day.isoformat()}'::date order by all"
        target = snapshot_folder(exports_dir, day) / f"{mart}.parquet"
        tmp = staged.path_for(target)
        # COPY answers with the number of rows it wrote
        counts[mart] = conn.execute(f"copy ({query}) to '{tmp}' (format parquet, compression zstd)").fetchall()[0][0]
        staged.drop_if_unchanged(target)  # the same rows give the same bytes: the file stays as it is
    return counts


def remove_snapshots_for_date(exports_dir: Path, day: dt.date, staged: ExportStage) -> bool:
    folder = snapshot_folder(exports_dir, day)
    if folder.is_dir():
        staged.remove(folder)
        return True
    return False
