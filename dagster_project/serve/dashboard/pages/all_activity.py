"""All activity (SPEC §8): usage tiles and trend, Claude.ai today, the top 10s, connectors, skills
and plugins, and (for viewers who may see spend) spend, its forecast, alerts and Export Spend Report."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...queries import activity, adoption, fetch_all, group_pages, skills_plugins, spend
from ..frame import board, by_date, render_page, series, trend_range
from ..spend_section import budget_of, by_model_charts, export_form, spend_charts, spend_series
from ..viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)


@router.get("/analytics/all-activity", response_class=HTMLResponse)
def all_activity_page(request: Request, who: ViewerDep):
    return render_page(request, who, "all-activity", "all_activity.html", all_activity)


def all_activity(cursor, who: Viewer, day: dt.date, request: Request, group: dict | None = None) -> dict:
    if group:
        return group_all_activity(cursor, who, day, request, group)
    org = who.organization_id
    trend = fetch_all(cursor, activity.ACTIVITY_DAILY, org, trend_range(who, day))
    usage, usage_before = by_date(trend, day)
    claude_ai = fetch_all(
        cursor, adoption.CLAUDE_AI_DAILY, org, {"starting_date": day, "ending_date": day + dt.timedelta(days=1)}
    )
    context = {
        "usage": usage,
        "usage_before": usage_before,
        "claude_ai": claude_ai[0] if claude_ai else None,
        "top_projects": board(cursor, org, day, "projects_used", "mtd"),
        "top_artifacts": board(cursor, org, day, "artifacts_created", "mtd"),
        "connectors": fetch_all(cursor, adoption.TOP_CONNECTORS, org, {"as_of_date": day, "window": "1m"}),
        "top_skills": skills_plugins.top_skills(cursor, org, day),
        "top_plugins": skills_plugins.top_plugins(cursor, org, day),
        "charts": {"usage": series(trend, "dau", "wau", "mau")},
    }
    if who.spend_reason is None:
        forecast = next(iter(fetch_all(cursor, spend.SPEND_FORECAST, org, {"as_of_date": day})), None)
        context.update(
            {
                "totals": fetch_all(cursor, spend.SPEND_TOTALS, org, {"as_of_date": day, "budget_usd": budget_of(request, org)}),
                "top_spend": board(cursor, org, day, "spend_usd", "mtd"),
                "forecast": forecast,
                **spend_charts(cursor, org, who, day, forecast),
                "alerts": fetch_all(
                    cursor,
                    spend.SPEND_ALERTS,
                    org,
                    {"starting_date": day - dt.timedelta(days=89), "ending_date": day + dt.timedelta(days=1)},
                ),
                **export_form(request, who, day),
            }
        )
        context["charts"].update(context.pop("charts_spend"))
    return context


def group_all_activity(cursor, who: Viewer, day: dt.date, request: Request, group: dict) -> dict:
    """All activity for one group: the same tiles, charts and top 10s over the group's users on the
    days they held it; pending invites and spend alerts are the organisation's and left out."""
    org, gid = who.organization_id, group["rbac_group_id"]
    trend_days = trend_range(who, day)
    trend = group_pages.daily(cursor, org, gid, trend_days["starting_date"], trend_days["ending_date"])
    usage, usage_before = by_date(trend, day)
    context = {
        "usage": usage,
        "usage_before": usage_before,
        "claude_ai": usage,
        "top_projects": group_pages.board(cursor, org, gid, day, "projects_used", "mtd"),
        "top_artifacts": group_pages.board(cursor, org, gid, day, "artifacts_created", "mtd"),
        "connectors": group_pages.connectors(cursor, org, gid, day),
        "top_skills": skills_plugins.top_skills(cursor, org, day, gid),
        "top_plugins": skills_plugins.top_plugins(cursor, org, day, gid),
        "charts": {"usage": series(trend, "dau", "wau", "mau")},
    }
    if who.spend_reason is None:
        scoped = group_pages.spend(cursor, org, gid, day)
        context.update(
            {
                "totals": scoped["totals"],
                "forecast": scoped["forecast"],
                "top_spend": group_pages.board(cursor, org, gid, day, "spend_usd", "mtd"),
                "by_model": scoped["by_model"],
                "alerts": None,
                **export_form(request, who, day),
            }
        )
        context["charts"].update(spend_series(scoped["spend_by_day"], trend_days, day, scoped["forecast"]))
        context["charts"].update(by_model_charts(scoped["by_model"]))
    return context
