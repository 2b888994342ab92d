"""What it costs: spend per day, to date, by model, forecast, alerts and per person. Every endpoint
here is refused to role admin and to organisations whose spend reports are hidden (SPEC §7)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from ....notify.store import read_budget
from ...core.warehouse import WarehouseUnavailable
from ...downloads import user_spend_report_csv
from ...queries import spend
from .. import models
from ..deps import ServicesDep, SpendCaller
from ..errors import ApiError, invalid
from ..params import AsOf, DateRange, SpendDaily, SpendModelWindow, UserSpendReport, as_of, date_range
from ..reading import read_page

router = APIRouter(tags=["spend"])


@router.get("/spend_daily", response_model=models.listing_page_model(spend.SPEND_DAILY), summary="Spend per day")
async def spend_daily(query: Annotated[SpendDaily, Query()], caller: SpendCaller, services: ServicesDep):
    """Spend and tokens per date from marts.spend_daily; with `group_by=model`, per date and model
    (`model` is null without it)."""
    listing = spend.SPEND_DAILY_BY_MODEL if query.group_by == "model" else spend.SPEND_DAILY
    return read_page(services, caller, listing, date_range(query, caller.latest_date, caller.first_date), query)


@router.get("/spend_totals", response_model=models.listing_page_model(spend.SPEND_TOTALS), summary="Spend to date")
async def spend_totals(query: Annotated[AsOf, Query()], caller: SpendCaller, services: ServicesDep):
    """marts.spend_totals: mtd, qtd and ytd; the mtd row with the monthly budget and the share used."""
    budget = read_budget(services.settings.notifications, caller.organization_id) if services.settings.notifications else None
    params = {
        "as_of_date": as_of(query.as_of_date, caller.latest_date, first=caller.first_date),
        "budget_usd": str(budget) if budget else None,
    }
    return read_page(services, caller, spend.SPEND_TOTALS, params, query)


@router.get("/spend_by_model", response_model=models.listing_page_model(spend.SPEND_BY_MODEL), summary="Spend by model")
async def spend_by_model(query: Annotated[SpendModelWindow, Query()], caller: SpendCaller, services: ServicesDep):
    """marts.spend_by_model for one window."""
    params = {"as_of_date": as_of(query.as_of_date, caller.latest_date, first=caller.first_date), "window": query.window}
    return read_page(services, caller, spend.SPEND_BY_MODEL, params, query)


@router.get("/spend_forecast", response_model=models.listing_page_model(spend.SPEND_FORECAST), summary="Month-end forecast")
async def spend_forecast(query: Annotated[AsOf, Query()], caller: SpendCaller, services: ServicesDep):
    """marts.spend_forecast: the month so far, projected to its end, and the previous month."""
    params = {"as_of_date": as_of(query.as_of_date, caller.latest_date, first=caller.first_date)}
    return read_page(services, caller, spend.SPEND_FORECAST, params, query)


@router.get("/spend_alerts", response_model=models.listing_page_model(spend.SPEND_ALERTS), summary="Abnormal spend days")
async def spend_alerts(query: Annotated[DateRange, Query()], caller: SpendCaller, services: ServicesDep):
    """marts.spend_alerts: days whose spend was over 3 x the 28-day median and over 10 USD."""
    return read_page(services, caller, spend.SPEND_ALERTS, date_range(query, caller.latest_date, caller.first_date), query)


@router.get(
    "/user_spend_report",
    response_model=models.listing_page_model(spend.USER_SPEND_REPORT),
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or with format=csv a CSV file"}},
    summary="Spend per person over a range",
)
async def user_spend_report(query: Annotated[UserSpendReport, Query()], caller: SpendCaller, services: ServicesDep):
    """Per user spend_usd, input_tokens and output_tokens over the range, ordered by user_id; with
    `format=csv` every row as a CSV download (formula-safe, amounts with 6 decimals)."""
    params = date_range(query, caller.latest_date, caller.first_date)
    if query.format == "json":
        return read_page(services, caller, spend.USER_SPEND_REPORT, params, query)
    if query.page:
        raise invalid("page does not apply to format=csv: the CSV holds every row")
    try:
        with services.warehouse.cursor() as (cursor, _):
            data, name = user_spend_report_csv(cursor, caller.organization_id, params["starting_date"], params["ending_date"])
    except WarehouseUnavailable as exc:
        raise ApiError(503, str(exc)) from None
    return StreamingResponse(
        iter([data]),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
