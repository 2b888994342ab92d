"""Opaque, signed cursors (SPEC §7 `next_page`): where the next page starts, bound to the endpoint,
its parameters and the organisation. A cursor that was altered, or is reused with other
parameters, is refused with 400.

Where the next page starts is the last row's key, which can be a member's email: cursors end up
in URLs and logs, so the key is encrypted, not only signed (a keystream from HMAC-SHA256 of the
server's secret over a random nonce and a counter, encrypt-then-MAC), and reads as noise."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets


class CursorRefused(ValueError):
    """A cursor that was altered, or reused with other parameters (the API answers 400)."""


class Cursors:
    def __init__(self, secret: bytes):
        self.secret = secret

    def _sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.secret, payload, hashlib.sha256).digest()[:16]).decode().rstrip("=")

    @staticmethod
    def _scope(endpoint: str, organization_id: str, params: dict) -> str:
        text = json.dumps([endpoint, organization_id, sorted((k, str(v)) for k, v in params.items())])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _keystream(self, nonce: bytes, length: int) -> bytes:
        key = hmac.new(self.secret, b"cursor encryption", hashlib.sha256).digest()
        blocks = (hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest() for i in range(-(-length // 32)))
        return b"".join(blocks)[:length]

    def issue(self, endpoint: str, organization_id: str, params: dict, key: tuple) -> str:
        payload = json.dumps(
            {"s": self._scope(endpoint, organization_id, params), "k": list(key)}, separators=(",", ":")
        ).encode()
        nonce = secrets.token_bytes(12)
        sealed = nonce + bytes(a ^ b for a, b in zip(payload, self._keystream(nonce, len(payload)), strict=True))
        body = base64.urlsafe_b64encode(sealed).decode().rstrip("=")
        return f"{body}.{self._sign(sealed)}"

    def read(self, cursor: str, endpoint: str, organization_id: str, params: dict) -> tuple:
        problem = (
            "page is not a cursor this endpoint gave for these parameters: pass `next_page` of the "
            "previous response unchanged, with the same parameters, or leave `page` out to start again"
        )
        try:
            body, signature = cursor.split(".")
            sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            if len(sealed) <= 12 or not hmac.compare_digest(self._sign(sealed), signature):
                raise ValueError("bad signature")
            nonce, cipher = sealed[:12], sealed[12:]
            decoded = json.loads(bytes(a ^ b for a, b in zip(cipher, self._keystream(nonce, len(cipher)), strict=True)))
        except (ValueError, TypeError, UnicodeDecodeError):
            raise CursorRefused(problem) from None
        if decoded.get("s") != self._scope(endpoint, organization_id, params) or not isinstance(decoded.get("k"), list):
            raise CursorRefused(problem)
        return tuple(decoded["k"])
