"""Export assets, downstream of the marts in the same daily partitions (SPEC §5, §6)."""

import datetime as dt

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from ..partitions import dump_date_partitions, single_run_backfill
from ..settings import Settings
from .parquet_snapshots import MART_DATE_COLUMNS, export_snapshots_for_date
from .publish import publish_warehouse
from .spend_csv import export_spend_for_date

MART_KEYS = [AssetKey(["marts", mart]) for mart in MART_DATE_COLUMNS]


def built_days(context: AssetExecutionContext, conn) -> list[dt.date]:
    """The run's dump dates that the calendar holds (the days the marts were built for)."""
    window = context.partition_time_window
    return [row[0] for row in conn.execute(
        "select date from intermediate.int_calendar_days where date >= ? and date < ? order by date",
        [window.start.date(), window.end.date()]).fetchall()]


@asset(
    group_name="exports",
    partitions_def=dump_date_partitions,
    backfill_policy=single_run_backfill,
    deps=[AssetKey(["marts", "user_spend"]), AssetKey(["intermediate", "int_organization_days"])],
    kinds={"csv"},
    description="Finance's spend files: <exports>/spend/<organization_id>/<date>/user_spend.csv + manifest.json, "
                "for every organisation whose spend reports are not hidden.",
)
def spend_csv_export(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    settings = Settings.from_env()
    files = rows = 0
    with duckdb.get_connection() as conn:
        for day in built_days(context, conn):
            exports = export_spend_for_date(conn, settings.exports_dir, day)
            day_rows = sum(e.rows for e in exports)
            context.log.info(f"spend export dt={day}: {len(exports)} files, {day_rows} rows")
            files, rows = files + len(exports), rows + day_rows
    return MaterializeResult(metadata={"files": files, "rows": rows,
                                       "exports_dir": MetadataValue.path(str(settings.exports_dir / "spend"))})


@asset(
    group_name="exports",
    partitions_def=dump_date_partitions,
    backfill_policy=single_run_backfill,
    deps=MART_KEYS,
    kinds={"parquet"},
    description="<exports>/snapshots/<date>/<mart>.parquet: every mart's rows of the date, decimals kept.",
)
def mart_parquet_snapshots(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    settings = Settings.from_env()
    totals: dict[str, int] = {}
    with duckdb.get_connection() as conn:
        days = built_days(context, conn)
        for day in days:
            for mart, n in export_snapshots_for_date(conn, settings.exports_dir, day).items():
                totals[mart] = totals.get(mart, 0) + n
            context.log.info(f"parquet snapshots dt={day}: {len(MART_DATE_COLUMNS)} files")
    return MaterializeResult(metadata={"days": len(days), "rows_by_mart": MetadataValue.json(totals)})


@asset(
    group_name="exports",
    partitions_def=dump_date_partitions,
    backfill_policy=single_run_backfill,
    deps=[*MART_KEYS, spend_csv_export, mart_parquet_snapshots],
    kinds={"duckdb"},
    description="ANALYTICS_WAREHOUSE: the marts copied into a fresh file and renamed over the published one.",
)
def published_warehouse(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    settings = Settings.from_env()
    with duckdb.get_connection() as conn:
        counts = publish_warehouse(conn, settings.warehouse)
    context.log.info(f"published {len(counts)} tables to {settings.warehouse}")
    return MaterializeResult(metadata={"path": MetadataValue.path(str(settings.warehouse)),
                                       "rows_by_table": MetadataValue.json(counts)})


export_assets = [spend_csv_export, mart_parquet_snapshots, published_warehouse]
