"""What the quality checks look at: per dump day and raw table, counts of rows breaking each
expectation, computed by DuckDB in one pass over the loaded rows (no row travels to Python)."""

from __future__ import annotations

from ..core.sources import Field, Table
from ..core.sql import sql_literal


def checked_fields(table: Table) -> list[Field]:
    """Fields every accepted record has (conditional ones are checked by the loader only)."""
    seen, fields = set(), []
    for f in table.fields:
        if f.when is None and f.kind != "costs" and f.path not in seen:
            seen.add(f.path)
            fields.append(f)
    return fields


def column_name(f: Field) -> str:
    return f.path.replace(".", "__")


def violation_counts(table: Table) -> list[tuple[str, str]]:
    """(summary column, SQL count) of every expectation of the table's accepted rows."""
    counts = [("record_key__missing", "count(*) filter (where record_key is null)")]
    if table.record_time:
        counts.append(("record_day__missing", "count(*) filter (where record_day is null)"))
    for i, f in enumerate(checked_fields(table), start=1):
        value, name = f"vals[{i}]", column_name(f)
        if f.required:
            counts.append((f"{name}__missing", f"count(*) filter (where {value} is null)"))
        if f.kind == "enum":
            allowed = ", ".join(sql_literal(v) for v in f.values)
            counts.append((f"{name}__not_allowed", f"count(*) filter (where {value} not in ({allowed}))"))
        if f.kind in ("count", "money"):
            counts.append((f"{name}__negative", f"count(*) filter (where try_cast({value} as double) < 0)"))
        if f.kind == "timestamp":
            counts.append(
                (f"{name}__unparsed", f"count(*) filter (where {value} is not null and try_cast({value} as timestamptz) is null)")
            )
    return counts


def summary_sql(table: Table, days: int) -> str:
    """One row per loaded dump day: its row count and the count of each expectation's violations."""
    paths = ", ".join(f"'$.{f.path}'" for f in checked_fields(table))
    counts = ",\n           ".join(f"{sql} as {name}" for name, sql in violation_counts(table))
    placeholders = ", ".join("?" * days)
    return f"""
        select strftime(dump_date, '%Y-%m-%d') as dump_date, count(*) as rows,
           {counts}
        from (select dump_date, record_key, record_day, json_extract_string(record, [{paths}]) as vals
              from raw.{table.name} where dump_date in ({placeholders}))
        group by dump_date
        order by dump_date"""
