"""The dashboard's pages (SPEC §8), rendered on the server from the query layer.

Addresses: /signin, /signout, /analytics/all-activity, /analytics/claude-ai,
/analytics/claude-code (each with ?date=YYYY-MM-DD), and the two CSV downloads. Every number
tile carries data-metric (the mart column), data-window where it has one, and data-value (the
mart's exact value); every top-10 row carries data-user-id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ...notify.store import read_budget
from ..downloads import claude_code_users_csv, user_spend_report_csv
from ..keys import ApiKey
from ..queries import activity, adoption, claude_code, fetch_all, group_pages, skills_plugins, spend
from ..queries.windows import CLAUDE_CODE_USER_WINDOWS, LEADERBOARD_WINDOWS, ROLLING_WINDOWS, SPEND_MODEL_WINDOWS
from ..services import get_services
from ..warehouse import WarehouseUnavailable
from .format import FILTERS, script_json
from .session import COOKIE, cross_site

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters.update(FILTERS)
router = APIRouter(include_in_schema=False)

TREND_DAYS = 30
PAGES = [("all-activity", "All activity"), ("claude-ai", "Claude.ai"), ("claude-code", "Claude Code")]
HIDDEN_REASON = {
    "admin": "Spend is not shown to admins: ask an owner or the primary owner.",
    "hidden": "Spend reports are hidden for this organisation (Enterprise, seat-based billing, no extra usage).",
}


@dataclass
class Viewer:
    key: ApiKey
    organization_name: str | None
    plan: str | None
    spend_hidden: bool
    first_date: dt.date | None
    latest_date: dt.date | None
    present: frozenset  # the days the organisation is in the organizations snapshot
    published_at: dt.datetime | None = None  # when the served warehouse was published (the freshness line)

    @property
    def spend_reason(self) -> str | None:
        if self.key.role == "admin":
            return HIDDEN_REASON["admin"]
        return HIDDEN_REASON["hidden"] if self.spend_hidden else None


class SignInRequired(Exception):
    def __init__(self, message: str = ""):
        self.message = message


services = get_services  # the pages read the server's services as the API's handlers do


# SPEC §8: who may sign in to the dashboard, by plan (the product's rule)
SIGN_IN_ROLES = {"team": ("primary_owner", "owner"), "enterprise": ("primary_owner", "owner", "admin")}


def viewer(request: Request) -> Viewer:
    """The signed-in key and its organisation; SignInRequired when there is none (any more)."""
    svc = services(request)
    key = svc.keys.session_key(request.cookies.get(COOKIE))
    if key is None:
        raise SignInRequired(
            "Your session ended (signed out, expired, or the key was revoked)." if request.cookies.get(COOKIE) else ""
        )
    with svc.warehouse.cursor() as (cursor, snapshot):
        days = fetch_all(
            cursor,
            activity.ORGANIZATION_DAYS,
            key.organization_id,
            {"starting_date": dt.date(1, 1, 1), "ending_date": dt.date(9999, 1, 1)},
        )
    first, last = (days[0]["date"], days[-1]) if days else (None, {})
    return Viewer(
        key,
        last.get("organization_name"),
        last.get("plan"),
        bool(last.get("spend_reports_hidden")),
        first,
        snapshot.latest_date,
        frozenset(d["date"] for d in days),
        snapshot.published_at,
    )


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
        return day, f"The warehouse holds no data for {who.key.organization_id}."
    if day < who.first_date:
        return day, f"{who.key.organization_id} has no data before {who.first_date}, its first day in the warehouse."
    if day not in who.present:
        return day, f"{who.key.organization_id} is not in the organizations snapshot of {day}: no data for that day."
    return day, None


def chosen_group(request: Request, who: Viewer, day: dt.date, groups: list[dict]) -> tuple[dict | None, str | None]:
    """The RBAC group asked for with ?group= (SPEC §8), or why it cannot be shown."""
    asked = request.query_params.get("group")
    if not asked:
        return None, None
    group = next((g for g in groups if g["rbac_group_id"] == asked), None)
    if group is None:
        return None, f"“{asked}” is not a group of {who.organization_name or who.key.organization_id} on {day}."
    return group, None


def page(request: Request, name: str, template: str, build) -> Response:
    try:
        who = viewer(request)
    except SignInRequired as exc:
        return signin_redirect(exc.message)
    except WarehouseUnavailable as exc:
        return message_page(request, str(exc), 503)
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
    if problem is None:
        with services(request).warehouse.cursor() as (cursor, _):
            context["groups"] = group_pages.groups_on(cursor, who.key.organization_id, day)
            group, context["problem"] = chosen_group(request, who, day, context["groups"])
            context["group"] = group
            if context["problem"] is None:
                context.update(build(cursor, who, day, request, group))
    elif who.latest_date is not None:
        # a date that cannot be shown keeps the group picker (the groups of the latest date), so
        # that fixing the date does not lose the group
        with services(request).warehouse.cursor() as (cursor, _):
            context["groups"] = group_pages.groups_on(cursor, who.key.organization_id, who.latest_date)
        wanted = request.query_params.get("group")
        context["group"] = next((g for g in context["groups"] if g["rbac_group_id"] == wanted), None)
    context["charts_json"] = script_json(context["charts"])
    return templates.TemplateResponse(request, template, context)


def signin_redirect(message: str = "") -> RedirectResponse:
    response = RedirectResponse("/signin" + ("?ended=1" if message else ""), status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


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
    return fetch_all(cursor, adoption.LEADERBOARDS, org, {"as_of_date": day, "metric": metric, "window": window})


def export_form(request: Request, who: Viewer, day: dt.date) -> dict:
    """The Export Spend Report form: this month by default; after a refused export, what was typed
    and what to fix (the download sends the reader back here)."""
    if "from" not in request.query_params and "to" not in request.query_params:
        return {"report_from": day.replace(day=1), "report_to": day, "report_problem": None}
    _, _, problem = report_range(request, who)
    return {
        "report_from": request.query_params.get("from", ""),
        "report_to": request.query_params.get("to", ""),
        "report_problem": problem,
    }


def spend_charts(cursor, org: str, who: Viewer, day: dt.date, forecast: dict | None) -> dict:
    """Spend per day over the trend's days; the month so far, cumulated, with the forecast's line to
    the month's end; spend by model per window (the chart beside each window's table). One read of
    the daily spend covers both the trend and the month."""
    trend = trend_range(who, day)
    start = min(trend["starting_date"], day.replace(day=1))
    spent = {r["date"]: r["spend_usd"] for r in fetch_all(cursor, spend.SPEND_DAILY, org, {**trend, "starting_date": start})}
    charts = spend_series(spent, trend, day, forecast)
    by_model = {w: fetch_all(cursor, spend.SPEND_BY_MODEL, org, {"as_of_date": day, "window": w}) for w in SPEND_MODEL_WINDOWS}
    charts.update(by_model_charts(by_model))
    return {"by_model": by_model, "charts_spend": charts}


def spend_series(spent: dict, trend: dict, day: dt.date, forecast: dict | None) -> dict:
    """Spend per day over the trend's days (days with spend), and the month so far cumulated with
    the forecast's line to the month's end."""
    month_start = day.replace(day=1)
    trend_days = sorted(d for d in spent if trend["starting_date"] <= d <= day)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    days = [month_start + dt.timedelta(days=i) for i in range((next_month - month_start).days)]
    so_far, total = [], 0
    for d in days:
        total += spent.get(d, 0) if d <= day else 0
        so_far.append(total if d <= day else None)
    projected = forecast["projected_month_usd"] if forecast else None
    pace = (projected - total) / max((days[-1] - day).days, 1) if projected is not None and day < days[-1] else None
    ahead = [
        None if d < day else total if d == day else (total + pace * (d - day).days if pace is not None else None) for d in days
    ]
    return {
        "spend_daily": {"x": [str(d) for d in trend_days], "spend_usd": [spent[d] for d in trend_days]},
        "spend_month": {"x": [str(d) for d in days], "spend_to_date": so_far, "forecast": ahead},
    }


def by_model_charts(by_model: dict) -> dict:
    return {
        f"spend_by_model_{window}": {"kind": "bar", "x": [r["model"] for r in rows], "spend_usd": [r["spend_usd"] for r in rows]}
        for window, rows in by_model.items()
    }


def group_all_activity(cursor, who: Viewer, day: dt.date, request: Request, group: dict) -> dict:
    """All activity for one group: the same tiles, charts and top 10s over the group's users on the
    days they held it; pending invites and spend alerts are the organisation's and left out."""
    org, gid = who.key.organization_id, group["rbac_group_id"]
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


