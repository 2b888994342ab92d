"""Dashboard sessions and sign-in protection (SPEC §8, v3).

The cookie holds a random token; the key store keeps only its hash (serve/keys.py), so signing
out or revoking the key ends the session at once and nothing on the server can mint one. Sign-in
and sign-out accept same-origin requests only, and failed sign-ins from one client are throttled.
"""

from __future__ import annotations

import threading
import time
from collections import deque

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


class SignInThrottle:
    """At most `limit` failed sign-ins per client in `seconds`; then 429 until the oldest expires."""

    def __init__(self, limit: int = 5, seconds: float = 60.0):
        self.limit, self.seconds = limit, seconds
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, moment: float) -> deque:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] <= moment - self.seconds:
            failures.popleft()
        return failures

    def retry_after(self, client: str) -> int:
        """Seconds until `client` may try again; 0 when it may now."""
        with self._lock:
            moment = time.monotonic()
            failures = self._recent(client, moment)
            if len(failures) < self.limit:
                return 0
            return max(1, int(failures[0] + self.seconds - moment + 0.999))

    def failed(self, client: str) -> None:
        with self._lock:
            moment = time.monotonic()
            self._recent(client, moment).append(moment)
            if len(self._failures) > 10_000:  # bounded memory under a spray of clients
                self._failures = {c: f for c, f in self._failures.items() if f}

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
