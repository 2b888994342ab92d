"""All activity: the vendor-shaped day summaries and per-person rows, and engagement tiers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...queries import activity
from .. import models
from ..deps import EnterpriseCaller, ServicesDep
from ..params import AsOf, DateRange, OneDay, as_of, date_range
from ..reading import read_page
from ..shapes import summary_shape, user_shape

router = APIRouter(tags=["activity"])

SummaryPage = models.page_model(
    models.summary_model(activity.ACTIVITY_DAILY_COLUMNS, activity.CLAUDE_AI_DAILY_COLUMNS, activity.CLAUDE_CODE_DAILY_COLUMNS),
    "ActivitySummaryPage",
)


@router.get("/summaries", response_model=SummaryPage, response_model_exclude_unset=True, summary="Activity summary per day")
def summaries(query: Annotated[DateRange, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """One row per date from activity_daily, claude_ai_daily and claude_code_daily, in the vendor's shape."""
    params = date_range(query, caller.latest_date)
    return read_page(services, caller, activity.SUMMARIES, params, query, summary_shape(caller.may_read_spend))


@router.get(
    "/users",
    response_model=models.UserActivityPage,
    response_model_exclude_unset=True,
    summary="What each person did on a day",
)
def users(query: Annotated[OneDay, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.user_activity_daily rows of the date, in the vendor's shape, ordered by email then user id."""
    params = {"date": as_of(query.date, caller.latest_date, "date")}
    return read_page(services, caller, activity.USERS, params, query, user_shape(caller.may_read_spend))


@router.get("/engagement", response_model=models.listing_page_model(activity.ENGAGEMENT), summary="Engagement tiers")
def engagement(query: Annotated[AsOf, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.user_engagement: active members and identities active in the year, with their tier."""
    params = {"as_of_date": as_of(query.as_of_date, caller.latest_date)}
    return read_page(services, caller, activity.ENGAGEMENT, params, query)
