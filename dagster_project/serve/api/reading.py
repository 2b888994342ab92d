"""One page of a listing for the caller's organisation, with its cursor (SPEC §7 paging)."""

from __future__ import annotations

from collections.abc import Callable

from ...core.money import money_text
from ..queries import Listing, fetch_page
from ..services import Services
from ..warehouse import WarehouseUnavailable
from .auth import Caller
from .errors import ApiError
from .params import Paged

public = money_text  # money as a decimal string with 6 places (SPEC §7); the rest as it is

Shape = Callable[[dict], dict]


def flat(listing: Listing, with_spend: bool = True) -> Shape:
    """A row as the listing's visible columns; spend columns left out for callers who may not read spend."""
    hidden = {c.name for c in listing.columns if c.internal or (c.spend and not with_spend)}
    return lambda row: {k: public(v) for k, v in row.items() if k not in hidden}


def read_page(
    services: Services, caller: Caller, listing: Listing, params: dict, query: Paged, shape: Shape | None = None
) -> dict:
    after = services.cursors.read(query.page, listing.name, caller.organization_id, params) if query.page else None
    try:
        with services.warehouse.cursor() as (cursor, _):
            result = fetch_page(cursor, listing, caller.organization_id, params, query.limit, after)
    except WarehouseUnavailable as exc:
        raise ApiError(503, str(exc)) from None
    shape = shape or flat(listing)
    next_page = services.cursors.issue(listing.name, caller.organization_id, params, result.next_key) if result.next_key else None
    return {"data": [shape(row) for row in result.rows], "next_page": next_page}
