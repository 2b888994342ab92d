"""Opaque, signed cursors (SPEC §7 `next_page`): where the next page starts, bound to the endpoint,
its parameters and the organisation. A cursor that was altered, or is reused with other
parameters, is refused with 400."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from .errors import invalid


class Cursors:
    def __init__(self, secret: bytes):
        self.secret = secret

    def _sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.secret, payload, hashlib.sha256).digest()[:16]).decode().rstrip("=")

    @staticmethod
    def _scope(endpoint: str, organization_id: str, params: dict) -> str:
        text = json.dumps([endpoint, organization_id, sorted((k, str(v)) for k, v in params.items())])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def issue(self, endpoint: str, organization_id: str, params: dict, key: tuple) -> str:
        payload = json.dumps(
            {"s": self._scope(endpoint, organization_id, params), "k": list(key)}, separators=(",", ":")
        ).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(payload)}"

    def read(self, cursor: str, endpoint: str, organization_id: str, params: dict) -> tuple:
        problem = (
            "page is not a cursor this endpoint gave for these parameters: pass `next_page` of the "
            "previous response unchanged, with the same parameters, or leave `page` out to start again"
        )
        try:
            body, signature = cursor.split(".")
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            if not hmac.compare_digest(self._sign(payload), signature):
                raise ValueError("bad signature")
            decoded = json.loads(payload)
        except (ValueError, TypeError, UnicodeDecodeError):
            raise invalid(problem) from None
        if decoded.get("s") != self._scope(endpoint, organization_id, params) or not isinstance(decoded.get("k"), list):
            raise invalid(problem)
        return tuple(decoded["k"])
