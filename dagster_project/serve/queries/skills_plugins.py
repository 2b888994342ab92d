"""The All activity page's top skills and top plugins (SPEC §8): the vendor's skills and plugins
breakdowns over the last 30 days, ranked by distinct users, then invocations, then name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from . import breakdowns
from .windows import window_start

BOARD_SIZE = 10


def _top(conn, breakdown, organization_id: str, day: dt.date, group: str | None) -> list[dict[str, Any]]:
    days = (window_start("1m", day), day + dt.timedelta(days=1))
    rows, _ = breakdowns.fetch_breakdown(
        conn, breakdown, organization_id, days, groups=[group] if group else None,
        order_by="distinct_user_count", descending=True, then_by=("invocation_count",), limit=BOARD_SIZE,
    )  # fmt: skip
    return [{"rank": rank, **row} for rank, row in enumerate(rows, start=1)]


def top_skills(conn: duckdb.DuckDBPyConnection, organization_id: str, day: dt.date, group: str | None = None) -> list[dict]:
    """The 10 skills with the most distinct users over the 30 days ending on `day` (of one group's
    users on days they held it, with `group`), with their invocations."""
    return _top(conn, breakdowns.skill_activity(per_user_day=False, with_enables=False), organization_id, day, group)


def top_plugins(conn: duckdb.DuckDBPyConnection, organization_id: str, day: dt.date, group: str | None = None) -> list[dict]:
    """The 10 plugins with the most distinct users (of plugin.used, SPEC §3) over the 30 days ending
    on `day`, with their invocations and their name on the last day used."""
    return _top(conn, breakdowns.plugin_activity(per_user_day=False, with_installs=False), organization_id, day, group)
