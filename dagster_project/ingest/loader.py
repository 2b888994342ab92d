"""Load dump days of one source into the raw tables, atomically and idempotently (SPEC §2).

Every file is first copied line by line to a plain file of the run's own (bounded: a line over
16 MiB becomes a marker, and a file's size and its lines that are not JSON objects have limits),
then read by DuckDB's CSV reader as one text column and validated in SQL; then, in one
transaction, each day's earlier load is replaced by the accepted lines (raw.<table>) and the
rejected ones (raw.rejected_records). Days are loaded in batches (`batches`): a statement costs
milliseconds to plan whatever its input, so a backfill of 64 small days paid 14 s in fixed costs
when it loaded them one by one. A file that cannot be read as a whole fails its batch before
anything of the batch is written.

Keys that the day's earlier load carried and the new one does not are recorded in
raw.withdrawn_records, so that dbt re-decides them (an older dump's version counts again, or the
key disappears) and recomputes the days they were on (SPEC §2.5).
"""

from __future__ import annotations

import datetime as dt
import gzip
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..core import pending_work
from ..core.atomic import TEMP_PREFIX
from ..core.errors import first_line
from ..core.failpoints import failpoint
from ..core.sources import DayLoad, Source, Table
from ..core.sql import rollback
from .validation import (
    LINE_TOO_LONG_MARKER,
    MAX_LINE_BYTES,
    extract_values,
    reason_expression,
    record_day_expression,
    value_of,
)

PROVENANCE_COLUMNS = """
    dump_date date not null,
    file varchar not null,
    line_number bigint not null,
    ingested_at timestamp not null
"""

# one column per line: a delimiter and quote that never split a JSON line
LINE_READER = (
    "read_csv({path}, columns={{'raw_line': 'VARCHAR'}}, header=false, auto_detect=false, "
    f"delim=chr(1), quote='', escape='', compression='auto', max_line_size={MAX_LINE_BYTES})"
)
# what a rejected record keeps of a line too long to parse
TOO_LONG_PREFIX_BYTES = 4096
# the folders a run copies dump files through (removed by the next run if a kill leaves one)
SCRATCH_PREFIX = f"{TEMP_PREFIX}ingest-"


# how much dump data one batch reads (bytes on disk, a gzip file counted at its usual ratio): enough
# to make the fixed costs vanish, small enough that the batch's lines stay well inside the memory limit
BATCH_BYTES = 256 * 2**20
GZIP_RATIO = 8