def budget_of(request: Request, org: str) -> str | None:
    """The organisation's monthly budget (make budget), shown beside month-to-date spend."""
    path = services(request).settings.notifications
    budget = read_budget(path, org) if path else None
    return str(budget) if budget else None


def all_activity(cursor, who: Viewer, day: dt.date, request: Request, group: dict | None = None) -> dict:
    if group:
        return group_all_activity(cursor, who, day, request, group)
    org = who.key.organization_id
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


def claude_ai(cursor, who: Viewer, day: dt.date, request: Request, group: dict | None = None) -> dict:
    org = who.key.organization_id
    if group:
        trend = trend_range(who, day)
        daily = group_pages.daily(cursor, org, group["rbac_group_id"], trend["starting_date"], trend["ending_date"])
        today, _ = by_date(daily, day)
        windows = group_pages.windows(cursor, org, group["rbac_group_id"], day, today["total_seats"] if today else 0)
        rank = lambda metric, window: group_pages.board(cursor, org, group["rbac_group_id"], day, metric, window)  # noqa: E731
    else:
        daily = fetch_all(cursor, adoption.CLAUDE_AI_DAILY, org, trend_range(who, day))
        today, _ = by_date(daily, day)
        windows = fetch_all(cursor, adoption.CHATS, org, {"as_of_date": day})
        rank = lambda metric, window: board(cursor, org, day, metric, window)  # noqa: E731
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


