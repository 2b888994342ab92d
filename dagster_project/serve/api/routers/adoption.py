"""Claude.ai adoption over windows: chats, projects and artifacts, the top-10 boards, connectors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...queries import adoption
from ...queries.windows import LEADERBOARD_WINDOWS
from .. import models
from ..auth import require_spend
from ..deps import EnterpriseCaller, ServicesDep
from ..errors import invalid
from ..params import AsOf, ConnectorWindow, Leaderboard, as_of
from ..reading import read_page

router = APIRouter(tags=["adoption"])


@router.get("/chats", response_model=models.listing_page_model(adoption.CHATS), summary="Claude.ai over windows")
async def chats(query: Annotated[AsOf, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.claude_ai_windows: chats, projects, artifacts and adoption over 1w, 1m, 3m, 1y, mtd, qtd, ytd."""
    params = {"as_of_date": as_of(query.as_of_date, caller.latest_date, first=caller.first_date)}
    return read_page(services, caller, adoption.CHATS, params, query)


@router.get("/leaderboards", response_model=models.listing_page_model(adoption.LEADERBOARDS), summary="Top 10 users")
async def leaderboards(query: Annotated[Leaderboard, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.leaderboards for one metric and window."""
    windows = LEADERBOARD_WINDOWS[query.metric]
    if query.window not in windows:
        raise invalid(f"metric {query.metric} is ranked for windows {', '.join(windows)}, not {query.window}")
    if query.metric == "spend_usd":
        require_spend(caller)
    params = {
        "as_of_date": as_of(query.as_of_date, caller.latest_date, first=caller.first_date),
        "metric": query.metric,
        "window": query.window,
    }
    return read_page(services, caller, adoption.LEADERBOARDS, params, query)


@router.get("/top_connectors", response_model=models.listing_page_model(adoption.TOP_CONNECTORS), summary="Top connectors")
async def top_connectors(query: Annotated[ConnectorWindow, Query()], caller: EnterpriseCaller, services: ServicesDep):
    """marts.top_connectors: by unique users, then uses, then name."""
    params = {"as_of_date": as_of(query.as_of_date, caller.latest_date, first=caller.first_date), "window": query.window}
    return read_page(services, caller, adoption.TOP_CONNECTORS, params, query)
