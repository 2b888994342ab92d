"""Claude.ai (SPEC §8): today's tiles, the rolling windows, chats/projects/artifacts per day and the
top 10s of projects used and artifacts created per window."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...queries import adoption, fetch_all, group_pages
from ...queries.windows import LEADERBOARD_WINDOWS, ROLLING_WINDOWS
from ..frame import by_date, ranking, render_page, series, trend_range
from ..viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)


@router.get("/analytics/claude-ai", response_class=HTMLResponse)
def claude_ai_page(request: Request, who: ViewerDep):
    return render_page(request, who, "claude-ai", "claude_ai.html", claude_ai)


def claude_ai(cursor, who: Viewer, day: dt.date, request: Request, group: dict | None = None) -> dict:
    org = who.organization_id
    trend = trend_range(who, day)
    if group:
        daily = group_pages.daily(cursor, org, group["rbac_group_id"], trend["starting_date"], trend["ending_date"])
        today, _ = by_date(daily, day)
        windows = group_pages.windows(cursor, org, group["rbac_group_id"], day)
    else:
        daily = fetch_all(cursor, adoption.CLAUDE_AI_DAILY, org, trend)
        today, _ = by_date(daily, day)
        windows = fetch_all(cursor, adoption.CHATS, org, {"as_of_date": day})
    rank = ranking(cursor, who, day, group)
    return {
        "today": today,
        "windows": [w for w in windows if w["window"] in ROLLING_WINDOWS],
        "boards": [
            (metric, label, [(window, rank(metric, window)) for window in LEADERBOARD_WINDOWS[metric]])
            for metric, label in (("projects_used", "projects used"), ("artifacts_created", "artifacts created"))
        ],
        "charts": {
            "chats": series(daily, "chats"),
            "projects": series(daily, "projects_created"),
            "artifacts": series(daily, "artifacts_created"),
        },
    }
