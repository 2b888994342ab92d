"""One page of a listing for the caller's organisation, with its cursor (SPEC §7 paging)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from ...core.money import money_text
from ..core.cursors import CursorRefused
from ..core.services import Services
from ..core.warehouse import Snapshot, WarehouseUnavailable
from ..queries import Listing, fetch_page
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
    after = resumed_from(services, caller, listing.name, params, query.page) if query.page else None
    try:
        with services.warehouse.cursor() as (cursor, _):
            result = fetch_page(cursor, listing, caller.organization_id, params, query.limit, after)
    except WarehouseUnavailable as exc:
        raise ApiError(503, str(exc)) from None
    shape = shape or flat(listing)
    next_page = services.cursors.issue(listing.name, caller.organization_id, params, result.next_key) if result.next_key else None
    return {"data": [shape(row) for row in result.rows], "next_page": next_page}


@contextmanager
def warehouse_cursor(services: Services):
    """A cursor on the current published state (and the state), or the API's 503 when there is none."""
    try:
        with services.warehouse.cursor() as (cursor, snapshot):
            yield cursor, snapshot
    except WarehouseUnavailable as exc:
        raise ApiError(503, str(exc)) from None


def page_offset(services: Services, caller: Caller, endpoint: str, params: dict, page: str | None) -> int:
    """Where an offset-paged answer resumes: the signed cursor binds the offset to the endpoint, the
    organisation and every parameter, so it cannot be altered or reused with other parameters."""
    if not page:
        return 0
    (offset,) = resumed_from(services, caller, endpoint, params, page)[:1] or (0,)
    return int(offset)


def resumed_from(services: Services, caller: Caller, endpoint: str, params: dict, page: str) -> tuple:
    """The key a cursor resumes after; a cursor that was altered or reused elsewhere is a 400."""
    try:
        return services.cursors.read(page, endpoint, caller.organization_id, params)
    except CursorRefused as exc:
        raise ApiError(400, str(exc)) from None


def offset_cursor(services: Services, caller: Caller, endpoint: str, params: dict, offset: int) -> str:
    return services.cursors.issue(endpoint, caller.organization_id, params, (offset,))


def known_groups(snapshot: Snapshot, caller: Caller, ids: list[str] | None) -> list[str] | None:
    """The RBAC group ids a caller named, each one a group of its organisation (else a 400 naming it)."""
    if not ids:
        return None
    held = snapshot.groups.get(caller.organization_id, frozenset())
    unknown = [i for i in ids if i not in held]
    if unknown:
        raise ApiError(400, f"rbac_group_id {unknown[0]!r} is not a group of this organisation (`/groups` lists them)")
    return list(dict.fromkeys(ids))
