"""The endpoints of SPEC §7, each a thin layer over one listing of the query layer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from ...core.money import money_text
from ..downloads import user_cost_report_csv
from ..queries import Listing, activity, adoption, claude_code, fetch_page, spend
from ..warehouse import WarehouseUnavailable
from . import models
from .auth import Caller, enterprise, require_spend, spend_reader
from .errors import ERROR_RESPONSES, ApiError, invalid
from .params import AsOfDate, EndingDate, Limit, OneDate, PageToken, StartingDate, as_of, date_range, only

router = APIRouter(prefix="/v1/organizations/analytics", tags=["analytics"], responses=ERROR_RESPONSES)

SEAT_RATES = {"daily_adoption_rate": "a__dau", "weekly_adoption_rate": "a__wau", "monthly_adoption_rate": "a__mau"}
LEADERBOARD_WINDOWS = {
    "projects_used": ("mtd", "qtd", "ytd", "1y"),
    "artifacts_created": ("mtd", "qtd", "ytd", "1y"),
    "spend_usd": ("mtd",),
    "claude_code_lines_added": ("1w", "1m", "mtd"),
    "claude_code_pull_requests": ("1w", "1m", "mtd"),
}


public = money_text  # money as a decimal string with 6 places (SPEC §7); the rest as it is


def flat(listing: Listing, with_spend: bool = True):
    hidden = {c.name for c in listing.columns if c.internal or (c.spend and not with_spend)}
    return lambda row: {k: public(v) for k, v in row.items() if k not in hidden}


def page_of(request: Request, caller: Caller, listing: Listing, params: dict, limit: int, page: str | None, shape=None) -> dict:
    services = request.app.state.services
    after = services.cursors.read(page, listing.name, caller.organization_id, params) if page else None
    try:
        with services.warehouse.cursor() as (cursor, _):
            result = fetch_page(cursor, listing, caller.organization_id, params, limit, after)
    except WarehouseUnavailable as exc:
        raise ApiError(503, str(exc)) from None
    shape = shape or flat(listing)
    next_page = services.cursors.issue(listing.name, caller.organization_id, params, result.next_key) if result.next_key else None
    return {"data": [shape(row) for row in result.rows], "next_page": next_page}


def midnight(day) -> str:
    return dt.datetime.combine(day, dt.time(), dt.UTC).isoformat().replace("+00:00", "Z")


def nested(row: dict, alias: str) -> dict:
    return {k.split("__", 1)[1]: public(v) for k, v in row.items() if k.startswith(alias + "__")}


def summary_shape(with_spend: bool):
    return lambda row: summary_row(row, with_spend)


def summary_row(row: dict, with_spend: bool) -> dict:
    seats = row["a__total_seats"]
    out = {
        "starting_at": midnight(row["date"]),
        "ending_at": midnight(row["date"] + dt.timedelta(days=1)),
        "daily_active_user_count": row["a__dau"],
        "weekly_active_user_count": row["a__wau"],
        "monthly_active_user_count": row["a__mau"],
        "assigned_seat_count": seats,
        **{rate: (row[column] / seats * 100 if seats else None) for rate, column in SEAT_RATES.items()},
        "pending_invite_count": row["a__pending_invites"],
        "claude_code_daily_active_user_count": row["k__active_users"],
    }
    claude_code = nested(row, "k")
    if not with_spend:
        claude_code.pop("estimated_cost_usd", None)
    return {**out, "activity_daily": nested(row, "a"), "claude_ai_daily": nested(row, "c"), "claude_code_daily": claude_code}


def user_shape(with_spend: bool):
    def shape(row: dict) -> dict:
        out = {
            "user": {"id": row["user_id"], "email_address": row["email_address"], "type": "user"},
            "chat_metrics": {
                "message_count": row["messages"],
                "distinct_conversation_count": row["chats"],
                "distinct_projects_created_count": row["projects_created"],
                "distinct_artifacts_created_count": row["artifacts_created"],
                "connectors_used_count": row["connector_uses"],
            },
            "claude_code_metrics": {
                "core_metrics": {
                    "distinct_session_count": row["claude_code_sessions"],
                    "commit_count": row["claude_code_commits"],
                    "pull_request_count": row["claude_code_pull_requests"],
                    "lines_of_code": {
                        "added_count": row["claude_code_lines_added"],
                        "removed_count": row["claude_code_lines_removed"],
                    },
                }
            },
            "last_activity_date": row["date"],
        }
        if with_spend:
            out["spend"] = {
                "spend_usd": public(row["spend_usd"]),
                "input_tokens": row["input_tokens"],
                "output_tokens": row["output_tokens"],
            }
        return out

    return shape


SummaryPage = models.page_model(
    models.summary_model(activity.ACTIVITY_DAILY_COLUMNS, activity.CLAUDE_AI_DAILY_COLUMNS, activity.CLAUDE_CODE_DAILY_COLUMNS),
    "ActivitySummaryPage",
)


def listing_page_model(listing: Listing):
    name = "".join(part.title() for part in listing.name.split("_"))
    return models.page_model(models.row_model(listing, f"{name}Row"), f"{name}Page")


RANGE = ("starting_date", "ending_date", "limit", "page")
WINDOW = (
    "The window ending on the as-of date: 1w/1m/3m/1y are the last 7/30/90/365 days; mtd/qtd/ytd from the "
    "first day of its month/quarter/year."
)


@router.get("/summaries", response_model=SummaryPage, response_model_exclude_unset=True, summary="Activity summary per day")
def summaries(
    request: Request,
    starting_date: StartingDate,
    ending_date: EndingDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(enterprise),
):
    """One row per date from activity_daily, claude_ai_daily and claude_code_daily, in the vendor's shape."""
    only(request, *RANGE)
    start, end = date_range(starting_date, ending_date, caller.latest_date)
    return page_of(
        request,
        caller,
        activity.SUMMARIES,
        {"starting_date": start, "ending_date": end},
        limit,
        page,
        summary_shape(caller.may_read_spend),
    )


