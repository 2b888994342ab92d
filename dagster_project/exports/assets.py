"""Export assets, downstream of the marts (SPEC §5, §6). Like the models, they are not
partitioned: each run writes the files of the dates it rebuilt.

The dates the run rebuilt in the marts (its dump dates, and the days its late records reach
back to) are exported again; a run's date the marts no longer hold (its dump folder was removed)
loses its files, as a build from scratch would never have written them.
"""

import datetime as dt

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from ..partitions import run_dump_window
from ..settings import Settings
from .atomic import StagedFiles
from .organization_csvs import CLAUDE_CODE_CSV, SPEND_CSV, CsvExport, export_csv_for_date, remove_date_folders
from .parquet_snapshots import MART_DATE_COLUMNS, export_snapshots_for_date, remove_snapshots_for_date
from .publish import publish_warehouse
from .spend_index import write_spend_index

MART_KEYS = [AssetKey(["marts", mart]) for mart in MART_DATE_COLUMNS]
ORGANIZATIONS = AssetKey(["marts", "organizations_daily"])
REBUILT_DATES = AssetKey(["meta", "rebuilt_dates"])


def run_days(context: AssetExecutionContext, conn) -> tuple[list[dt.date], list[dt.date]]:
    """The dates to export (rebuilt by this run and held by the marts) and the run's dump dates
    the marts do not hold (any more), whose files go."""
    start, end = run_dump_window(context.run.tags)
    held = {d for (d,) in conn.execute("select distinct date from marts.organizations_daily").fetchall()}
    rebuilt = {d for (d,) in conn.execute("select date from meta.rebuilt_dates").fetchall()}
    days = {start + dt.timedelta(days=i) for i in range((end - start).days + 1)} if start and end else set()
    return sorted((rebuilt | days) & held), sorted(days - held)


def export_organization_csvs(context: AssetExecutionContext, conn, exports_dir, spec: CsvExport) -> dict:
    """Write `spec`'s files for every date the run rebuilt; remove them for dates no longer built."""
    files = rows = removed = 0
    example = None
    built, gone = run_days(context, conn)
    for day in built:
        with StagedFiles() as staged:
            exports = export_csv_for_date(conn, exports_dir, spec, day, staged)
        day_rows = sum(e.rows for e in exports)
        context.log.info(f"{spec.folder} export dt={day}: {len(exports)} files, {day_rows} rows")
        files, rows = files + len(exports), rows + day_rows
        example = next((e.path for e in exports if e.rows), example)
    for day in gone:
        removed += remove_date_folders(exports_dir, spec, day)
    return {"files": files, "rows": rows, "folders_removed": removed,
            "exports_dir": MetadataValue.path(str(exports_dir / spec.folder)),
            "example": MetadataValue.path(str(example) if example else "none")}


@asset(
    group_name="exports",
    deps=[AssetKey(["marts", "user_spend"]), ORGANIZATIONS, REBUILT_DATES],
    kinds={"csv"},
    description="Finance's spend files: <exports>/spend/<organization_id>/<date>/user_spend.csv + manifest.json "
                "for every organisation whose spend reports are not hidden, and <exports>/spend/index.csv.",
)
def spend_csv_export(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    settings = Settings.from_env()
    with duckdb.get_connection() as conn:
        metadata = export_organization_csvs(context, conn, settings.exports_dir, SPEND_CSV)
        metadata["index_rows"] = write_spend_index(conn, settings.exports_dir)
    return MaterializeResult(metadata=metadata)


@asset(
    group_name="exports",
    deps=[AssetKey(["marts", "claude_code_users"]), ORGANIZATIONS, REBUILT_DATES],
    kinds={"csv"},
    description="Per-user Claude Code files: <exports>/claude_code/<organization_id>/<date>/claude_code_users.csv + "
                "manifest.json (the month-to-date rows) for every organisation present that day.",
)
def claude_code_csv_export(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    settings = Settings.from_env()
    with duckdb.get_connection() as conn:
        metadata = export_organization_csvs(context, conn, settings.exports_dir, CLAUDE_CODE_CSV)
    return MaterializeResult(metadata=metadata)


@asset(
    group_name="exports",
    deps=[*MART_KEYS, ORGANIZATIONS, REBUILT_DATES],
    kinds={"parquet"},
    description="<exports>/snapshots/<date>/<mart>.parquet: every mart's rows of the date, decimals kept.",
)
def mart_parquet_snapshots(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    settings = Settings.from_env()
    totals: dict[str, int] = {}
    with duckdb.get_connection() as conn:
        built, gone = run_days(context, conn)
        for day in built:
            with StagedFiles() as staged:
                for mart, n in export_snapshots_for_date(conn, settings.exports_dir, day, staged).items():
                    totals[mart] = totals.get(mart, 0) + n
            context.log.info(f"parquet snapshots dt={day}: {len(MART_DATE_COLUMNS)} files")
    removed = sum(remove_snapshots_for_date(settings.exports_dir, day) for day in gone)
    return MaterializeResult(metadata={"days": len(built), "files": len(built) * len(MART_DATE_COLUMNS),
                                       "days_removed": removed, "rows_by_mart": MetadataValue.json(totals),
                                       "exports_dir": MetadataValue.path(str(settings.exports_dir / "snapshots"))})


@asset(
    group_name="exports",
    deps=[*MART_KEYS, ORGANIZATIONS, spend_csv_export, claude_code_csv_export, mart_parquet_snapshots],
    kinds={"duckdb"},
    description="ANALYTICS_WAREHOUSE: the marts copied into a fresh file and renamed over the published one.",
)
def published_warehouse(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    settings = Settings.from_env()
    with duckdb.get_connection() as conn:
        counts = publish_warehouse(conn, settings.warehouse, run_id=context.run_id)
    context.log.info(f"published {len(counts)} tables to {settings.warehouse}")
    return MaterializeResult(metadata={"path": MetadataValue.path(str(settings.warehouse)),
                                       "rows_by_table": MetadataValue.json(counts)})


export_assets = [spend_csv_export, claude_code_csv_export, mart_parquet_snapshots, published_warehouse]