class IngestFileError(RuntimeError):
    """A dump file that cannot be read as a whole (truncated gzip, not UTF-8, unreadable)."""


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
    conn.execute("""
        create table if not exists raw.withdrawn_records (
            raw_table varchar not null,
            dump_date date not null,
            record_key varchar not null,
            record_day date,
            record json,
            withdrawn_at timestamp not null
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


def batches(days: list[tuple[dt.date, list[Path]]], budget: int = BATCH_BYTES) -> list[list[tuple[dt.date, list[Path]]]]:
    """Consecutive days grouped so that each group reads about `budget` bytes (a day never split)."""
    out: list[list[tuple[dt.date, list[Path]]]] = []
    size = budget
    for day, files in days:
        day_size = sum(_file_size(p) for p in files)
        if not out or size + day_size > budget:
            out.append([])
            size = 0
        out[-1].append((day, files))
        size += day_size
    return out


def _file_size(path: Path) -> int:
    try:
        size = path.lstat().st_size
    except OSError:
        return 0  # gone since the scan: reading it names it
    return size * GZIP_RATIO if path.name.endswith(".gz") else size


def table_for_file(source: Source, path: Path) -> Table | None:
    if len(source.tables) == 1:
        return source.tables[0]
    stem = path.name.split(".")[0]
    return next((t for t in source.tables if t.file_stem == stem), None)


@dataclass(frozen=True)
class ReadLimits:
    """How much one dump file may make a run read: its size once decompressed, and its lines that
    are not JSON objects (a gzip of newlines is a few KB that would make millions of rows)."""

    max_bytes: int = 8 * 2**30
    max_bad_lines: int = 100_000


def bounded_copy(path: Path, out: Path, limits: ReadLimits = ReadLimits()) -> int:
    """Copy `path` (gzip or not) to plain `out` line by line, holding at most one line's first
    MAX_LINE_BYTES in memory. A line over MAX_LINE_BYTES becomes a marker with its size and first
    bytes, so that line numbers stay and the line is a `line_too_long` rejection whatever its size
    and place in the file. Past a limit the copy stops with an IngestFileError that says which.
    Returns how many lines were marked."""
    opener = gzip.open if path.name.endswith(".gz") else open
    marked = bad = read = 0
    with opener(path, "rb") as src, open(out, "wb") as dst:
        while line := src.readline(MAX_LINE_BYTES + 1):
            read += len(line)
            if len(line.rstrip(b"\r\n")) <= MAX_LINE_BYTES:
                if not line.lstrip().startswith(b"{"):
                    bad += 1
                    if bad > limits.max_bad_lines:
                        raise IngestFileError(
                            f"more than {limits.max_bad_lines:,} of its lines are not JSON objects "
                            "(blank lines included): not a dump file? (ANALYTICS_MAX_BAD_LINES)"
                        )
                dst.write(line)
            else:
                size, prefix = len(line), line[:TOO_LONG_PREFIX_BYTES]
                while not line.endswith(b"\n") and (line := src.readline(MAX_LINE_BYTES)):
                    size += len(line)
                    read += len(line)
                    _check_size(read, limits)
                size -= 1 if line.endswith(b"\n") else 0
                text = prefix.decode("utf-8", errors="ignore").replace("\n", "").replace("\r", "")
                dst.write(f"{LINE_TOO_LONG_MARKER}{size}:{text}\n".encode())
                marked += 1
            _check_size(read, limits)
    return marked


def _check_size(read: int, limits: ReadLimits) -> None:
    if read > limits.max_bytes:
        raise IngestFileError(f"it holds more than {limits.max_bytes:,} bytes once decompressed (ANALYTICS_MAX_FILE_BYTES)")


def _read_file(conn: duckdb.DuckDBPyConnection, table: Table, day: dt.date, rel: str, order: int, path: Path) -> None:
    # row_number() over a single-file, order-preserving scan numbers the lines from 1
    conn.execute(
        f"""
        insert into day_lines
        select ?, ?, ?, ?, row_number() over (), raw_line
        from {LINE_READER.format(path="?")}""",
        [day, table.name, rel, order, str(path)],
    )


def _stage_lines(
    conn: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    source: Source,
    days: list[tuple[dt.date, list[Path]]],
    limits: ReadLimits,
    scratch: Path,
) -> None:
    """Read every file of every day into temp table `day_lines`; raise IngestFileError naming a bad file."""
    conn.execute("""create or replace temp table day_lines (dump_date date, raw_table varchar, file varchar,
                                                            file_order int, line_number bigint, raw_line varchar)""")
    for day, files in days:
        for order, path in enumerate(files):
            _stage_file(conn, raw_dir, source, day, order, path, limits, scratch)


def _stage_file(
    conn: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    source: Source,
    day: dt.date,
    order: int,
    path: Path,
    limits: ReadLimits,
    scratch: Path,
) -> None:
    """One dump file into day_lines, through a bounded copy under a name of ours: DuckDB's reader
    takes a path as a pattern (`*`, `?`, `[ab]`), and a dump file's name must never be one."""
    rel = path.relative_to(raw_dir).as_posix()
    table = table_for_file(source, path)
    if path.is_symlink():  # replaced by a link since the scan: still never followed (SPEC §2.5)
        raise IngestFileError(f"cannot read dump file {rel}: it became a symbolic link during the run")
    copy = scratch / f"{day}-{order}.jsonl"
    try:
        bounded_copy(path, copy, limits)
        _read_file(conn, table, day, rel, order, copy)
    except IngestFileError as exc:
        raise IngestFileError(f"cannot read dump file {rel}: {exc}") from None
    except (duckdb.Error, OSError, EOFError, zlib.error) as exc:
        reason = first_line(str(exc).replace(str(copy), rel)) or type(exc).__name__
        raise IngestFileError(f"cannot read dump file {rel}: {reason}") from exc
    finally:
        copy.unlink(missing_ok=True)


def _checked_sql(table: Table) -> str:
    return f"""
        with parsed as (
            select *, case when not starts_with(raw_line, '{LINE_TOO_LONG_MARKER}') then try(raw_line::json) end as j
            from day_lines where raw_table = '{table.name}'
        ),
        extracted as (
            select *, {extract_values(table)} as v
            from parsed
        ),
        typed as (
            select *,
                   json_extract_string({value_of(table, "event_type")}, '$') as event_type,
                   json_extract_string({value_of(table, "actor.type")}, '$') as actor_type,
                   {record_day_expression(table)} as record_day
            from extracted
        )
        select *, {reason_expression(table)} as reason, {table.key} as record_key
        from typed"""


def load_day(conn: duckdb.DuckDBPyConnection, raw_dir: Path, source: Source, dump_date: dt.date, files: list[Path]) -> DayLoad:
    """Replace `dump_date`'s rows of `source` in the raw tables with what `files` (the day's dump
    files, in name order; none when the folder is gone) hold now."""
    return load_days(conn, raw_dir, source, [(dump_date, files)])[0]


# the rows of a load's dump dates, in a statement's parameter
IN_BATCH = "dump_date in (select unnest(?::date[]))"


def load_days(
    conn: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    source: Source,
    days: list[tuple[dt.date, list[Path]]],
    limits: ReadLimits = ReadLimits(),
    scratch_dir: Path | None = None,
) -> list[DayLoad]:
    """`load_day` for several days at once: one read, one validation pass and one transaction for
    all of them (a statement's fixed cost is paid per batch, not per day). A file that cannot be
    read fails the whole batch before anything is written. Files are copied one at a time
    through a folder of this call's own inside `scratch_dir` (the working warehouse's folder in a
    run: run_control.remove_leftover_scratch removes what a killed run left there)."""
    ensure_raw_schema(conn, source)
    pending_work.ensure_ledger(conn)
    loads = {day: DayLoad(source.name, day, [p.relative_to(raw_dir).as_posix() for p in files]) for day, files in days}
    day_list = list(loads)
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=scratch_dir) as scratch:
        _stage_lines(conn, raw_dir, source, days, limits, Path(scratch))
    for table in source.tables:
        conn.execute(f"create or replace temp table checked_{table.name} as {_checked_sql(table)}")
    conn.execute("begin transaction")
    try:
        conn.execute(f"delete from raw.rejected_records where source = ? and {IN_BATCH}", [source.name, day_list])
        conn.execute(f"delete from raw.ingested_files where source = ? and {IN_BATCH}", [source.name, day_list])
        for table in source.tables:
            _replace_days(conn, source, table, day_list)
            _count_lines(conn, table, loads)
        _record_files_without_lines(conn, raw_dir, source, loads)
        pending_work.mark_ingested(conn, source.name, day_list)  # owed until this commits
        failpoint("ingest")
        conn.execute("commit")
    except Exception:
        rollback(conn)  # a failed rollback must not hide why the transaction failed
        raise
    return list(loads.values())


