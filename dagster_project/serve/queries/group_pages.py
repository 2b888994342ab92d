"""The dashboard's numbers for one RBAC group (SPEC §8 `?group=`, §3 Groups): every value is the
organisation's value restricted to the days each user held the group (marts.group_members_daily),
read from the group marts where they hold it and re-aggregated from user rows where they do not.
The shapes are those of the organisation's listings, so the pages' templates read either."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from .common import read_rows
from .windows import ROLLING_WINDOWS, SPEND_MODEL_WINDOWS, SPEND_TOTAL_WINDOWS, window_start

# the user-days on which users held the group: what every scoped read is restricted to
HELD = (
    "(select organization_id, date, user_id from marts.group_members_daily "
    "where organization_id = $organization_id and rbac_group_id = $group)"
)

# what each top-10 ranks (SPEC §3 rankings): the user-grain mart and the value over a window
BOARD_VALUES = {
    "projects_used": ("marts.project_users_daily", "count(distinct project_id)"),
    "artifacts_created": ("marts.user_activity_daily", "sum(artifacts_created)"),
    "spend_usd": ("marts.user_activity_daily", "sum(spend_usd)"),
    "claude_code_lines_added": ("marts.user_activity_daily", "sum(claude_code_lines_added)"),
    "claude_code_pull_requests": ("marts.user_activity_daily", "sum(claude_code_pull_requests)"),
}
MICRO = Decimal("0.000001")


def groups_on(conn: duckdb.DuckDBPyConnection, organization_id: str, day: dt.date) -> list[dict[str, Any]]:
    """The organisation's groups on the day, by name (the picker's choices)."""
    return read_rows(
        conn,
        "select rbac_group_id, name, members, seats from marts.groups_daily "
        "where organization_id = $organization_id and date = $day order by name, rbac_group_id",
        {"organization_id": organization_id, "day": day},
    )


def daily(conn, organization_id: str, group: str, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per day of `[start, end)`: the group's row of marts.group_activity_daily under the column names
    of the organisation's daily marts, plus the users who created a project or an artifact."""
    sql = f"""
        with creators as (
            select
                date,
                count(*) filter (where projects_created > 0) as users_created_project,
                count(*) filter (where artifacts_created > 0) as users_created_artifact
            from marts.user_activity_daily semi join {HELD} as held using (organization_id, date, user_id)
            where organization_id = $organization_id and date >= $start and date < $end
            group by date
        )
        select
            g.date, g.dau, g.wau, g.mau, g.seats as total_seats, g.utilization, g.seats as active_members,
            cast(null as bigint) as pending_invites,
            g.chats, g.messages, g.projects_created, g.artifacts_created, g.users_with_chat,
            g.users_with_chat / nullif(g.seats, 0) as pct_users_with_chat,
            coalesce(creators.users_created_project, 0) as users_created_project,
            coalesce(creators.users_created_artifact, 0) as users_created_artifact,
            g.claude_code_active_users as active_users, g.claude_code_sessions as sessions,
            g.claude_code_lines_added as lines_added, g.claude_code_lines_removed as lines_removed,
            g.claude_code_commits as commits, g.claude_code_pull_requests as pull_requests,
            g.spend_usd
        from marts.group_activity_daily as g
        left join creators using (date)
        where g.organization_id = $organization_id and g.rbac_group_id = $group and g.date >= $start and g.date < $end
        order by g.date
    """
    rows = read_rows(conn, sql, {"organization_id": organization_id, "group": group, "start": start, "end": end})
    for before, row in zip([None, *rows], rows, strict=False):
        adjacent = before is not None and before["date"] == row["date"] - dt.timedelta(days=1)
        for column in ("chats", "projects_created", "artifacts_created"):
            row[f"{column}_dod_change"] = row[column] - before[column] if adjacent else None
        # not derivable per group: the distinct chats messaged are not held per user (docs/dashboard.md)
        row["avg_messages_per_chat"] = row["avg_messages_per_chat_dod_change"] = None
        row["tool_accept_rate"] = row["estimated_cost_usd"] = None
    return rows


def board(conn, organization_id: str, group: str, day: dt.date, metric: str, window: str) -> list[dict[str, Any]]:
    """A top 10 of the group: each user's value over the window's days on which they held the group,
    by value then user_id, zeros left out; names from the members snapshot holding on the day."""
    source, value = BOARD_VALUES[metric]
    sql = f"""
        with per_user as (
            select user_id, {value} as value
            from {source} semi join {HELD} as held using (organization_id, date, user_id)
            where organization_id = $organization_id and date >= $start and date <= $day
            group by user_id
        ),
        ranked as (
            select row_number() over (order by value desc, user_id) as rank, user_id, value from per_user where value > 0
        )
        select ranked.rank, ranked.user_id, people.email, people.full_name, ranked.value
        from ranked
        left join marts.user_engagement as people
            on people.organization_id = $organization_id and people.as_of_date = $day and people.user_id = ranked.user_id
        where ranked.rank <= 10
        order by ranked.rank
    """
    return read_rows(
        conn, sql, {"organization_id": organization_id, "group": group, "day": day, "start": window_start(window, day)}
    )


