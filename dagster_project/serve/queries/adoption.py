"""Claude.ai adoption: chats, projects and artifacts per day and over windows, leaderboards and
connectors (SPEC §4, §7 chats, leaderboards, connectors)."""

from .activity import AS_OF, CLAUDE_AI_DAILY_COLUMNS, EMAIL, FULL_NAME, USER_ID
from .common import Col, Listing, daily_listing

WINDOW = Col("window", "text", "The window ending on the as-of date.", expr='"window"')


def window_order(windows: list[str]) -> Col:
    """A column that sorts windows the way people read them (not alphabetically)."""
    listed = ", ".join(f"'{w}'" for w in windows)
    return Col(
        "window_order",
        "int",
        f"Position of the window among {', '.join(windows)}.",
        expr=f'list_position([{listed}], "window")',
        internal=True,
    )


CLAUDE_AI_DAILY = daily_listing("claude_ai_daily", "marts.claude_ai_daily", CLAUDE_AI_DAILY_COLUMNS)

CHATS = Listing(
    name="chats",
    source="marts.claude_ai_windows",
    columns=(
        AS_OF,
        WINDOW,
        Col("chats", "int", "Distinct chats created in the window."),
        Col("projects_created", "int", "Projects created in the window."),
        Col("artifacts_created", "int", "Artifacts created in the window."),
        Col("users_with_chat", "int", "Users with at least one chat created in the window."),
        Col("users_with_project", "int", "Users with at least one project created in the window."),
        Col("users_with_artifact", "int", "Users with at least one artifact created in the window."),
        Col("active_members", "int", "Active members on the as-of date."),
        Col("pct_users_with_chat", "number", "users_with_chat / active_members.", nullable=True),
        Col("pct_users_with_project", "number", "users_with_project / active_members.", nullable=True),
        Col("pct_users_with_artifact", "number", "users_with_artifact / active_members.", nullable=True),
        window_order(["1w", "1m", "3m", "1y", "mtd", "qtd", "ytd"]),
    ),
    key=("window_order",),
    where="as_of_date = $as_of_date",
)

LEADERBOARDS = Listing(
    name="leaderboards",
    source="marts.leaderboards",
    columns=(
        AS_OF,
        Col("metric", "text", "What is ranked."),
        WINDOW,
        Col("rank", "int", "1 to 10."),
        USER_ID,
        EMAIL,
        FULL_NAME,
        Col("value", "money", "The metric over the window, as a decimal string (counts are whole)."),
    ),
    key=("rank",),
    where='as_of_date = $as_of_date and metric = $metric and "window" = $window',
)

CONNECTORS = Listing(
    name="connectors",
    source="marts.top_connectors",
    columns=(
        AS_OF,
        WINDOW,
        Col("rank", "int", "1 to 10."),
        Col("connector", "text", "The connector's name."),
        Col("unique_users", "int", "Users who used it in the window."),
        Col("uses", "int", "Uses in the window."),
    ),
    key=("rank",),
    where='as_of_date = $as_of_date and "window" = $window',
)
