"""RBAC groups in the API (SPEC §7 "Groups in the API"), through the official SDK where it has
the method: group-scoped answers equal the group marts (one group) or tests/reference.py (several
groups, where a user in both counts once), with the vendor's time-of-usage attribution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.serve.conftest import ENTERPRISE

anthropic = pytest.importorskip("anthropic")

DAY = dt.date(2026, 4, 10)
BASE = "/v1/organizations/analytics/"


@pytest.fixture(scope="module")
def client(api):
    return anthropic.Anthropic(api_key=api.key(ENTERPRISE, "owner"), base_url=api.url, max_retries=0)


@pytest.fixture(scope="module")
def group_ids(fixture_warehouse) -> list[str]:
    ids = [g for (g,) in fixture_warehouse.query(
        "select distinct rbac_group_id from marts.groups_daily where organization_id = ? order by 1", [ENTERPRISE]
    )]  # fmt: skip
    assert len(ids) >= 2
    return ids


def test_groups_lists_the_groups_of_a_date(api, fixture_warehouse):
    with api.client(api.key()) as http:
        answer = http.get(BASE + "groups", params={"date": str(DAY)}).json()
    expected = fixture_warehouse.query(
        "select rbac_group_id, name, members, seats from marts.groups_daily where organization_id = ? and date = ? order by 1",
        [ENTERPRISE, DAY],
    )
    assert [(g["rbac_group_id"], g["name"], g["members"], g["seats"]) for g in answer["data"]] == [tuple(r) for r in expected]


def test_a_group_scoped_summary_is_the_group_mart(client, fixture_warehouse, group_ids):
    group = group_ids[0]
    rows = list(
        client.organization.analytics.summaries.list(starting_date="2026-03-01", filter=[f"rbac_group_id:{group}"], limit=9)
    )
    expected = fixture_warehouse.query(
        "select date, dau, wau, mau, claude_code_active_users from marts.group_activity_daily "
        "where organization_id = ? and rbac_group_id = ? and date >= '2026-03-01' order by date",
        [ENTERPRISE, group],
    )
    assert [
        (r.starting_at.date(), r.daily_active_user_count, r.weekly_active_user_count, r.monthly_active_user_count,
         r.claude_code_daily_active_user_count)
        for r in rows
    ] == [tuple(e) for e in expected]  # fmt: skip
    assert all(r.assigned_seat_count is None and r.pending_invite_count is None and r.weekly_adoption_rate is None for r in rows)


def test_several_groups_count_a_user_once(client, reference, group_ids):
    """WAU over groups: distinct users active in the window on days they held one of them."""
    picked = group_ids[:2]
    rows = list(client.organization.analytics.summaries.list(starting_date=DAY, filter=[f"rbac_group_id:{g}" for g in picked]))
    values = reference.user_day_values()

    def active(start: dt.date, end: dt.date) -> set[str]:
        users, day = set(), start
        while day <= end:
            held = set().union(*(reference.group_users(ENTERPRISE, day).get(g, set()) for g in picked))
            users |= {u for u in held if values.get((ENTERPRISE, u, day), {}).get("active")}
            day += dt.timedelta(days=1)
        return users

    for row in rows:
        day = row.starting_at.date()
        assert row.daily_active_user_count == len(active(day, day))
        assert row.weekly_active_user_count == len(active(day - dt.timedelta(days=6), day))
        assert row.monthly_active_user_count == len(active(day - dt.timedelta(days=29), day))


def test_users_of_a_group_and_users_summed_per_group(client, fixture_warehouse, reference, group_ids):
    analytics = client.organization.analytics
    group = group_ids[0]
    members = reference.group_users(ENTERPRISE, DAY)[group]
    expected = {
        u for (u,) in fixture_warehouse.query(
            "select user_id from marts.user_activity_daily where organization_id = ? and date = ?", [ENTERPRISE, DAY]
        )
    } & members  # fmt: skip
    listed = [u.user.id for u in analytics.users.list(date=DAY, filter=[f"rbac_group_id:{group}"], limit=2)]
    assert len(listed) == len(set(listed)) and set(listed) == expected and expected

    per_group = {u.rbac_group_id: u for u in analytics.users.list(date=DAY, group_by=["rbac_group_id"])}
    marts = fixture_warehouse.query(
        "select rbac_group_id, messages, claude_code_lines_added, spend_usd from marts.group_activity_daily "
        "where organization_id = ? and date = ? and (messages > 0 or claude_code_lines_added > 0 or spend_usd > 0)",
        [ENTERPRISE, DAY],
    )
    assert marts
    for group_id, messages, lines, spend in marts:
        row = per_group[group_id]
        assert row.user is None and row.rbac_group_name
        assert row.chat_metrics.message_count == messages
        assert row.claude_code_metrics.core_metrics.lines_of_code.added_count == lines
        assert Decimal(row.model_extra["spend"]["spend_usd"]) == spend


def test_per_connector_activity_of_a_group(client, reference, group_ids):
    group = group_ids[0]
    held = reference.group_users(ENTERPRISE, DAY)[group]
    users: dict[str, set] = {}
    for e in reference.events_of(ENTERPRISE, "connector.used", DAY, DAY):
        if e["user_id"] in held:
            users.setdefault(e["properties"]["connector"], set()).add(e["user_id"])
    scoped = client.organization.analytics.connectors.list(date=DAY, filter=[f"rbac_group_id:{group}"])
    assert {c.connector_name: c.distinct_user_count for c in scoped} == {c: len(u) for c, u in users.items()}
    split = list(client.organization.analytics.connectors.list(date=DAY, group_by=["rbac_group_id"], limit=3))
    assert {c.connector_name: c.distinct_user_count for c in split if c.rbac_group_id == group} == {
        c: len(u) for c, u in users.items()
    }


def test_cost_per_group_and_the_unassigned_row(client, fixture_warehouse, reference):
    buckets = list(
        client.beta.organization.analytics.cost_report.list(
            starting_at="2026-04-01T00:00:00Z", ending_at="2026-04-08T00:00:00Z", group_by=["rbac_group_id"]
        )
    )
    for bucket in buckets:
        day = bucket.starting_at.date()
        by_group = {r.rbac_group_id: Decimal(r.amount) for r in bucket.results}
        expected = dict(fixture_warehouse.query(
            "select rbac_group_id, spend_usd * 100 from marts.group_activity_daily where organization_id = ? and date = ? "
            "and spend_usd > 0", [ENTERPRISE, day],
        ))  # fmt: skip
        in_a_group = set().union(*reference.group_users(ENTERPRISE, day).values())
        unassigned = sum(
            (
                u["_cost"] * 100
                for u in reference.ledger(ENTERPRISE, day, day + dt.timedelta(days=1))
                if u["user_id"] not in in_a_group
            ),
            Decimal(0),
        )
        assert {g: v for g, v in by_group.items() if g is not None} == expected
        assert by_group.get(None, Decimal(0)) == unassigned


def test_an_unknown_group_is_a_400_that_names_it(client):
    with pytest.raises(anthropic.BadRequestError) as caught:
        list(client.organization.analytics.summaries.list(starting_date=DAY, filter=["rbac_group_id:rbac_group_nope"]))
    assert "rbac_group_nope" in caught.value.message
    with pytest.raises(anthropic.BadRequestError):
        list(client.beta.organization.analytics.user_cost_report.list(starting_at="2026-04-01T00:00:00Z", rbac_group_ids=["x"]))
