"""The server when its own files fail (SPEC §7): the published warehouse missing or unreadable, the key
store deleted or locked by another process. Each is a 503 in the error envelope with retry-after (an
HTML page on the dashboard), never a 500 or a dropped connection, never a stall of other requests,
and never a key that can no longer be listed or revoked."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time

import pytest

from dagster_project.serve.core.keys import KeyStore
from tests.serve.conftest import ENTERPRISE, start_server

SUMMARIES = "/v1/organizations/analytics/summaries?starting_date=2026-04-01"


@pytest.fixture
def server(fixture_warehouse, tmp_path):
    published = tmp_path / "analytics.duckdb"
    shutil.copy(fixture_warehouse.published, published)
    server = start_server(published, tmp_path / "api_keys.sqlite")
    yield server
    server.server.should_exit = True
    server.thread.join(timeout=10)


def assert_503(response, *words: str) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["type"] == "error" and body["error"]["type"] == "api_error"
    assert response.headers["retry-after"].isdigit()
    for word in words:
        assert word in body["error"]["message"]


def test_a_missing_or_unreadable_published_file_is_a_503_on_every_path(server):
    with server.client(server.key(ENTERPRISE)) as client:
        assert client.get(SUMMARIES).status_code == 200
        published = server.settings.warehouse
        published.rename(published.with_name("moved.duckdb"))
        assert_503(client.get(SUMMARIES), "no published warehouse")
        assert_503(client.get("/v1/health"), "no published warehouse")

        published.write_bytes(b"not a database" * 1000)  # a new, unreadable file at the path
        assert_503(client.get(SUMMARIES), "cannot open")
        assert_503(client.get("/v1/health"))
        page = client.get("/analytics/all-activity")  # not signed in: the sign-in page, not a 500
        assert page.status_code in (200, 303)

        published.unlink()
        published.with_name("moved.duckdb").rename(published)
        assert client.get(SUMMARIES).status_code == 200


def test_a_deleted_key_store_refuses_old_keys_with_503_and_a_new_store_takes_over(server):
    store_path = server.settings.api_keys
    old_key = server.key(ENTERPRISE)
    with server.client(old_key) as client:
        assert client.get(SUMMARIES).status_code == 200
        for suffix in ("", "-wal", "-shm"):
            store_path.with_name(store_path.name + suffix).unlink(missing_ok=True)
        # the deleted file's keys are no longer honoured: nobody could list or revoke them
        assert_503(client.get(SUMMARIES), "key store", "missing")
    # a new store (make api-key makes one): its keys work, the lost store's keys do not
    _, new_key = KeyStore(store_path).create(ENTERPRISE, "owner", "after the loss")
    with server.client(new_key) as client:
        assert client.get(SUMMARIES).status_code == 200
    with server.client(old_key) as client:
        assert client.get(SUMMARIES).status_code == 401


def test_a_key_store_locked_by_another_process_is_a_quick_503_and_stalls_nothing(server):
    with server.client(server.key(ENTERPRISE)) as client:
        assert client.get(SUMMARIES).status_code == 200
    locker = sqlite3.connect(server.settings.api_keys, isolation_level=None)
    locker.execute("begin exclusive")  # every write waits for it (the rate limit's, a new key's last use)
    try:
        answers = {}

        def health():
            started = time.monotonic()
            with server.client() as other:
                answers["health"] = (other.get("/v1/health").status_code, time.monotonic() - started)

        with server.client(server.key(ENTERPRISE, "primary_owner")) as client:  # first use: its last use is written
            started = time.monotonic()
            thread = threading.Thread(target=health)
            thread.start()
            response = client.get(SUMMARIES, headers={"x-no-cache": "1"})
            took = time.monotonic() - started
            thread.join()
        assert response.status_code in (200, 503), response.text
        if response.status_code == 503:
            assert_503(response, "key store")
        assert took < 5, f"a locked key store held the request {took:.1f} s"
        assert answers["health"][0] == 200 and answers["health"][1] < 5
    finally:
        locker.execute("rollback")
        locker.close()
    with server.client(server.key(ENTERPRISE)) as client:
        assert client.get(SUMMARIES).status_code == 200
