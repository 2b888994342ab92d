"""`make serve` as it runs in production: several worker processes (ANALYTICS_API_WORKERS) that
must enforce one rate limit and one sign-in throttle between them, and the per-publish answer
cache, which may spare work but never a check."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dagster_project.serve.core.keys import KeyStore
from tests.serve.conftest import ENTERPRISE, HIDDEN, free_port, start_server

ROOT = Path(__file__).resolve().parents[2]
BASE = "/v1/organizations/analytics/"
BAD_KEY = f"uak_000000000000_{'x' * 43}"


@pytest.fixture
def two_workers(fixture_warehouse, tmp_path):
    """`python -m dagster_project.serve` with two worker processes and a limit of 6 requests a minute."""
    keys = tmp_path / "api_keys.sqlite"
    store = KeyStore(keys)
    secrets = {org: store.create(org, "owner", "test")[1] for org in (ENTERPRISE, HIDDEN)}
    port = free_port()
    env = {
        **os.environ,
        "ANALYTICS_WAREHOUSE": str(fixture_warehouse.published),
        "ANALYTICS_API_KEYS": str(keys),
        "ANALYTICS_API_PORT": str(port),
        "ANALYTICS_API_WORKERS": "2",
        "ANALYTICS_API_RATE_LIMIT": "6",
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "dagster_project.serve"], env=env, cwd=ROOT, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while log.read_text().count("Application startup complete") < 2:  # both workers are up
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield url, secrets
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0, log.read_text()  # SIGTERM stops the workers and the supervisor cleanly


def fresh_get(url: str, path: str, secret: str, **params) -> httpx.Response:
    """One request on a connection of its own: the kernel hands new connections to either worker."""
    with httpx.Client(base_url=url, timeout=30) as client:
        return client.get(path, params=params, headers={"x-api-key": secret})


def test_two_worker_processes_enforce_one_rate_limit(two_workers):
    url, secrets = two_workers
    codes = [fresh_get(url, BASE + "chats", secrets[ENTERPRISE]).status_code for _ in range(10)]
    # 6 a minute in all, not 6 per process: with two processes each keeping its own count, 12 would pass
    assert codes[:6] == [200] * 6 and set(codes[6:]) == {429}, codes
    assert fresh_get(url, BASE + "chats", secrets[HIDDEN]).status_code == 200  # another organisation's budget


def test_two_worker_processes_throttle_failed_sign_ins_together(two_workers):
    url, _ = two_workers
    codes = []
    for _ in range(7):
        with httpx.Client(base_url=url, timeout=30) as client:
            codes.append(client.post("/signin", data={"api_key": BAD_KEY}).status_code)
    assert codes == [401] * 5 + [429] * 2


def test_an_answer_is_kept_for_the_publish_but_every_check_still_runs(fixture_warehouse, tmp_path):
    server = start_server(fixture_warehouse.published, tmp_path / "keys.sqlite", rate_limit=4)
    store = KeyStore(tmp_path / "keys.sqlite")
    params = {"starting_date": "2026-04-01", "ending_date": "2026-04-08"}
    try:
        with server.client(server.key()) as client:
            first = client.get(BASE + "summaries", params=params)
            again = client.get(BASE + "summaries", params=params)
            other = client.get(BASE + "summaries", params={**params, "limit": 3})
            assert first.status_code == again.status_code == other.status_code == 200
            assert "x-cache" not in first.headers and again.headers["x-cache"] == "hit"
            assert again.content == first.content and len(other.json()["data"]) == 3  # other parameters, other answer
            assert again.headers["cache-control"] == "no-store" and again.headers["x-frame-options"] == "DENY"
            # an answer from memory spends the organisation's rate like any other: the 5th request is refused
            assert client.get(BASE + "summaries", params=params).headers["x-cache"] == "hit"
            limited = client.get(BASE + "summaries", params=params)
            assert limited.status_code == 429 and "x-cache" not in limited.headers
        # another key of an organisation gets its own answers, computed for it (an admin may not see spend)
        with server.client(server.key(HIDDEN, "owner")) as owner, server.client(server.key(HIDDEN, "admin")) as admin:
            assert owner.get(BASE + "summaries", params=params).status_code == 200
            answer = admin.get(BASE + "summaries", params=params)
            assert answer.status_code == 200 and "x-cache" not in answer.headers
            assert admin.get(BASE + "summaries", params=params).headers["x-cache"] == "hit"
            # a revoked key is refused at once, though its answer is in memory
            store.revoke(server.key_ids[(HIDDEN, "admin")])
            assert admin.get(BASE + "summaries", params=params).status_code == 401
    finally:
        server.server.should_exit = True
        server.thread.join(timeout=10)


def test_limits_still_hold_when_the_shared_file_cannot_be_written(tmp_path, monkeypatch):
    """A full disk (or an unwritable key store): no 500 and no limit lifted, each process counts alone."""
    import sqlite3

    from dagster_project.serve.core.ratelimit import RateLimiter
    from dagster_project.serve.core.signin_throttle import SignInThrottle

    limiter, throttle = RateLimiter(3, tmp_path / "keys.sqlite"), SignInThrottle(tmp_path / "keys.sqlite", limit=2)

    class FullDisk:
        def execute(self, *args):
            raise sqlite3.OperationalError("database or disk is full")

    for shared in (limiter._db, throttle._db):
        monkeypatch.setattr(shared, "connect", FullDisk)
    assert [limiter.take("org_0003") for _ in range(3)] == [0.0] * 3
    assert limiter.take("org_0003") > 0 and limiter.take("org_0004") == 0.0
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 0
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") > 0 and throttle.retry_after("10.0.0.2") == 0
    throttle.succeeded("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 0
