"""Who is looking (SPEC §8): the signed-in key, its organisation and what it may see. Pages declare
`who: ViewerDep`; without a session (signed out, expired, revoked) the one handler below sends the
browser to the sign-in page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse

from ..core.access import spend_withheld
from ..core.keys import ApiKey
from ..core.services import get_services
from ..queries import activity, fetch_all
from .session import COOKIE

SPEND_WITHHELD_REASONS = {
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
    def organization_id(self) -> str:
        return self.key.organization_id

    @property
    def spend_reason(self) -> str | None:
        """Why spend is not shown to this viewer (serve/core/access.py), or None when it is."""
        withheld = spend_withheld(self.key.role, self.spend_hidden)
        return SPEND_WITHHELD_REASONS[withheld] if withheld else None


class SignInRequired(Exception):
    def __init__(self, message: str = ""):
        self.message = message


def current_viewer(request: Request) -> Viewer:
    """The signed-in key and its organisation; SignInRequired when there is none (any more)."""
    services = get_services(request)
    key = services.keys.session_key(request.cookies.get(COOKIE))
    if key is None:
        raise SignInRequired(
            "Your session ended (signed out, expired, or the key was revoked)." if request.cookies.get(COOKIE) else ""
        )
    with services.warehouse.cursor() as (cursor, snapshot):
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


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


def signin_redirect(message: str = "") -> RedirectResponse:
    response = RedirectResponse("/signin" + ("?ended=1" if message else ""), status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def install_signin_handler(app: FastAPI) -> None:
    """Every page and download without a session goes to the sign-in page (saying why, when a
    session ended)."""

    async def to_signin(_: Request, exc: SignInRequired) -> RedirectResponse:
        return signin_redirect(exc.message)

    app.add_exception_handler(SignInRequired, to_signin)
