"""The vendor's beta cost and usage reports from the billing ledger (SPEC §7 "Vendor surface"):
`client.beta.organization.analytics.{cost_report, user_cost_report, usage_report,
user_usage_report}.list` of the pinned SDK work against these unchanged. Token counts are part of
spend here as in `users` (SPEC §7): every report is refused to role admin and to organisations
whose spend is hidden."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from ...queries import breakdowns
from .. import vendor_models as vm
from ..deps import ServicesDep, SpendCaller
from ..errors import invalid
from ..reading import known_groups, offset_cursor, page_offset, warehouse_cursor
from ..shapes import midnight
from ..vendor_params import BucketReportParams, ReportParams, UserReportParams, parse_group_by, report_range

router = APIRouter(tags=["vendor reports (beta)"])

DIMENSIONS = ("model", "product", "rbac_group_id")
ONE_CENT_FRACTION = Decimal("0.0001")  # 6 decimals of a dollar are 4 of a cent


def cents(amount_usd: Decimal) -> str:
    """US dollars (exact DECIMAL) as the vendor's amounts: a decimal string of US cents."""
    return format((Decimal(amount_usd) * 100).quantize(ONE_CENT_FRACTION), "f")


def cost_result(row: dict) -> dict:
    return {"amount": cents(row["amount_usd"]), "currency": "USD", "list_amount": None, "requests": row["requests"]}


def usage_result(row: dict) -> dict:
    return {
        "uncached_input_tokens": row["uncached_input_tokens"],
        "cache_read_input_tokens": row["cache_read_input_tokens"],
        "cache_creation": None,
        "cache_creation_input_tokens": row["cache_creation_input_tokens"],
        "output_tokens": row["output_tokens"],
        "requests": row["requests"],
        "server_tool_use": None,
    }


def ledger_filters(query: ReportParams) -> dict[str, list[str]]:
    return {name: values for name in ("models", "products", "user_ids") if (values := getattr(query, name))}


def report_params(query: ReportParams, days: tuple[dt.date, dt.date], group_by: list[str], **more) -> dict:
    """What a page's cursor is bound to: every parameter that decides the rows."""
    return {"days": days, "group_by": group_by, "filters": ledger_filters(query), "groups": query.rbac_group_ids, **more}


def bucket_report(
    services, caller, endpoint: str, query: BucketReportParams, metrics: Mapping[str, str], result: Callable[[dict], dict]
) -> dict:
    """A page of daily buckets, each with its rows (none on a day without usage)."""
    start, end = report_range(query, caller.latest_date, caller.first_date)
    group_by = parse_group_by(query.group_by, DIMENSIONS)
    params = report_params(query, (start, end), group_by)
    first = start + dt.timedelta(days=page_offset(services, caller, endpoint, params, query.page))
    last = min(end, first + dt.timedelta(days=query.limit))
    with warehouse_cursor(services) as (cursor, snapshot):
        scope = known_groups(snapshot, caller, query.rbac_group_ids)
        rows = breakdowns.fetch_ledger_days(
            cursor, caller.organization_id, (first, last), metrics, group_by, ledger_filters(query), scope
        )
    buckets = []
    for i in range((last - first).days):
        day = first + dt.timedelta(days=i)
        results = [{**result(r), **{d: r[d] for d in group_by}} for r in rows if r["date"] == day]
        buckets.append({"starting_at": midnight(day), "ending_at": midnight(day + dt.timedelta(days=1)), "results": results})
    more = last < end
    return {
        "data": buckets,
        "has_more": more,
        "next_page": offset_cursor(services, caller, endpoint, params, (last - start).days) if more else None,
        "data_refreshed_at": snapshot.published_at,
    }


