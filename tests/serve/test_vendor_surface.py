"""The vendor's Analytics API surface (SPEC §7 "Vendor surface"), driven by the official `anthropic`
SDK pinned in the lock, unchanged, against a real server on the fixtures: every list method whose
data this warehouse holds, its parameters, its pagination walked to the end with small limits,
values equal to the marts or to tests/reference.py (written from the SPEC, not the pipeline)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.serve.conftest import ENTERPRISE, HIDDEN, TEAM

anthropic = pytest.importorskip("anthropic")

DAY = dt.date(2026, 4, 10)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))


@pytest.fixture(scope="module")
def sdk(api):
    def client(organization: str = ENTERPRISE, role: str = "owner"):
        return anthropic.Anthropic(api_key=api.key(organization, role), base_url=api.url, max_retries=0)

    return client


def walked(pages, key) -> list:
    """Every item of an auto-paginating list, checked for a repeat (a page boundary seen twice)."""
    items = list(pages)
    keys = [key(item) for item in items]
    assert len(keys) == len(set(keys)), "an item came twice across pages"
    return items


def test_connectors_per_day_and_over_a_range(sdk, fixture_warehouse, reference):
    analytics = sdk().organization.analytics
    # one day, two rows a page: every connector of the mart once
    day = walked(analytics.connectors.list(date=DAY, limit=2), lambda c: c.connector_name)
    expected = dict(
        fixture_warehouse.query(
            "select connector, count(*) from marts.connector_users_daily where organization_id = ? and date = ? group by all",
            [ENTERPRISE, DAY],
        )
    )
    assert len(expected) > 2 and {c.connector_name: c.distinct_user_count for c in day} == expected
    assert [c.connector_name for c in day] == sorted(expected)  # the sort column, ascending
    first = day[0]
    assert first.chat_metrics.distinct_conversation_connector_used_count is None  # several users: not countable
    assert first.claude_code_metrics.distinct_session_connector_used_count is None  # not held
    assert first.office_metrics.word.distinct_session_connector_used_count is None

    # a month: exact distinct users over it (never a sum of days), ranked
    month = walked(
        analytics.connectors.list(starting_date=MARCH[0], ending_date=MARCH[1], order_by="distinct_user_count", limit=3),
        lambda c: c.connector_name,
    )
    over = reference.connectors_over(ENTERPRISE, *MARCH)
    assert {c.connector_name: c.distinct_user_count for c in month} == over
    assert [c.distinct_user_count for c in month] == sorted(over.values(), reverse=True)
    summed = fixture_warehouse.query(
        "select sum(n) from (select count(*) as n from marts.connector_users_daily "
        "where organization_id = ? and date >= ? and date < ? group by date, connector)",
        [ENTERPRISE, *MARCH],
    )[0][0]
    assert sum(over.values()) < summed  # the per-day sum would have counted users twice

    # per user on one day: that user's conversations; a filter matches the name in any case
    name = first.connector_name
    per_user = walked(
        analytics.connectors.list(date=DAY, group_by=["user_id", "product"], filter=[f"connector_name:{name.upper()}"], limit=1),
        lambda c: c.user_id,
    )
    rows = fixture_warehouse.query(
        "select user_id, conversations from marts.connector_users_daily where organization_id = ? and date = ? and connector = ?",
        [ENTERPRISE, DAY, name],
    )
    assert {c.user_id: c.chat_metrics.distinct_conversation_connector_used_count for c in per_user} == dict(rows)
    assert {c.product for c in per_user} == {"chat"} and {c.connector_name for c in per_user} == {name}


def test_artifacts_are_the_days_buckets_whole_or_split_by_user(sdk, reference):
    analytics = sdk().organization.analytics
    buckets = list(analytics.artifacts.list(date=DAY))
    expected = reference.artifacts_on(ENTERPRISE, DAY)
    assert any(shared is None for _, shared in expected)  # the fixtures have artifacts without is_shared
    got = {
        (b.artifact_type, b.is_shared): {
            "artifacts_created_count": b.artifacts_created_count,
            "distinct_user_count": b.distinct_user_count,
        }
        for b in buckets
    }
    assert got == expected
    assert all(b.published_artifacts_created_count is None for b in buckets)  # not held: null, never invented

    per_user = walked(
        analytics.artifacts.list(date=DAY, group_by=["user_id"], limit=2),
        lambda b: (b.artifact_type, b.is_shared, b.user_id),
    )
    assert sum(b.artifacts_created_count for b in per_user) == sum(v["artifacts_created_count"] for v in expected.values())
    shared_only = list(analytics.artifacts.list(date=DAY, filter=["is_shared:true"]))
    assert {(b.artifact_type, b.is_shared) for b in shared_only} == {k for k in expected if k[1] is True}


def test_projects_per_day_and_over_a_range(sdk, reference):
    analytics = sdk().organization.analytics.apps.chat
    day = walked(analytics.projects.list(date=DAY, limit=2), lambda p: p.project_id)
    expected = reference.projects_over(ENTERPRISE, DAY, DAY + dt.timedelta(days=1))
    assert len(expected) > 2
    assert {
        p.project_id: (p.distinct_user_count, p.message_count, p.distinct_conversation_count, p.project_name) for p in day
    } == {k: (v["distinct_user_count"], v["message_count"], v["conversations"], v["project_name"]) for k, v in expected.items()}
    assert {p.project_id: p.created_by.id if p.created_by else None for p in day} == {
        k: v["created_by"] for k, v in expected.items()
    }

    start = dt.date(2026, 3, 1)
    ranged = walked(analytics.projects.list(starting_date=start, limit=7, order_by="message_count"), lambda p: p.project_id)
    over = reference.projects_over(ENTERPRISE, start, dt.date(2026, 4, 15))
    assert {p.project_id: (p.distinct_user_count, p.message_count) for p in ranged} == {
        k: (v["distinct_user_count"], v["message_count"]) for k, v in over.items()
    }
    assert [p.message_count for p in ranged] == sorted((v["message_count"] for v in over.values()), reverse=True)
    assert all(p.distinct_conversation_count is None for p in ranged)  # a chat's days cannot be told apart
    assert any(p.project_name is None for p in ranged) and any(p.project_name for p in ranged)  # optional in raw


def test_cost_report_per_day_model_and_product_in_cents(sdk, reference):
    reports = sdk().beta.organization.analytics
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 11)
    buckets = walked(
        reports.cost_report.list(
            starting_at=f"{start}T00:00:00Z", ending_at=f"{end}T00:00:00Z", bucket_width="1d", group_by=["model", "product"]
        ),  # 10 days at the default 7 a page: two pages
        lambda b: b.starting_at,
    )
    assert [b.starting_at.date() for b in buckets] == [start + dt.timedelta(days=i) for i in range(10)]
    got = {
        (b.starting_at.date(), r.model, r.product): {"cents": Decimal(r.amount), "requests": r.requests}
        for b in buckets
        for r in b.results
    }
    assert got == reference.cost_by_day(ENTERPRISE, start, end)
    assert all(r.currency == "USD" and r.list_amount is None for b in buckets for r in b.results)

    totals = list(
        reports.cost_report.list(starting_at=f"{start}T00:00:00Z", ending_at=f"{end}T00:00:00Z", models=["claude-opus-4-5"])
    )
    for bucket in totals:
        want = sum(
            (v["cents"] for (d, m, _), v in got.items() if d == bucket.starting_at.date() and m == "claude-opus-4-5"), Decimal(0)
        )
        assert sum((Decimal(r.amount) for r in bucket.results), Decimal(0)) == want


def test_user_reports_rank_users_by_cost_and_tokens(sdk, reference):
    reports = sdk().beta.organization.analytics
    start, end = MARCH
    bounds = {"starting_at": f"{start}T00:00:00Z", "ending_at": f"{end}T00:00:00Z"}
    costs = walked(reports.user_cost_report.list(**bounds, limit=3), lambda r: r.actor.user_id)
    by_user: dict[str, Decimal] = {}
    for u in reference.ledger(ENTERPRISE, start, end):
        by_user[u["user_id"]] = by_user.get(u["user_id"], Decimal(0)) + u["_cost"] * 100
    assert {r.actor.user_id: Decimal(r.amount) for r in costs} == by_user
    assert [Decimal(r.amount) for r in costs] == sorted(by_user.values(), reverse=True)
    assert all(r.actor.type == "user_actor" and r.actor.email_address for r in costs if not r.actor.deleted)

    tokens = walked(reports.user_usage_report.list(**bounds, limit=4, order_by="output_tokens"), lambda r: r.actor.user_id)
    expected = reference.tokens_by_user(ENTERPRISE, start, end)
    assert {
        r.actor.user_id: (r.uncached_input_tokens, r.output_tokens, r.cache_read_input_tokens, r.requests, r.total_tokens)
        for r in tokens
    } == {
        u: (
            t["input_tokens"],
            t["output_tokens"],
            t["cache_read_input_tokens"],
            t["requests"],
            sum(t[k] for k in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")),
        )
        for u, t in expected.items()
    }
    assert [r.output_tokens for r in tokens] == sorted((t["output_tokens"] for t in expected.values()), reverse=True)

    days = list(reports.usage_report.list(**bounds, limit=31))
    assert sum(r.output_tokens for b in days for r in b.results) == sum(t["output_tokens"] for t in expected.values())
    assert all(r.cache_creation is None and r.server_tool_use is None for b in days for r in b.results)


@pytest.mark.parametrize(
    "method",
    ["cost_report", "user_cost_report", "usage_report", "user_usage_report"],
)
@pytest.mark.parametrize(("organization", "role"), [(ENTERPRISE, "admin"), (HIDDEN, "owner"), (TEAM, "owner")])
def test_the_reports_are_refused_to_who_may_not_read_spend(sdk, method, organization, role):
    report = getattr(sdk(organization, role).beta.organization.analytics, method)
    with pytest.raises(anthropic.PermissionDeniedError):
        report.list(starting_at="2026-03-01T00:00:00Z")


def test_what_the_warehouse_cannot_answer_is_a_400_that_says_why(sdk):
    client = sdk()
    cases = [
        (lambda: client.organization.analytics.connectors.list(date=DAY, filter=["rbac_group_id:rbac_group_1"]), "rbac_group_1"),
        (lambda: client.organization.analytics.artifacts.list(date=DAY, group_by=["model"]), "group_by[]"),
        (
            lambda: client.beta.organization.analytics.cost_report.list(starting_at="2026-03-01T00:00:00Z", bucket_width="1h"),
            "1d",
        ),
        (lambda: client.beta.organization.analytics.cost_report.list(starting_at="2026-03-01T05:00:00Z"), "UTC midnight"),
        (
            lambda: client.beta.organization.analytics.cost_report.list(starting_at="2026-03-01T00:00:00Z", speeds=["fast"]),
            "speeds",
        ),
        (lambda: client.organization.analytics.connectors.list(date="2026-05-01"), "2026-05-01"),
        (lambda: client.organization.analytics.apps.chat.projects.list(date=DAY, order_by="project_name"), "order_by"),
    ]
    for call, said in cases:
        with pytest.raises(anthropic.BadRequestError) as caught:
            list(call())
        assert said in caught.value.message


def test_the_beta_namespace_reaches_the_same_endpoints_and_unheld_methods_are_404(sdk):
    client = sdk()
    stable, beta = client.organization.analytics, client.beta.organization.analytics
    assert [c.connector_name for c in beta.connectors.list(date=DAY)] == [
        c.connector_name for c in stable.connectors.list(date=DAY)
    ]
    assert len(list(beta.summaries.list(starting_date="2026-04-01"))) == len(
        list(stable.summaries.list(starting_date="2026-04-01"))
    )
    assert [p.project_id for p in beta.apps.chat.projects.list(date=DAY)] == [
        p.project_id for p in stable.apps.chat.projects.list(date=DAY)
    ]
    assert [s.skill_name for s in beta.skills.list(date=DAY)] == [s.skill_name for s in stable.skills.list(date=DAY)]
    # docs/api.md "Compatibility": API-key use is not in the dumps
    for unheld in (
        lambda: beta.cost.list(starting_at="2026-03-01T00:00:00Z"),
        lambda: beta.usage.list(starting_at="2026-03-01T00:00:00Z"),
    ):
        with pytest.raises(anthropic.NotFoundError):
            list(unheld())


def test_users_in_either_order_through_the_pages(sdk):
    users = sdk().organization.analytics.users
    ascending = walked(users.list(date=DAY, limit=3), lambda u: u.user.id)
    descending = walked(users.list(date=DAY, limit=3, order="desc", order_by="email_address"), lambda u: u.user.id)
    assert len(ascending) > 3 and [u.user.id for u in descending] == [u.user.id for u in reversed(ascending)]
    with pytest.raises(anthropic.BadRequestError):
        list(users.list(date=DAY, order_by="message_count"))


def test_the_readme_compatibility_table_names_every_list_method_of_the_pinned_sdk():
    """docs/api.md's compatibility table says, for every analytics list method of the SDK in the lock, whether
    it works here: a method a newer SDK adds shows up here as missing from the table."""
    import functools
    from pathlib import Path

    client = anthropic.Anthropic(api_key="unused", base_url="http://127.0.0.1:9")
    methods: set[str] = set()

    def walk(resource, path: str) -> None:
        for name in dir(type(resource)):
            if name.startswith(("_", "with_")) or not isinstance(getattr(type(resource), name), functools.cached_property):
                continue
            child = getattr(resource, name)
            if callable(getattr(child, "list", None)):
                methods.add(f"{path}.{name}.list")
            walk(child, f"{path}.{name}")

    walk(client.organization.analytics, "organization.analytics")
    walk(client.beta.organization.analytics, "beta.organization.analytics")
    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    table = doc[doc.index("| SDK method (`client.…`)") :]
    assert len(methods) >= 20 and [m for m in sorted(methods) if f"`{m}`" not in table] == []