CODE_WINDOWS = LEADERBOARD_WINDOWS["claude_code_lines_added"]


def claude_code_page(cursor, who: Viewer, day: dt.date, request: Request, group: dict | None = None) -> dict:
    org = who.key.organization_id
    window = request.query_params.get("window", "mtd")
    window = window if window in CODE_WINDOWS else "mtd"
    trend = trend_range(who, day)
    if group:
        # tool actions and estimated cost are not held per user and day: not shown for a group (docs/dashboard.md)
        daily = group_pages.daily(cursor, org, group["rbac_group_id"], trend["starting_date"], trend["ending_date"])
        rank = lambda metric, window: group_pages.board(cursor, org, group["rbac_group_id"], day, metric, window)  # noqa: E731
    else:
        daily = fetch_all(cursor, claude_code.CLAUDE_CODE_DAILY, org, trend)
        rank = lambda metric, window: board(cursor, org, day, metric, window)  # noqa: E731
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


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    return RedirectResponse("/analytics/all-activity", status_code=303)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request):
    ended = request.query_params.get("ended")
    return templates.TemplateResponse(
        request, "signin.html", {"error": None, "notice": "Your session ended. Sign in again." if ended else None}
    )


def signin_error(request: Request, message: str, status_code: int, headers: dict | None = None) -> Response:
    return templates.TemplateResponse(
        request, "signin.html", {"error": message, "notice": None}, status_code=status_code, headers=headers
    )


def signin_refusal(request: Request, key: ApiKey) -> str | None:
    """Why this valid key may not sign in (SPEC §8), or None."""
    try:
        plan = services(request).warehouse.snapshot().organizations.get(key.organization_id, (None, False))[0]
    except WarehouseUnavailable as exc:
        return str(exc)
    allowed = SIGN_IN_ROLES.get(plan, ())
    if key.role in allowed:
        return None
    if plan is None:
        return f"The warehouse holds no organisation {key.organization_id}: there is nothing to show."
    return (
        f"Team plan analytics are for Owners and Primary Owners: this key is an {key.role}'s."
        if plan == "team"
        else f"Role {key.role} may not sign in to the dashboard."
    )


