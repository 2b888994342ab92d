"""Skills and plugins (marts.skill_users_daily, skill_enables_daily, plugin_users_daily,
plugin_installs_daily): the breakdowns of the vendor's `skills.list` and `plugins.list`, and the All
activity page's top skills and top plugins (SPEC §8), the same rows over the last 30 days ranked by
distinct users, then invocations, then name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from .user_grain import NULL_COUNT, Breakdown, fetch_breakdown
from .windows import window_start

BOARD_SIZE = 10

# the latest use in scope decides a skill's display name and share status (SPEC §4: the marts hold
# each user-day's latest use); ties of time go to the larger user_id, then product
LATEST_USE = "{'at': last_used_at, 'user_id': user_id, 'product': product}"


def _sessions_of(product: str, per_user_day: bool) -> str:
    """Distinct sessions (or conversations) of one product: exact on a row of one user and day only
    (the marts count a user's distinct sessions per day: summed over users or days, one could count
    twice)."""
    column = "conversations" if product == "chat" else "sessions"
    return f"coalesce(sum({column}) filter (where product = '{product}'), 0)" if per_user_day else NULL_COUNT


def user_rows(uses: str, others: str, flag: str, with_others: bool) -> str:
    """The use rows of a user-grain mart, and with `with_others` the rows of its companion mart
    (enables, installs) beside them, told apart by the boolean column `flag`."""
    rows = f"select *, false as {flag} from {uses}"
    if with_others:
        rows += f" union all by name select *, true as {flag} from {others}"
    return f"({rows}) as user_rows"


def skill_activity(per_user_day: bool, with_enables: bool) -> Breakdown:
    """Per skill: its users, invocations and the display name and share status of the latest use;
    with `with_enables` (one day, the whole organisation) also the users who enabled it that day,
    and a skill only enabled has a row."""
    return Breakdown(
        name="skills",
        source=user_rows("marts.skill_users_daily", "marts.skill_enables_daily", "is_enable", with_enables),
        entity={"skill_name": "skill_name"},
        dimensions={"product": "product", "user_id": "user_id"},
        filters={"skill_name": "skill_name", "product": "product", "share_status": "share_status", "user_id": "user_id"},
        folded=frozenset({"skill_name"}),
        metrics={
            "skill_display_name": f"arg_max_null(skill_display_name, {LATEST_USE}) filter (where not is_enable)",
            "share_status": f"arg_max_null(share_status, {LATEST_USE}) filter (where not is_enable)",
            "distinct_user_count": "count(distinct user_id) filter (where not is_enable)",
            "invocation_count": "coalesce(sum(invocations), 0)",
            "enable_count": "count(distinct user_id) filter (where is_enable)" if with_enables else NULL_COUNT,
            "chat_conversations": _sessions_of("chat", per_user_day),
            "claude_code_sessions": _sessions_of("claude_code", per_user_day),
            "cowork_sessions": _sessions_of("cowork", per_user_day),
        },
    )


def plugin_activity(per_user_day: bool, with_installs: bool) -> Breakdown:
    """Per plugin: users who used or installed it, invocations, and its name on the last day of the
    rows; with `with_installs` (no product asked: an install has none) installs count as well."""
    return Breakdown(
        name="plugins",
        source=user_rows("marts.plugin_users_daily", "marts.plugin_installs_daily", "is_install", with_installs),
        entity={"plugin_id": "plugin_id"},
        dimensions={"product": "product", "user_id": "user_id"},
        filters={"plugin_id": "plugin_id", "plugin_name": "plugin_name", "product": "product", "user_id": "user_id"},
        folded=frozenset({"plugin_name"}),
        metrics={
            "plugin_name": "arg_max(plugin_name, date)",
            "distinct_user_count": "count(distinct user_id)",
            "install_count": "count(distinct user_id) filter (where is_install)" if with_installs else NULL_COUNT,
            "invocation_count": "coalesce(sum(invocations), 0)",
            "claude_code_sessions": _sessions_of("claude_code", per_user_day),
            "cowork_sessions": _sessions_of("cowork", per_user_day),
        },
    )


def _top(conn, breakdown, organization_id: str, day: dt.date, group: str | None) -> list[dict[str, Any]]:
    days = (window_start("1m", day), day + dt.timedelta(days=1))
    rows, _ = fetch_breakdown(
        conn, breakdown, organization_id, days, groups=[group] if group else None,
        order_by="distinct_user_count", descending=True, then_by=("invocation_count",), limit=BOARD_SIZE,
    )  # fmt: skip
    return [{"rank": rank, **row} for rank, row in enumerate(rows, start=1)]


def top_skills(conn: duckdb.DuckDBPyConnection, organization_id: str, day: dt.date, group: str | None = None) -> list[dict]:
    """The 10 skills with the most distinct users over the 30 days ending on `day` (of one group's
    users on days they held it, with `group`), with their invocations."""
    return _top(conn, skill_activity(per_user_day=False, with_enables=False), organization_id, day, group)


def top_plugins(conn: duckdb.DuckDBPyConnection, organization_id: str, day: dt.date, group: str | None = None) -> list[dict]:
    """The 10 plugins with the most distinct users (of plugin.used, SPEC §3) over the 30 days ending
    on `day`, with their invocations and their name on the last day used."""
    return _top(conn, plugin_activity(per_user_day=False, with_installs=False), organization_id, day, group)
