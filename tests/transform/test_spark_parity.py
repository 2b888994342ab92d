"""The same dbt project on Spark (issue 13): raw_fixtures/ built by the real job with dbt-spark in
local mode gives the marts and exports of the DuckDB build, row by row, DECIMAL exact."""

from __future__ import annotations

import time

import duckdb
import pytest

from dagster_project.settings import SPARK_VENV
from tests.conftest import FIXTURES, MEASUREMENTS, Warehouse, build, exported_files

pytestmark = pytest.mark.skipif(
    not (SPARK_VENV / "bin" / "dbt").exists(), reason="no Spark venv: make spark-setup (make test installs it)"
)


@pytest.fixture(scope="module")
def spark_warehouse(tmp_path_factory) -> Warehouse:
    root = tmp_path_factory.mktemp("spark_wh")
    started = time.monotonic()
    warehouse = build(root, FIXTURES, engine="spark", extra_env={"ANALYTICS_SPARK_DIR": str(root / "spark")})
    MEASUREMENTS.append(f"Spark build of raw_fixtures/ (make run-spark's job, local mode): {time.monotonic() - started:.0f} s")
    return warehouse


def tables(path) -> dict[str, list[tuple[str, str]]]:
    """schema.table -> [(column, type)] of a published warehouse."""
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute("""
            select schema_name || '.' || table_name, column_name, data_type from duckdb_columns()
            where database_name = current_database() order by schema_name, table_name, column_index""").fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(table, []).append((column, kind))
    return out


def sorted_rows(path, table: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return sorted(conn.execute(f"select * from {table}").fetchall(), key=repr)


def test_spark_publishes_the_same_tables_with_the_same_columns(spark_warehouse, fixture_warehouse):
    spark, duck = tables(spark_warehouse.published), tables(fixture_warehouse.published)
    marts = sorted(t for t in duck if t.startswith("marts."))
    assert len(marts) >= 15
    assert sorted(t for t in spark if t.startswith("marts.")) == marts
    for table in marts:
        assert spark[table] == duck[table], f"{table}: columns and types differ"


def test_every_mart_row_equals_the_duckdb_build(spark_warehouse, fixture_warehouse):
    for table in sorted(t for t in tables(fixture_warehouse.published) if t.startswith("marts.")):
        duck = sorted_rows(fixture_warehouse.published, table)
        spark = sorted_rows(spark_warehouse.published, table)
        assert len(spark) == len(duck), f"{table}: {len(spark)} rows on Spark, {len(duck)} on DuckDB"
        mismatches = [(s, d) for s, d in zip(spark, duck, strict=True) if s != d]
        assert not mismatches, f"{table}: {len(mismatches)} rows differ, first {mismatches[0]}"


def test_spark_exports_are_the_same_files(spark_warehouse, fixture_warehouse):
    spark, duck = exported_files(spark_warehouse), exported_files(fixture_warehouse)
    csvs = sorted(p for p in duck if p.endswith(".csv"))
    assert len(csvs) > 100
    assert sorted(p for p in spark if p.endswith(".csv")) == csvs
    different = [p for p in csvs if spark[p] != duck[p]]
    assert not different, f"{len(different)} CSV files differ, e.g. {different[:3]}"
    assert sorted(spark) == sorted(duck)  # the Parquet snapshots and manifests too, by name


def test_spark_state_stays_under_its_directory(spark_warehouse):
    spark_dir = spark_warehouse.root / "spark"
    assert (spark_dir / "raw" / "events").is_dir()
    assert any((spark_dir / "raw" / "events").glob("dump_date=*/*.parquet"))
    assert (spark_dir / "warehouse" / "marts.db").is_dir()
    assert (spark_dir / "metastore_db").is_dir()


def test_spark_leaves_nothing_in_the_working_directory(spark_warehouse):
    from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT

    for folder in (PROJECT_ROOT, DBT_PROJECT_DIR):
        for name in ("metastore_db", "derby.log", "spark-warehouse"):
            assert not (folder / name).exists(), f"Spark left {folder / name}"
