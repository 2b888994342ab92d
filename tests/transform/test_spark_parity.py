"""The same dbt project on the Spark cluster (`make test` starts one: tools/spark_cluster.py): after a
full build, a night, and a run over a re-delivered day and a removed folder, Spark publishes every mart
row, column type and export file of a DuckDB build from scratch of the same dump directory, and a
night rewrites only the partitions its dump date affects (raw data, facts and marts)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import SPARK_VENV
from tests.conftest import MEASUREMENTS, Warehouse, build, copy_first_days, dump_dates, exported_files
from tests.transform.test_redelivery import rewrite_without

pytestmark = [
    pytest.mark.skipif(
        not (SPARK_VENV / "bin" / "dbt").exists(), reason="no Spark venv: make spark-setup (make test installs it)"
    ),
    pytest.mark.skipif(not os.environ.get("ANALYTICS_TEST_SPARK"), reason="no test cluster: make test starts one"),
]

DAYS = 10


def tables(path) -> dict[str, list[tuple[str, str]]]:
    """schema.table -> [(column, type)] of a published warehouse's marts."""
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute("""
            select schema_name || '.' || table_name, column_name, data_type from duckdb_columns()
            where database_name = current_database() and schema_name = 'marts'
            order by schema_name, table_name, column_index""").fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(table, []).append((column, kind))
    return out