def connectors(conn, organization_id: str, group: str, day: dt.date) -> list[dict[str, Any]]:
    """The group's top 10 connectors of the last 30 days: by unique users, uses, then name."""
    sql = f"""
        with per_connector as (
            select connector, count(distinct user_id) as unique_users, sum(uses) as uses
            from marts.connector_users_daily semi join {HELD} as held using (organization_id, date, user_id)
            where organization_id = $organization_id and date >= $start and date <= $day
            group by connector
        )
        select row_number() over (order by unique_users desc, uses desc, connector) as rank, connector, unique_users, uses
        from per_connector
        order by rank
        limit 10
    """
    return read_rows(
        conn, sql, {"organization_id": organization_id, "group": group, "day": day, "start": window_start("1m", day)}
    )


def windows(conn, organization_id: str, group: str, day: dt.date, seats: int) -> list[dict[str, Any]]:
    """Claude.ai over 1w, 1m, 3m, 1y for the group: counts of its users' events and the share of the
    group's seats with one (users who had one on a day they held the group)."""
    out = []
    for window in ROLLING_WINDOWS:
        sql = f"""
            select
                sum(chats) as chats, sum(projects_created) as projects_created, sum(artifacts_created) as artifacts_created,
                count(distinct user_id) filter (where chats > 0) as users_with_chat,
                count(distinct user_id) filter (where projects_created > 0) as users_with_project,
                count(distinct user_id) filter (where artifacts_created > 0) as users_with_artifact
            from marts.user_activity_daily semi join {HELD} as held using (organization_id, date, user_id)
            where organization_id = $organization_id and date >= $start and date <= $day
        """
        params = {"organization_id": organization_id, "group": group, "day": day, "start": window_start(window, day)}
        row = {k: v or 0 for k, v in read_rows(conn, sql, params)[0].items()}
        for kind in ("chat", "project", "artifact"):
            row[f"pct_users_with_{kind}"] = row[f"users_with_{kind}"] / seats if seats else None
        out.append({"window": window, **row})
    return out


def spend(conn, organization_id: str, group: str, day: dt.date) -> dict[str, Any]:
    """The group's spend to date, its month-end forecast and its spend by model (1m, 3m, 1y)."""
    year_start = window_start("ytd", day)
    month_start = window_start("mtd", day)
    previous_start = (month_start - dt.timedelta(days=1)).replace(day=1)
    per_day = {
        r["date"]: r["spend_usd"]
        for r in read_rows(
            conn,
            "select date, spend_usd from marts.group_activity_daily where organization_id = $organization_id "
            "and rbac_group_id = $group and date >= $start and date <= $day",
            {
                "organization_id": organization_id,
                "group": group,
                "start": min(previous_start, year_start, day - dt.timedelta(days=29)),
                "day": day,
            },
        )
    }

    def between(start: dt.date, end: dt.date) -> Decimal:
        return sum((v for d, v in per_day.items() if start <= d <= end), Decimal(0))

    totals = [{"window": w, "spend_usd": between(window_start(w, day), day)} for w in SPEND_TOTAL_WINDOWS]
    mtd = totals[0]["spend_usd"]
    days_in_month = ((month_start + dt.timedelta(days=32)).replace(day=1) - month_start).days
    forecast = {
        "spend_mtd_usd": mtd,
        "days_elapsed": day.day,
        "days_in_month": days_in_month,
        "projected_month_usd": (mtd / day.day * days_in_month).quantize(MICRO, ROUND_HALF_UP),
        "previous_month_usd": between(previous_start, month_start - dt.timedelta(days=1)),
    }
    by_model = {}
    for window in SPEND_MODEL_WINDOWS:
        by_model[window] = read_rows(
            conn,
            f"select model, sum(spend_usd) as spend_usd from marts.usage_daily semi join {HELD} as held "
            "using (organization_id, date, user_id) where organization_id = $organization_id "
            "and date >= $start and date <= $day group by model order by model",
            {"organization_id": organization_id, "group": group, "start": window_start(window, day), "day": day},
        )
    return {"totals": totals, "forecast": forecast, "by_model": by_model, "spend_by_day": per_day}
