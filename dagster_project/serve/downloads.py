"""CSV downloads of the API and the dashboard, written like the nightly files (formula-safe
cells, amounts with 6 decimals): the spend report of any range and the per-user Claude Code file."""

from __future__ import annotations

import datetime as dt

import duckdb

from ..core.csv_files import render_csv
from ..core.csv_layouts import CLAUDE_CODE_CSV
from ..core.money import money_text
from .queries import fetch_all
from .queries.claude_code import CLAUDE_CODE_USERS
from .queries.spend import USER_SPEND_REPORT

USER_COST_COLUMNS = ("user_id", "email", "full_name", "spend_usd", "input_tokens", "output_tokens")
# the nightly per-user Claude Code file's columns: a download reads like the file finance gets
CLAUDE_CODE_COLUMNS = CLAUDE_CODE_CSV.columns


_cell = money_text  # money as a decimal string with 6 places (SPEC §7); the rest as it is


def user_spend_report_csv(
    cursor: duckdb.DuckDBPyConnection, organization_id: str, start: dt.date, end: dt.date
) -> tuple[bytes, str]:
    """Spend per user over [start, end) and the file's name (its last day is end - 1)."""
    rows = fetch_all(cursor, USER_SPEND_REPORT, organization_id, {"starting_date": start, "ending_date": end})
    data = render_csv(USER_COST_COLUMNS, [[_cell(r[c]) for c in USER_COST_COLUMNS] for r in rows], ["spend_usd"])
    return data, f"user_spend_report_{organization_id}_{start}_{end - dt.timedelta(days=1)}.csv"


def claude_code_users_csv(
    cursor: duckdb.DuckDBPyConnection, organization_id: str, as_of_date: dt.date, window: str, with_spend: bool = True
) -> tuple[bytes, str]:
    """The per-user file; without its estimated cost (spend, SPEC §7) for viewers who may not see spend."""
    rows = fetch_all(cursor, CLAUDE_CODE_USERS, organization_id, {"as_of_date": as_of_date, "window": window})
    columns = [c for c in CLAUDE_CODE_COLUMNS if with_spend or c != "estimated_cost_usd"]
    table = [[organization_id if c == "organization_id" else _cell(r[c]) for c in columns] for r in rows]
    return (
        render_csv(columns, table, ["estimated_cost_usd"] if with_spend else []),
        f"claude_code_users_{organization_id}_{as_of_date}_{window}.csv",
    )
