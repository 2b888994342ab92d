"""Sessions, headers and access rules of the server (SPEC §7, §8), over a real server on 127.0.0.1."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys

import httpx
import pytest

from dagster_project.serve.core.keys import KeyStore
from dagster_project.settings import PROJECT_ROOT
from tests.serve.conftest import ENTERPRISE, HIDDEN, TEAM, start_server

API = "/v1/organizations/analytics"


def signed_in(api, organization=ENTERPRISE, role="owner") -> httpx.Client:
    client = httpx.Client(base_url=api.url, timeout=30)
    response = client.post("/signin", data={"api_key": api.key(organization, role)})
    assert response.status_code == 303, response.text
    return client


def test_every_response_sends_the_security_headers(api):
    with api.client(api.key()) as client:
        for path in [
            "/signin",
            "/docs",
            "/v1/health",
            f"{API}/summaries?starting_date=2026-04-01",
            "/analytics/all-activity",
            "/static/dashboard.css",
            "/openapi.json",
        ]:
            response = client.get(path, follow_redirects=False)
            assert response.status_code < 500, path
            csp = response.headers["content-security-policy"]
            assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"]
            if not path.startswith("/static/"):  # anything that may carry data is never stored
                assert response.headers["cache-control"] == "no-store", path
            else:
                assert "no-store" not in response.headers.get("cache-control", "")


def test_docs_work_offline_with_assets_from_this_server(api):
    with httpx.Client(base_url=api.url, timeout=30) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
        for asset in assets:
            response = client.get(asset)
            assert response.status_code == 200 and len(response.content) > 100, asset
        assert "<script>" not in page.text  # no inline script: the policy forbids them
        assert client.get("/openapi.json").json()["paths"]


def test_a_session_is_a_random_token_stored_only_as_a_hash(api):
    client = signed_in(api)
    token = client.cookies["analytics_session"]
    assert len(token) >= 40 and "." not in token  # not an id, an expiry and a signature
    with sqlite3.connect(api.settings.api_keys) as conn:
        stored = [row[0] for row in conn.execute("select token_sha256 from sessions")]
        secrets = [row[0] for row in conn.execute("select name from server_secrets")]
    assert token not in stored and all(len(s) == 64 for s in stored)
    assert "sessions" not in secrets  # nothing here signs a session
    # a cookie made the old way (key id, expiry, signature) is nobody's session
    key_id = api.key_ids[(ENTERPRISE, "owner")]
    forged = httpx.Client(base_url=api.url, cookies={"analytics_session": f"{key_id}.99999999999.abc"}, timeout=30)
    assert forged.get("/analytics/all-activity", follow_redirects=False).status_code == 303
    assert client.get("/analytics/all-activity").status_code == 200


def test_signing_out_is_a_post_and_ends_every_copy_of_the_cookie(api):
    client = signed_in(api)
    copy = httpx.Client(base_url=api.url, cookies={"analytics_session": client.cookies["analytics_session"]}, timeout=30)
    assert client.get("/signout").status_code == 200  # a page with a button: a GET changes nothing
    assert copy.get("/analytics/all-activity", follow_redirects=False).status_code == 200
    assert client.post("/signout", follow_redirects=False).status_code == 303
    response = copy.get("/analytics/all-activity", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")


def test_revoking_a_key_ends_its_sessions(api):
    store = KeyStore(api.settings.api_keys)
    key, secret = store.create(ENTERPRISE, "owner", "to revoke")
    client = httpx.Client(base_url=api.url, timeout=30)
    assert client.post("/signin", data={"api_key": secret}).status_code == 303
    assert client.get("/analytics/claude-ai", follow_redirects=False).status_code == 200
    store.revoke(key.id)
    assert client.get("/analytics/claude-ai", follow_redirects=False).status_code == 303
    with sqlite3.connect(api.settings.api_keys) as conn:
        assert conn.execute("select count(*) from sessions where key_id = ?", [key.id]).fetchone() == (0,)


def test_sign_in_and_out_refuse_cross_site_requests(api):
    with httpx.Client(base_url=api.url, timeout=30) as client:
        evil = {"origin": "https://evil.example"}
        response = client.post("/signin", data={"api_key": api.key()}, headers=evil)
        assert response.status_code == 403 and "analytics_session" not in response.cookies
        response = client.post("/signin", data={"api_key": api.key()}, headers={"sec-fetch-site": "cross-site"})
        assert response.status_code == 403
    client = signed_in(api)
    assert client.post("/signout", headers={"origin": "https://evil.example"}).status_code == 403
    assert client.get("/analytics/all-activity", follow_redirects=False).status_code == 200


def test_failed_sign_ins_are_throttled(fixture_warehouse, tmp_path):
    server = start_server(fixture_warehouse.published, tmp_path / "keys.sqlite")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            codes = [client.post("/signin", data={"api_key": f"uak_000000000000_{'x' * 43}"}).status_code for _ in range(6)]
            assert codes == [401] * 5 + [429]
            blocked = client.post("/signin", data={"api_key": server.key()})
            assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    finally:
        server.server.should_exit = True
        server.thread.join(timeout=10)


@pytest.mark.parametrize(
    "organization,role,allowed",
    [
        (TEAM, "admin", False),
        (TEAM, "owner", True),
        (TEAM, "primary_owner", True),
        (ENTERPRISE, "admin", True),
        (HIDDEN, "admin", True),
    ],
)
def test_who_may_sign_in_follows_the_plan(api, organization, role, allowed):
    with httpx.Client(base_url=api.url, timeout=30) as client:
        response = client.post("/signin", data={"api_key": api.key(organization, role)}, follow_redirects=False)
        assert response.status_code == (303 if allowed else 403)
        if not allowed:
            assert "Owners and Primary Owners" in response.text and "analytics_session" not in response.cookies


@pytest.mark.parametrize(
    "organization,role,sees_cost",
    [(ENTERPRISE, "owner", True), (ENTERPRISE, "primary_owner", True), (ENTERPRISE, "admin", False), (HIDDEN, "owner", False)],
)
def test_claude_code_estimated_cost_is_spend(api, organization, role, sees_cost):
    with api.client(api.key(organization, role)) as client:
        daily = client.get(f"{API}/claude_code", params={"starting_date": "2026-04-01"}).json()["data"]
        users = client.get(f"{API}/claude_code_users", params={"window": "mtd"}).json()["data"]
        summaries = client.get(f"{API}/summaries", params={"starting_date": "2026-04-01"}).json()["data"]
    assert daily and users and summaries
    assert all(("estimated_cost_usd" in row) == sees_cost for row in daily + users)
    assert all(("estimated_cost_usd" in row["claude_code_daily"]) == sees_cost for row in summaries)
    # and on the dashboard: no cost tile, chart or CSV column
    client = signed_in(api, organization, role)
    page = client.get("/analytics/claude-code").text
    assert ('data-metric="estimated_cost_usd"' in page) == sees_cost
    csv_header = client.get("/analytics/exports/claude-code", params={"window": "mtd"}).text.splitlines()[0]
    assert ("estimated_cost_usd" in csv_header) == sees_cost


def keys_cli(api, *args: str) -> subprocess.CompletedProcess:
    env = {
        "ANALYTICS_API_KEYS": str(api.settings.api_keys),
        "ANALYTICS_WAREHOUSE": str(api.settings.warehouse),
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.serve.core.keys", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_api_key_refuses_an_organisation_the_warehouse_does_not_hold(api):
    result = keys_cli(api, "create", "--org", "org_9999", "--role", "owner")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "org_9999" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "viewer"], "ROLE must be one of primary_owner, owner, admin, not 'viewer'"),
        (["--role", "owner", "--expires-days", "soon"], "EXPIRES must be a number of days"),
        (["--role", "owner", "--expires-days", "0"], "EXPIRES must be a number of days"),
    ],
)
def test_a_bad_role_or_expiry_is_one_line_in_make_terms(api, args, message):
    result = keys_cli(api, "create", "--org", ENTERPRISE, *args)
    assert result.returncode == 2 and result.stderr.startswith(f"error: {message}")
    assert len(result.stderr.strip().splitlines()) == 1 and "usage:" not in result.stderr


def test_keys_expire(api):
    result = keys_cli(api, "create", "--org", ENTERPRISE, "--role", "owner", "--expires-days", "30")
    assert result.returncode == 0, result.stderr
    secret = result.stdout.strip().splitlines()[-1]
    with api.client(secret) as client:
        assert client.get(f"{API}/summaries", params={"starting_date": "2026-04-01"}).status_code == 200
    key_id = secret.split("_")[1]
    with sqlite3.connect(api.settings.api_keys) as conn:
        conn.execute("update api_keys set expires_at = '2000-01-01T00:00:00+00:00' where id = ?", [key_id])
    with api.client(secret) as client:
        assert client.get(f"{API}/summaries", params={"starting_date": "2026-04-01"}).status_code == 401