@router.post("/signin", response_class=HTMLResponse)
def signin(request: Request, api_key: str = Form("")):
    if cross_site(request):
        return signin_error(request, "Sign in from this site's own sign-in page.", 403)
    client = request.client.host if request.client else "unknown"
    throttle = services(request).signin_throttle
    wait = throttle.retry_after(client)
    if wait:
        return signin_error(request, f"Too many failed sign-ins: try again in {wait} s.", 429, {"retry-after": str(wait)})
    svc = services(request)
    key = svc.keys.verify(api_key.strip())
    if key is None:
        throttle.failed(client)
        return signin_error(request, "That key is not valid: it is unknown, expired or has been revoked.", 401)
    refusal = signin_refusal(request, key)
    if refusal:
        return signin_error(request, refusal, 403)
    throttle.succeeded(client)
    seconds = svc.settings.session_hours * 3600
    response = RedirectResponse("/analytics/all-activity", status_code=303)
    response.set_cookie(
        COOKIE,
        svc.keys.start_session(key.id, seconds),
        max_age=seconds,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.get("/signout", response_class=HTMLResponse)
def signout_form(request: Request):
    """Signing out changes state, so it is a POST (a link or an image cannot sign anyone out)."""
    return templates.TemplateResponse(request, "signout.html", {})


@router.post("/signout")
def signout(request: Request):
    if cross_site(request):
        return message_page(request, "Sign out from this site's own pages.", 403)
    services(request).keys.end_session(request.cookies.get(COOKIE))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/analytics/all-activity", response_class=HTMLResponse)
def all_activity_page(request: Request):
    return page(request, "all-activity", "all_activity.html", all_activity)


@router.get("/analytics/claude-ai", response_class=HTMLResponse)
def claude_ai_page(request: Request):
    return page(request, "claude-ai", "claude_ai.html", claude_ai)


@router.get("/analytics/claude-code", response_class=HTMLResponse)
def claude_code_html(request: Request):
    return page(request, "claude-code", "claude_code.html", claude_code_page)


def message_page(request: Request, message: str, status_code: int) -> Response:
    """A page that says in one line what is wrong, with the status an API client would get."""
    return templates.TemplateResponse(request, "message.html", {"message": message}, status_code=status_code)


def unavailable_page(request: Request, message: str) -> Response:
    """The server's own files failed the page (serve/api/errors.server_fault): 503, try again."""
    response = message_page(request, message, 503)
    response.headers["retry-after"] = "5"
    return response


def download(data: bytes, name: str) -> Response:
    return Response(data, media_type="text/csv; charset=utf-8", headers={"content-disposition": f'attachment; filename="{name}"'})


def report_range(request: Request, who: Viewer) -> tuple[dt.date | None, dt.date | None, str | None]:
    """Export Spend Report's from and to (inclusive), or what to fix in them."""
    try:
        start = dt.date.fromisoformat(request.query_params.get("from", ""))
        end = dt.date.fromisoformat(request.query_params.get("to", ""))
    except ValueError:
        return None, None, "Pick a start and an end date (YYYY-MM-DD)."
    first, latest = who.first_date, who.latest_date
    if latest is None or first is None:
        return start, end, "The warehouse holds no data for this organisation yet."
    if end < start:
        return start, end, f"The start ({start}) is after the end ({end}): pick a start on or before the end."
    if start < first or end > latest:
        return start, end, f"Pick dates from {first} (the organisation's first day) to {latest} (the latest built date)."
    if (end - start).days >= 366:
        return start, end, "Pick a range of at most 366 days."
    return start, end, None


@router.get("/analytics/exports/spend-report")
def spend_report(request: Request):
    """Export Spend Report: the API's user_spend_report as CSV, from and to inclusive."""
    try:
        who = viewer(request)
    except SignInRequired as exc:
        return signin_redirect(exc.message)
    if who.spend_reason:
        return message_page(request, who.spend_reason, 403)
    start, end, problem = report_range(request, who)
    if problem:
        # back to the form, which keeps what was typed and says what to fix beside it
        kept = urlencode({k: request.query_params.get(k, "") for k in ("from", "to")})
        return RedirectResponse(f"/analytics/all-activity?{kept}#export", status_code=303)
    with services(request).warehouse.cursor() as (cursor, _):
        data, name = user_spend_report_csv(cursor, who.key.organization_id, start, end + dt.timedelta(days=1))
    return download(data, name)


@router.get("/analytics/exports/claude-code")
def claude_code_csv(request: Request):
    try:
        who = viewer(request)
    except SignInRequired as exc:
        return signin_redirect(exc.message)
    day, problem = chosen_date(request, who)
    window = request.query_params.get("window", "mtd")
    if problem or window not in CLAUDE_CODE_USER_WINDOWS:
        return message_page(request, problem or f"window is one of {', '.join(CLAUDE_CODE_USER_WINDOWS)}.", 400)
    with services(request).warehouse.cursor() as (cursor, _):
        data, name = claude_code_users_csv(cursor, who.key.organization_id, day, window, with_spend=who.spend_reason is None)
    return download(data, name)
