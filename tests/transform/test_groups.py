"""RBAC groups (SPEC §2.4, §3 Groups, §4 "Per group"): the fixtures hold every case the issue
names, and the group marts add up to the organisation's marts. (Both group marts are matched row by
row against tests/reference.py in test_marts_match_reference.py.)"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

PLANTED = "org_0001"  # tools/generate_dumps.py build_groups: the first organisation with groups (Team)
TWO_GROUPS, MOVER = "user_0001_00002", "user_0001_00003"


def test_the_fixtures_hold_every_group_case(fixture_warehouse, reference):
    q = fixture_warehouse.query
    with_groups = {org for (org,) in q("select distinct organization_id from marts.groups_daily")}
    organizations = {org for (org,) in q("select distinct organization_id from marts.activity_daily")}
    assert organizations - with_groups, "an organisation without groups"
    latest = "(select max(date) from marts.organizations_daily)"
    plans = dict(q(f"select organization_id, plan from marts.organizations_daily where date = {latest}"))
    assert plans[PLANTED] == "team" and PLANTED in with_groups, "a Team organisation with groups"
    assert any(" / " in name for (name,) in q("select distinct name from marts.groups_daily")), "nested-looking names"

    days = reference.days
    assert any(sum(TWO_GROUPS in users for users in reference.group_users(PLANTED, d).values()) == 2 for d in days), (
        "a user in two groups"
    )
    groups_of_mover = {frozenset(g for g, users in reference.group_users(PLANTED, d).items() if MOVER in users) for d in days}
    assert len(groups_of_mover) >= 2, "a user who moves between groups"
    renamed = q(
        "select rbac_group_id from marts.groups_daily where organization_id = ? group by all having count(distinct name) > 1",
        [PLANTED],
    )
    assert renamed, "a renamed group"
    last_days = dict(
        q("select rbac_group_id, max(date) from marts.groups_daily where organization_id = ? group by all", [PLANTED])
    )
    deleted = [g for g, last in last_days.items() if last < days[-1]]
    assert deleted, "a deleted group"
    # a deleted group's members are listed in it still, and none of their later activity counts for it
    after = last_days[deleted[0]] + dt.timedelta(days=1)
    assert not q(
        "select 1 from marts.group_activity_daily where organization_id = ? and rbac_group_id = ? and date >= ?",
        [PLANTED, deleted[0], after],
    )
    # a day whose group_members file is missing keeps the day before's memberships
    member_dates = reference.raw.snapshot_dates["group_members"]
    snapshot_days = reference.raw.snapshot_dates["groups"]
    gap = sorted(snapshot_days - member_dates)
    assert gap, "a dump day with a groups file and no group_members file"
    before = gap[0] - dt.timedelta(days=1)
    assert reference.group_users(PLANTED, gap[0]) == {
        g: u for g, u in reference.group_users(PLANTED, before).items() if g in reference.groups_on(PLANTED, gap[0])
    }
    assert q("select count(*) from marts.groups_daily where organization_id = ? and date = ?", [PLANTED, gap[0]]) == q(
        "select count(*) from marts.groups_daily where organization_id = ? and date = ?", [PLANTED, before]
    )


ADDITIVE = {  # group mart column -> (organisation mart, its column) and the user mart's column
    "messages": ("claude_ai_daily", "messages", "messages"),
    "projects_created": ("claude_ai_daily", "projects_created", "projects_created"),
    "artifacts_created": ("claude_ai_daily", "artifacts_created", "artifacts_created"),
    "claude_code_sessions": (None, None, "claude_code_sessions"),
    "claude_code_lines_added": (None, None, "claude_code_lines_added"),
    "claude_code_commits": (None, None, "claude_code_commits"),
    "spend_usd": (None, None, "spend_usd"),
}


def test_groups_plus_no_group_add_up_to_the_organisation(fixture_warehouse, reference):
    """SPEC §4: where each member is in one group, the groups plus the users in none are the
    organisation. In general (users in several groups count in each): the sum over groups equals the
    sum over users of (groups the user is in that day) x (the user's value), and adding the users in
    no group and taking off the repeats gives the organisation's daily marts."""
    q = fixture_warehouse.query
    per_user = defaultdict(dict)
    columns = [c for _, _, c in ADDITIVE.values()]
    for org, day, user, *values in q(
        f"select organization_id, date, user_id, {', '.join(columns)} from marts.user_activity_daily"
    ):
        per_user[(org, day)][user] = dict(zip(columns, values, strict=True))
    group_sums = defaultdict(lambda: defaultdict(Decimal))
    for org, day, *values in q(f"select organization_id, date, {', '.join(ADDITIVE)} from marts.group_activity_daily"):
        for column, value in zip(ADDITIVE, values, strict=True):
            group_sums[(org, day)][column] += Decimal(value)
    organisation = {
        (org, day): dict(zip(("messages", "projects_created", "artifacts_created"), values, strict=True))
        for org, day, *values in q(
            "select organization_id, date, messages, projects_created, artifacts_created from marts.claude_ai_daily"
        )
    }
    checked = 0
    for (org, day), users in per_user.items():
        groups_per_user = defaultdict(int)
        for members in reference.group_users(org, day).values():
            for user in members:
                groups_per_user[user] += 1
        if not groups_per_user:
            continue
        for column, (mart, org_column, user_column) in ADDITIVE.items():
            weighted = sum(Decimal(v[user_column]) * groups_per_user[u] for u, v in users.items())
            assert group_sums[(org, day)][column] == weighted, (org, day, column)
            none = sum(Decimal(v[user_column]) for u, v in users.items() if not groups_per_user[u])
            repeats = sum(Decimal(v[user_column]) * (groups_per_user[u] - 1) for u, v in users.items() if groups_per_user[u] > 1)
            total = sum(Decimal(v[user_column]) for v in users.values())
            assert group_sums[(org, day)][column] + none - repeats == total
            if mart:
                assert total == organisation[(org, day)][org_column], (org, day, column)
        checked += 1
    assert checked > 100
