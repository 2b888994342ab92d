"""The Analytics API (SPEC §7) on a real server: access rules, values, pagination, errors."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import duckdb
import pytest

from tests.serve.conftest import ENTERPRISE, HIDDEN, ROLES, TEAM

LATEST = "2026-04-14"  # the fixtures' latest dump date
BASE = "/v1/organizations/analytics/"
ENDPOINTS = {  # endpoint -> (the parameters it needs, is it a spend endpoint)
    "summaries": ({"starting_date": "2026-04-01"}, False),
    "users": ({"date": LATEST}, False),
    "engagement": ({}, False),
    "chats": ({}, False),
    "leaderboards": ({"metric": "projects_used", "window": "mtd"}, False),
    "top_connectors": ({"window": "1m"}, False),
    "claude_code": ({"starting_date": "2026-04-01"}, False),
    "claude_code_users": ({"window": "mtd"}, False),
    "spend_daily": ({"starting_date": "2026-04-01"}, True),
    "spend_totals": ({}, True),
    "spend_by_model": ({"window": "1m"}, True),
    "spend_forecast": ({}, True),
    "user_spend_report": ({"starting_date": "2026-04-01"}, True),
    "spend_alerts": ({"starting_date": "2026-01-01"}, True),
}


def expected_status(organization: str, role: str, spend: bool) -> int:
    if organization == TEAM:
        return 403  # the API is for Enterprise organisations
    if spend and (role == "admin" or organization == HIDDEN):
        return 403
    return 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_access_matrix(api, endpoint):
    params, spend = ENDPOINTS[endpoint]
    for organization in (TEAM, HIDDEN, ENTERPRISE):
        for role in ROLES:
            with api.client(api.key(organization, role)) as client:
                response = client.get(BASE + endpoint, params=params)
            assert response.status_code == expected_status(organization, role, spend), (organization, role, response.text)
            if response.status_code == 403:
                assert response.json()["error"]["type"] == "permission_error"
    with api.client() as client:
        assert client.get(BASE + endpoint, params=params).status_code == 401
    with api.client("uak_000000000000_" + "A" * 43) as client:
        assert client.get(BASE + endpoint, params=params).json()["error"]["type"] == "authentication_error"


def test_a_revoked_key_is_refused(api, tmp_path):
    from dagster_project.serve.core.keys import KeyStore

    store = KeyStore(api.settings.api_keys)
    key, secret = store.create(ENTERPRISE, "owner", "to revoke")
    with api.client(secret) as client:
        assert client.get(BASE + "chats").status_code == 200
        assert store.revoke(key.id)
        response = client.get(BASE + "chats")
    assert response.status_code == 401 and response.json()["error"]["type"] == "authentication_error"


def test_a_key_reads_its_own_organisation_only(api, fixture_warehouse):
    for organization in (HIDDEN, ENTERPRISE):
        with api.client(api.key(organization, "owner")) as client:
            rows = client.get(BASE + "chats").json()["data"]
        expected = fixture_warehouse.query(
            'select "window", chats from marts.claude_ai_windows where organization_id = ? and as_of_date = ?',
            [organization, LATEST],
        )
        assert sorted((r["window"], r["chats"]) for r in rows) == sorted(expected)
    # and the spend of the hidden organisation cannot be reached through any other door
    with api.client(api.key(HIDDEN, "primary_owner")) as client:
        users = client.get(BASE + "users", params={"date": LATEST}).json()["data"]
        assert users and all("spend" not in u for u in users)
        assert client.get(BASE + "leaderboards", params={"metric": "spend_usd", "window": "mtd"}).status_code == 403


def money(value) -> str:
    return f"{Decimal(value):.6f}"


def plain(value):
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12)
    return a == b


def mart(warehouse, sql, params=()) -> list[dict]:
    with duckdb.connect(str(warehouse.published), read_only=True) as conn:
        cursor = conn.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [{k: plain(v) for k, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def all_pages(client, endpoint, params, limit) -> list[dict]:
    rows, page, seen = [], None, set()
    while True:
        body = client.get(BASE + endpoint, params={**params, "limit": limit, **({"page": page} if page else {})}).json()
        rows += body["data"]
        page = body["next_page"]
        if page is None:
            return rows
        assert page not in seen, "a cursor repeated"
        seen.add(page)


FLAT = {  # endpoint, params -> the mart rows it serves (same columns, same order)
    "engagement": ({"as_of_date": "2026-03-31"}, "user_engagement where as_of_date = '2026-03-31'", "user_id"),
    "chats": (
        {},
        f"claude_ai_windows where as_of_date = '{LATEST}'",
        "list_position(['1w','1m','3m','1y','mtd','qtd','ytd'], \"window\")",
    ),
    "leaderboards": (
        {"metric": "artifacts_created", "window": "qtd"},
        f"leaderboards where as_of_date = '{LATEST}' and metric = 'artifacts_created' and \"window\" = 'qtd'",
        "rank",
    ),
    "top_connectors": ({"window": "3m"}, f"top_connectors where as_of_date = '{LATEST}' and \"window\" = '3m'", "rank"),
    "claude_code": ({"starting_date": "2026-03-01"}, "claude_code_daily where date >= '2026-03-01'", "date"),
    "claude_code_users": (
        {"window": "qtd"},
        f"claude_code_users where as_of_date = '{LATEST}' and \"window\" = 'qtd'",
        "user_id",
    ),
    "spend_totals": ({}, f"spend_totals where as_of_date = '{LATEST}'", '"window"'),
    "spend_by_model": ({"window": "1y"}, f"spend_by_model where as_of_date = '{LATEST}' and \"window\" = '1y'", "model"),
    "spend_forecast": ({"as_of_date": "2026-02-28"}, "spend_forecast where as_of_date = '2026-02-28'", "as_of_date"),
    "spend_alerts": ({"starting_date": "2026-02-10"}, "spend_alerts where true", "date"),
    "spend_daily": (
        {"starting_date": "2026-03-01", "group_by": "model"},
        "spend_daily where date >= '2026-03-01'",
        "date, model",
    ),
}


@pytest.mark.parametrize("endpoint", FLAT)
def test_rows_equal_the_marts(api, fixture_warehouse, endpoint):
    params, source, order = FLAT[endpoint]
    expected = mart(
        fixture_warehouse,
        f"select * exclude (organization_id) from marts.{source} and organization_id = ? order by {order}",
        [ENTERPRISE],
    )
    with api.client(api.key()) as client:
        rows = all_pages(client, endpoint, params, 1000)
    assert expected, f"the fixtures should give {endpoint} rows"
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        for column, value in want.items():
            assert same(got[column], value), (endpoint, column, got, want)


def test_summaries_speak_the_vendor_shape_with_the_marts_values(api, fixture_warehouse):
    with api.client(api.key()) as client:
        rows = all_pages(client, "summaries", {"starting_date": "2026-03-01", "ending_date": "2026-04-01"}, 7)
    activity = mart(
        fixture_warehouse,
        "select * from marts.activity_daily where organization_id = ? "
        "and date >= '2026-03-01' and date < '2026-04-01' order by date",
        [ENTERPRISE],
    )
    code = {
        r["date"]: r
        for r in mart(fixture_warehouse, "select * from marts.claude_code_daily where organization_id = ?", [ENTERPRISE])
    }
    ai = {
        r["date"]: r
        for r in mart(fixture_warehouse, "select * from marts.claude_ai_daily where organization_id = ?", [ENTERPRISE])
    }
    assert [r["starting_at"] for r in rows] == [f"{a['date']}T00:00:00Z" for a in activity]
    for row, a in zip(rows, activity, strict=True):
        day = a["date"]
        assert row["ending_at"] == f"{dt.date.fromisoformat(day) + dt.timedelta(days=1)}T00:00:00Z"
        assert (
            row["daily_active_user_count"],
            row["weekly_active_user_count"],
            row["monthly_active_user_count"],
            row["assigned_seat_count"],
            row["pending_invite_count"],
        ) == (a["dau"], a["wau"], a["mau"], a["total_seats"], a["pending_invites"])
        assert same(row["weekly_adoption_rate"], a["wau"] / a["total_seats"] * 100 if a["total_seats"] else None) or (
            row["weekly_adoption_rate"] is None and not a["total_seats"]
        )
        assert row["claude_code_daily_active_user_count"] == code[day]["active_users"]
        assert row["activity_daily"]["mau"] == a["mau"]
        assert row["claude_ai_daily"]["chats"] == ai[day]["chats"]
        assert row["claude_code_daily"]["estimated_cost_usd"] == code[day]["estimated_cost_usd"]


def test_users_speak_the_vendor_shape_ordered_by_email(api, fixture_warehouse):
    with api.client(api.key()) as client:
        rows = all_pages(client, "users", {"date": "2026-03-31"}, 7)
    expected = mart(
        fixture_warehouse,
        "select * from marts.user_activity_daily where organization_id = ? and date = '2026-03-31'",
        [ENTERPRISE],
    )

    def address(r):
        return r["email"] or (r["user_id"][6:] if r["user_id"].startswith("email:") else "")

    expected.sort(key=lambda r: (address(r), r["user_id"]))
    assert [r["user"]["id"] for r in rows] == [e["user_id"] for e in expected]
    for row, e in zip(rows, expected, strict=True):
        assert row["user"] == {"id": e["user_id"], "email_address": address(e), "type": "user"}
        assert row["chat_metrics"] == {
            "message_count": e["messages"],
            "distinct_conversation_count": e["chats"],
            "distinct_projects_created_count": e["projects_created"],
            "distinct_artifacts_created_count": e["artifacts_created"],
            "connectors_used_count": e["connector_uses"],
        }
        core = row["claude_code_metrics"]["core_metrics"]
        assert (
            core["distinct_session_count"],
            core["commit_count"],
            core["pull_request_count"],
            core["lines_of_code"]["added_count"],
            core["lines_of_code"]["removed_count"],
        ) == (
            e["claude_code_sessions"],
            e["claude_code_commits"],
            e["claude_code_pull_requests"],
            e["claude_code_lines_added"],
            e["claude_code_lines_removed"],
        )
        assert row["spend"] == {
            "spend_usd": e["spend_usd"],
            "input_tokens": e["input_tokens"],
            "output_tokens": e["output_tokens"],
        }
        assert row["last_activity_date"] == "2026-03-31"
    with api.client(api.key(ENTERPRISE, "admin")) as client:  # admins see no spend
        assert all("spend" not in r for r in client.get(BASE + "users", params={"date": "2026-03-31"}).json()["data"])


def test_user_spend_report_adds_up_to_the_spend_of_the_range(api, fixture_warehouse):
    params = {"starting_date": "2026-02-20", "ending_date": "2026-04-03"}
    total = mart(
        fixture_warehouse,
        "select sum(spend_usd) as s from marts.spend_daily where organization_id = ? "
        "and date >= '2026-02-20' and date < '2026-04-03'",
        [ENTERPRISE],
    )[0]["s"]
    with api.client(api.key()) as client:
        rows = all_pages(client, "user_spend_report", params, 7)
        csv_response = client.get(BASE + "user_spend_report", params={**params, "format": "csv"})
    assert sum(Decimal(r["spend_usd"]) for r in rows) == Decimal(total)
    assert [r["user_id"] for r in rows] == sorted(r["user_id"] for r in rows)
    import csv
    import io

    assert csv_response.status_code == 200 and csv_response.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert sum(Decimal(r["spend_usd"]) for r in table) == Decimal(total)
    assert [r["user_id"] for r in table] == [r["user_id"] for r in rows]
    # the formula-like names of org_0003 are defused as in the nightly files
    assert any(r["full_name"].startswith("'=") for r in table)


PAGED = {
    "users": {"date": "2026-03-31"},
    "engagement": {"as_of_date": "2026-03-31"},
    "claude_code_users": {"window": "qtd"},
    "summaries": {"starting_date": "2026-02-10"},
    "spend_daily": {"starting_date": "2026-02-10", "group_by": "model"},
}


@pytest.mark.parametrize("endpoint", PAGED)
def test_pages_add_up_to_the_whole_list(api, endpoint):
    with api.client(api.key()) as client:
        whole = client.get(BASE + endpoint, params={**PAGED[endpoint], "limit": 1000}).json()
        assert whole["next_page"] is None and len(whole["data"]) > 3
        for limit in (1, 7, 1000):
            pages = all_pages(client, endpoint, PAGED[endpoint], limit)
            assert pages == whole["data"], limit


@pytest.mark.parametrize(
    "endpoint,params,fragment",
    [
        ("summaries", {"starting_date": "2026-13-01"}, "starting_date"),
        ("summaries", {"starting_date": "2026-04-10", "ending_date": "2026-04-01"}, "must be after starting_date"),
        ("summaries", {"starting_date": "2025-01-01", "ending_date": "2026-04-01"}, "at most 366 days"),
        ("summaries", {"starting_date": "2026-05-01"}, "starting_date 2026-05-01 is after the latest built date"),
        ("users", {"date": "2026-04-15"}, "date 2026-04-15 is after the latest built date"),
        ("users", {}, "date"),
        ("top_connectors", {"window": "2w"}, "window"),
        ("leaderboards", {"metric": "messages", "window": "mtd"}, "metric"),
        ("leaderboards", {"metric": "spend_usd", "window": "ytd"}, "ranked for windows mtd"),
        ("chats", {"limit": "0"}, "limit"),
        ("chats", {"limit": "1001"}, "limit"),
        ("chats", {"limit": "ten"}, "limit"),
        ("chats", {"page": "not-a-cursor"}, "next_page"),
        ("chats", {"colour": "blue"}, "unknown query parameter 'colour'"),
        ("chats", {"as_of_date": "2026-04-14", "as_of_date_": "x"}, "unknown query parameter"),
    ],
)
def test_bad_parameters_are_400_with_a_message_saying_what_to_fix(api, endpoint, params, fragment):
    with api.client(api.key()) as client:
        response = client.get(BASE + endpoint, params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert fragment in body["error"]["message"]
    assert "Traceback" not in response.text


def test_a_tampered_cursor_is_400(api):
    with api.client(api.key()) as client:
        page = client.get(BASE + "users", params={"date": LATEST, "limit": 1}).json()["next_page"]
        assert page
        body, signature = page.split(".")
        for tampered in (body[:-2] + "AA." + signature, body + "." + signature[::-1], page + "x"):
            assert client.get(BASE + "users", params={"date": LATEST, "limit": 1, "page": tampered}).status_code == 400
        # a cursor is bound to its parameters and organisation
        assert client.get(BASE + "users", params={"date": "2026-04-13", "limit": 1, "page": page}).status_code == 400
    with api.client(api.key(HIDDEN, "owner")) as client:
        assert client.get(BASE + "users", params={"date": LATEST, "limit": 1, "page": page}).status_code == 400


def test_a_cursor_reads_as_noise(api):
    """Cursors travel in URLs and logs: the last row's key (a member's email) is not readable in one."""
    import base64

    with api.client(api.key()) as client:
        first = client.get(BASE + "users", params={"date": LATEST, "limit": 1})
        page = first.json()["next_page"]
        email = first.json()["data"][0]["user"]["email_address"]
        body = page.split(".")[0]
        decoded = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        assert email.encode() not in decoded and b'"k"' not in decoded
        assert client.get(BASE + "users", params={"date": LATEST, "limit": 1, "page": page}).status_code == 200


@pytest.mark.parametrize("value", ["2026-4-1", "20260401", "2026-04-01T00:00:00", "2026-04-01T10:00:00Z", "april", "2026-02-30"])
def test_a_date_that_is_not_yyyy_mm_dd_is_400_saying_so(api, value):
    with api.client(api.key()) as client:
        for endpoint, name in (("summaries", "starting_date"), ("users", "date"), ("spend_totals", "as_of_date")):
            response = client.get(BASE + endpoint, params={name: value})
            assert response.status_code == 400, (endpoint, value)
            assert "use YYYY-MM-DD" in response.json()["error"]["message"], response.text


def test_health_says_what_is_served(api):
    with api.client() as client:
        body = client.get("/v1/health").json()
    assert body["status"] == "ok" and body["latest_built_date"] == LATEST and body["published_at"]


def test_openapi_documents_every_endpoint_parameter_and_error(api):
    with api.client() as client:
        spec = client.get("/openapi.json").json()
        assert client.get("/docs").status_code == 200
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "x-api-key",
        "description": spec["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    for endpoint in ENDPOINTS:
        operation = spec["paths"][BASE + endpoint]["get"]
        assert {"200", "400", "401", "403", "429"} <= set(operation["responses"]), endpoint
        assert {p["name"] for p in operation["parameters"]} >= {"limit", "page", *ENDPOINTS[endpoint][0]}
        assert all(p.get("description") for p in operation["parameters"]), endpoint


def test_rate_limit_per_organisation(fixture_warehouse, tmp_path):
    from tests.serve.conftest import start_server

    server = start_server(fixture_warehouse.published, tmp_path / "keys.sqlite", rate_limit=5)
    try:
        with server.client(server.key()) as client:
            statuses = [client.get(BASE + "chats").status_code for _ in range(6)]
            limited = client.get(BASE + "chats")
        assert statuses[:5] == [200] * 5 and statuses[5] == 429
        assert limited.json()["error"]["type"] == "rate_limit_error" and int(limited.headers["retry-after"]) >= 1
        with server.client(server.key(HIDDEN, "owner")) as other:  # another organisation has its own budget
            assert other.get(BASE + "chats").status_code == 200
    finally:
        server.server.should_exit = True


def test_a_date_before_the_organisations_first_day_is_400_saying_from_when(api):
    """The pages say "no data before …"; so does the API, instead of an empty answer. A range that
    overlaps the first day still answers."""
    first = "2026-02-10"  # the Enterprise organisation's first day in the fixtures
    before = [
        ("summaries", {"starting_date": "2026-01-01", "ending_date": "2026-02-10"}),
        ("users", {"date": "2026-02-09"}),
        ("spend_totals", {"as_of_date": "2026-01-31"}),
        ("connectors", {"date": "2026-02-01"}),
        ("skills", {"starting_date": "2026-01-01", "ending_date": "2026-01-31"}),
    ]
    with api.client(api.key()) as client:
        for endpoint, params in before:
            response = client.get(BASE + endpoint, params=params)
            assert response.status_code == 400, (endpoint, response.text)
            assert f"{first}, the organisation's first day" in response.json()["error"]["message"], response.text
        overlapping = client.get(BASE + "summaries", params={"starting_date": "2026-02-01", "ending_date": "2026-02-12"})
        assert overlapping.status_code == 200 and [d["starting_at"][:10] for d in overlapping.json()["data"]] == [
            "2026-02-10",
            "2026-02-11",
        ]
        report = client.get(
            BASE + "cost_report", params={"starting_at": "2026-01-01T00:00:00Z", "ending_at": "2026-01-31T00:00:00Z"}
        )
        assert report.status_code == 400 and first in report.json()["error"]["message"]
