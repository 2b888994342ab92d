"""dbt models as Dagster assets: staging -> intermediate -> facts -> marts (dbt/), on DuckDB or Spark."""

import datetime as dt
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Failure
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from ..core import pending_work
from ..settings import DBT_PROJECT_DIR, Settings
from ..settings_resource import AnalyticsSettings
from . import dbt_in_process, model_version, spark

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
RUN_TARGET = Path("target") / "run"
SPARK_RUN_TARGET = Path("target") / "run-spark"


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than a model or macro. Called
    at the edge (definitions.py, before the dbt assets are built), never at import."""
    sources = [p for d in ("models", "macros", "tests") for p in (DBT_PROJECT_DIR / d).rglob("*") if p.is_file()]
    sources.append(DBT_PROJECT_DIR / "dbt_project.yml")
    if not MANIFEST.exists() or max(p.stat().st_mtime for p in sources) > MANIFEST.stat().st_mtime:
        subprocess.run(
            [
                str(Path(sys.executable).parent / "dbt"),
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
            ],
            check=True,
        )
    return MANIFEST


def dbt_build_args(full_refresh: bool = False) -> list[str]:
    """The dbt command of every run: the same words each night, so dbt's partial parsing holds
    (the run's dump dates travel in control.dump_window, not in --vars, which would make dbt
    parse the whole project again whenever they change)."""
    # unit tests check SQL logic on fixed inputs, not data: they run in `make test`, not in every run
    skip_unit_tests = ["--exclude", "test_type:unit"]
    return ["build", *(["--full-refresh"] if full_refresh else []), *skip_unit_tests]


def set_dump_window(conn, rebuild_all: bool = False) -> list[tuple[dt.date | None, dt.date | None]]:
    """Tell dbt which dump dates this run brings in: its own window and every window a failed run
    still owes (core/pending_work.py); none: every dump is new, as in a full refresh (also when
    `rebuild_all`: the models changed since the warehouse was built)."""
    windows = [(None, None)] if rebuild_all else pending_work.owed_windows(conn)
    conn.execute("create or replace table control.dump_window (dump_start date, dump_end date)")
    for start, end in windows:
        if start and end:
            conn.execute("insert into control.dump_window values (?, ?)", [start, end])
    return windows


class AnalyticsDbtTranslator(DagsterDbtTranslator):
    """Groups assets by layer (the model's folder) and keys models by schema and name."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "model":
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if dbt_resource_props["resource_type"] == "model" and len(fqn) > 2 else "transform"


def build_dbt_assets(manifest: Path):
    """The dbt models as assets, from a parsed manifest (ensure_manifest)."""

    # Not partitioned: the models are whole tables that each run brings up to date incrementally,
    # from the dump dates still owed. One materialization per model and run, not one per dump date
    # (a 100-day backfill would otherwise record 100 of each).
    @dbt_assets(manifest=manifest, dagster_dbt_translator=AnalyticsDbtTranslator())
    def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, analytics: AnalyticsSettings):
        yield from build_models(context, dbt, duckdb, analytics.get())

    return dbt_models


def build_models(context: AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, settings: Settings):
    if settings.engine == "spark":
        yield from build_on_spark(context, dbt, duckdb, settings)
        return
    version = model_version.fingerprint(MANIFEST)
    with duckdb.get_connection() as conn:
        changed = model_version.models_changed(conn, version)
        windows = set_dump_window(conn, rebuild_all=changed)
    if changed:
        context.log.warning(
            f"{pending_work.FULL_BUILD_NOTE} the dbt models changed since this warehouse was last built; "
            "every model is rebuilt from every dump (--full-refresh)"
        )
    args = dbt_build_args(full_refresh=changed)
    shown = ", ".join(f"{start} .. {end}" if start else "all" for start, end in windows) or "all"
    context.log.info(f"dbt {' '.join(args)} for dump dates {shown} (in this process)")
    env = dbt.environment
    # one target folder, rewritten each run (dagster-dbt would make a new one per run, forever);
    # the project is parsed again only when the manifest, the target or the database's name changes
    key = (MANIFEST.stat().st_mtime_ns, env["ANALYTICS_DBT_TARGET"], Path(env["ANALYTICS_WORK_WAREHOUSE"]).stem)
    yield from dbt_in_process.build(
        context, args, project_dir=DBT_PROJECT_DIR, target_path=DBT_PROJECT_DIR / RUN_TARGET, env=env, key=key
    )
    with duckdb.get_connection() as conn:
        model_version.record(conn, version)


def build_on_spark(context: AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, settings: Settings):
    """The run's raw partitions and dump window to Parquet, the models built incrementally by
    dbt-spark on the cluster, the partitions Spark changed back into the working DuckDB file for
    the exports and the publish (transform/spark.py says why)."""
    if problem := spark.thrift_unreachable(settings):
        raise Failure(description=problem)
    paths = spark.spark_paths(settings)
    version = model_version.fingerprint(MANIFEST)
    with duckdb.get_connection() as conn:
        changed = model_version.models_changed(conn, version)
        windows = set_dump_window(conn, rebuild_all=changed)
        # A full build (every dump new, models that changed since the last build, or a working file
        # and a Spark warehouse that do not hold the same build: transform/spark.py, lineage) starts
        # Spark's raw folders and tables afresh too: what they hold was not built from this dump
        # directory. Every other run is incremental.
        full = windows == [(None, None)] or not spark.in_step(conn, settings)
        if changed:
            context.log.warning(
                f"{pending_work.FULL_BUILD_NOTE} the dbt models changed since this warehouse was last built; "
                "every model is rebuilt on Spark (--full-refresh)"
            )
        elif full and windows != [(None, None)]:
            context.log.warning(
                f"{pending_work.FULL_BUILD_NOTE} the Spark warehouse under {settings.spark_dir} does not hold this "
                "working file's build; every model is rebuilt on Spark (--full-refresh)"
            )
        if full:
            spark.forget_lineage(settings)
        rows = spark.write_raw_partitions(conn, paths["raw"], [] if full else windows)
        spark.write_dump_window(conn, paths["control"])
    context.log.info(
        f"raw partitions as Parquet for Spark: {sum(rows.values()):,} rows in {len(rows)} tables under {paths['raw']}"
    )
    manifest = DBT_PROJECT_DIR / SPARK_RUN_TARGET / "manifest.json"
    before = spark.result_files(settings, manifest) if manifest.exists() else {}
    args = dbt_build_args(full_refresh=full)
    context.log.info(f"dbt {' '.join(args)} on the Spark Thrift server {settings.spark_host}:{settings.spark_port}")
    invocation = dbt.cli(args, context=context, target_path=SPARK_RUN_TARGET)
    yield from invocation.stream()
    with duckdb.get_connection() as conn:
        counts = spark.load_spark_results(conn, settings, manifest, before, whole=full)
        if full:
            spark.record_lineage(conn, settings)
        model_version.record(conn, version)
    context.log.info(f"Spark's results in the working warehouse: {len(counts)} tables, {sum(counts.values()):,} rows loaded")
