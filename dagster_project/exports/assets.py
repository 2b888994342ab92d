"""Export assets, downstream of the marts (SPEC §5, §6). Like the models, they are not
partitioned: each run writes the files of the dates it rebuilt.

The dates the run rebuilt in the marts (its dump dates and those of every window still owed by a
failed run, and the days their late records reach back to) are exported again; such a date the
marts no longer hold (its dump folder was removed) loses its files, as a build from scratch would
never have written them. Files are staged and become visible only after the publish
(exports/staging.py).
"""

import datetime as dt

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from ..core import pending_work
from ..core.csv_layouts import CLAUDE_CODE_CSV, SPEND_CSV, CsvExport
from ..core.failpoints import failpoint
from ..core.progress import Progress
from ..settings import Settings
from ..settings_resource import AnalyticsSettings
from . import staging
from .organization_csvs import date_folders, export_csv_for_date
from .parquet_snapshots import MART_DATE_COLUMNS, export_snapshots_for_date, parquet_columns, remove_snapshots_for_date
from .publish import publish_warehouse
from .spend_index import write_spend_index

MART_KEYS = [AssetKey(["marts", mart]) for mart in MART_DATE_COLUMNS]
ORGANIZATIONS = AssetKey(["marts", "organizations_daily"])
REBUILT_DATES = AssetKey(["meta", "rebuilt_dates"])


def run_days(conn) -> tuple[list[dt.date], list[dt.date]]:
    """The dates to export (rebuilt by this run and held by the marts) and the dump dates of the
    windows dbt built (control.dump_window) that the marts do not hold (any more), whose files go."""
    held = {d for (d,) in conn.execute("select distinct date from marts.organizations_daily").fetchall()}
    rebuilt = {d for (d,) in conn.execute("select date from meta.rebuilt_dates").fetchall()}
    days = {
        day
        for start, end in conn.execute("select dump_start, dump_end from control.dump_window").fetchall()
        for day in pending_work.days_between(start, end)
    }
    return sorted((rebuilt | days) & held), sorted(days - held)


def export_stage(context: AssetExecutionContext, settings: Settings) -> staging.ExportStage:
    return staging.ExportStage(settings.exports_dir, context.run_id, context.asset_key.to_python_identifier())


def export_organization_csvs(context: AssetExecutionContext, conn, stage: staging.ExportStage, spec: CsvExport) -> dict:
    """Stage `spec`'s files for every date the run rebuilt; their removal for dates no longer built."""
    files = rows = removed = 0
    example = None
    built, gone = run_days(conn)
    progress = Progress(context.log, f"{spec.folder} export, dates", len(built))
    for n, day in enumerate(built):
        exports = export_csv_for_date(conn, stage.exports_dir, spec, day, stage)
        day_rows = sum(e.rows for e in exports)
        progress.step(f"dt={day}: {len(exports)} files, {day_rows} rows")
        files, rows = files + len(exports), rows + day_rows
        example = next((e.path for e in exports if e.rows), example)
        if n == 0:
            failpoint("exports")  # the crash tests stop a run here: some files staged, none visible
    for day in gone:
        for folder in date_folders(stage.exports_dir, spec, day):
            stage.remove(folder)
            removed += 1
    exports_dir = stage.exports_dir
    return {
        "files": files,
        "rows": rows,
        "folders_removed": removed,
        "exports_dir": MetadataValue.path(str(exports_dir / spec.folder)),
        "example": MetadataValue.path(str(example) if example else "none"),
    }


@asset(
    group_name="exports",
    deps=[AssetKey(["marts", "user_spend"]), ORGANIZATIONS, REBUILT_DATES],
    kinds={"csv"},
    description="Finance's spend files: <exports>/spend/<organization_id>/<date>/user_spend.csv + manifest.json "
    "for every organisation whose spend reports are not hidden, and <exports>/spend/index.csv.",
)
def spend_csv_export(context: AssetExecutionContext, duckdb: DuckDBResource, analytics: AnalyticsSettings) -> MaterializeResult:
    stage = export_stage(context, analytics.get())
    with duckdb.get_connection() as conn:
        metadata = export_organization_csvs(context, conn, stage, SPEND_CSV)
        metadata["index_rows"] = write_spend_index(conn, stage.exports_dir, stage)
    stage.finish()
    return MaterializeResult(metadata=metadata)


