"""Asset checks of the ingest assets, evaluated right after each load (SPEC §2.5).

`expectations` runs the table's Great Expectations suite on per-day counts of the loaded rows
that break an expectation (counted by DuckDB, validated by GX in the quality worker);
`rejection_rate` makes every rejection visible in the run and warns when any one dump day
rejects more than the threshold (ANALYTICS_REJECTION_WARN_RATE): a bad day must not hide in the
average of a long backfill.
"""

from __future__ import annotations

import duckdb
from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, MetadataValue

from ..core.sources import DayLoad, Source, rejections_by_reason
from ..settings import Settings
from . import worker
from .summaries import summary_sql


def check_specs_for(source: Source) -> list[AssetCheckSpec]:
    specs = []
    for t in source.tables:
        key = AssetKey(["raw", t.name])
        specs.append(
            AssetCheckSpec("expectations", asset=key, description=f"Great Expectations suite raw_{t.name} on the loaded days")
        )
        specs.append(
            AssetCheckSpec("rejection_rate", asset=key, description="Share of lines rejected; warns above the configured rate")
        )
    return specs


def evaluate_checks(
    conn: duckdb.DuckDBPyConnection, source: Source, loads: list[DayLoad], settings: Settings
) -> list[AssetCheckResult]:
    results = []
    days = [load.dump_date for load in loads]
    for table in source.tables:
        key = AssetKey(["raw", table.name])
        cursor = conn.execute(summary_sql(table, len(days)), days) if days else None
        summaries = (
            [dict(zip([d[0] for d in cursor.description], row, strict=True)) for row in cursor.fetchall()] if cursor else []
        )
        failures = worker.validate(table.name, summaries)
        results.append(
            AssetCheckResult(
                asset_key=key,
                check_name="expectations",
                passed=not failures,
                severity=AssetCheckSeverity.ERROR,
                metadata={
                    "rows_validated": sum(s["rows"] for s in summaries),
                    "days_validated": len(summaries),
                    "failures": MetadataValue.json(failures),
                },
            )
        )

        results.append(rejection_rate_result(key, table.name, loads, settings.rejection_warn_rate))
    return results


def rejection_rate_result(key: AssetKey, table: str, loads: list[DayLoad], threshold: float) -> AssetCheckResult:
    """Passes when no dump day's share of rejected lines exceeds `threshold`."""
    reasons = rejections_by_reason(loads, table)
    days = []
    for load in loads:
        lines, rejected = load.lines.get(table, 0), load.rejected_in(table)
        days.append((str(load.dump_date), lines, rejected, rejected / lines if lines else 0.0))
    over = [d for d in days if d[3] > threshold]
    worst = max(days, key=lambda d: d[3], default=None)
    lines, rejected = sum(d[1] for d in days), sum(d[2] for d in days)
    return AssetCheckResult(
        asset_key=key,
        check_name="rejection_rate",
        passed=not over,
        severity=AssetCheckSeverity.WARN,
        description=(
            f"{len(over)} dump day(s) over {threshold:.2%} rejected, worst {worst[0]} at {worst[3]:.2%}" if over else None
        ),
        metadata={
            "lines": lines,
            "rejected": rejected,
            "rejection_rate": round(rejected / lines, 6) if lines else 0.0,
            "threshold": threshold,
            "worst_day": MetadataValue.text(f"{worst[0]}: {worst[2]} of {worst[1]} lines" if worst else "none"),
            "days_over_threshold": MetadataValue.json(
                [{"dump_date": d, "lines": n, "rejected": r, "rate": round(x, 6)} for d, n, r, x in over]
            ),
            "rejections_by_reason": MetadataValue.json(reasons),
        },
    )