@router.get(
    "/users", response_model=models.UserActivityPage, response_model_exclude_unset=True, summary="What each person did on a day"
)
def users(request: Request, date: OneDate, limit: Limit = 20, page: PageToken = None, caller: Caller = Depends(enterprise)):
    """marts.user_activity_daily rows of the date, in the vendor's shape, ordered by email then user id."""
    only(request, "date", "limit", "page")
    day = as_of(date, caller.latest_date, "date")
    return page_of(request, caller, activity.USERS, {"date": day}, limit, page, user_shape(caller.may_read_spend))


@router.get("/engagement", response_model=listing_page_model(activity.ENGAGEMENT), summary="Engagement tiers")
def engagement(
    request: Request,
    as_of_date: AsOfDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(enterprise),
):
    """marts.user_engagement: active members and identities active in the year, with their tier."""
    only(request, "as_of_date", "limit", "page")
    return page_of(request, caller, activity.ENGAGEMENT, {"as_of_date": as_of(as_of_date, caller.latest_date)}, limit, page)


@router.get("/chats", response_model=listing_page_model(adoption.CHATS), summary="Claude.ai over windows")
def chats(
    request: Request,
    as_of_date: AsOfDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(enterprise),
):
    """marts.claude_ai_windows: chats, projects, artifacts and adoption over 1w, 1m, 3m, 1y, mtd, qtd, ytd."""
    only(request, "as_of_date", "limit", "page")
    return page_of(request, caller, adoption.CHATS, {"as_of_date": as_of(as_of_date, caller.latest_date)}, limit, page)


@router.get("/leaderboards", response_model=listing_page_model(adoption.LEADERBOARDS), summary="Top 10 users")
def leaderboards(
    request: Request,
    metric: Annotated[
        Literal["projects_used", "artifacts_created", "spend_usd", "claude_code_lines_added", "claude_code_pull_requests"],
        Query(description="What is ranked."),
    ],
    window: Annotated[
        Literal["1w", "1m", "mtd", "qtd", "ytd", "1y"],
        Query(description="projects_used, artifacts_created: mtd, qtd, ytd, 1y; spend_usd: mtd; claude_code_*: 1w, 1m, mtd."),
    ],
    as_of_date: AsOfDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(enterprise),
):
    """marts.leaderboards for one metric and window."""
    only(request, "as_of_date", "metric", "window", "limit", "page")
    if window not in LEADERBOARD_WINDOWS[metric]:
        raise invalid(f"metric {metric} is ranked for windows {', '.join(LEADERBOARD_WINDOWS[metric])}, not {window}")
    if metric == "spend_usd":
        require_spend(caller)
    params = {"as_of_date": as_of(as_of_date, caller.latest_date), "metric": metric, "window": window}
    return page_of(request, caller, adoption.LEADERBOARDS, params, limit, page)


@router.get("/connectors", response_model=listing_page_model(adoption.CONNECTORS), summary="Top connectors")
def connectors(
    request: Request,
    window: Annotated[Literal["1w", "1m", "3m", "1y"], Query(description=WINDOW)],
    as_of_date: AsOfDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(enterprise),
):
    """marts.top_connectors: by unique users, then uses, then name."""
    only(request, "as_of_date", "window", "limit", "page")
    params = {"as_of_date": as_of(as_of_date, caller.latest_date), "window": window}
    return page_of(request, caller, adoption.CONNECTORS, params, limit, page)


@router.get(
    "/claude_code",
    response_model=listing_page_model(claude_code.CLAUDE_CODE_DAILY),
    response_model_exclude_unset=True,
    summary="Claude Code per day",
)
def claude_code_daily(
    request: Request,
    starting_date: StartingDate,
    ending_date: EndingDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(enterprise),
):
    """marts.claude_code_daily over a range of dates."""
    only(request, *RANGE)
    start, end = date_range(starting_date, ending_date, caller.latest_date)
    return page_of(
        request,
        caller,
        claude_code.CLAUDE_CODE_DAILY,
        {"starting_date": start, "ending_date": end},
        limit,
        page,
        flat(claude_code.CLAUDE_CODE_DAILY, caller.may_read_spend),
    )


