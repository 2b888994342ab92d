"""Claude Code per day and per person (SPEC §4, §7 claude_code, claude_code_users)."""

from .activity import AS_OF, CLAUDE_CODE_DAILY_COLUMNS, EMAIL, FULL_NAME, USER_ID
from .adoption import WINDOW
from .common import Col, Listing, daily_listing

CLAUDE_CODE_DAILY = daily_listing("claude_code", "marts.claude_code_daily", CLAUDE_CODE_DAILY_COLUMNS)

CLAUDE_CODE_USERS = Listing(
    name="claude_code_users",
    source="marts.claude_code_users",
    columns=(
        AS_OF,
        WINDOW,
        USER_ID,
        EMAIL,
        FULL_NAME,
        Col("sessions", "int"),
        Col("lines_added", "int"),
        Col("lines_removed", "int"),
        Col("commits", "int"),
        Col("pull_requests", "int"),
        Col("tool_accepted", "int"),
        Col("tool_rejected", "int"),
        Col("tool_accept_rate", "number", nullable=True),
        Col(
            "estimated_cost_usd",
            "money",
            "Estimated cost in US dollars; spend, so omitted for role admin "
            "and for organisations whose spend reports are hidden.",
            spend=True,
        ),
    ),
    key=("user_id",),
    where='as_of_date = $as_of_date and "window" = $window',
)
