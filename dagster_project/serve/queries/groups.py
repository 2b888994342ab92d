"""RBAC groups (SPEC §3 Groups, §7 "Groups in the API"): the groups on a date, which of the ids
a caller names the organisation has, and the group-scoped day summaries (counts of the users in
marts.group_active_users_daily of the groups named)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import duckdb

from .activity import USERS
from .common import DATE, Col, Listing, in_mart, read_rows

GROUPS = Listing(
    name="groups",
    source="marts.groups_daily",
    columns=(
        DATE,
        *in_mart("groups_daily", Col("rbac_group_id", "text"), Col("name", "text"), Col("members", "int"), Col("seats", "int")),
    ),
    key=("rbac_group_id",),
    where="date = $date",
)

# a user row of the day, of a user who held one of $groups that day
IN_GROUPS_ON_DATE = (
    "user_id in (select user_id from marts.group_members_daily where organization_id = $organization_id "
    "and date = $date and list_contains($groups, rbac_group_id))"
)
USERS_IN_GROUPS = replace(USERS, name="users_in_groups", where=f"{USERS.where} and {IN_GROUPS_ON_DATE}")


def group_names(conn: duckdb.DuckDBPyConnection, organization_id: str, ids: Sequence[str]) -> dict[str, str | None]:
    """Each group's name on the latest date the warehouse holds; a group deleted by then has none."""
    rows = conn.execute(
        "select rbac_group_id, name from marts.groups_daily where organization_id = $organization_id "
        "and date = (select max(date) from marts.groups_daily) and list_contains($ids, rbac_group_id)",
        {"organization_id": organization_id, "ids": list(ids)},
    ).fetchall()
    return {i: dict(rows).get(i) for i in ids}


def scoped_summaries(
    conn: duckdb.DuckDBPyConnection, organization_id: str, groups: Sequence[str], days: tuple[dt.date, dt.date]
) -> list[dict[str, Any]]:
    """Per day of `[days[0], days[1])` the organisation holds: DAU, WAU, MAU and Claude Code DAU of
    the users who were active on days they held one of `groups` (marts.group_active_users_daily; a
    user counts once however many of the groups they held)."""
    sql = """
        with days as (
            select date from marts.activity_daily
            where organization_id = $organization_id and date >= $starting_date and date < $ending_date
        ),
        active_users as (
            select date, user_id, counts_in_dau, counts_in_wau, counts_in_claude_code_dau
            from marts.group_active_users_daily
            where organization_id = $organization_id and list_contains($groups, rbac_group_id)
                and date >= $starting_date and date < $ending_date
        )
        select
            days.date,
            count(distinct active_users.user_id) filter (where counts_in_dau) as dau,
            count(distinct active_users.user_id) filter (where counts_in_wau) as wau,
            count(distinct active_users.user_id) as mau,
            count(distinct active_users.user_id) filter (where counts_in_claude_code_dau) as claude_code_dau
        from days
        left join active_users using (date)
        group by days.date
        order by days.date
    """
    return read_rows(
        conn, sql, {"organization_id": organization_id, "groups": list(groups), "starting_date": days[0], "ending_date": days[1]}
    )


# `users` with group_by[]=rbac_group_id: the day's user rows summed per group (a user in two groups
# counts in both, as the vendor documents); $groups narrows it to some groups when given
_SUMMED = (
    "chats",
    "messages",
    "projects_created",
    "artifacts_created",
    "connector_uses",
    "claude_code_sessions",
    "claude_code_lines_added",
    "claude_code_lines_removed",
    "claude_code_commits",
    "claude_code_pull_requests",
    "spend_usd",
    "input_tokens",
    "output_tokens",
)
_USERS_PER_GROUP_SOURCE = (
    "(select organization_id, date, rbac_group_id, "
    + ", ".join(f"sum({c}) as {c}" for c in _SUMMED)
    + " from marts.user_activity_daily inner join marts.group_members_daily using (organization_id, date, user_id) "
    "where organization_id = $organization_id and date = $date "
    "and (cast($groups as varchar[]) is null or list_contains($groups, rbac_group_id)) "
    "group by all) as per_group"
)
USERS_PER_GROUP = Listing(
    name="users_per_group",
    source=_USERS_PER_GROUP_SOURCE,
    columns=(DATE, Col("rbac_group_id", "text", "The RBAC group.", mart="groups_daily"))
    + tuple(replace(c, expr=None) for c in USERS.columns if c.name in _SUMMED),
    key=("rbac_group_id",),
    where="date = $date",
    mart="user_activity_daily",
)
