"""The vendor's skills and plugins methods (SPEC §7 "Vendor surface"), driven by the official
`anthropic` SDK pinned in the lock against a real server on the fixtures: one day and a range
(distinct users exact over it), every supported filter and grouping, pagination with small limits,
values equal to tests/reference.py (written from the SPEC, not the pipeline)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from tests.serve.conftest import ENTERPRISE
from tests.serve.test_vendor_surface import DAY, MARCH, sdk, walked  # noqa: F401 (sdk is a fixture)

anthropic = pytest.importorskip("anthropic")

SKILL_DAY = dt.date(2026, 4, 13)  # three skills and one enable in the Enterprise organisation
PLUGIN_DAY = dt.date(2026, 3, 18)  # three plugins


def after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1)


SKILL_EVENTS, PLUGIN_EVENTS = ("skill.used", "skill.enabled"), ("plugin.used", "plugin.installed")


def skills_expected(events: list[dict]) -> dict[str, dict]:
    """Skill (lower-cased) -> distinct users, invocations and distinct enabling users of the events."""
    rows = defaultdict(lambda: {"users": set(), "invocations": 0, "enablers": set()})
    for e in events:
        row = rows[e["properties"]["skill_name"].lower()]
        if e["event_type"] == "skill.used":
            row["users"].add(e["user_id"])
            row["invocations"] += 1
        else:
            row["enablers"].add(e["user_id"])
    return {
        k: {"users": len(v["users"]), "invocations": v["invocations"], "enables": len(v["enablers"])} for k, v in rows.items()
    }


def plugins_expected(events: list[dict]) -> dict[str, dict]:
    """Plugin id -> distinct users (using or installing), installers and invocations of the events."""
    rows = defaultdict(lambda: {"users": set(), "installers": set(), "invocations": 0})
    for e in events:
        row = rows[e["properties"]["plugin_id"]]
        row["users"].add(e["user_id"])
        if e["event_type"] == "plugin.used":
            row["invocations"] += 1
        else:
            row["installers"].add(e["user_id"])
    return {
        k: {"users": len(v["users"]), "installs": len(v["installers"]), "invocations": v["invocations"]} for k, v in rows.items()
    }


def test_skills_on_a_day_and_over_a_range(sdk, reference):  # noqa: F811
    skills = sdk().organization.analytics.skills
    day = walked(skills.list(date=SKILL_DAY, limit=2), lambda s: s.skill_name)
    expected = skills_expected(reference.skills_and_plugins_between(ENTERPRISE, SKILL_EVENTS, SKILL_DAY, after(SKILL_DAY)))
    assert len(expected) > 2 and any(v["enables"] for v in expected.values())
    assert {s.skill_name: (s.distinct_user_count, s.invocation_count, s.enable_count) for s in day} == {
        k: (v["users"], v["invocations"], v["enables"]) for k, v in expected.items()
    }
    assert [s.skill_name for s in day] == sorted(expected)  # sorted by skill name
    for s in day:  # not attributed here: null, never invented
        assert s.estimated_overage_spend is None and s.attributed_list_price is None and s.currency is None
        assert s.office_metrics.word.distinct_session_skill_used_count is None
        assert s.chat_metrics.distinct_conversation_skill_used_count is None  # several users: not countable

    month = walked(
        skills.list(starting_date=MARCH[0], ending_date=MARCH[1], order_by="distinct_user_count", limit=3),
        lambda s: s.skill_name,
    )
    over = skills_expected(
        [e for e in reference.skills_and_plugins_between(ENTERPRISE, SKILL_EVENTS, *MARCH) if e["event_type"] == "skill.used"]
    )
    assert {s.skill_name: (s.distinct_user_count, s.invocation_count) for s in month} == {
        k: (v["users"], v["invocations"]) for k, v in over.items()
    }
    assert [s.distinct_user_count for s in month] == sorted((v["users"] for v in over.values()), reverse=True)
    assert all(s.enable_count is None for s in month)  # a distinct count per day: never summed over a range
    per_day = sum(
        len({e["user_id"] for e in reference.skills_and_plugins_between(ENTERPRISE, ("skill.used",), d, d + dt.timedelta(days=1))
             if e["properties"]["skill_name"].lower() == name})
        for name in over for d in (MARCH[0] + dt.timedelta(days=i) for i in range((MARCH[1] - MARCH[0]).days))
    )  # fmt: skip
    assert sum(v["users"] for v in over.values()) < per_day  # summing days would count users twice


def test_skills_per_user_product_and_group(sdk, reference):  # noqa: F811
    skills = sdk().organization.analytics.skills
    events = reference.skills_and_plugins_between(ENTERPRISE, ("skill.used",), SKILL_DAY, after(SKILL_DAY))
    # per user and product on one day: that user's conversations and sessions, exactly
    rows = walked(
        skills.list(date=SKILL_DAY, group_by=["user_id", "product"], limit=3), lambda s: (s.skill_name, s.user_id, s.product)
    )
    expected = defaultdict(lambda: {"invocations": 0, "chats": set(), "sessions": set()})
    for e in events:
        p = e["properties"]
        row = expected[(p["skill_name"].lower(), e["user_id"], p["product"])]
        row["invocations"] += 1
        row["chats"] |= {p["chat_id"]} - {None}
        row["sessions"] |= {p["session_id"]} - {None}
    got = {
        (s.skill_name, s.user_id, s.product): (
            s.invocation_count,
            s.chat_metrics.distinct_conversation_skill_used_count,
            s.claude_code_metrics.distinct_session_skill_used_count + s.cowork_metrics.distinct_session_skill_used_count,
        )
        for s in rows
    }
    assert got == {k: (v["invocations"], len(v["chats"]), len(v["sessions"])) for k, v in expected.items()}
    assert {s.distinct_user_count for s in rows} == {1} and all(s.enable_count is None for s in rows)

    # filters: products (OR), a share status (of each user-day's latest use, SPEC §4) and a name in
    # another letter case (AND across)
    marts = reference.skill_users_daily()
    name, status = min(
        (k[2], v["share_status"]) for k, v in marts.items() if k[:2] == (ENTERPRISE, SKILL_DAY) and k[3] != "claude_code"
    )
    scoped = list(skills.list(date=SKILL_DAY, filter=["product:chat", "product:cowork", f"share_status:{status}",
                                                f"skill_name:{name.upper()}"]))  # fmt: skip
    users = {
        user for (org, day, skill, product, user), row in marts.items()
        if (org, day, skill) == (ENTERPRISE, SKILL_DAY, name) and product in ("chat", "cowork") and row["share_status"] == status
    }  # fmt: skip
    assert users and [(s.skill_name, s.distinct_user_count, s.share_status) for s in scoped] == [(name, len(users), status)]

    # an RBAC group over a range: users on days they were in the group (SPEC §3 Groups)
    groups = reference.group_users(ENTERPRISE, MARCH[1] - dt.timedelta(days=1))
    group = max(groups, key=lambda g: len(groups[g]))
    in_group = skills_expected(reference.skills_and_plugins_between(ENTERPRISE, ("skill.used",), *MARCH, group=group))
    got = walked(
        skills.list(starting_date=MARCH[0], ending_date=MARCH[1], filter=[f"rbac_group_id:{group}"]), lambda s: s.skill_name
    )
    assert {s.skill_name: (s.distinct_user_count, s.invocation_count) for s in got} == {
        k: (v["users"], v["invocations"]) for k, v in in_group.items()
    }
    split = walked(
        skills.list(starting_date=MARCH[0], ending_date=MARCH[1], group_by=["rbac_group_id"], limit=50),
        lambda s: (s.skill_name, s.rbac_group_id),
    )
    assert {s.skill_name: s.distinct_user_count for s in split if s.rbac_group_id == group} == {
        k: v["users"] for k, v in in_group.items()
    }
    assert all(s.rbac_group_name for s in split if s.rbac_group_id == group)


def test_plugins_on_a_day_and_over_a_range(sdk, reference):  # noqa: F811
    plugins = sdk().organization.analytics.plugins
    over = plugins_expected(reference.skills_and_plugins_between(ENTERPRISE, PLUGIN_EVENTS, *MARCH))
    month = walked(plugins.list(starting_date=MARCH[0], ending_date=MARCH[1], limit=2), lambda p: p.plugin_id)
    assert len(over) > 2 and any(v["installs"] for v in over.values())
    assert {p.plugin_id: (p.distinct_user_count, p.install_count, p.invocation_count) for p in month} == {
        k: (v["users"], v["installs"], v["invocations"]) for k, v in over.items()
    }
    assert [p.plugin_name for p in month] == sorted(p.plugin_name for p in month)  # sorted by plugin name
    last_day = MARCH[1] - dt.timedelta(days=1)
    for p in month:  # the name on the range's last day with rows (a renamed plugin shows its new name)
        days = [e["_day"] for e in reference.skills_and_plugins_between(ENTERPRISE, PLUGIN_EVENTS, *MARCH)
                if e["properties"]["plugin_id"] == p.plugin_id]  # fmt: skip
        assert p.plugin_name == reference.plugin_name(ENTERPRISE, p.plugin_id, min(max(days), last_day))
        assert p.claude_code_metrics.distinct_session_plugin_used_count is None  # several users and days

    day = walked(plugins.list(date=PLUGIN_DAY, order_by="invocation_count", limit=1), lambda p: p.plugin_id)
    expected = plugins_expected(reference.skills_and_plugins_between(ENTERPRISE, PLUGIN_EVENTS, PLUGIN_DAY, after(PLUGIN_DAY)))
    assert len(expected) > 2
    assert {p.plugin_id: (p.distinct_user_count, p.invocation_count) for p in day} == {
        k: (v["users"], v["invocations"]) for k, v in expected.items()
    }
    assert [p.invocation_count for p in day] == sorted((v["invocations"] for v in expected.values()), reverse=True)

    # a product: uses there only, and no install count (an install has no product)
    code = walked(
        plugins.list(starting_date=MARCH[0], ending_date=MARCH[1], filter=["product:claude_code"]), lambda p: p.plugin_id
    )
    used_in_code = plugins_expected(
        [
            e
            for e in reference.skills_and_plugins_between(ENTERPRISE, ("plugin.used",), *MARCH)
            if e["properties"]["product"] == "claude_code"
        ]
    )
    assert {p.plugin_id: p.distinct_user_count for p in code} == {k: v["users"] for k, v in used_in_code.items()}
    assert all(p.install_count is None for p in code)
    # one plugin by id and by name in another letter case
    plugin = month[0]
    assert [
        p.plugin_id for p in plugins.list(starting_date=MARCH[0], ending_date=MARCH[1], filter=[f"plugin_id:{plugin.plugin_id}"])
    ] == [plugin.plugin_id]
    by_name = list(
        plugins.list(starting_date=MARCH[0], ending_date=MARCH[1], filter=[f"plugin_name:{plugin.plugin_name.upper()}"])
    )
    assert plugin.plugin_id in {p.plugin_id for p in by_name}

    # per user and product on one day: the user's sessions
    per_user = walked(
        plugins.list(date=PLUGIN_DAY, group_by=["user_id", "product"], limit=2), lambda p: (p.plugin_id, p.user_id, p.product)
    )
    sessions = defaultdict(set)
    for e in reference.skills_and_plugins_between(ENTERPRISE, ("plugin.used",), PLUGIN_DAY, after(PLUGIN_DAY)):
        p = e["properties"]
        sessions[(p["plugin_id"], e["user_id"], p["product"])] |= {p["session_id"]} - {None}
    assert {
        (p.plugin_id, p.user_id, p.product): (p.claude_code_metrics.distinct_session_plugin_used_count or 0)
        + (p.cowork_metrics.distinct_session_plugin_used_count or 0)
        for p in per_user
    } == {k: len(v) for k, v in sessions.items()}


def test_what_skills_and_plugins_cannot_answer_is_a_400_that_says_why(sdk):  # noqa: F811
    analytics = sdk().organization.analytics
    cases = [
        (lambda: analytics.skills.list(date=DAY, group_by=["skill_name"]), "group_by[]"),
        (lambda: analytics.skills.list(date=DAY, filter=["product:chat_cowork_unified"]), "product"),
        (lambda: analytics.skills.list(date=DAY, filter=["share_status:secret"]), "share_status"),
        (lambda: analytics.skills.list(date=DAY, order_by="share_status"), "order_by"),
        (lambda: analytics.plugins.list(date=DAY, filter=["product:chat"]), "product"),
        (lambda: analytics.plugins.list(date=DAY, filter=["connector_name:x"]), "connector_name"),
        (lambda: analytics.plugins.list(date=DAY, starting_date=DAY), "either"),
    ]
    for call, said in cases:
        with pytest.raises(anthropic.BadRequestError) as caught:
            list(call())
        assert said in caught.value.message
    # a product the vendor has and this warehouse never holds matches nothing
    assert list(analytics.skills.list(date=DAY, filter=["product:office_agent"])) == []


@pytest.mark.job
def test_skills_and_plugins_of_a_generated_set_through_the_sdk(tmp_path):
    """Another seed and period (generated, not the fixtures): every skill and plugin of the month
    through the SDK equals the reference, one day's too."""
    from tests.conftest import build, generate
    from tests.reference import Reference
    from tests.serve.conftest import start_server

    raw = generate(
        tmp_path / "raw", "--seed", "303", "--start", "2026-06-20", "--days", "24", "--orgs", "3", "--users-per-org", "18"
    )
    warehouse = build(tmp_path / "wh", raw)
    reference = Reference(raw)
    server = start_server(warehouse.published, tmp_path / "keys.sqlite")
    try:
        analytics = anthropic.Anthropic(api_key=server.key(ENTERPRISE), base_url=server.url, max_retries=0).organization.analytics
        month = (dt.date(2026, 7, 1), dt.date(2026, 7, 14))
        skills = walked(analytics.skills.list(starting_date=month[0], ending_date=month[1], limit=4), lambda s: s.skill_name)
        expected = skills_expected(reference.skills_and_plugins_between(ENTERPRISE, ("skill.used",), *month))
        assert len(expected) > 3 and {s.skill_name: (s.distinct_user_count, s.invocation_count) for s in skills} == {
            k: (v["users"], v["invocations"]) for k, v in expected.items()
        }
        plugins = walked(analytics.plugins.list(starting_date=month[0], ending_date=month[1], limit=4), lambda p: p.plugin_id)
        expected = plugins_expected(reference.skills_and_plugins_between(ENTERPRISE, PLUGIN_EVENTS, *month))
        assert len(expected) > 3 and {
            p.plugin_id: (p.distinct_user_count, p.install_count, p.invocation_count) for p in plugins
        } == {k: (v["users"], v["installs"], v["invocations"]) for k, v in expected.items()}
        day = dt.date(2026, 7, 10)
        one = list(analytics.skills.list(date=day, limit=1000))
        expected = skills_expected(
            reference.skills_and_plugins_between(ENTERPRISE, SKILL_EVENTS, day, day + dt.timedelta(days=1))
        )
        assert {s.skill_name: (s.distinct_user_count, s.enable_count) for s in one} == {
            k: (v["users"], v["enables"]) for k, v in expected.items()
        }
    finally:
        server.server.should_exit = True
        server.thread.join(timeout=10)


