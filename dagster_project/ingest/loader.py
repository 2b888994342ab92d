"""Load one dump day of one source into the raw tables, atomically and idempotently (SPEC §2).

Every line of every file is read by DuckDB's CSV reader as one text column (no Python loop over
lines), validated in SQL, and then, in one transaction, the day's earlier load is replaced by the
accepted lines (raw.<table>) and the rejected ones (raw.rejected_records). A file that cannot be
read as a whole fails the day before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .sources import Source, Table
from .validation import extract_values, reason_expression, record_day_expression, value_of

PROVENANCE_COLUMNS = """
    dump_date date not null,
    file varchar not null,
    line_number bigint not null,
    ingested_at timestamp not null
"""

# one column per line: a delimiter and quote that never split a JSON line
LINE_READER = (
    "read_csv({path}, columns={{'raw_line': 'VARCHAR'}}, header=false, auto_detect=false, "
    "delim=chr(1), quote='', escape='', compression='auto', max_line_size=16777216)"
)


class IngestFileError(RuntimeError):
    """A dump file that cannot be read as a whole (truncated gzip, not UTF-8, unreadable)."""


@dataclass
class DayLoad:
    source: str
    dump_date: dt.date
    files: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # per raw table
    accepted: dict[str, int] = field(default_factory=dict)  # per raw table
    rejected: dict[str, dict[str, int]] = field(default_factory=dict)  # per raw table, per reason

    @property
    def lines_total(self) -> int:
        return sum(self.lines.values())

    @property
    def accepted_total(self) -> int:
        return sum(self.accepted.values())

    @property
    def rejected_total(self) -> int:
        return sum(n for reasons in self.rejected.values() for n in reasons.values())

    def rejections_by_reason(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for reasons in self.rejected.values():
            for reason, n in reasons.items():
                totals[reason] = totals.get(reason, 0) + n
        return totals

    def summary(self) -> str:
        return (f"{self.source} dt={self.dump_date}: {len(self.files)} files, {self.lines_total} lines, "
                f"{self.accepted_total} accepted, {self.rejected_total} rejected")


def ensure_raw_schema(conn: duckdb.DuckDBPyConnection, source: Source) -> None:
    conn.execute("create schema if not exists raw")
    for table in source.tables:
        conn.execute(f"""
            create table if not exists raw.{table.name} (
                {PROVENANCE_COLUMNS},
                record_key varchar not null,
                record_day date,
                record json not null
            )""")
    conn.execute(f"""
        create table if not exists raw.rejected_records (
            source varchar not null,
            {PROVENANCE_COLUMNS},
            raw_line varchar,
            reason varchar not null,
            reason_code varchar not null
        )""")
    conn.execute(f"""
        create table if not exists raw.ingested_files (
            source varchar not null,
            raw_table varchar not null,
            {PROVENANCE_COLUMNS},
            lines bigint not null,
            accepted bigint not null,
            rejected bigint not null
        )""")


def day_folder(raw_dir: Path, source: str, dump_date: dt.date) -> Path:
    return raw_dir / source / f"dt={dump_date.isoformat()}"


def list_day_files(raw_dir: Path, source: str, dump_date: dt.date) -> list[Path]:
    folder = day_folder(raw_dir, source, dump_date)
    if not folder.is_dir():
        return []
    # SPEC §2.5: within one dump, files are taken in name order
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith((".jsonl", ".jsonl.gz")))


def table_for_file(source: Source, path: Path) -> Table | None:
    if len(source.tables) == 1:
        return source.tables[0]
    stem = path.name.split(".")[0]
    return next((t for t in source.tables if t.file_stem == stem), None)


def _stage_lines(conn: duckdb.DuckDBPyConnection, raw_dir: Path, source: Source,
                 files: list[Path]) -> None:
    """Read every file into temp table `day_lines`; raise IngestFileError naming a bad file."""
    conn.execute("""create or replace temp table day_lines
                    (raw_table varchar, file varchar, file_order int, line_number bigint, raw_line varchar)""")
    for order, path in enumerate(files):
        rel = path.relative_to(raw_dir).as_posix()
        table = table_for_file(source, path)
        if table is None:
            raise IngestFileError(f"unexpected file {rel}: expected one of "
                                  f"{', '.join(t.file_stem + '.jsonl[.gz]' for t in source.tables)}")
        try:
            # row_number() over a single-file, order-preserving scan numbers the lines from 1
            conn.execute(f"""
                insert into day_lines
                select ?, ?, ?, row_number() over (), raw_line
                from {LINE_READER.format(path='?')}""", [table.name, rel, order, str(path)])
        except duckdb.Error as exc:
            first_line = str(exc).strip().splitlines()[0]
            raise IngestFileError(f"cannot read dump file {rel}: {first_line}") from exc


def _checked_sql(table: Table) -> str:
    return f"""
        with parsed as (
            select *, try(raw_line::json) as j
            from day_lines where raw_table = '{table.name}'
        ),
        extracted as (
            select *, {extract_values(table)} as v
            from parsed
        ),
        typed as (
            select *,
                   json_extract_string({value_of(table, 'event_type')}, '$') as event_type,
                   json_extract_string({value_of(table, 'actor.type')}, '$') as actor_type,
                   {record_day_expression(table)} as record_day,
                   ?::date as dump_date
            from extracted
        )
        select *, {reason_expression(table)} as reason
        from typed"""


def load_day(conn: duckdb.DuckDBPyConnection, raw_dir: Path, source: Source, dump_date: dt.date) -> DayLoad:
    """Replace `dump_date`'s rows of `source` in the raw tables with what its files hold now."""
    ensure_raw_schema(conn, source)
    files = list_day_files(raw_dir, source.name, dump_date)
    load = DayLoad(source.name, dump_date, [p.relative_to(raw_dir).as_posix() for p in files])
    _stage_lines(conn, raw_dir, source, files)
    for table in source.tables:
        conn.execute(f"create or replace temp table checked_{table.name} as {_checked_sql(table)}", [dump_date])

    conn.execute("begin transaction")
    try:
        conn.execute("delete from raw.rejected_records where source = ? and dump_date = ?", [source.name, dump_date])
        conn.execute("delete from raw.ingested_files where source = ? and dump_date = ?", [source.name, dump_date])
        for table in source.tables:
            checked = f"checked_{table.name}"
            conn.execute(f"delete from raw.{table.name} where dump_date = ?", [dump_date])
            conn.execute(f"""
                insert into raw.{table.name}
                select dump_date, file, line_number, current_localtimestamp(), {table.key}, record_day, j
                from {checked} where reason is null
                order by file_order, line_number""")
            conn.execute(f"""
                insert into raw.rejected_records
                select ?, dump_date, file, line_number, current_localtimestamp(), raw_line, reason,
                       split_part(reason, ':', 1)
                from {checked} where reason is not null
                order by file_order, line_number""", [source.name])
            conn.execute(f"""
                insert into raw.ingested_files
                select ?, ?, dump_date, file, ?, current_localtimestamp(),
                       count(*), count(*) filter (reason is null), count(*) filter (reason is not null)
                from {checked} group by dump_date, file""", [source.name, table.name, 0])
            counts = conn.execute(f"select reason, count(*) from {checked} group by 1 order by 1").fetchall()
            load.lines[table.name] = sum(n for _, n in counts)
            load.accepted[table.name] = sum(n for reason, n in counts if reason is None)
            load.rejected[table.name] = {reason: n for reason, n in counts if reason is not None}
        # files with no line at all still count as delivered (an empty snapshot is a snapshot)
        conn.execute("""
            insert into raw.ingested_files
            select ?, raw_table, ?, file, 0, current_localtimestamp(), 0, 0, 0
            from (select unnest(?::varchar[]) as file, unnest(?::varchar[]) as raw_table)
            where file not in (select file from day_lines)""",
                     [source.name, dump_date, load.files,
                      [table_for_file(source, raw_dir / f).name for f in load.files]])
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return load
