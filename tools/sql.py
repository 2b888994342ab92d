"""SQL on the published warehouse, read-only: `make sql Q="..."` or an interactive shell (`make sql`).

    python tools/sql.py "select * from marts.activity_daily order by date desc limit 5"
    python tools/sql.py                 # interactive: end a statement with `;`, quit with .quit or Ctrl-D
                                        # (a last statement without `;` runs at Ctrl-D; the exit code is 1
                                        # when any statement failed)
    python tools/sql.py --csv "select ..." > out.csv

No DuckDB command-line client on the registries reads a DuckDB 2.0 file; this is the project's own,
on the same DuckDB the pipeline writes with. Runs never block it (it opens the published copy).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
HELP = """Tables: marts.* (every mart), raw.rejected_records, raw.ignored_files, meta.publication.
  .tables            list tables with their descriptions
  .describe <table>  columns, types and descriptions
  .quit              leave
Quote the column "window": it is an SQL keyword."""


def warehouse_path() -> Path:
    value = os.environ.get("ANALYTICS_WAREHOUSE")
    return Path(value) if value else ROOT / "warehouse" / "analytics.duckdb"


def run(conn: duckdb.DuckDBPyConnection, sql: str, as_csv: bool = False) -> None:
    relation = conn.sql(sql)
    if relation is None:
        return
    if as_csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(relation.columns)
        writer.writerows(relation.fetchall())
    else:
        relation.show(max_rows=200, max_width=200)


def error_text(exc: duckdb.Error, sql: str) -> str:
    """DuckDB's whole message: its caret line, `Did you mean ...?` and `Candidate bindings` are the
    help; plus ours for the keyword every newcomer trips on."""
    text = str(exc).rstrip()
    if re.search(r"(?<![\w\"])window(?![\w\"])", sql, re.IGNORECASE) and "syntax error" in text.lower():
        text += '\nhint: window is an SQL keyword: write the column as "window"'
    return text


def dot_command(conn: duckdb.DuckDBPyConnection, line: str) -> bool:
    """Handle a .command; False to quit."""
    word, _, arg = line.strip().partition(" ")
    if word in (".quit", ".exit", ".q"):
        return False
    if word == ".tables":
        run(
            conn,
            "select schema_name || '.' || table_name as table_name, estimated_size as rows, comment "
            "from duckdb_tables() order by 1",
        )
    elif word == ".describe" and arg:
        schema, _, name = arg.strip().rpartition(".")
        relation = conn.sql(
            "select column_name, data_type, comment from duckdb_columns() where table_name = $name "
            "and schema_name = $schema order by column_index",
            params={"name": name, "schema": schema or "marts"},
        )
        relation.show(max_rows=200, max_width=200)
    else:
        print(HELP)
    return True


def interactive(conn: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Returns how many statements failed (the exit code says whether any did)."""
    try:
        import readline  # noqa: F401 - line editing and history
    except ImportError:
        pass
    print(f"{path} (read-only). .help for help.")
    buffer, failed = "", 0

    def execute(sql: str) -> None:
        nonlocal failed
        try:
            run(conn, sql)
        except duckdb.Error as exc:
            failed += 1
            print(f"error: {error_text(exc, sql)}", file=sys.stderr)

    while True:
        try:
            line = input("sql> " if not buffer else " ..> ")
        except EOFError:
            print()
            if buffer.strip():  # a last statement without `;`: run, as DuckDB's own shell does
                execute(buffer)
            return failed
        if not buffer and line.strip().startswith("."):
            if not dot_command(conn, line):
                return failed
            continue
        buffer += line + "\n"
        if buffer.strip().endswith(";"):
            execute(buffer)
            buffer = ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", nargs="?", help="one statement; without it, an interactive shell")
    parser.add_argument("--csv", action="store_true", help="print the result as CSV")
    args = parser.parse_args(argv)
    path = warehouse_path()
    if not path.exists():
        print(f"error: no published warehouse at {path}: run `make run` first", file=sys.stderr)
        return 2
    with duckdb.connect(str(path), read_only=True) as conn:
        if not args.query:
            return 1 if interactive(conn, path) else 0
        if args.query.strip().startswith("."):
            dot_command(conn, args.query)
            return 0
        try:
            run(conn, args.query, args.csv)
        except duckdb.Error as exc:
            print(f"error: {error_text(exc, args.query)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
