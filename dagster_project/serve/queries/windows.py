"""The windows each listing is read over (SPEC §4), named once: the API's parameter types and checks
and the dashboard's selectors both come from here."""

from __future__ import annotations

import datetime as dt

MAX_RANGE_DAYS = 366  # the longest range one read covers: an API date range, an exported spend report

ROLLING_DAYS = {"1w": 7, "1m": 30, "3m": 90, "1y": 365}
ROLLING_WINDOWS = tuple(ROLLING_DAYS)  # the last 7, 30, 90, 365 days
CHAT_WINDOWS = (*ROLLING_WINDOWS, "mtd", "qtd", "ytd")  # marts.claude_ai_windows
CONNECTOR_WINDOWS = ROLLING_WINDOWS  # marts.top_connectors
CLAUDE_CODE_USER_WINDOWS = ("1w", "1m", "mtd", "qtd", "ytd")  # marts.claude_code_users
SPEND_TOTAL_WINDOWS = ("mtd", "qtd", "ytd")  # marts.spend_totals
SPEND_MODEL_WINDOWS = ("1m", "3m", "1y")  # marts.spend_by_model
# marts.leaderboards: the windows each metric is ranked over
LEADERBOARD_WINDOWS = {
    "projects_used": ("mtd", "qtd", "ytd", "1y"),
    "artifacts_created": ("mtd", "qtd", "ytd", "1y"),
    "spend_usd": ("mtd",),
    "claude_code_lines_added": ("1w", "1m", "mtd"),
    "claude_code_pull_requests": ("1w", "1m", "mtd"),
}
LEADERBOARD_METRICS = tuple(LEADERBOARD_WINDOWS)
ANY_LEADERBOARD_WINDOW = tuple(dict.fromkeys(w for ws in LEADERBOARD_WINDOWS.values() for w in ws))

WINDOW_MEANING = (
    "The window ending on the as-of date: 1w/1m/3m/1y are the last 7/30/90/365 days; mtd/qtd/ytd from the "
    "first day of its month/quarter/year."
)


def window_start(window: str, day: dt.date) -> dt.date:
    """The first day of a window ending on `day` (SPEC §3), for reads the marts do not window."""
    if window in ROLLING_DAYS:
        return day - dt.timedelta(days=ROLLING_DAYS[window] - 1)
    if window == "mtd":
        return day.replace(day=1)
    if window == "qtd":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)