@asset(
    group_name="exports",
    deps=[AssetKey(["marts", "claude_code_users"]), ORGANIZATIONS, REBUILT_DATES],
    kinds={"csv"},
    description="Per-user Claude Code files: <exports>/claude_code/<organization_id>/<date>/claude_code_users.csv + "
    "manifest.json (the month-to-date rows) for every organisation present that day.",
)
def claude_code_csv_export(
    context: AssetExecutionContext, duckdb: DuckDBResource, analytics: AnalyticsSettings
) -> MaterializeResult:
    stage = export_stage(context, analytics.get())
    with duckdb.get_connection() as conn:
        metadata = export_organization_csvs(context, conn, stage, CLAUDE_CODE_CSV)
    stage.finish()
    return MaterializeResult(metadata=metadata)


@asset(
    group_name="exports",
    deps=[*MART_KEYS, ORGANIZATIONS, REBUILT_DATES],
    kinds={"parquet"},
    description="<exports>/snapshots/<date>/<mart>.parquet: every mart's rows of the date, decimals kept.",
)
def mart_parquet_snapshots(
    context: AssetExecutionContext, duckdb: DuckDBResource, analytics: AnalyticsSettings
) -> MaterializeResult:
    settings = analytics.get()
    stage = export_stage(context, settings)
    totals: dict[str, int] = {}
    with duckdb.get_connection() as conn:
        built, gone = run_days(conn)
        columns = {mart: parquet_columns(conn, mart) for mart in MART_DATE_COLUMNS}
        progress = Progress(context.log, "parquet snapshots, dates", len(built))
        for day in built:
            for mart, n in export_snapshots_for_date(conn, settings.exports_dir, day, stage, columns).items():
                totals[mart] = totals.get(mart, 0) + n
            progress.step(f"dt={day}: {len(MART_DATE_COLUMNS)} files")
    removed = sum(remove_snapshots_for_date(settings.exports_dir, day, stage) for day in gone)
    stage.finish()
    return MaterializeResult(
        metadata={
            "days": len(built),
            "files": len(built) * len(MART_DATE_COLUMNS),
            "days_removed": removed,
            "rows_by_mart": MetadataValue.json(totals),
            "exports_dir": MetadataValue.path(str(settings.exports_dir / "snapshots")),
        }
    )


@asset(
    group_name="exports",
    deps=[*MART_KEYS, ORGANIZATIONS, spend_csv_export, claude_code_csv_export, mart_parquet_snapshots],
    kinds={"duckdb"},
    description="ANALYTICS_WAREHOUSE: the marts copied into a fresh file and renamed over the published one; "
    "then the run's staged exports moved into place (SPEC §6: exports move with the warehouse).",
)
def published_warehouse(
    context: AssetExecutionContext, duckdb: DuckDBResource, analytics: AnalyticsSettings
) -> MaterializeResult:
    settings = analytics.get()
    parts = [key.to_python_identifier() for key in EXPORT_KEYS]
    plan = staging.seal(settings.exports_dir, context.run_id, parts)
    with duckdb.get_connection() as conn:
        try:
            counts = publish_warehouse(conn, settings.warehouse, run_id=context.run_id)
        except Exception:
            # not published (a full disk, say): the staged exports go, the old ones stay (unless the
            # rename itself happened, in which case the next run completes the move)
            if staging.published_run_id(settings.warehouse) != context.run_id:
                staging.discard(plan.parent)
            raise
        context.log.info(f"published {len(counts)} tables to {settings.warehouse}")
        moved, removed = staging.apply_plan(settings.exports_dir, plan.parent)
        context.log.info(f"exports in place: {moved} files, {removed} folders removed")
        owed = pending_work.owed_runs(conn)
        pending_work.settle(conn)
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(settings.warehouse)),
            "rows_by_table": MetadataValue.json(counts),
            "export_files_moved": moved,
            "export_folders_removed": removed,
            "runs_settled": MetadataValue.json(owed),
        }
    )


EXPORT_KEYS = [AssetKey(name) for name in ("spend_csv_export", "claude_code_csv_export", "mart_parquet_snapshots")]
export_assets = [spend_csv_export, claude_code_csv_export, mart_parquet_snapshots, published_warehouse]
