"""One partitioned Dagster asset per raw source (SPEC §2): a partition loads that dump day.

The snapshots source feeds three tables, so its asset is a multi-asset of three keys.
"""

import datetime as dt

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from ..core import pending_work
from ..core.progress import Progress
from ..core.sources import SOURCES, DayLoad, Source, Table, rejections_by_reason
from ..partitions import dump_date_partitions, single_run_backfill
from ..quality.checks import check_specs_for, evaluate_checks
from ..settings_resource import AnalyticsSettings
from .discovery import REASONS, DumpDirectory
from .loader import IngestFileError, ReadLimits, batches, load_days


def partition_days(context: AssetExecutionContext) -> list[dt.date]:
    window = context.partition_time_window
    return [window.start.date() + dt.timedelta(days=i) for i in range((window.end - window.start).days)]


def blocked_by(exc: IngestFileError, batch: list[tuple[dt.date, list]], requested: set[dt.date]) -> str:
    """The error of a file that cannot be read, and what it holds up: its dump day stays owed, so
    every later run, whatever its dates, stops here until the file is replaced or removed."""
    owed = sorted(day for day, _ in batch if day not in requested)
    earlier = f" (dump dates {owed[0]} .. {owed[-1]} were owed by an earlier run)" if owed else ""
    return (
        f"{exc}. Nothing of its batch was loaded{earlier}; every run, whatever its dates, fails here until "
        "the file is delivered again whole or removed (a removed file or folder counts as delivering nothing)"
    )


def read_limits(settings) -> ReadLimits:
    return ReadLimits(max_bytes=settings.max_file_bytes, max_bad_lines=settings.max_bad_lines)


def table_key(table: Table) -> AssetKey:
    return AssetKey(["raw", table.name])


def ingest_metadata(table: Table, loads: list[DayLoad]) -> dict:
    reasons = rejections_by_reason(loads, table.name)
    rows = "\n".join(f"| {r} | {n} |" for r, n in sorted(reasons.items()))
    days = "\n".join(
        f"| {load.dump_date} | {len(load.files)} | {load.lines.get(table.name, 0)} | "
        f"{load.accepted.get(table.name, 0)} | "
        f"{load.rejected_in(table.name)} |"
        for load in loads
    )
    return {
        "dump_dates": MetadataValue.text(f"{loads[0].dump_date} .. {loads[-1].dump_date}" if loads else "none"),
        "lines": sum(load.lines.get(table.name, 0) for load in loads),
        "records_accepted": sum(load.accepted.get(table.name, 0) for load in loads),
        "records_rejected": sum(reasons.values()),
        "rejections_by_reason": MetadataValue.md(
            "| reason | records |\n| --- | --- |\n" + rows if rows else "no rejected records"
        ),
        "by_dump_day": MetadataValue.md(
            "| dump day | files | lines | accepted | rejected |\n| --- | --- | --- | --- | --- |\n" + days
        ),
    }


def summarize(loads: list[DayLoad]) -> str:
    """One line for a batch of dump days (the per-day figures are in the materialization's metadata)."""
    shown = str(loads[0].dump_date) if len(loads) == 1 else f"{loads[0].dump_date} .. {loads[-1].dump_date}"
    return (
        f"dt={shown}: {sum(len(x.files) for x in loads)} files, {sum(x.lines_total for x in loads):,} lines, "
        f"{sum(x.accepted_total for x in loads):,} accepted, {sum(x.rejected_total for x in loads):,} rejected"
    )


