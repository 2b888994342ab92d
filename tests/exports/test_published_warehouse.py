"""Analysts read the published warehouse while a run builds the next state (SPEC §6)."""

import os
import shutil
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from tests.conftest import Warehouse, dump_dates


@pytest.mark.job
def test_reader_keeps_previous_state_during_a_run_and_new_reader_sees_new(tmp_path, small_raw_copy):
    warehouse = Warehouse(tmp_path / "wh", small_raw_copy)
    dates = dump_dates(small_raw_copy)
    # the last day arrives after the first build (a new warehouse is built from every dump there is)
    held = tmp_path / "held"
    for folder in small_raw_copy.glob(f"*/dt={dates[-1]}"):
        shutil.move(folder, held / folder.parent.name / folder.name)
    assert warehouse.run(dates[0], dates[-2]).success
    for folder in held.glob("*/dt=*"):
        shutil.move(folder, small_raw_copy / folder.parent.name / folder.name)
    before = warehouse.query("select max(date), count(*) from marts.activity_daily")

    reader = duckdb.connect(str(warehouse.published), read_only=True)
    answers, errors = [], []
    done = threading.Event()

    def keep_querying():
        while not done.is_set():
            try:
                answers.append(reader.execute("select max(date), count(*) from marts.activity_daily").fetchall())
            except Exception as exc:  # noqa: BLE001 - any failure of the reader fails the test
                errors.append(exc)
            time.sleep(0.05)

    thread = threading.Thread(target=keep_querying)
    thread.start()
    try:
        result = warehouse.run(dates[-1])
    finally:
        done.set()
        thread.join()
    assert result.success
    assert not errors
    assert len(answers) > 10 and all(a == before for a in answers)
    # the old connection still answers, with the state it opened
    assert reader.execute("select max(date), count(*) from marts.activity_daily").fetchall() == before
    reader.close()

    after = warehouse.query("select max(date), count(*) from marts.activity_daily")
    assert str(after[0][0]) == dates[-1] and after != before


def test_published_marts_carry_their_documentation_and_plain_types(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query(
        "select table_name, column_name, data_type, comment from duckdb_columns() where schema_name = 'marts'"
    )
    assert rows
    # dbt's descriptions travel as comments, so an analyst sees them in the file itself
    undocumented = [(t, c) for t, c, _, comment in rows if not comment]
    assert undocumented == []
    tables = fixture_warehouse.query("select schema_name, table_name, comment from duckdb_tables() where schema_name <> 'meta'")
    assert {s for s, _, _ in tables} == {"marts", "raw"} and all(comment for _, _, comment in tables), tables
    # as a reader sees them: one paragraph, no trailing line break from the YAML
    texts = [c for _, _, c in tables] + [c for *_, c in rows]
    assert [c for c in texts if c != c.strip()] == []
    # counts of records are BIGINT; money is DECIMAL(38,6) and sums of raw integers (tokens, lines,
    # sessions, commits, pull requests, tool actions) HUGEINT: both hold a million of the largest
    # accepted values (SPEC §2.5)
    summed = ("tokens", "sessions", "lines_", "commits", "pull_requests", "tool_accepted", "tool_rejected")
    wide = {(t, c) for t, c, d, _ in rows if d == "HUGEINT"}
    assert wide and all(any(part in c for part in summed) for _, c in wide), wide
    assert {d for t, c, d, _ in rows if "usd" in c} == {"DECIMAL(38,6)"}
    types = {(t, c): d for t, c, d, _ in rows}
    assert types[("claude_ai_windows", "chats")] == "BIGINT" and types[("spend_daily", "input_tokens")] == "HUGEINT"
    assert fixture_warehouse.query("select latest_date from meta.publication")[0][0] is not None


def test_the_projects_sql_shell_reads_the_published_warehouse(fixture_warehouse: Warehouse):
    from dagster_project.settings import PROJECT_ROOT

    env = {**os.environ, "ANALYTICS_WAREHOUSE": str(fixture_warehouse.published)}
    run = subprocess.run(
        [sys.executable, "tools/sql.py", "--csv", "select count(*) as n from marts.claude_ai_windows where \"window\" = 'mtd'"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    expected = fixture_warehouse.query("select count(*) from marts.claude_ai_windows where \"window\" = 'mtd'")[0][0]
    assert run.returncode == 0 and run.stdout.splitlines() == ["n", str(expected)]
    shell = subprocess.run(
        [sys.executable, "tools/sql.py"],
        input="select 41 + 1 as answer;\n.quit\n",
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert shell.returncode == 0 and "42" in shell.stdout
    bad = subprocess.run(
        [sys.executable, "tools/sql.py", "select * from nowhere"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert bad.returncode == 1 and bad.stderr.startswith("error:") and "Traceback" not in bad.stderr


def test_the_sql_tool_keeps_duckdbs_help_and_says_when_a_statement_failed(fixture_warehouse: Warehouse):
    """`make sql`: DuckDB's hints survive (the caret, "Did you mean", the candidate bindings); the
    shell runs a last statement left without `;` and exits 1 when any statement failed."""
    from dagster_project.settings import PROJECT_ROOT

    env = {**os.environ, "ANALYTICS_WAREHOUSE": str(fixture_warehouse.published)}

    def sql(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "tools/sql.py", *args], input=stdin, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
        )

    typo = sql("select * from marts.activity_dialy")
    assert typo.returncode == 1 and 'Did you mean "activity_daily"?' in typo.stderr
    column = sql("select dua from marts.activity_daily")
    assert column.returncode == 1 and "Candidate bindings" in column.stderr and '"dau"' in column.stderr
    keyword = sql("select window, count(*) from marts.spend_totals group by window")
    assert keyword.returncode == 1 and 'write the column as "window"' in keyword.stderr and "^" in keyword.stderr
    shell = sql(stdin="select 1 from nowhere;\nselect 6 * 7 as answer")
    assert shell.returncode == 1 and "42" in shell.stdout and "nowhere" in shell.stderr


def test_published_tables_store_each_organisation_together_by_date(fixture_warehouse: Warehouse):
    # the API reads one organisation and date at a time; DuckDB skips row groups only when the
    # rows are stored in that order, so publishing sorts them
    for table, date_column in [
        ("marts.leaderboards", "as_of_date"),
        ("marts.user_activity_daily", "date"),
        ("marts.claude_code_users", "as_of_date"),
        ("raw.rejected_records", "dump_date"),
    ]:
        out_of_order = fixture_warehouse.query(f"""
            select count(*) from (
                select organization_id_key, {date_column},
                       lag(organization_id_key) over (order by rowid) as previous_key,
                       lag({date_column}) over (order by rowid) as previous_date
                from (select {"organization_id" if table.startswith("marts") else "''"} as organization_id_key,
                             {date_column}, rowid from {table})
            )
            where previous_date is not null
                and (organization_id_key, {date_column}) < (previous_key, previous_date)""")[0][0]
        assert fixture_warehouse.query(f"select count(*) from {table}")[0][0] > 1
        assert out_of_order == 0, table