def user_report(
    services,
    caller,
    endpoint: str,
    query: UserReportParams,
    metrics: Mapping[str, str],
    result: Callable[[dict], dict],
    rankable: Mapping[str, str],
) -> dict:
    """A page of rows per user (per day with bucket_width, per asked dimension), ranked."""
    start, end = report_range(query, caller.latest_date, caller.first_date)
    group_by = parse_group_by(query.group_by, DIMENSIONS)
    order_by = query.order_by or next(iter(rankable))
    if order_by not in rankable:
        raise invalid(f"order_by {order_by!r}: this report ranks by {', '.join(rankable)} (list_amount is not held here)")
    by_day = query.bucket_width is not None
    params = report_params(
        query, (start, end), group_by, order=(order_by, query.order), by_day=by_day, exclude=query.exclude_deleted_users
    )
    offset = page_offset(services, caller, endpoint, params, query.page)
    with warehouse_cursor(services) as (cursor, snapshot):
        scope = known_groups(snapshot, caller, query.rbac_group_ids)
        rows, more = breakdowns.fetch_ledger_users(
            cursor, caller.organization_id, (start, end), metrics, groups=scope,
            by_day=by_day, group_by=group_by, filters=ledger_filters(query), order_by=rankable[order_by],
            descending=query.order == "desc", exclude_deleted=query.exclude_deleted_users, limit=query.limit, offset=offset,
        )  # fmt: skip

    def shape(row: dict) -> dict:
        actor = {
            "type": "user_actor",
            "user_id": row["user_id"],
            "email_address": row["email"],
            "name": row["full_name"],
            "deleted": row["deleted"],
        }
        bucket = (
            {"starting_at": midnight(row["date"]), "ending_at": midnight(row["date"] + dt.timedelta(days=1))} if by_day else {}
        )
        return {"actor": actor, **result(row), **bucket, **{d: row[d] for d in group_by}}

    return {
        "data": [shape(row) for row in rows],
        "has_more": more,
        "next_page": offset_cursor(services, caller, endpoint, params, offset + len(rows)) if more else None,
        "data_refreshed_at": snapshot.published_at,
    }


@router.get(
    "/cost_report", response_model=vm.CostReportPage, response_model_exclude_unset=True, summary="Cost per day (vendor, beta)"
)
async def cost_report(query: Annotated[BucketReportParams, Query()], caller: SpendCaller, services: ServicesDep):
    """Billed cost per UTC day from the ledger, in US cents, optionally per model and product."""
    return bucket_report(services, caller, "cost_report", query, breakdowns.COST_METRICS, cost_result)


@router.get(
    "/usage_report", response_model=vm.UsageReportPage, response_model_exclude_unset=True, summary="Tokens per day (vendor, beta)"
)
async def usage_report(query: Annotated[BucketReportParams, Query()], caller: SpendCaller, services: ServicesDep):
    """Token counts and requests per UTC day from the ledger, optionally per model and product."""
    return bucket_report(services, caller, "usage_report", query, breakdowns.USAGE_METRICS, usage_result)


@router.get(
    "/user_cost_report",
    response_model=vm.UserCostReportPage,
    response_model_exclude_unset=True,
    summary="Cost per user (vendor, beta)",
)
async def user_cost_report(query: Annotated[UserReportParams, Query()], caller: SpendCaller, services: ServicesDep):
    """Billed cost per user over the range (per day with bucket_width=1d), ranked by amount."""
    return user_report(
        services, caller, "user_cost_report", query, breakdowns.COST_METRICS, cost_result, {"amount": "amount_usd"}
    )


@router.get(
    "/user_usage_report",
    response_model=vm.UserUsageReportPage,
    response_model_exclude_unset=True,
    summary="Tokens per user (vendor, beta)",
)
async def user_usage_report(query: Annotated[UserReportParams, Query()], caller: SpendCaller, services: ServicesDep):
    """Token counts per user over the range (per day with bucket_width=1d), ranked by total_tokens."""

    def result(row: dict) -> dict:
        return {**usage_result(row), "total_tokens": row["total_tokens"]}

    rankable = {name: name for name in ("total_tokens", "output_tokens", "requests", "uncached_input_tokens")}
    return user_report(services, caller, "user_usage_report", query, breakdowns.USAGE_METRICS, result, rankable)
