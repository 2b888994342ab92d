"""Claude Code (SPEC §8): today's tiles against the day before, the daily charts and the top 10s of
lines added and pull requests per window."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...queries import claude_code, fetch_all, group_pages
from ...queries.windows import LEADERBOARD_WINDOWS
from ..frame import by_date, ranking, render_page, series, trend_range
from ..viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)

CODE_WINDOWS = LEADERBOARD_WINDOWS["claude_code_lines_added"]


@router.get("/analytics/claude-code", response_class=HTMLResponse)
def claude_code_html(request: Request, who: ViewerDep):
    return render_page(request, who, "claude-code", "claude_code.html", claude_code_page)


def claude_code_page(cursor, who: Viewer, day: dt.date, request: Request, group: dict | None = None) -> dict:
    org = who.organization_id
    window = request.query_params.get("window", "mtd")
    window = window if window in CODE_WINDOWS else "mtd"
    trend = trend_range(who, day)
    if group:
        # tool actions and estimated cost are not held per user and day: not shown for a group (docs/dashboard.md)
        daily = group_pages.daily(cursor, org, group["rbac_group_id"], trend["starting_date"], trend["ending_date"])
    else:
        daily = fetch_all(cursor, claude_code.CLAUDE_CODE_DAILY, org, trend)
    rank = ranking(cursor, who, day, group)
    today, before = by_date(daily, day)
    charts = {
        "code_users": series(daily, "active_users", "sessions"),
        "code_lines": series(daily, "lines_added", "lines_removed"),
        "code_commits": series(daily, "commits", "pull_requests"),
    }
    if not group:
        charts["code_accept"] = series(daily, "tool_accept_rate")
        if who.spend_reason is None:  # SPEC §7: the estimated cost is spend
            charts["code_cost"] = series(daily, "estimated_cost_usd")
    return {
        "today": today,
        "before": before,
        # every window's top 10s, switched in place by the period selector (as on Claude.ai);
        # ?window= picks the one shown first (a bookmark keeps it)
        "window": window,
        "boards": [
            (metric, label, [(w, rank(metric, w)) for w in LEADERBOARD_WINDOWS[metric]])
            for metric, label in (("claude_code_lines_added", "lines added"), ("claude_code_pull_requests", "pull requests"))
        ],
        "charts": charts,
    }
