"""The dashboard's pages (SPEC §8), a module each, rendered on the server from the query layer.

Addresses: /signin, /signout, /analytics/all-activity, /analytics/claude-ai,
/analytics/claude-code (each with ?date=YYYY-MM-DD and ?group=), and the two CSV downloads. Every
number tile carries data-metric (the mart column), data-window where it has one, and data-value
(the mart's exact value); every top-10 row carries data-user-id.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from ..viewer import install_signin_handler
from . import all_activity, claude_ai, claude_code, downloads, signin

router = APIRouter(include_in_schema=False)
for page in (signin, all_activity, claude_ai, claude_code, downloads):
    router.include_router(page.router)


def install(app: FastAPI) -> None:
    """The pages' routes, and the handler that sends a visitor without a session to sign in."""
    install_signin_handler(app)
    app.include_router(router)