def sorted_rows(path, table: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return sorted(conn.execute(f"select * from {table}").fetchall(), key=repr)


def assert_same_as_a_duckdb_build(spark: Warehouse, raw: Path, scratch_root: Path) -> None:
    duck = build(scratch_root, raw)
    spark_tables, duck_tables = tables(spark.published), tables(duck.published)
    assert len(duck_tables) >= 20
    assert spark_tables == duck_tables, "mart names, columns or types differ"
    for table in duck_tables:
        expected, got = sorted_rows(duck.published, table), sorted_rows(spark.published, table)
        assert len(got) == len(expected), f"{table}: {len(got)} rows on Spark, {len(expected)} in a DuckDB build"
        different = [(s, d) for s, d in zip(got, expected, strict=True) if s != d]
        assert not different, f"{table}: {len(different)} rows differ, first {different[0]}"
    spark_files, duck_files = exported_files(spark), exported_files(duck)
    assert sorted(spark_files) == sorted(duck_files), "export file names differ"
    csvs = [p for p in duck_files if p.endswith(".csv")]
    assert len(csvs) > 20
    assert [p for p in csvs if spark_files[p] != duck_files[p]] == []


def partition_files(folder: Path) -> dict[str, set[str]]:
    return {p.name: {f.name for f in p.glob("*.parquet")} for p in folder.iterdir() if p.is_dir() and "=" in p.name}


def changed(before: dict[str, set[str]], after: dict[str, set[str]]) -> set[str]:
    return {p for p in set(before) | set(after) if before.get(p) != after.get(p)}


def utc_day(stamp: str) -> str:
    return dt.datetime.fromisoformat(stamp).astimezone(dt.UTC).date().isoformat()


def records(path: Path) -> list[dict]:
    out = []
    data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            out.append(record)
    return out


def touched_days(raw: Path, night: str) -> set[str]:
    """SPEC §2.5 worked out from the files: the UTC days of every delivery (any dump) of each key
    the night's dump delivers (events and usage by id, Claude Code by its date), and the days of the
    messages in chats whose chat.created it delivers."""
    days = set()
    for source, key in (("events", "event_id"), ("usage", "usage_id")):
        files = sorted((raw / source).glob("dt=*/*.jsonl*"))
        delivered = [(p.parent.name == f"dt={night}", r) for p in files for r in records(p)]
        delivered = [
            (tonight, r) for tonight, r in delivered if isinstance(r.get(key), str) and isinstance(r.get("occurred_at"), str)
        ]
        night_keys = {r[key] for tonight, r in delivered if tonight}
        for _, r in delivered:
            if r[key] in night_keys:
                try:
                    days.add(utc_day(r["occurred_at"]))
                except ValueError:
                    pass
    # a chat's project comes from its chat.created: a delivered one re-decides its messages' days
    events = [(p.parent.name == f"dt={night}", r) for p in sorted((raw / "events").glob("dt=*/*.jsonl*")) for r in records(p)]
    chats = {
        (r.get("properties") or {}).get("chat_id") for tonight, r in events if tonight and r.get("event_type") == "chat.created"
    }
    for _, r in events:
        if r.get("event_type") == "message.sent" and (r.get("properties") or {}).get("chat_id") in chats:
            try:
                days.add(utc_day(r["occurred_at"]))
            except (KeyError, TypeError, ValueError):
                pass
    for path in (raw / "claude_code" / f"dt={night}").glob("*.jsonl*"):
        days |= {r["date"][:10] for r in records(path) if isinstance(r.get("date"), str)}
    return days


class Sequence:
    """One dump directory and one Spark warehouse that the tests below walk through in order."""

    def __init__(self, root: Path):
        self.root = root
        self.raw = copy_first_days(root / "raw", DAYS)
        self.days = dump_dates(self.raw)
        self.held_back = root / "held-back"
        for source in list(self.raw.iterdir()):
            folder = source / f"dt={self.days[-1]}"
            if folder.is_dir():
                (self.held_back / source.name).mkdir(parents=True, exist_ok=True)
                shutil.move(folder, self.held_back / source.name / folder.name)
        spark_dir = Path(os.environ["ANALYTICS_SPARK_DIR"])
        self.spark_warehouse = spark_dir / "warehouse"
        self.spark_raw = spark_dir / "raw"
        self.warehouse = Warehouse(root / "spark", self.raw, engine="spark")
        self.scratch = 0

    def run(self, start: str, end: str) -> None:
        started = time.monotonic()
        assert self.warehouse.run(start, end).success, f"Spark run {start}..{end} failed"
        MEASUREMENTS.append(f"Spark run {start}..{end} on the test cluster: {time.monotonic() - started:.0f} s")

    def check(self) -> None:
        self.scratch += 1
        assert_same_as_a_duckdb_build(self.warehouse, self.raw, self.root / f"duckdb-{self.scratch}")

    def table(self, schema: str, name: str) -> Path:
        return self.spark_warehouse / f"{schema}.db" / name


@pytest.fixture(scope="module")
def sequence(tmp_path_factory) -> Sequence:
    return Sequence(tmp_path_factory.mktemp("spark_sequence"))


def test_a_full_build_on_the_cluster_equals_the_duckdb_build(sequence):
    sequence.run(sequence.days[0], sequence.days[-2])
    sequence.check()
    # the models ran on the cluster: its master lists the Thrift server's application
    log = Path(os.environ["ANALYTICS_SPARK_DIR"]) / "cluster" / "logs" / "master.log"
    assert "Registered app analytics-thrift" in log.read_text()


def test_a_night_rewrites_only_its_partitions(sequence):
    night = sequence.days[-1]
    for source in sequence.held_back.iterdir():
        for folder in source.iterdir():
            shutil.move(folder, sequence.raw / source.name / folder.name)
    watched = {
        "raw events": sequence.spark_raw / "events",
        "fact": sequence.table("facts", "fct_user_spend_daily"),
        "daily mart": sequence.table("marts", "spend_daily"),
        "as-of mart": sequence.table("marts", "spend_totals"),
        "staging": sequence.table("staging", "stg_usage__records"),
    }
    before = {name: partition_files(folder) for name, folder in watched.items()}
    sequence.run(night, night)
    after = {name: partition_files(folder) for name, folder in watched.items()}
    rewritten = {name: changed(before[name], after[name]) for name in watched}
    assert rewritten["raw events"] == {f"dump_date={night}"}
    # staging, facts and daily marts: days the night's records touch, no others
    affected = touched_days(sequence.raw, night) | {night}
    for name in ("staging", "fact", "daily mart"):
        assert f"={night}" in " ".join(rewritten[name]), f"{name}: the night's own day was not rewritten"
        assert {p.split("=")[1] for p in rewritten[name]} <= affected, f"{name} rewrote {sorted(rewritten[name])}"
        assert len(before[name]) > len(rewritten[name])
    # as-of marts: every as-of date from one the night's records touch on (their windows see it)
    as_of = sorted(p.split("=")[1] for p in rewritten["as-of mart"])
    assert as_of == [d for d in sequence.days if d >= as_of[0]] and as_of[0] >= min(affected) and night in as_of
    sequence.check()


def test_a_redelivered_day_and_a_removed_folder_on_the_cluster_equal_the_duckdb_build(sequence):
    day, last = sequence.days[3], sequence.days[-1]
    rewrite_without(sequence.raw / "usage" / f"dt={day}" / "part-0001.jsonl", lambda r: True)
    rewrite_without(sequence.raw / "events" / f"dt={day}" / "part-0001.jsonl", lambda r: r.get("event_type") == "chat.created")
    shutil.rmtree(sequence.raw / "claude_code" / f"dt={last}")
    sequence.run(day, last)
    sequence.check()
    assert not (sequence.spark_raw / "claude_code" / f"dump_date={last}").exists()


def test_spark_leaves_nothing_in_the_working_directory(sequence):
    from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT

    for folder in (PROJECT_ROOT, DBT_PROJECT_DIR):
        for name in ("metastore_db", "derby.log", "spark-warehouse"):
            assert not (folder / name).exists(), f"Spark left {folder / name}"
