"""dbt on Spark (ANALYTICS_ENGINE=spark, `make run-spark`): the same models, on a Spark cluster
reached through its Thrift server (tools/spark_cluster.py starts one; docs/spark.md).

Ingest stays on DuckDB: it is one pass per dump date whose work (parsing, validating, rejecting
with a reason) is the same at any scale, and it already holds every accepted record with its
provenance. What Spark needs from it is the raw tables, so a run writes its own dump dates as
Parquet partitions (raw/<table>/dump_date=<date>/, each replaced whole, the others untouched) and
the dump window as one Parquet file; the dbt project registers a view over each
(macros/raw_sources.sql) and dbt-spark builds the models incrementally, replacing the partitions
the dump window affects (macros/replace_partitions.sql), as a DuckDB run does.

The marts a run changed then come back to the working DuckDB file by their changed partitions
(the Parquet files Spark wrote differ from those before the run), with their YAML descriptions as
comments, and the exports and the publish that follow are the ones a DuckDB run uses: the files and
the published warehouse are in the same formats whichever engine computed them (SPEC §5).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import duckdb

from ..core.atomic import write_bytes_atomic
from ..core.sql import sql_literal
from ..settings import SPARK_VENV, Settings

# The schemas whose Spark tables the exports and the publish read.
RESULT_SCHEMAS = ("marts", "meta")


def spark_paths(settings: Settings) -> dict[str, Path]:
    root = settings.spark_dir
    return {"raw": root / "raw", "control": root / "control", "warehouse": root / "warehouse"}


def thrift_unreachable(settings: Settings) -> str | None:
    """One line naming the Thrift server a Spark run cannot reach, or None when it answers."""
    try:
        with socket.create_connection((settings.spark_host, settings.spark_port), timeout=3):
            return None
    except OSError as error:
        return (
            f"no Spark Thrift server answers on {settings.spark_host}:{settings.spark_port} ({error.strerror or error}): "
            "start the cluster with `make spark-up`, or set ANALYTICS_SPARK_HOST and ANALYTICS_SPARK_PORT to yours"
        )


# A raw table with no dump yet still needs a file that carries its columns (Spark infers a
# folder's schema from its files): an empty partition dated before any dump.
PLACEHOLDER_PARTITION = "dump_date=0001-01-01"


def _partitions(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("dump_date=*") if p.is_dir()} if folder.is_dir() else set()


def write_raw_partitions(conn: duckdb.DuckDBPyConnection, raw_dir: Path, windows: list[tuple]) -> dict[str, int]:
    """The run's dump dates of every raw table as Parquet partitions under `raw_dir`/<table>: each
    written aside, then swapped in whole (a date whose rows are gone, a removed folder, loses its
    partition). `windows` empty: every dump date. A date that the working file holds and the folder
    lacks (the first Spark run, or a partition lost) is written too. Returns rows written per table."""
    counts = {}
    tables = [
        t
        for (t,) in conn.execute("""
        select table_name from duckdb_tables()
        where database_name = current_database() and schema_name = 'raw' order by table_name""").fetchall()
    ]
    for table in tables:
        columns = conn.execute(
            """
            select column_name, data_type from duckdb_columns()
            where database_name = current_database() and schema_name = 'raw' and table_name = ?
            order by column_index""",
            [table],
        ).fetchall()
        # JSON is text to Spark (it parses it with get_json_object, as DuckDB does)
        select = ", ".join(f'cast("{name}" as varchar) as "{name}"' if kind == "JSON" else f'"{name}"' for name, kind in columns)
        target = raw_dir / table
        if "dump_date" not in {name for name, _ in columns}:  # a small table of the whole directory
            target.mkdir(parents=True, exist_ok=True)
            aside = target / ".data.parquet.writing"
            counts[table] = conn.execute(
                f'copy (select {select} from raw."{table}") to {sql_literal(str(aside))} (format parquet)'
            ).fetchone()[0]
            aside.replace(target / "data.parquet")
            continue
        on_disk = _partitions(target) - {PLACEHOLDER_PARTITION}
        held = {f"dump_date={d}" for (d,) in conn.execute(f'select distinct dump_date from raw."{table}"').fetchall()}
        if windows and all(start and end for start, end in windows):
            in_window = " or ".join(f"dump_date between '{start}' and '{end}'" for start, end in windows)
            ran = {
                f"dump_date={d}"
                for (d,) in conn.execute(f'select distinct dump_date from raw."{table}" where {in_window}').fetchall()
            }
            ran |= {p for p in on_disk if any(str(start) <= p.split("=", 1)[1] <= str(end) for start, end in windows)}
            dates = ran | (held - on_disk)
        else:
            dates = held | on_disk
        staging = raw_dir / f".writing-{table}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        written = [p.split("=", 1)[1] for p in sorted(dates & held)]
        counts[table] = 0
        if written:
            listed = ", ".join(f"'{d}'" for d in written)
            counts[table] = conn.execute(
                f'copy (select {select} from raw."{table}" where dump_date in ({listed})) to {sql_literal(str(staging))} '
                "(format parquet, partition_by (dump_date), overwrite_or_ignore)"
            ).fetchone()[0]
        target.mkdir(parents=True, exist_ok=True)
        for partition in sorted(dates):
            _swap_in(staging / partition, target / partition)
        if not (target / PLACEHOLDER_PARTITION).is_dir():
            placeholder = staging / PLACEHOLDER_PARTITION
            placeholder.mkdir(parents=True, exist_ok=True)
            without_date = ", ".join(
                f'"{n}"' if k != "JSON" else f'cast("{n}" as varchar) as "{n}"' for n, k in columns if n != "dump_date"
            )
            empty_file = sql_literal(str(placeholder / "empty.parquet"))
            conn.execute(f'copy (select {without_date} from raw."{table}" limit 0) to {empty_file} (format parquet)')
            _swap_in(placeholder, target / PLACEHOLDER_PARTITION)
        shutil.rmtree(staging, ignore_errors=True)
    return counts


def _swap_in(new: Path, old: Path) -> None:
    """Replace folder `old` by `new` (or remove it when `new` does not exist). A kill between the
    two renames leaves the partition missing, which the next run writes again (write_raw_partitions)."""
    aside = old.with_name(f".old-{old.name}")
    shutil.rmtree(aside, ignore_errors=True)
    if old.exists():
        old.rename(aside)
    if new.exists():
        new.rename(old)
    shutil.rmtree(aside, ignore_errors=True)


def write_dump_window(conn: duckdb.DuckDBPyConnection, control_dir: Path) -> None:
    """control.dump_window as one Parquet file (macros/raw_sources.sql makes it Spark's view)."""
    folder = control_dir / "dump_window"
    folder.mkdir(parents=True, exist_ok=True)
    aside = folder / ".data.parquet.writing"
    conn.execute(f"copy (select dump_start, dump_end from control.dump_window) to {sql_literal(str(aside))} (format parquet)")
    aside.replace(folder / "data.parquet")


def model_docs(manifest_path: Path) -> dict[tuple[str, str], dict]:
    """(schema, table) -> {"description", "columns": {name: description}} of every model."""
    manifest = json.loads(manifest_path.read_text())
    docs = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["schema"] in RESULT_SCHEMAS:
            docs[(node["schema"], node["alias"])] = {
                "description": node.get("description") or "",
                "columns": {name: c.get("description") or "" for name, c in node.get("columns", {}).items()},
            }
    return docs


# Which build a working file and a Spark warehouse share: a token each full build writes into both.
# A working file and a Spark warehouse that disagree (a new or restored working file, a Spark
# directory reset or shared with another deployment, a full build that died half-way) get a full build.
LINEAGE_TABLE = "control.spark_lineage"


def lineage_file(settings: Settings) -> Path:
    return spark_paths(settings)["warehouse"] / ".analytics-lineage"


def create_lineage_table(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(f"create schema if not exists {LINEAGE_TABLE.split('.')[0]}")
    conn.execute(f"create table if not exists {LINEAGE_TABLE} (token varchar not null)")


def in_step(conn: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Whether the working file and the Spark warehouse hold the same build."""
    create_lineage_table(conn)
    held = conn.execute(f"select max(token) from {LINEAGE_TABLE}").fetchone()[0]
    try:
        return held is not None and lineage_file(settings).read_text().strip() == held
    except FileNotFoundError:
        return False


def forget_lineage(settings: Settings) -> None:
    """Before a full build: until it completes, the Spark warehouse matches no working file."""
    lineage_file(settings).unlink(missing_ok=True)


def record_lineage(conn: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """After a full build's results are in the working file: both name the same new build."""
    token = uuid.uuid4().hex
    create_lineage_table(conn)  # a first build never asked in_step: it had nothing to compare
    conn.execute(f"delete from {LINEAGE_TABLE}")
    conn.execute(f"insert into {LINEAGE_TABLE} values (?)", [token])
    lineage_file(settings).parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(lineage_file(settings), f"{token}\n".encode())


def table_files(folder: Path) -> dict[str, frozenset[str]]:
    """A Spark table's Parquet files by partition folder ("" for an unpartitioned table). Spark
    writes new file names whenever it writes a partition, so two listings tell what a run changed."""
    if not folder.is_dir():
        return {}
    listing: dict[str, set[str]] = {}
    for file in folder.rglob("*.parquet"):
        relative = file.relative_to(folder)
        if any(part.startswith((".", "_")) for part in relative.parts):
            continue
        listing.setdefault(str(relative.parent) if relative.parent != Path(".") else "", set()).add(relative.name)
    return {partition: frozenset(files) for partition, files in listing.items()}


def result_files(settings: Settings, manifest_path: Path) -> dict[tuple[str, str], dict[str, frozenset[str]]]:
    warehouse = spark_paths(settings)["warehouse"]
    return {key: table_files(warehouse / f"{key[0]}.db" / key[1]) for key in model_docs(manifest_path)}


def ordered_columns(conn: duckdb.DuckDBPyConnection, source: str, documented: list[str]) -> str:
    """The columns in the model's documented order (Spark puts a table's partition column last),
    Spark's wide integers (DECIMAL(38,0), having no 128-bit integer) as the HUGEINT the DuckDB build
    has, so that both engines publish the same tables."""
    described = {name: kind for name, kind, *_ in conn.execute(f"describe select * from {source}").fetchall()}
    order = [c for c in documented if c in described] + [c for c in described if c not in documented]
    return ", ".join(f'cast("{c}" as hugeint) as "{c}"' if described[c] == "DECIMAL(38,0)" else f'"{c}"' for c in order)


def load_spark_results(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    manifest_path: Path,
    before: dict[tuple[str, str], dict[str, frozenset[str]]],
    whole: bool = False,
) -> dict[str, int]:
    """Bring what Spark changed into the working warehouse's marts (and meta), in one transaction:
    the exports see all of Spark's results or none. A partitioned table whose partitions Spark
    replaced gets those partitions' rows again; a new or unpartitioned table, and every table
    after a full build (`whole`), is copied whole."""
    warehouse = spark_paths(settings)["warehouse"]
    after = result_files(settings, manifest_path)
    counts = {}
    conn.execute("begin")
    try:
        for (schema, table), docs in sorted(model_docs(manifest_path).items()):
            folder = warehouse / f"{schema}.db" / table
            files = after[(schema, table)]
            if not folder.is_dir():
                raise RuntimeError(f"Spark built no table {schema}.{table} (no folder {folder})")
            old = before.get((schema, table), {})
            exists = conn.execute(
                "select 1 from duckdb_tables() where database_name = current_database() and schema_name = ? and table_name = ?",
                [schema, table],
            ).fetchone()
            partitioned = all("=" in p for p in files) and all("=" in p for p in old) and bool(old)
            if exists and partitioned and not whole:
                counts[f"{schema}.{table}"] = _load_changed_partitions(conn, schema, table, folder, old, files)
                continue
            conn.execute(f"create schema if not exists {schema}")
            if not files:  # an empty table: Spark writes no file that would carry its columns
                if not exists:
                    described = spark_columns(settings, f"{schema}.{table}")
                    order = [c for c in docs["columns"] if c in described] + [c for c in described if c not in docs["columns"]]
                    columns = ", ".join(f'"{c}" {described[c]}' for c in order)
                    conn.execute(f'create table {schema}."{table}" ({columns})')
                    _comment(conn, schema, table, docs)
                conn.execute(f'delete from {schema}."{table}"')
                counts[f"{schema}.{table}"] = 0
                continue
            source = f"read_parquet({sql_literal(str(folder / '**' / '*.parquet'))}, hive_partitioning = true)"
            columns = ordered_columns(conn, source, list(docs["columns"]))
            conn.execute(f'create or replace table {schema}."{table}" as select {columns} from {source}')
            _comment(conn, schema, table, docs)
            counts[f"{schema}.{table}"] = conn.execute(f'select count(*) from {schema}."{table}"').fetchone()[0]
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return counts


# Spark's column types as DuckDB's (DECIMAL(38,0) is Spark's wide integer: HUGEINT in a DuckDB build)
SPARK_TYPES = {
    "string": "varchar",
    "int": "integer",
    "bigint": "bigint",
    "double": "double",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "decimal(38,0)": "hugeint",
    "float": "float",
    "smallint": "smallint",
}


def spark_columns(settings: Settings, relation: str) -> dict[str, str]:
    """A Spark table's columns and their DuckDB types, asked of the Thrift server (dbt-spark's
    client lives in the Spark virtualenv, so in a process of its own)."""
    script = (
        "import json, sys\n"
        "from pyhive import hive\n"
        "cursor = hive.connect(host=sys.argv[1], port=int(sys.argv[2]), username='analytics').cursor()\n"
        "cursor.execute('describe table ' + sys.argv[3])\n"
        "print(json.dumps([row[:2] for row in cursor.fetchall()]))\n"
    )
    answer = subprocess.run(
        [str(SPARK_VENV / "bin" / "python"), "-c", script, settings.spark_host, str(settings.spark_port), relation],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    columns = {}
    for name, kind in json.loads(answer.stdout):
        if not name or name.startswith("#"):  # "# Partition Information" repeats the partition column
            break
        columns[name] = SPARK_TYPES.get(kind.lower(), kind)
    return columns


def _load_changed_partitions(conn, schema: str, table: str, folder: Path, old: dict, new: dict) -> int:
    changed = sorted(p for p in set(old) | set(new) if old.get(p) != new.get(p))
    if not changed:
        return 0
    column = changed[0].split("=", 1)[0]
    values = ", ".join(sql_literal(p.split("=", 1)[1]) for p in changed)
    conn.execute(f'delete from {schema}."{table}" where "{column}" in ({values})')
    paths = [str(folder / p / f) for p in changed if p in new for f in sorted(new[p])]
    if not paths:
        return 0
    source = f"read_parquet([{', '.join(sql_literal(x) for x in paths)}], hive_partitioning = true)"
    existing = [d[0] for d in conn.execute(f'select * from {schema}."{table}" limit 0').description]
    # the insert says how many rows it wrote: no second read of the files to count them
    inserted = conn.execute(
        f'insert into {schema}."{table}" by name select {ordered_columns(conn, source, existing)} from {source}'
    )
    return inserted.fetchone()[0]


def _comment(conn, schema: str, table: str, docs: dict) -> None:
    conn.execute(f'comment on table {schema}."{table}" is {sql_literal(docs["description"])}')
    existing = {
        c
        for (c,) in conn.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }
    for column, text in docs["columns"].items():
        if column in existing and text:
            conn.execute(f'comment on column {schema}."{table}"."{column}" is {sql_literal(text)}')