def _replace_days(conn: duckdb.DuckDBPyConnection, source: Source, table: Table, day_list: list[dt.date]) -> None:
    """The dump dates' rows of one raw table replaced by the checked lines: accepted records into
    the table, rejected ones (with their reasons) into raw.rejected_records, and each file's counts
    into raw.ingested_files. A delivered record that a redelivery no longer holds is kept in
    raw.withdrawn_records (snapshots are rebuilt whole; deliveries are re-decided per key)."""
    checked = f"checked_{table.name}"
    if table.record_time:
        conn.execute(
            f"""
            insert into raw.withdrawn_records
            select '{table.name}', dump_date, record_key, record_day, record, current_localtimestamp()
            from raw.{table.name} as old
            where {IN_BATCH}
                and not exists (select 1 from {checked} as new
                                where new.reason is null and new.dump_date = old.dump_date
                                  and new.record_key = old.record_key)
                and not exists (select 1 from raw.withdrawn_records as w
                                where w.raw_table = '{table.name}' and w.dump_date = old.dump_date
                                  and w.record_key = old.record_key
                                  and w.record_day is not distinct from old.record_day)""",
            [day_list],
        )
    conn.execute(f"delete from raw.{table.name} where {IN_BATCH}", [day_list])
    conn.execute(f"""
        insert into raw.{table.name}
        select dump_date, file, line_number, current_localtimestamp(), record_key, record_day, j
        from {checked} where reason is null
        order by dump_date, file_order, line_number""")
    conn.execute(
        f"""
        insert into raw.rejected_records
        select ?, dump_date, file, line_number, current_localtimestamp(),
               case when starts_with(raw_line, '{LINE_TOO_LONG_MARKER}')
                    then substr(raw_line, strpos(substr(raw_line, {len(LINE_TOO_LONG_MARKER) + 1}), ':')
                                          + {len(LINE_TOO_LONG_MARKER) + 1})
                    else raw_line end,
               reason, split_part(reason, ':', 1)
        from {checked} where reason is not null
        order by dump_date, file_order, line_number""",
        [source.name],
    )
    conn.execute(
        f"""
        insert into raw.ingested_files
        select ?, ?, dump_date, file, 0, current_localtimestamp(),
               count(*), count(*) filter (reason is null), count(*) filter (reason is not null)
        from {checked} group by dump_date, file""",
        [source.name, table.name],
    )


def _count_lines(conn: duckdb.DuckDBPyConnection, table: Table, loads: dict[dt.date, DayLoad]) -> None:
    """Each day's lines of the table, accepted and rejected per reason, into its DayLoad."""
    for load in loads.values():
        load.lines[table.name] = load.accepted[table.name] = 0
        load.rejected[table.name] = {}
    for day, reason, n in conn.execute(f"select dump_date, reason, count(*) from checked_{table.name} group by all").fetchall():
        load = loads[day]
        load.lines[table.name] += n
        if reason is None:
            load.accepted[table.name] += n
        else:
            load.rejected[table.name][reason] = n


def _record_files_without_lines(
    conn: duckdb.DuckDBPyConnection, raw_dir: Path, source: Source, loads: dict[dt.date, DayLoad]
) -> None:
    """Files with no line at all still count as delivered (an empty snapshot is a snapshot)."""
    delivered = [(day, f, table_for_file(source, raw_dir / f).name) for day, load in loads.items() for f in load.files]
    conn.execute(
        """
        insert into raw.ingested_files
        select ?, raw_table, dump_date, file, 0, current_localtimestamp(), 0, 0, 0
        from (select unnest(?::date[]) as dump_date, unnest(?::varchar[]) as file,
                     unnest(?::varchar[]) as raw_table)
        where file not in (select file from day_lines)""",
        [source.name, [d for d, _, _ in delivered], [f for _, f, _ in delivered], [t for _, _, t in delivered]],
    )
