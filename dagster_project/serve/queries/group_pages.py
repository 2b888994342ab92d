"""The dashboard's numbers for one RBAC group (SPEC §8 `?group=`, §3 Groups): every value is the
organisation's value restricted to the days each user held the group (marts.group_members_daily).
Tiles, changes, shares, windows and the forecast are read from the group marts; the top 10s,
connectors and spend by model rank or sum the user-grain marts over the days each user held the
group. The shapes are those of the organisation's listings, so the pages' templates read either."""

from __future__ import annotations

import datetime as dt
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
    of the organisation's daily marts. What is not held per user and day is null: the average
    messages per chat (the distinct chats messaged), tool actions and the estimated cost
    (docs/dashboard.md); pending invites are the organisation's."""
    sql = """
        select
            date, dau, wau, mau, seats as total_seats, utilization, seats as active_members,
            cast(null as bigint) as pending_invites,
            chats, chats_dod_change, messages, projects_created, projects_created_dod_change,
            artifacts_created, artifacts_created_dod_change, users_with_chat, pct_users_with_chat,
            users_created_project, users_created_artifact,
            cast(null as double) as avg_messages_per_chat, cast(null as double) as avg_messages_per_chat_dod_change,
            claude_code_active_users as active_users, claude_code_sessions as sessions,
            claude_code_lines_added as lines_added, claude_code_lines_removed as lines_removed,
            claude_code_commits as commits, claude_code_pull_requests as pull_requests,
            cast(null as double) as tool_accept_rate, cast(null as decimal(18, 6)) as estimated_cost_usd,
            spend_usd
        from marts.group_activity_daily
        where organization_id = $organization_id and rbac_group_id = $group and date >= $start and date < $end
        order by date
    """
    return read_rows(conn, sql, {"organization_id": organization_id, "group": group, "start": start, "end": end})


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


def windows(conn, organization_id: str, group: str, day: dt.date) -> list[dict[str, Any]]:
    """Claude.ai over 1w, 1m, 3m, 1y for the group (marts.group_claude_ai_windows)."""
    return read_rows(
        conn,
        'select "window", chats, projects_created, artifacts_created, users_with_chat, users_with_project, '
        "users_with_artifact, pct_users_with_chat, pct_users_with_project, pct_users_with_artifact "
        "from marts.group_claude_ai_windows where organization_id = $organization_id and rbac_group_id = $group "
        'and as_of_date = $day order by list_position($windows, "window")',
        {"organization_id": organization_id, "group": group, "day": day, "windows": list(ROLLING_WINDOWS)},
    )


def spend(conn, organization_id: str, group: str, day: dt.date) -> dict[str, Any]:
    """The group's spend to date (sums of its daily spend over mtd, qtd, ytd), its month-end
    forecast (marts.group_spend_forecast), its spend per day, and its spend by model (1m, 3m, 1y)."""
    params = {"organization_id": organization_id, "group": group, "day": day}
    # the spend per day of the trend's 30 days and of the month so far (the two spend charts)
    per_day = dict(
        conn.execute(
            "select date, spend_usd from marts.group_activity_daily where organization_id = $organization_id "
            "and rbac_group_id = $group and date >= $start and date <= $day order by date",
            {**params, "start": min(window_start("mtd", day), day - dt.timedelta(days=29))},
        ).fetchall()
    )
    totals = read_rows(
        conn,
        'select windows."window", coalesce(sum(g.spend_usd), 0) as spend_usd '
        'from (select unnest($windows) as "window", unnest($starts) as window_start) as windows '
        "left join marts.group_activity_daily as g on g.organization_id = $organization_id and g.rbac_group_id = $group "
        'and g.date >= windows.window_start and g.date <= $day group by windows."window" '
        'order by list_position($windows, windows."window")',
        {**params, "windows": list(SPEND_TOTAL_WINDOWS), "starts": [window_start(w, day) for w in SPEND_TOTAL_WINDOWS]},
    )
    forecast = read_rows(
        conn,
        "select spend_mtd_usd, days_elapsed, days_in_month, projected_month_usd, previous_month_usd "
        "from marts.group_spend_forecast where organization_id = $organization_id and rbac_group_id = $group "
        "and as_of_date = $day",
        params,
    )
    by_model = {
        window: read_rows(
            conn,
            f"select model, sum(spend_usd) as spend_usd from marts.usage_daily semi join {HELD} as held "
            "using (organization_id, date, user_id) where organization_id = $organization_id "
            "and date >= $start and date <= $day group by model order by model",
            {**params, "start": window_start(window, day)},
        )
        for window in SPEND_MODEL_WINDOWS
    }
    return {"totals": totals, "forecast": forecast[0] if forecast else None, "by_model": by_model, "spend_by_day": per_day}
