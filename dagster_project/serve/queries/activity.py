"""All activity: usage per day, what each person did, and who is engaged (SPEC §4, §7 summaries,
users, engagement)."""

from dataclasses import replace

from .common import DATE, IN_DATE_RANGE, Col, Listing, daily_listing, in_mart

AS_OF = Col("as_of_date", "date")
EMAIL = Col("email", "text", nullable=True)
FULL_NAME = Col("full_name", "text", nullable=True)
USER_ID = Col("user_id", "text")

ACTIVITY_DAILY_COLUMNS = in_mart(
    "activity_daily",
    Col("dau", "int"),
    Col("wau", "int"),
    Col("mau", "int"),
    Col("total_seats", "int"),
    Col("utilization", "number", nullable=True),
    Col("active_members", "int"),
    Col("pending_invites", "int"),
)
CLAUDE_AI_DAILY_COLUMNS = in_mart(
    "claude_ai_daily",
    Col("chats", "int"),
    Col("chats_dod_change", "int", nullable=True),
    Col("messages", "int"),
    Col("avg_messages_per_chat", "number", nullable=True),
    Col("avg_messages_per_chat_dod_change", "number", nullable=True),
    Col("projects_created", "int"),
    Col("projects_created_dod_change", "int", nullable=True),
    Col("users_created_project", "int"),
    Col("artifacts_created", "int"),
    Col("artifacts_created_dod_change", "int", nullable=True),
    Col("users_created_artifact", "int"),
    Col("users_with_chat", "int"),
    Col("pct_users_with_chat", "number", nullable=True),
)
CLAUDE_CODE_DAILY_COLUMNS = in_mart(
    "claude_code_daily",
    Col("active_users", "int"),
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
        spend=True,
    ),
)


def _prefixed(alias: str, columns: tuple[Col, ...]) -> tuple[Col, ...]:
    return tuple(replace(c, name=f"{alias}__{c.name}", expr=f"{alias}.{c.name}", mart_column=c.name) for c in columns)


# one row per day: the three daily marts side by side (the API shapes it as the vendor's summary)
SUMMARIES = Listing(
    name="summaries",
    source="marts.activity_daily as a inner join marts.claude_ai_daily as c using (organization_id, date) "
    "inner join marts.claude_code_daily as k using (organization_id, date)",
    columns=(
        DATE,
        *_prefixed("a", ACTIVITY_DAILY_COLUMNS),
        *_prefixed("c", CLAUDE_AI_DAILY_COLUMNS),
        *_prefixed("k", CLAUDE_CODE_DAILY_COLUMNS),
    ),
    key=("date",),
    where=IN_DATE_RANGE,
)

# the email a person is known by: the member's, or the one a Claude Code identity was mapped from
EMAIL_ADDRESS = "coalesce(email, case when starts_with(user_id, 'email:') then substr(user_id, 7) end, '')"

USERS = Listing(
    name="users",
    source="marts.user_activity_daily",
    columns=(
        DATE,
        USER_ID,
        EMAIL,
        FULL_NAME,
        Col(
            "email_address",
            "text",
            "The member's email, or the address a Claude Code identity was mapped from.",
            expr=EMAIL_ADDRESS,
            internal=True,
        ),
        Col("chats", "int"),
        Col("messages", "int"),
        Col("projects_created", "int"),
        Col("artifacts_created", "int"),
        Col("connector_uses", "int"),
        Col("claude_code_sessions", "int"),
        Col("claude_code_lines_added", "int"),
        Col("claude_code_lines_removed", "int"),
        Col("claude_code_commits", "int"),
        Col("claude_code_pull_requests", "int"),
        Col("spend_usd", "money"),
        Col("input_tokens", "int", "Input tokens."),
        Col("output_tokens", "int", "Output tokens."),
    ),
    key=("email_address", "user_id"),
    where="date = $date",
)

ENGAGEMENT = Listing(
    name="engagement",
    source="marts.user_engagement",
    columns=(
        AS_OF,
        USER_ID,
        EMAIL,
        FULL_NAME,
        Col("first_active_date", "date", nullable=True),
        Col("last_active_date", "date", nullable=True),
        Col("active_days_30", "int"),
        Col("tier", "text"),
    ),
    key=("user_id",),
    where="as_of_date = $as_of_date",
)

ACTIVITY_DAILY = daily_listing("activity_daily", "marts.activity_daily", ACTIVITY_DAILY_COLUMNS)

# the organisation itself, day by day: its name and plan, and whether its spend reports are hidden
ORGANIZATION_DAYS = daily_listing(
    "organization_days",
    "marts.organizations_daily",
    (
        Col("organization_name", "text", nullable=True),
        Col("plan", "text"),
        Col("spend_reports_hidden", "bool"),
    ),
)
