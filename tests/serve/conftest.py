"""A real server on 127.0.0.1 over the fixtures' published warehouse, with a key for every role of
every plan the fixtures have."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from dagster_project.serve.app import create_app
from dagster_project.serve.core.config import ServeSettings
from dagster_project.serve.core.keys import KeyStore

# the fixtures' organisations by plan (tools/generate_dumps.py: PLANS)
TEAM, HIDDEN, ENTERPRISE = "org_0001", "org_0002", "org_0003"  # team; enterprise seat-based without extra usage
ROLES = ("primary_owner", "owner", "admin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    settings: ServeSettings
    keys: dict[tuple[str, str], str]  # (organisation, role) -> secret
    key_ids: dict[tuple[str, str], str]
    thread: threading.Thread
    server: uvicorn.Server

    def client(self, secret: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"x-api-key": secret} if secret else {}, timeout=30)

    def key(self, organization_id: str = ENTERPRISE, role: str = "owner") -> str:
        return self.keys[(organization_id, role)]


def start_server(warehouse: Path, key_store: Path, rate_limit: int = 100_000, notifications: Path | None = None) -> Server:
    port = free_port()
    settings = ServeSettings(
        warehouse=warehouse,
        api_keys=key_store,
        host="127.0.0.1",
        port=port,
        rate_limit_per_minute=rate_limit,
        session_hours=1,
        notifications=notifications,
    )
    store = KeyStore(key_store)
    keys, ids = {}, {}
    for org in (TEAM, HIDDEN, ENTERPRISE, "org_0004"):
        for role in ROLES:
            key, secret = store.create(org, role, f"test {role}")
            keys[(org, role)], ids[(org, role)] = secret, key.id
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    return Server(f"http://127.0.0.1:{port}", settings, keys, ids, thread, server)


@pytest.fixture(scope="session")
def api(fixture_warehouse, tmp_path_factory) -> Server:
    server = start_server(fixture_warehouse.published, tmp_path_factory.mktemp("keys") / "api_keys.sqlite")
    yield server
    server.server.should_exit = True
    server.thread.join(timeout=10)