def test_a_users_and_a_groups_skills_and_plugins_over_a_range(sdk, reference):  # noqa: F811
    """filter[]=user_id and rbac_group_id, group_by[]=rbac_group_id, on both methods, against the
    reference's events of that user, or of the group's users on days they held it."""
    analytics = sdk().organization.analytics
    groups = reference.group_users(ENTERPRISE, MARCH[1] - dt.timedelta(days=1))
    group = max(groups, key=lambda g: len(groups[g]))
    events = reference.skills_and_plugins_between(ENTERPRISE, ("skill.used", "plugin.used", "plugin.installed"), *MARCH)
    user = max({e["user_id"] for e in events}, key=lambda u: sum(e["user_id"] == u for e in events))
    in_group = reference.skills_and_plugins_between(
        ENTERPRISE, ("skill.used", "plugin.used", "plugin.installed"), *MARCH, group=group
    )
    span = {"starting_date": MARCH[0], "ending_date": MARCH[1]}

    def uses(kind: str, of: list[dict]) -> list[dict]:
        return [e for e in of if e["event_type"].startswith(kind)]

    mine = walked(analytics.skills.list(**span, filter=[f"user_id:{user}"]), lambda s: s.skill_name)
    expected = skills_expected([e for e in uses("skill", events) if e["user_id"] == user])
    assert expected and {s.skill_name: s.invocation_count for s in mine} == {k: v["invocations"] for k, v in expected.items()}

    mine = walked(analytics.plugins.list(**span, filter=[f"user_id:{user}"]), lambda p: p.plugin_id)
    expected = plugins_expected([e for e in uses("plugin", events) if e["user_id"] == user])
    assert expected and {p.plugin_id: (p.invocation_count, p.install_count) for p in mine} == {
        k: (v["invocations"], v["installs"]) for k, v in expected.items()
    }

    scoped = walked(analytics.plugins.list(**span, filter=[f"rbac_group_id:{group}"]), lambda p: p.plugin_id)
    expected = plugins_expected(uses("plugin", in_group))
    assert expected and {p.plugin_id: (p.distinct_user_count, p.invocation_count) for p in scoped} == {
        k: (v["users"], v["invocations"]) for k, v in expected.items()
    }
    split = walked(analytics.plugins.list(**span, group_by=["rbac_group_id"], limit=50), lambda p: (p.plugin_id, p.rbac_group_id))
    assert {p.plugin_id: p.distinct_user_count for p in split if p.rbac_group_id == group} == {
        k: v["users"] for k, v in expected.items()
    }
