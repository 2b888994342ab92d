"""Claude.ai adoption: chats, projects and artifacts per day and over windows, leaderboards and
connectors (SPEC §4, §7 chats, leaderboards, connectors)."""

from .activity import AS_OF, CLAUDE_AI_DAILY_COLUMNS, EMAIL, FULL_NAME, USER_ID
from .common import Col, Listing, daily_listing
from .windows import CHAT_WINDOWS

WINDOW = Col("window", "text", expr='"window"')


def window_order(windows: tuple[str, ...]) -> Col:
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
        Col("chats", "int"),
        Col("projects_created", "int"),
        Col("artifacts_created", "int"),
        Col("users_with_chat", "int"),
        Col("users_with_project", "int"),
        Col("users_with_artifact", "int"),
        Col("active_members", "int"),
        Col("pct_users_with_chat", "number", nullable=True),
        Col("pct_users_with_project", "number", nullable=True),
        Col("pct_users_with_artifact", "number", nullable=True),
        window_order(CHAT_WINDOWS),
    ),
    key=("window_order",),
    where="as_of_date = $as_of_date",
)

LEADERBOARDS = Listing(
    name="leaderboards",
    source="marts.leaderboards",
    columns=(
        AS_OF,
        Col("metric", "text"),
        WINDOW,
        Col("rank", "int"),
        USER_ID,
        EMAIL,
        FULL_NAME,
        Col("value", "money"),
    ),
    key=("rank",),
    where='as_of_date = $as_of_date and metric = $metric and "window" = $window',
)

TOP_CONNECTORS = Listing(
    name="top_connectors",
    source="marts.top_connectors",
    columns=(
        AS_OF,
        WINDOW,
        Col("rank", "int"),
        Col("connector", "text"),
        Col("unique_users", "int"),
        Col("uses", "int"),
    ),
    key=("rank",),
    where='as_of_date = $as_of_date and "window" = $window',
)
