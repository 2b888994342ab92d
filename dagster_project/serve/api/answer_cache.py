"""The API's answers kept per published state (a response cache per publish).

A published file never changes (a publish renames a new file into place, SPEC §6), and an
answer depends only on that file, the key that asks (its organisation, role and plan) and the
request's path and query. So an answer, once computed, is kept under (the file's inode, the key,
the path, the query) and the same request is answered from memory, without routing, parameter
models or DuckDB, until a new file is published.

What the cache never changes: a key is verified on every request (a revoked or expired key is
refused at once), the organisation's rate limit is spent on every request (a request over it is
passed on and refused as before), and only complete 200 JSON answers are kept. It cannot serve an
older publish after a newer one: the inode is read when the request arrives, the handler reads
the file current then or a newer one, and once a newer inode has been seen no request asks for
the older one again (the file at the path only moves forward). Memory is bounded (least recently
used answers go first) and the previous publish's answers are dropped with it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict

from ..core.warehouse import WarehouseUnavailable

PREFIX = "/v1/organizations/analytics/"
# answers that read more than the published file: spend_totals carries the budget `make budget`
# sets at any time (dagster_project/notify/store.py), so it is computed on every request
UNCACHED = {PREFIX + "spend_totals"}
MAX_BYTES = 32 * 1024 * 1024  # per server process
HIT = (b"x-cache", b"hit")  # says an answer came from memory (for whoever debugs a surprise)
MAX_ANSWER_BYTES = 256 * 1024  # a bigger answer (a long page, a CSV) is computed each time


def presented_key(scope) -> str | None:
    """The key a request carries, as `auth.authenticated` reads it: x-api-key, else a bearer token."""
    for name, value in scope["headers"]:
        if name == b"x-api-key":
            return value.decode("latin-1")
    for name, value in scope["headers"]:
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return value[7:].decode("latin-1").strip()
    return None


class AnswerCache:
    """ASGI middleware in front of the API's GET endpoints."""

    def __init__(self, app, services, max_bytes: int = MAX_BYTES):
        self.app = app
        self.services = services
        self.max_bytes = max_bytes
        self._answers: OrderedDict[tuple, tuple[list, bytes]] = OrderedDict()
        self._size = 0
        self._inode = None
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        cache_key = self._cache_key(scope)
        if cache_key is None:
            await self.app(scope, receive, send)
            return
        with self._lock:
            answer = self._answers.get(cache_key)
            if answer is not None:
                self._answers.move_to_end(cache_key)
        if answer is not None and not self.services.limiter.take(cache_key[2]):
            headers, body = answer
            await send({"type": "http.response.start", "status": 200, "headers": [*headers, HIT]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, self._keeping(cache_key, send))

    def _cache_key(self, scope) -> tuple | None:
        if scope["path"] in UNCACHED:
            return None
        presented = presented_key(scope)
        try:
            key = self.services.keys.verify(presented) if presented else None
            if key is None:
                return None  # the endpoint answers 401 as it always has
            inode = self.services.warehouse.snapshot().inode
        except (WarehouseUnavailable, sqlite3.Error):
            return None  # not kept: the endpoint answers (503) as its error handlers say
        with self._lock:
            if inode != self._inode:  # a new publish: the previous one's answers go
                self._answers.clear()
                self._size = 0
                self._inode = inode
        return inode, key.id, key.organization_id, scope["path"], scope.get("query_string", b"")

    def _keeping(self, cache_key: tuple, send):
        start: dict = {}
        chunks: list[bytes] = []

        async def keeping_send(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self._keep(cache_key, start, b"".join(chunks))
            await send(message)

        return keeping_send

    def _keep(self, cache_key: tuple, start: dict, body: bytes) -> None:
        headers = start.get("headers", [])
        json_answer = any(k.lower() == b"content-type" and v.startswith(b"application/json") for k, v in headers)
        if start.get("status") != 200 or not json_answer or len(body) > MAX_ANSWER_BYTES:
            return
        with self._lock:
            if cache_key[0] != self._inode or cache_key in self._answers:  # a publish came meanwhile
                return
            self._answers[cache_key] = (list(headers), body)
            self._size += len(body)
            while self._size > self.max_bytes and self._answers:
                _, (_, dropped) = self._answers.popitem(last=False)
                self._size -= len(dropped)
