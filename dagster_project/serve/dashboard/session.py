"""Dashboard sessions: an HttpOnly, SameSite=Strict cookie holding the key's id, an expiry and an
HMAC over both. The key itself is checked again on every page, so a revoked key's session ends."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

COOKIE = "analytics_session"


class Sessions:
    def __init__(self, secret: bytes, hours: int):
        self.secret = secret
        self.seconds = hours * 3600

    def _sign(self, body: str) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.secret, body.encode(), hashlib.sha256).digest()).decode().rstrip("=")

    def issue(self, key_id: str) -> str:
        body = f"{key_id}.{int(time.time()) + self.seconds}"
        return f"{body}.{self._sign(body)}"

    def key_id(self, cookie: str | None) -> str | None:
        """The key id of a valid, unexpired session cookie."""
        try:
            key_id, expires, signature = (cookie or "").split(".")
            valid = hmac.compare_digest(self._sign(f"{key_id}.{expires}"), signature) and int(expires) > time.time()
        except ValueError:
            return None
        return key_id if valid else None
