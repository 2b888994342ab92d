"""Dashboard sessions and cross-site protection (SPEC §8).

The cookie holds a random token; the key store keeps only its hash (serve/core/keys.py), so
signing out or revoking the key ends the session at once and nothing on the server can mint one.
Sign-in and sign-out accept same-origin requests only; failed sign-ins are throttled
(serve/core/signin_throttle.py).
"""

from __future__ import annotations

from fastapi import Request

COOKIE = "analytics_session"


def cross_site(request: Request) -> bool:
    """True for a request a page of another site made: its Origin names another host, or the
    browser says so (Sec-Fetch-Site). Clients that send neither (curl, scripts) are not browsers
    carrying someone's cookie, and pass."""
    origin = request.headers.get("origin")
    if origin is not None:
        own = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
        if origin.rstrip("/") != own:
            return True
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")
