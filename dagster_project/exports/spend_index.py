"""`<exports>/spend/index.csv`: for every organisation and date the warehouse holds, its spend file
and totals, or why it has none. Finance's table of contents."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..core.csv_files import render_csv
from ..core.csv_layouts import SPEND_CSV
from .staging import ExportStage

INDEX_COLUMNS = (
    "organization_id",
    "date",
    "status",
    "path",
    "rows",
    "spend_day_usd",
    "spend_mtd_usd",
    "spend_qtd_usd",
    "spend_ytd_usd",
    "reason",
)
HIDDEN_REASON = "spend reports hidden: enterprise plan, seat-based billing, no extra usage"


def write_spend_index(conn: duckdb.DuckDBPyConnection, exports_dir: Path, staged: ExportStage) -> int:
    sums = ", ".join(f"cast(coalesce(sum(spend.{c}), 0) as decimal(38, 6))::varchar" for c in SPEND_CSV.amount_columns)
    rows = conn.execute(f"""
        select organizations.organization_id, strftime(organizations.date, '%Y-%m-%d'),
               organizations.spend_reports_hidden, count(spend.user_id), {sums}
        from marts.organizations_daily as organizations
        left join marts.user_spend as spend
            on spend.organization_id = organizations.organization_id and spend.as_of_date = organizations.date
        group by all
        order by 1, 2""").fetchall()
    lines = []
    for org, day, hidden, n, *totals in rows:
        if hidden:
            lines.append((org, day, "no_file", "", "", "", "", "", "", HIDDEN_REASON))
        else:
            path = f"{org}/{day}/{SPEND_CSV.file_name}"  # relative to the index's own folder
            lines.append((org, day, "exported", path, n, *totals, ""))
    amounts = [c for c in INDEX_COLUMNS if c.endswith("_usd")]
    staged.write_bytes(exports_dir / SPEND_CSV.folder / "index.csv", render_csv(INDEX_COLUMNS, lines, amounts))
    return len(lines)
