"""All activity: the vendor-shaped day summaries and per-person rows, and engagement tiers."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query

from ...queries import activity, groups
from .. import models
from ..deps import EnterpriseCaller, ServicesDep
from ..errors import invalid
from ..params import AsOf, GroupsOnDate, Summaries, Users, as_of, date_range
from ..reading import known_groups, offset_cursor, page_offset, read_page, warehouse_cursor
from ..shapes import scoped_summary_row, summary_shape, user_shape
from ..vendor_params import parse_filters, parse_group_by

router = APIRouter(tags=["activity"])

SummaryPage = models.page_model(
    models.summary_model(activity.ACTIVITY_DAILY_COLUMNS, activity.CLAUDE_AI_DAILY_COLUMNS, activity.CLAUDE_CODE_DAILY_COLUMNS),
    "ActivitySummaryPage",
)


@router.get("/summaries", response_model=SummaryPage, response_model_exclude_unset=True, summary="Activity summary per day")
async def summaries(query: Annotated[Summaries, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """One row per date from activity_daily, claude_ai_daily and claude_code_daily, in the vendor's shape.
    With `filter[]=rbac_group_id:<id>`: DAU, WAU, MAU and Claude Code DAU of the users active on days
    they held one of the groups (seats, invites and adoption rates null, the marts left out)."""
    params = date_range(query, caller.latest_date, caller.first_date)
    asked = parse_filters(query.filter, ("rbac_group_id",)).get("rbac_group_id")
    if not asked:
        return read_page(services, caller, activity.SUMMARIES, params, query, summary_shape(caller.may_read_spend))
    with warehouse_cursor(services) as (cursor, snapshot):
        scope = known_groups(snapshot, caller, asked)
        rows = groups.scoped_summaries(cursor, caller.organization_id, scope, (params["starting_date"], params["ending_date"]))
    bound = {**params, "groups": scope}
    offset = page_offset(services, caller, "summaries_in_groups", bound, query.page)
    page = rows[offset : offset + query.limit]
    more = offset + query.limit < len(rows)
    next_page = offset_cursor(services, caller, "summaries_in_groups", bound, offset + len(page)) if more else None
    return {"data": [scoped_summary_row(row) for row in page], "next_page": next_page}


@router.get(
    "/users",
    response_model=models.UserActivityPage,
    response_model_exclude_unset=True,
    summary="What each person did on a day",
)
async def users(query: Annotated[Users, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.user_activity_daily rows of the date, in the vendor's shape, ordered by email then user id;
    with `filter[]=rbac_group_id:<id>` the users who held one of the groups that day; with
    `group_by[]=rbac_group_id` the rows summed per group (a user in two groups counts in both)."""
    params = {"date": as_of(query.date, caller.latest_date, "date", first=caller.first_date)}
    asked = parse_filters(query.filter, ("rbac_group_id",)).get("rbac_group_id")
    per_group = parse_group_by(query.group_by, ("rbac_group_id",))
    sort_column = "rbac_group_id" if per_group else "email_address"
    if query.order_by not in (None, sort_column):
        raise invalid(f"order_by {query.order_by!r}: these rows sort by {sort_column} only")
    descending = query.order == "desc"
    if descending:
        params["order"] = "desc"  # a cursor of one order is refused by the other
    if not asked and not per_group:
        listing = replace(activity.USERS, descending=descending)
        return read_page(services, caller, listing, params, query, user_shape(caller.may_read_spend))
    with warehouse_cursor(services) as (cursor, snapshot):
        scope = known_groups(snapshot, caller, asked)
        names = groups.group_names(cursor, caller.organization_id, scope or []) if per_group else {}
    params["groups"] = scope
    if not per_group:
        listing = replace(groups.USERS_IN_GROUPS, descending=descending)
        return read_page(services, caller, listing, params, query, user_shape(caller.may_read_spend))
    listing = replace(groups.USERS_PER_GROUP, descending=descending)
    page = read_page(services, caller, listing, params, query, lambda row: row)
    if not names:
        with warehouse_cursor(services) as (cursor, _):
            names = groups.group_names(cursor, caller.organization_id, [r["rbac_group_id"] for r in page["data"]])
    return {**page, "data": [user_shape(caller.may_read_spend, names)(row) for row in page["data"]]}


@router.get("/groups", response_model=models.listing_page_model(groups.GROUPS), summary="RBAC groups on a date")
async def groups_on_date(query: Annotated[GroupsOnDate, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.groups_daily: the organisation's RBAC groups on the date, with their members and seats."""
    params = {"date": as_of(query.date, caller.latest_date, "date", first=caller.first_date)}
    return read_page(services, caller, groups.GROUPS, params, query)


@router.get("/engagement", response_model=models.listing_page_model(activity.ENGAGEMENT), summary="Engagement tiers")
async def engagement(query: Annotated[AsOf, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.user_engagement: active members and identities active in the year, with their tier."""
    params = {"as_of_date": as_of(query.as_of_date, caller.latest_date, first=caller.first_date)}
    return read_page(services, caller, activity.ENGAGEMENT, params, query)
