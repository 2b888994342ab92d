"""Finance's spend CSVs and the Parquet snapshots (SPEC §5)."""

from __future__ import annotations

import csv
import hashlib
import json
from decimal import Decimal

import duckdb
import pytest
from dagster import AssetKey

from tests.conftest import Warehouse, dump_dates

AMOUNTS = ["spend_day_usd", "spend_mtd_usd", "spend_qtd_usd", "spend_ytd_usd"]


def spend_files(warehouse: Warehouse):
    return sorted((warehouse.exports / "spend").glob("*/*/user_spend.csv"))


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_sums_equal_spend_totals_exactly(fixture_warehouse: Warehouse):
    totals = {
        (org, str(day), window): amount
        for org, day, window, amount in fixture_warehouse.query(
            'select organization_id, as_of_date, "window", spend_usd from marts.spend_totals'
        )
    }
    files = spend_files(fixture_warehouse)
    assert files
    for path in files:
        org, day = path.parent.parent.name, path.parent.name
        rows = read_csv(path)
        for column, window in [("spend_mtd_usd", "mtd"), ("spend_qtd_usd", "qtd"), ("spend_ytd_usd", "ytd")]:
            assert sum((Decimal(r[column]) for r in rows), Decimal(0)) == totals[(org, day, window)], (path, column)


def test_amounts_are_written_in_full(fixture_warehouse: Warehouse):
    for path in spend_files(fixture_warehouse)[:20]:
        for row in read_csv(path):
            for column in AMOUNTS:
                whole, _, fraction = row[column].partition(".")
                assert whole.isdigit() and len(fraction) == 6, row[column]


def test_manifest_describes_its_csv(fixture_warehouse: Warehouse):
    for path in spend_files(fixture_warehouse):
        manifest = json.loads((path.parent / "manifest.json").read_text())
        rows = read_csv(path)
        assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert manifest["row_count"] == len(rows)
        for column in AMOUNTS:
            assert Decimal(manifest["totals"][column]) == sum((Decimal(r[column]) for r in rows), Decimal(0))


def test_rows_are_ordered_and_belong_to_their_organisation(fixture_warehouse: Warehouse):
    members = {
        (org, user) for org, user in fixture_warehouse.query("select distinct organization_id, user_id from marts.user_spend")
    }
    for path in spend_files(fixture_warehouse):
        org, day = path.parent.parent.name, path.parent.name
        rows = read_csv(path)
        assert [r["user_id"] for r in rows] == sorted(r["user_id"] for r in rows)
        assert all(r["organization_id"] == org and r["as_of_date"] == day for r in rows)
        # no user of another organisation: every user in the file spent in this organisation
        spenders = {
            u
            for (u,) in fixture_warehouse.query(
                "select user_id from marts.user_spend where organization_id = ? and as_of_date = ?", [org, day]
            )
        }
        assert {r["user_id"] for r in rows} == spenders
        assert all((org, r["user_id"]) in members for r in rows)


def test_hidden_organisation_gets_no_spend_export(fixture_warehouse: Warehouse):
    hidden = fixture_warehouse.query(
        "select distinct organization_id from intermediate.int_organization_days where spend_reports_hidden", published=False
    )
    assert hidden == [("org_0002",)]  # enterprise, seat-based, no extra usage
    assert not (fixture_warehouse.exports / "spend" / "org_0002").exists()
    # its spend marts may still hold rows
    assert fixture_warehouse.query("select count(*) from marts.spend_totals where organization_id = 'org_0002'")[0][0]


def test_every_visible_organisation_and_date_has_a_file(fixture_warehouse: Warehouse):
    expected = {
        (org, str(day))
        for org, day in fixture_warehouse.query(
            "select organization_id, date from intermediate.int_organization_days where not spend_reports_hidden", published=False
        )
    }
    assert {(p.parent.parent.name, p.parent.name) for p in spend_files(fixture_warehouse)} == expected