def build_ingest_asset(source: Source):
    @multi_asset(
        name=f"ingest_{source.name}",
        specs=[
            AssetSpec(
                table_key(table),
                group_name="ingest",
                kinds={"duckdb"},
                description=(
                    f"raw.{table.name}: the accepted `{source.name}` records of each dump day, with "
                    "provenance; bad lines go to raw.rejected_records. Re-running a day replaces it."
                ),
            )
            for table in source.tables
        ],
        partitions_def=dump_date_partitions,
        backfill_policy=single_run_backfill,
        check_specs=check_specs_for(source),
    )
    def _ingest(context: AssetExecutionContext, duckdb: DuckDBResource, analytics: AnalyticsSettings):
        settings = analytics.get()
        dump = DumpDirectory.scan(settings.raw_dir)
        loads = []
        with duckdb.get_connection() as conn:
            # the run's days, and any day a failed run did not get to load (core/pending_work.py)
            owed = set(pending_work.owed_ingest_days(conn, source.name)) - set(partition_days(context))
            if owed:
                context.log.info(
                    f"{source.name}: also loading {len(owed)} dump days an earlier run did not "
                    f"finish: {', '.join(str(d) for d in sorted(owed)[:10])}"
                )
            days = [(day, dump.day_files(source.name, day)) for day in sorted(set(partition_days(context)) | owed)]
            progress = Progress(context.log, f"{source.name}, dump days", len(days), every=0)
            for batch in batches(days):
                try:
                    batch_loads = load_days(
                        conn, settings.raw_dir, source, batch, read_limits(settings), settings.work_warehouse.parent
                    )
                except IngestFileError as exc:
                    raise Failure(description=blocked_by(exc, batch, set(partition_days(context)))) from None
                progress.step(summarize(batch_loads), count=len(batch_loads))
                loads.extend(batch_loads)
            checks = evaluate_checks(conn, source, loads, settings)
        for table in source.tables:
            yield MaterializeResult(asset_key=table_key(table), metadata=ingest_metadata(table, loads))
        yield from checks

    return _ingest


ingest_assets = [build_ingest_asset(source) for source in SOURCES.values()]

# Written by every ingest asset alongside its tables: which files each dump day held, and which
# keys a re-delivered day no longer carries.
ingest_log = AssetSpec(
    AssetKey(["raw", "ingested_files"]),
    group_name="ingest",
    deps=[table_key(t) for s in SOURCES.values() for t in s.tables],
    description="raw.ingested_files: one row per ingested file (empty ones too), and raw.withdrawn_records: keys "
    "a re-delivered or removed dump day no longer carries. Written by every ingest asset.",
)


@asset(
    key=AssetKey(["raw", "ignored_files"]),
    group_name="ingest",
    kinds={"duckdb"},
    check_specs=[
        AssetCheckSpec(
            "no_ignored_files",
            asset=AssetKey(["raw", "ignored_files"]),
            description="Warns when the dump directory holds files that are not ingested",
        )
    ],
    description="raw.ignored_files: every file under the dump directory that is not a dump file, with the reason "
    "(SPEC §2.5). Rewritten from a scan of the whole directory by every run.",
)
def ignored_files(context: AssetExecutionContext, duckdb: DuckDBResource, analytics: AnalyticsSettings):
    settings = analytics.get()
    ignored = DumpDirectory.scan(settings.raw_dir).ignored
    rows = [(i.path, i.reason, REASONS[i.reason]) for i in ignored]
    with duckdb.get_connection() as conn:
        conn.execute("create schema if not exists raw")
        # a file ignored by an earlier run was warned about then: a run warns about new ones only
        known = set()
        if conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'ignored_files'"
        ).fetchone()[0]:
            known = set(conn.execute("select path, reason from raw.ignored_files").fetchall())
        conn.execute("""create or replace table raw.ignored_files
                        (path varchar not null, reason varchar not null, explanation varchar not null)""")
        if rows:
            conn.executemany("insert into raw.ignored_files values (?, ?, ?)", rows)
    new = [(path, reason) for path, reason, _ in rows if (path, reason) not in known]
    for path, reason in new:
        context.log.warning(f"ignored {path}: {reason} ({REASONS[reason]})")
    if len(new) < len(rows):
        context.log.info(f"{len(rows) - len(new)} files ignored as in earlier runs (raw.ignored_files lists them)")
    by_reason: dict[str, int] = {}
    for _, reason, _ in rows:
        by_reason[reason] = by_reason.get(reason, 0) + 1
    metadata = {
        "ignored_files": len(rows),
        "by_reason": MetadataValue.json(by_reason),
        "paths": MetadataValue.json([p for p, _, _ in rows[:100]]),
    }
    yield MaterializeResult(metadata=metadata)
    yield AssetCheckResult(check_name="no_ignored_files", passed=not rows, severity=AssetCheckSeverity.WARN, metadata=metadata)
