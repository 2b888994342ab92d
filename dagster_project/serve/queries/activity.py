"""All activity: usage per day, what each person did, and who is engaged (SPEC §4, §7 summaries,
users, engagement)."""

from .common import DATE, IN_DATE_RANGE, Col, Listing, daily_listing

AS_OF = Col("as_of_date", "date", "The day the windows end on (inclusive).")
EMAIL = Col("email", "text", "Email in the members snapshot of the day; null for identities that are not members.", nullable=True)
FULL_NAME = Col("full_name", "text", "Full name in the members snapshot of the day; null for non-members.", nullable=True)
USER_ID = Col("user_id", "text", "The user: a member's id, or `email:<address>` for a Claude Code user matching no member.")

ACTIVITY_DAILY_COLUMNS = (
    Col("dau", "int", "Daily active users."),
    Col("wau", "int", "Users active in the 7 days ending on the day."),
    Col("mau", "int", "Users active in the 30 days ending on the day."),
    Col("total_seats", "int", "Seats of the organisation on the day."),
    Col("utilization", "number", "WAU / seats as a fraction; null when there are no seats.", nullable=True),
    Col("active_members", "int", "Members with status active."),
    Col("pending_invites", "int", "Pending invites not expired by the next day."),
)
CLAUDE_AI_DAILY_COLUMNS = (
    Col("chats", "int", "Distinct chats created."),
    Col("chats_dod_change", "int", "Change from the day before; null on the first day.", nullable=True),
    Col("messages", "int", "Messages sent."),
    Col("avg_messages_per_chat", "number", "Messages per chat messaged in; null without messages.", nullable=True),
    Col("avg_messages_per_chat_dod_change", "number", "Change from the day before.", nullable=True),
    Col("projects_created", "int", "Projects created."),
    Col("projects_created_dod_change", "int", "Change from the day before.", nullable=True),
    Col("users_created_project", "int", "Users who created a project."),
    Col("artifacts_created", "int", "Artifacts created."),
    Col("artifacts_created_dod_change", "int", "Change from the day before.", nullable=True),
    Col("users_created_artifact", "int", "Users who created an artifact."),
    Col("users_with_chat", "int", "Users who created a chat."),
    Col("pct_users_with_chat", "number", "users_with_chat / active members; null when none.", nullable=True),
)
CLAUDE_CODE_DAILY_COLUMNS = (
    Col("active_users", "int", "Users with a Claude Code session."),
    Col("sessions", "int", "Sessions."),
    Col("lines_added", "int", "Lines of code added."),
    Col("lines_removed", "int", "Lines of code removed."),
    Col("commits", "int", "Commits by Claude Code."),
    Col("pull_requests", "int", "Pull requests by Claude Code."),
    Col("tool_accepted", "int", "Accepted tool suggestions."),
    Col("tool_rejected", "int", "Rejected tool suggestions."),
    Col("tool_accept_rate", "number", "accepted / (accepted + rejected); null when both are 0.", nullable=True),
    Col(
        "estimated_cost_usd",
        "money",
        "Estimated cost in US dollars; spend, so omitted for role admin and for organisations whose spend reports are hidden.",
        spend=True,
    ),
)


def _prefixed(alias: str, columns: tuple[Col, ...]) -> tuple[Col, ...]:
    return tuple(Col(f"{alias}__{c.name}", c.kind, c.doc, c.nullable, f"{alias}.{c.name}") for c in columns)


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
        Col("chats", "int", "Distinct chats created."),
        Col("messages", "int", "Messages sent."),
        Col("projects_created", "int", "Projects created."),
        Col("artifacts_created", "int", "Artifacts created."),
        Col("connector_uses", "int", "Connector uses."),
        Col("claude_code_sessions", "int", "Claude Code sessions."),
        Col("claude_code_lines_added", "int", "Lines added by Claude Code."),
        Col("claude_code_lines_removed", "int", "Lines removed by Claude Code."),
        Col("claude_code_commits", "int", "Commits by Claude Code."),
        Col("claude_code_pull_requests", "int", "Pull requests by Claude Code."),
        Col("spend_usd", "money", "Billed spend in US dollars."),
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
        Col("first_active_date", "date", "Earliest active day on or before the as-of date.", nullable=True),
        Col("last_active_date", "date", "Latest active day on or before the as-of date.", nullable=True),
        Col("active_days_30", "int", "Active days in the 30 days ending on the as-of date."),
        Col("tier", "text", "power (15-30 active days), regular (5-14), light (1-4) or dormant (0)."),
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
        Col("organization_name", "text", "Name.", nullable=True),
        Col("plan", "text", "team or enterprise."),
        Col("spend_reports_hidden", "bool", "Spend reports hidden (SPEC §3)."),
    ),
)