@router.get(
    "/claude_code_users",
    response_model=listing_page_model(claude_code.CLAUDE_CODE_USERS),
    response_model_exclude_unset=True,
    summary="Claude Code per person",
)
def claude_code_users(
    request: Request,
    window: Annotated[Literal["1w", "1m", "mtd", "qtd", "ytd"], Query(description=WINDOW)],
    as_of_date: AsOfDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(enterprise),
):
    """marts.claude_code_users for one window."""
    only(request, "as_of_date", "window", "limit", "page")
    params = {"as_of_date": as_of(as_of_date, caller.latest_date), "window": window}
    return page_of(
        request,
        caller,
        claude_code.CLAUDE_CODE_USERS,
        params,
        limit,
        page,
        flat(claude_code.CLAUDE_CODE_USERS, caller.may_read_spend),
    )


@router.get("/cost_report", response_model=listing_page_model(spend.COST_REPORT), summary="Spend per day")
def cost_report(
    request: Request,
    starting_date: StartingDate,
    ending_date: EndingDate = None,
    group_by: Annotated[Literal["model"] | None, Query(description="`model`: a row per date and model.")] = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(spend_reader),
):
    """Spend and tokens per date from marts.spend_daily; with `group_by=model`, per date and model
    (`model` is null without it)."""
    only(request, *RANGE, "group_by")
    start, end = date_range(starting_date, ending_date, caller.latest_date)
    listing = spend.COST_REPORT_BY_MODEL if group_by == "model" else spend.COST_REPORT
    return page_of(request, caller, listing, {"starting_date": start, "ending_date": end}, limit, page)


@router.get("/spend_totals", response_model=listing_page_model(spend.SPEND_TOTALS), summary="Spend to date")
def spend_totals(
    request: Request,
    as_of_date: AsOfDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(spend_reader),
):
    """marts.spend_totals: mtd, qtd and ytd."""
    only(request, "as_of_date", "limit", "page")
    return page_of(request, caller, spend.SPEND_TOTALS, {"as_of_date": as_of(as_of_date, caller.latest_date)}, limit, page)


@router.get("/spend_by_model", response_model=listing_page_model(spend.SPEND_BY_MODEL), summary="Spend by model")
def spend_by_model(
    request: Request,
    window: Annotated[Literal["1m", "3m", "1y"], Query(description=WINDOW)],
    as_of_date: AsOfDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(spend_reader),
):
    """marts.spend_by_model for one window."""
    only(request, "as_of_date", "window", "limit", "page")
    params = {"as_of_date": as_of(as_of_date, caller.latest_date), "window": window}
    return page_of(request, caller, spend.SPEND_BY_MODEL, params, limit, page)


@router.get("/spend_forecast", response_model=listing_page_model(spend.SPEND_FORECAST), summary="Month-end forecast")
def spend_forecast(
    request: Request,
    as_of_date: AsOfDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(spend_reader),
):
    """marts.spend_forecast: the month so far, projected to its end, and the previous month."""
    only(request, "as_of_date", "limit", "page")
    return page_of(request, caller, spend.SPEND_FORECAST, {"as_of_date": as_of(as_of_date, caller.latest_date)}, limit, page)


@router.get("/spend_alerts", response_model=listing_page_model(spend.SPEND_ALERTS), summary="Abnormal spend days")
def spend_alerts(
    request: Request,
    starting_date: StartingDate,
    ending_date: EndingDate = None,
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(spend_reader),
):
    """marts.spend_alerts: days whose spend was over 3 x the 28-day median and over 10 USD."""
    only(request, *RANGE)
    start, end = date_range(starting_date, ending_date, caller.latest_date)
    return page_of(request, caller, spend.SPEND_ALERTS, {"starting_date": start, "ending_date": end}, limit, page)


@router.get(
    "/user_cost_report",
    response_model=listing_page_model(spend.USER_COST_REPORT),
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or with format=csv a CSV file"}},
    summary="Spend per person over a range",
)
def user_cost_report(
    request: Request,
    starting_date: StartingDate,
    ending_date: EndingDate = None,
    format: Annotated[Literal["json", "csv"], Query(description="`csv`: every row as a CSV download (no paging).")] = "json",
    limit: Limit = 100,
    page: PageToken = None,
    caller: Caller = Depends(spend_reader),
):
    """Per user spend_usd, input_tokens and output_tokens over the range, ordered by user_id; with
    `format=csv` every row as a CSV download (formula-safe, amounts with 6 decimals)."""
    only(request, *RANGE, "format")
    start, end = date_range(starting_date, ending_date, caller.latest_date)
    params = {"starting_date": start, "ending_date": end}
    if format == "json":
        return page_of(request, caller, spend.USER_COST_REPORT, params, limit, page)
    if page:
        raise invalid("page does not apply to format=csv: the CSV holds every row")
    try:
        with request.app.state.services.warehouse.cursor() as (cursor, _):
            data, name = user_cost_report_csv(cursor, caller.organization_id, start, end)
    except WarehouseUnavailable as exc:
        raise ApiError(503, str(exc)) from None
    return StreamingResponse(
        iter([data]), media_type="text/csv; charset=utf-8", headers={"content-disposition": f'attachment; filename="{name}"'}
    )
