"""Signing in and out (SPEC §8): an API key of a role that may see the organisation's analytics
starts a session (a cookie); signing out ends it."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...core.keys import ApiKey
from ...core.services import get_services
from ...core.warehouse import WarehouseUnavailable
from ..session import COOKIE, cross_site
from ..templating import message_page, templates

router = APIRouter(include_in_schema=False)

# SPEC §8: who may sign in to the dashboard, by plan (the product's rule)
SIGN_IN_ROLES = {"team": ("primary_owner", "owner"), "enterprise": ("primary_owner", "owner", "admin")}


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    return RedirectResponse("/analytics/all-activity", status_code=303)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request):
    ended = request.query_params.get("ended")
    return templates.TemplateResponse(
        request, "signin.html", {"error": None, "notice": "Your session ended. Sign in again." if ended else None}
    )


def signin_error(request: Request, message: str, status_code: int, headers: dict | None = None) -> Response:
    return templates.TemplateResponse(
        request, "signin.html", {"error": message, "notice": None}, status_code=status_code, headers=headers
    )


def signin_refusal(request: Request, key: ApiKey) -> str | None:
    """Why this valid key may not sign in (SPEC §8), or None."""
    try:
        plan = get_services(request).warehouse.snapshot().organizations.get(key.organization_id, (None, False))[0]
    except WarehouseUnavailable as exc:
        return str(exc)
    allowed = SIGN_IN_ROLES.get(plan, ())
    if key.role in allowed:
        return None
    if plan is None:
        return f"The warehouse holds no organisation {key.organization_id}: there is nothing to show."
    return (
        f"Team plan analytics are for Owners and Primary Owners: this key is an {key.role}'s."
        if plan == "team"
        else f"Role {key.role} may not sign in to the dashboard."
    )


@router.post("/signin", response_class=HTMLResponse)
def signin(request: Request, api_key: str = Form("")):
    if cross_site(request):
        return signin_error(request, "Sign in from this site's own sign-in page.", 403)
    services = get_services(request)
    client = request.client.host if request.client else "unknown"
    wait = services.signin_throttle.retry_after(client)
    if wait:
        return signin_error(request, f"Too many failed sign-ins: try again in {wait} s.", 429, {"retry-after": str(wait)})
    key = services.keys.verify(api_key.strip())
    if key is None:
        services.signin_throttle.failed(client)
        return signin_error(request, "That key is not valid: it is unknown, expired or has been revoked.", 401)
    refusal = signin_refusal(request, key)
    if refusal:
        return signin_error(request, refusal, 403)
    services.signin_throttle.succeeded(client)
    seconds = services.settings.session_hours * 3600
    response = RedirectResponse("/analytics/all-activity", status_code=303)
    response.set_cookie(
        COOKIE,
        services.keys.start_session(key.id, seconds),
        max_age=seconds,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.get("/signout", response_class=HTMLResponse)
def signout_form(request: Request):
    """Signing out changes state, so it is a POST (a link or an image cannot sign anyone out)."""
    return templates.TemplateResponse(request, "signout.html", {})


@router.post("/signout")
def signout(request: Request):
    if cross_site(request):
        return message_page(request, "Sign out from this site's own pages.", 403)
    get_services(request).keys.end_session(request.cookies.get(COOKIE))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
