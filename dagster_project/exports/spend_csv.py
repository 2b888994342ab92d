"""Finance's per-organisation user-spend CSVs and their manifests (SPEC §5)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from .atomic import write_bytes_atomic

CSV_COLUMNS = ["organization_id", "as_of_date", "user_id", "email", "full_name",
               "spend_day_usd", "spend_mtd_usd", "spend_qtd_usd", "spend_ytd_usd"]
AMOUNT_COLUMNS = [c for c in CSV_COLUMNS if c.endswith("_usd")]


@dataclass
class SpendExport:
    organization_id: str
    as_of_date: dt.date
    rows: int
    path: Path


def export_dir(exports_dir: Path, organization_id: str, as_of_date: dt.date) -> Path:
    return exports_dir / "spend" / organization_id / as_of_date.isoformat()


def render_csv(rows: list[tuple]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def manifest(organization_id: str, as_of_date: dt.date, rows: list[tuple], data: bytes) -> bytes:
    totals = {c: sum((Decimal(row[CSV_COLUMNS.index(c)]) for row in rows), Decimal("0.000000"))
              for c in AMOUNT_COLUMNS}
    body = {
        "organization_id": organization_id,
        "as_of_date": as_of_date.isoformat(),
        "file": "user_spend.csv",
        "columns": CSV_COLUMNS,
        "row_count": len(rows),
        "sha256": hashlib.sha256(data).hexdigest(),
        "totals": {c: f"{v:.6f}" for c, v in totals.items()},
    }
    return (json.dumps(body, indent=2) + "\n").encode("utf-8")


def export_spend_for_date(conn: duckdb.DuckDBPyConnection, exports_dir: Path, as_of_date: dt.date) -> list[SpendExport]:
    """Write one CSV per visible organisation of `as_of_date`; remove any for hidden ones."""
    organizations = conn.execute("""
        select organization_id, spend_reports_hidden
        from intermediate.int_organization_days where date = ? order by organization_id""",
                                 [as_of_date]).fetchall()
    # one query per date; amounts as DuckDB renders DECIMAL(18,6): every digit, no float on the way
    rows_by_org: dict[str, list[tuple]] = {}
    for row in conn.execute(f"""
            select organization_id, strftime(as_of_date, '%Y-%m-%d'), user_id, email, full_name,
                   {', '.join(f'cast({c} as varchar)' for c in AMOUNT_COLUMNS)}
            from marts.user_spend
            where as_of_date = ?
            order by organization_id, user_id""", [as_of_date]).fetchall():
        rows_by_org.setdefault(row[0], []).append(row)
    exports = []
    for organization_id, hidden in organizations:
        folder = export_dir(exports_dir, organization_id, as_of_date)
        if hidden:
            # SPEC §3: hidden organisations get no spend export, even one written before
            shutil.rmtree(folder, ignore_errors=True)
            continue
        rows = rows_by_org.get(organization_id, [])
        data = render_csv(rows)
        write_bytes_atomic(folder / "user_spend.csv", data)
        # written last: a manifest says its CSV is complete
        write_bytes_atomic(folder / "manifest.json", manifest(organization_id, as_of_date, rows, data))
        exports.append(SpendExport(organization_id, as_of_date, len(rows), folder / "user_spend.csv"))
    return exports
