"""The dashboard's numbers for one RBAC group (SPEC §8 `?group=`, §3 Groups): every value is the
organisation's value restricted to the days each user held the group, read from the group marts
(marts.group_*). The shapes are those of the organisation's listings, so the pages' templates read
either."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from .common import read_rows
from .windows import ROLLING_WINDOWS, SPEND_MODEL_WINDOWS, SPEND_TOTAL_WINDOWS, window_start


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
    """A top 10 of the group (marts.group_leaderboards)."""
    return read_rows(
        conn,
        "select rank, user_id, email, full_name, value from marts.group_leaderboards "
        "where organization_id = $organization_id and rbac_group_id = $group and as_of_date = $day "
        'and metric = $metric and "window" = $window order by rank',
        {"organization_id": organization_id, "group": group, "day": day, "metric": metric, "window": window},
    )


def connectors(conn, organization_id: str, group: str, day: dt.date) -> list[dict[str, Any]]:
    """The group's top 10 connectors of the last 30 days (marts.group_top_connectors)."""
    return read_rows(
        conn,
        "select rank, connector, unique_users, uses from marts.group_top_connectors "
        "where organization_id = $organization_id and rbac_group_id = $group and as_of_date = $day "
        """and "window" = '1m' order by rank""",
        {"organization_id": organization_id, "group": group, "day": day},
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
    """The group's spend to date over mtd, qtd, ytd (marts.group_spend_totals), its month-end
    forecast (marts.group_spend_forecast), its spend per day of the two spend charts, and its spend
    by model over 1m, 3m, 1y (marts.group_spend_by_model)."""
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
        'select "window", spend_usd from marts.group_spend_totals where organization_id = $organization_id '
        'and rbac_group_id = $group and as_of_date = $day order by list_position($windows, "window")',
        {**params, "windows": list(SPEND_TOTAL_WINDOWS)},
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
            "select model, spend_usd from marts.group_spend_by_model where organization_id = $organization_id "
            'and rbac_group_id = $group and as_of_date = $day and "window" = $window order by model',
            {**params, "window": window},
        )
        for window in SPEND_MODEL_WINDOWS
    }
    return {"totals": totals, "forecast": forecast[0] if forecast else None, "by_model": by_model, "spend_by_day": per_day}