def test_rerunning_a_date_rewrites_only_what_differs(fixture_warehouse: Warehouse):
    """A file whose rows did not change is left as it is (same inode: not copied, renamed or
    fsynced again); a file that differs from what the marts give, or is missing, is written."""
    day = dump_dates(fixture_warehouse.raw_dir)[-3]
    files = sorted(fixture_warehouse.exports.glob(f"*/*/{day}/*")) + sorted(
        (fixture_warehouse.exports / "snapshots" / day).glob("*")
    )
    before = {p: p.read_bytes() for p in files}
    inodes = {p: p.stat().st_ino for p in files}
    tampered = next(p for p in files if p.name == "user_spend.csv")
    tampered.write_bytes(before[tampered] + b"extra,row\n")  # in place: same inode
    missing = next(p for p in files if p.suffix == ".parquet")
    missing.unlink()
    # exports become visible with a publish (SPEC §6): the two run together
    result = fixture_warehouse.run(
        day,
        selection=[
            AssetKey("spend_csv_export"),
            AssetKey("claude_code_csv_export"),
            AssetKey("mart_parquet_snapshots"),
            AssetKey("published_warehouse"),
        ],
    )
    assert result.success
    assert {p: p.read_bytes() for p in files} == before
    assert tampered.stat().st_ino != inodes[tampered]  # written again
    assert all(p.stat().st_ino == inodes[p] for p in files if p not in (tampered, missing))  # left alone
    leftovers = [p for p in fixture_warehouse.exports.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == [] and not (fixture_warehouse.exports / ".analytics-staging").exists()


def test_parquet_snapshots_give_each_marts_history_with_decimals(fixture_warehouse: Warehouse):
    snapshots = fixture_warehouse.exports / "snapshots"
    with duckdb.connect() as conn:
        for mart, column in [
            ("spend_totals", "as_of_date"),
            ("user_spend", "as_of_date"),
            ("spend_daily", "date"),
            ("activity_daily", "date"),
        ]:
            history = conn.execute(
                f"select count(*), count(distinct {column}) from read_parquet('{snapshots}/*/{mart}.parquet')"
            ).fetchall()
            mart_rows = fixture_warehouse.query(f"select count(*), count(distinct {column}) from marts.{mart}")
            assert history == mart_rows, mart
        types = dict(
            conn.execute(
                f"select column_name, column_type from (describe select * from read_parquet('{snapshots}/*/user_spend.parquet'))"
            ).fetchall()
        )
        assert types["spend_ytd_usd"] == "DECIMAL(38,6)"
        # sums of raw integers are HUGEINT in the marts, which Parquet would hold as DOUBLE: DECIMAL(38,0) here
        code = dict(
            conn.execute(
                f"select column_name, column_type from (describe select * from "
                f"read_parquet('{snapshots}/*/claude_code_daily.parquet'))"
            ).fetchall()
        )
        assert code["lines_added"] == "DECIMAL(38,0)" and code["active_users"] == "BIGINT"
        one_day = conn.execute(
            f"select distinct as_of_date from read_parquet('{snapshots}/2026-03-31/spend_totals.parquet')"
        ).fetchall()
        assert [str(d) for (d,) in one_day] == ["2026-03-31"]


def test_cells_that_look_like_formulas_are_written_as_text(fixture_warehouse: Warehouse):
    rows = read_csv(fixture_warehouse.exports / "spend" / "org_0003" / "2026-04-14" / "user_spend.csv")
    by_user = {r["user_id"]: r for r in rows}
    # names and emails planted by the generator; a spreadsheet shows them, never runs them
    assert by_user["user_0003_00002"]["full_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert by_user["user_0003_00002"]["email"] == "'=1+1@example.com"
    assert by_user["user_0003_00003"]["full_name"] == "'+Plus Name"
    assert by_user["user_0003_00003"]["email"] == "'-minus@example.com"
    assert by_user["user_0003_00004"]["full_name"] == "'\tTab Name"
    assert by_user["user_0003_00004"]["email"] == "'@at@example.com"
    for row in rows:  # no text cell of any file starts a formula
        assert not any(row[c].startswith(("=", "+", "-", "@", "\t", "\r")) for c in ["user_id", "email", "full_name"])


def test_unsafe_names_never_become_paths(tmp_path):
    from dagster_project.core.csv_files import UnsafePathError, safe_folder

    for name in ["../../escape", "/tmp/x", ".hidden", "", "a/b", ".."]:
        with pytest.raises(UnsafePathError):
            safe_folder(tmp_path, name)
    assert safe_folder(tmp_path, "org_0001", "2026-01-01") == tmp_path / "org_0001" / "2026-01-01"


def test_spend_index_lists_every_organisation_and_date(fixture_warehouse: Warehouse):
    index = read_csv(fixture_warehouse.exports / "spend" / "index.csv")
    expected = {
        (org, str(day)) for org, day in fixture_warehouse.query("select organization_id, date from marts.organizations_daily")
    }
    assert {(r["organization_id"], r["date"]) for r in index} == expected
    for row in index:
        if row["organization_id"] == "org_0002":
            assert row["status"] == "no_file" and "hidden" in row["reason"] and row["path"] == ""
        else:
            path = fixture_warehouse.exports / "spend" / row["path"]  # relative to the index's folder
            assert row["status"] == "exported" and path.exists()
            rows = read_csv(path)
            assert int(row["rows"]) == len(rows)
            assert Decimal(row["spend_ytd_usd"]) == sum((Decimal(r["spend_ytd_usd"]) for r in rows), Decimal(0))


def test_spend_csv_command_copies_one_file_under_a_telling_name(fixture_warehouse: Warehouse, tmp_path):
    import os
    import subprocess
    import sys

    from dagster_project.settings import PROJECT_ROOT

    env = {**os.environ, "ANALYTICS_EXPORTS_DIR": str(fixture_warehouse.exports)}

    def spend_csv(org, day):
        return subprocess.run(
            [sys.executable, "tools/spend_csv.py", "--org", org, "--date", day, "--out", str(tmp_path)],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )

    done = spend_csv("org_0001", "2026-03-31")
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "user_spend_org_0001_2026-03-31.csv"
    assert done.stdout.strip() == str(copy)
    assert copy.read_bytes() == (fixture_warehouse.exports / "spend/org_0001/2026-03-31/user_spend.csv").read_bytes()
    hidden = spend_csv("org_0002", "2026-03-31")
    assert hidden.returncode == 1 and "spend reports hidden" in hidden.stderr
    absent = spend_csv("org_0004", "2026-02-12")  # the organisation appears later
    assert absent.returncode == 1 and "not in the organizations snapshot" in absent.stderr
    bad = spend_csv("../etc", "2026-03-31")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_claude_code_csv_per_organisation_and_date(fixture_warehouse: Warehouse):
    organization_days = {
        (o, str(d)) for o, d in fixture_warehouse.query("select organization_id, date from marts.organizations_daily")
    }
    files = sorted((fixture_warehouse.exports / "claude_code").glob("*/*/claude_code_users.csv"))
    # every organisation present that day gets one, hidden spend or not, even with no rows
    assert {(p.parent.parent.name, p.parent.name) for p in files} == organization_days
    empty = 0
    for path in files:
        org, day = path.parent.parent.name, path.parent.name
        rows = read_csv(path)
        expected = fixture_warehouse.query(
            "select user_id, lines_added, estimated_cost_usd from marts.claude_code_users "
            "where organization_id = ? and as_of_date = ? and \"window\" = 'mtd' order by user_id",
            [org, day],
        )
        assert [(r["user_id"], int(r["lines_added"]), Decimal(r["estimated_cost_usd"])) for r in rows] == expected
        assert all(r["window"] == "mtd" for r in rows)
        manifest = json.loads((path.parent / "manifest.json").read_text())
        assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert manifest["row_count"] == len(rows)
        assert manifest["totals"]["lines_added"] == sum(int(r["lines_added"]) for r in rows)
        assert Decimal(manifest["totals"]["estimated_cost_usd"]) == sum(
            (Decimal(r["estimated_cost_usd"]) for r in rows), Decimal(0)
        )
        empty += not rows
    assert empty, "an organisation's day without Claude Code gets a header-only file"
