"""Claude Code per day and per person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...queries import claude_code
from .. import models
from ..deps import EnterpriseCaller, ServicesDep
from ..params import ClaudeCodeUserWindow, DateRange, as_of, date_range
from ..reading import flat, read_page

router = APIRouter(tags=["claude code"])


@router.get(
    "/claude_code",
    response_model=models.listing_page_model(claude_code.CLAUDE_CODE_DAILY),
    response_model_exclude_unset=True,
    summary="Claude Code per day",
)
async def claude_code_daily(query: Annotated[DateRange, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.claude_code_daily over a range of dates."""
    listing = claude_code.CLAUDE_CODE_DAILY
    params = date_range(query, caller.latest_date, caller.first_date)
    return read_page(services, caller, listing, params, query, flat(listing, caller.may_read_spend))


@router.get(
    "/claude_code_users",
    response_model=models.listing_page_model(claude_code.CLAUDE_CODE_USERS),
    response_model_exclude_unset=True,
    summary="Claude Code per person",
)
async def claude_code_users(query: Annotated[ClaudeCodeUserWindow, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.claude_code_users for one window."""
    listing = claude_code.CLAUDE_CODE_USERS
    params = {"as_of_date": as_of(query.as_of_date, caller.latest_date, first=caller.first_date), "window": query.window}
    return read_page(services, caller, listing, params, query, flat(listing, caller.may_read_spend))
