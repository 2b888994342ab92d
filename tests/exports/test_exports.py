"""Finance's spend CSVs and the Parquet snapshots (SPEC §5)."""

from __future__ import annotations

import csv
import hashlib
import json
from decimal import Decimal

import duckdb
from dagster import AssetKey

from tests.conftest import Warehouse, dump_dates

AMOUNTS = ["spend_day_usd", "spend_mtd_usd", "spend_qtd_usd", "spend_ytd_usd"]


def spend_files(warehouse: Warehouse):
    return sorted((warehouse.exports / "spend").glob("*/*/user_spend.csv"))


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_sums_equal_spend_totals_exactly(fixture_warehouse: Warehouse):
    totals = {(org, str(day), window): amount for org, day, window, amount in fixture_warehouse.query(
        'select organization_id, as_of_date, "window", spend_usd from marts.spend_totals')}
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
    members = {(org, user) for org, user in fixture_warehouse.query(
        "select distinct organization_id, user_id from marts.user_spend")}
    for path in spend_files(fixture_warehouse):
        org, day = path.parent.parent.name, path.parent.name
        rows = read_csv(path)
        assert [r["user_id"] for r in rows] == sorted(r["user_id"] for r in rows)
        assert all(r["organization_id"] == org and r["as_of_date"] == day for r in rows)
        # no user of another organisation: every user in the file spent in this organisation
        spenders = {u for u, in fixture_warehouse.query(
            "select user_id from marts.user_spend where organization_id = ? and as_of_date = ?", [org, day])}
        assert {r["user_id"] for r in rows} == spenders
        assert all((org, r["user_id"]) in members for r in rows)


def test_hidden_organisation_gets_no_spend_export(fixture_warehouse: Warehouse):
    hidden = fixture_warehouse.query(
        "select distinct organization_id from intermediate.int_organization_days where spend_reports_hidden",
        published=False)
    assert hidden == [("org_0002",)]  # enterprise, seat-based, no extra usage
    assert not (fixture_warehouse.exports / "spend" / "org_0002").exists()
    # its spend marts may still hold rows
    assert fixture_warehouse.query("select count(*) from marts.spend_totals where organization_id = 'org_0002'")[0][0]


def test_every_visible_organisation_and_date_has_a_file(fixture_warehouse: Warehouse):
    expected = {(org, str(day)) for org, day in fixture_warehouse.query(
        "select organization_id, date from intermediate.int_organization_days where not spend_reports_hidden",
        published=False)}
    assert {(p.parent.parent.name, p.parent.name) for p in spend_files(fixture_warehouse)} == expected


def test_rerunning_a_date_rewrites_the_same_bytes(fixture_warehouse: Warehouse):
    day = dump_dates(fixture_warehouse.raw_dir)[-3]
    files = sorted(fixture_warehouse.exports.glob(f"*/*/{day}/*")) + sorted(
        (fixture_warehouse.exports / "snapshots" / day).glob("*"))
    before = {p: p.read_bytes() for p in files}
    result = fixture_warehouse.run(day, selection=[AssetKey("spend_csv_export"), AssetKey("mart_parquet_snapshots")])
    assert result.success
    assert {p: p.read_bytes() for p in files} == before
    leftovers = [p for p in fixture_warehouse.exports.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_parquet_snapshots_give_each_marts_history_with_decimals(fixture_warehouse: Warehouse):
    snapshots = fixture_warehouse.exports / "snapshots"
    with duckdb.connect() as conn:
        for mart, column in [("spend_totals", "as_of_date"), ("user_spend", "as_of_date"),
                             ("spend_daily", "date"), ("activity_daily", "date")]:
            history = conn.execute(
                f"select count(*), count(distinct {column}) from read_parquet('{snapshots}/*/{mart}.parquet')").fetchall()
            mart_rows = fixture_warehouse.query(f"select count(*), count(distinct {column}) from marts.{mart}")
            assert history == mart_rows, mart
        types = dict(conn.execute(
            f"select column_name, column_type from (describe select * from read_parquet('{snapshots}/*/user_spend.parquet'))"
        ).fetchall())
        assert types["spend_ytd_usd"] == "DECIMAL(18,6)"
        one_day = conn.execute(
            f"select distinct as_of_date from read_parquet('{snapshots}/2026-03-31/spend_totals.parquet')").fetchall()
        assert [str(d) for d, in one_day] == ["2026-03-31"]
