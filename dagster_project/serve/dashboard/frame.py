"""What every analytics page shares (SPEC §8): the as-of date and group asked for, the page's
context and template, and the small helpers its sections use (the trend's days, a chart's series,
the organisation's top 10s)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from ..core.services import get_services
from ..queries import adoption, fetch_all, group_pages
from .format import script_json
from .templating import templates
from .viewer import Viewer

TREND_DAYS = 30
PAGES = [("all-activity", "All activity"), ("claude-ai", "Claude.ai"), ("claude-code", "Claude Code")]

# a page's own content: (cursor, viewer, day, request, group or None) -> its template's context
Build = Callable[..., dict]


def chosen_date(request: Request, who: Viewer) -> tuple[dt.date | None, str | None]:
    """The as-of date asked for (default: the latest built), or why there is nothing to show for it."""
    text = request.query_params.get("date")
    if who.latest_date is None:
        return None, "The warehouse holds no data yet."
    if not text:
        day = who.latest_date
    else:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None, f"“{text}” is not a date: use YYYY-MM-DD."
    if day > who.latest_date:
        return day, f"Data is available up to {who.latest_date}; {day} is not built yet."
    if who.first_date is None:
        return day, f"The warehouse holds no data for {who.organization_id}."
    if day < who.first_date:
        return day, f"{who.organization_id} has no data before {who.first_date}, its first day in the warehouse."
    if day not in who.present:
        return day, f"{who.organization_id} is not in the organizations snapshot of {day}: no data for that day."
    return day, None


def chosen_group(request: Request, who: Viewer, day: dt.date, groups: list[dict]) -> tuple[dict | None, str | None]:
    """The RBAC group asked for with ?group= (SPEC §8), or why it cannot be shown."""
    asked = request.query_params.get("group")
    if not asked:
        return None, None
    group = next((g for g in groups if g["rbac_group_id"] == asked), None)
    if group is None:
        return None, f"“{asked}” is not a group of {who.organization_name or who.organization_id} on {day}."
    return group, None


def render_page(request: Request, who: Viewer, name: str, template: str, build: Build) -> Response:
    """One analytics page: its date and group checked, then its own content from `build`."""
    day, problem = chosen_date(request, who)
    context = {
        "who": who,
        "day": day,
        "problem": problem,
        "pages": PAGES,
        "current": name,
        "spend_reason": who.spend_reason,
        "charts": {},
    }
    warehouse = get_services(request).warehouse
    if problem is None:
        with warehouse.cursor() as (cursor, _):
            context["groups"] = group_pages.groups_on(cursor, who.organization_id, day)
            group, context["problem"] = chosen_group(request, who, day, context["groups"])
            context["group"] = group
            if context["problem"] is None:
                context.update(build(cursor, who, day, request, group))
    elif who.latest_date is not None:
        # a date that cannot be shown keeps the group picker (the groups of the latest date), so
        # that fixing the date does not lose the group
        with warehouse.cursor() as (cursor, _):
            context["groups"] = group_pages.groups_on(cursor, who.organization_id, who.latest_date)
        wanted = request.query_params.get("group")
        context["group"] = next((g for g in context["groups"] if g["rbac_group_id"] == wanted), None)
    context["charts_json"] = script_json(context["charts"])
    return templates.TemplateResponse(request, template, context)


def trend_range(who: Viewer, day: dt.date) -> dict:
    start = max(day - dt.timedelta(days=TREND_DAYS - 1), who.first_date)
    return {"starting_date": start, "ending_date": day + dt.timedelta(days=1)}


def series(rows: list[dict], *columns: str) -> dict:
    return {"x": [str(r["date"]) for r in rows], **{c: [r[c] for r in rows] for c in columns}}


def by_date(rows: list[dict], day: dt.date) -> tuple[dict | None, dict | None]:
    """The row of `day` and of the day before, from a date-ordered series."""
    rows_by_day = {r["date"]: r for r in rows}
    return rows_by_day.get(day), rows_by_day.get(day - dt.timedelta(days=1))


def board(cursor, org: str, day: dt.date, metric: str, window: str) -> list[dict]:
    """The organisation's top 10 of a metric over a window (marts.leaderboards)."""
    return fetch_all(cursor, adoption.LEADERBOARDS, org, {"as_of_date": day, "metric": metric, "window": window})


def ranking(cursor, who: Viewer, day: dt.date, group: dict | None) -> Callable[[str, str], list[dict]]:
    """The top 10s a page shows: the organisation's, or the group's."""
    org = who.organization_id
    if group:
        return lambda metric, window: group_pages.board(cursor, org, group["rbac_group_id"], day, metric, window)
    return lambda metric, window: board(cursor, org, day, metric, window)
