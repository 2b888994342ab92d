"""The two per-organisation CSV files' layouts (SPEC §5): the nightly exports write them, and the
server's downloads write the same columns, so a download reads like the file finance gets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CsvExport:
    folder: str  # <exports>/<folder>/<organization_id>/<date>/<file_name>
    file_name: str
    columns: tuple[str, ...]
    amount_columns: tuple[str, ...]  # exact decimals, written and totalled with 6 places
    mart: str  # marts.<mart>: rows with organization_id, as_of_date and the columns
    total_columns: tuple[str, ...] = ()  # whole numbers the manifest also totals
    where: str = "true"  # which of the mart's rows of the date
    hidden_spend_excluded: bool = False  # SPEC §3: no spend export for organisations with hidden spend


SPEND_CSV = CsvExport(
    folder="spend",
    file_name="user_spend.csv",
    columns=(
        "organization_id",
        "as_of_date",
        "user_id",
        "email",
        "full_name",
        "spend_day_usd",
        "spend_mtd_usd",
        "spend_qtd_usd",
        "spend_ytd_usd",
    ),
    amount_columns=("spend_day_usd", "spend_mtd_usd", "spend_qtd_usd", "spend_ytd_usd"),
    mart="user_spend",
    hidden_spend_excluded=True,
)

CLAUDE_CODE_CSV = CsvExport(
    folder="claude_code",
    file_name="claude_code_users.csv",
    columns=(
        "organization_id",
        "as_of_date",
        "window",
        "user_id",
        "email",
        "full_name",
        "sessions",
        "lines_added",
        "lines_removed",
        "commits",
        "pull_requests",
        "tool_accepted",
        "tool_rejected",
        "tool_accept_rate",
        "estimated_cost_usd",
    ),
    amount_columns=("estimated_cost_usd",),
    total_columns=("sessions", "lines_added", "lines_removed", "commits", "pull_requests", "tool_accepted", "tool_rejected"),
    # SPEC §5: the month-to-date rows, for every organisation present that day
    mart="claude_code_users",
    where="\"window\" = 'mtd'",
)
