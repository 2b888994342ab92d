"""Per-entity breakdowns and ledger reports in the vendor's shapes (SPEC §7 "Vendor surface"):
connectors, artifacts and projects over the user-grain marts (user_grain.py), and the billing
ledger (marts.usage_daily). The SQL here is built from fixed names only; every value a caller sends
is a bound parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from .common import read_rows
from .user_grain import NULL_COUNT, Breakdown, filter_conditions, group_join

# the ledger's product (SPEC §2.2) as the vendor's Cost & Usage product names it
VENDOR_PRODUCT = "case product when 'claude_ai' then 'chat' else product end"


# --- the billing ledger (marts.usage_daily) -----------------------------------------------------

LEDGER_DIMENSIONS = {"model": "model", "product": VENDOR_PRODUCT}
LEDGER_FILTERS = {"models": "model", "products": VENDOR_PRODUCT, "user_ids": "user_id"}

COST_METRICS = {"amount_usd": "sum(spend_usd)", "requests": "sum(requests)"}
USAGE_METRICS = {
    "uncached_input_tokens": "sum(input_tokens)",
    "cache_read_input_tokens": "sum(cache_read_input_tokens)",
    "cache_creation_input_tokens": "sum(cache_creation_input_tokens)",
    "output_tokens": "sum(output_tokens)",
    "total_tokens": "sum(input_tokens + output_tokens + cache_read_input_tokens + cache_creation_input_tokens)",
    "requests": "sum(requests)",
}


def _ledger_rows(filters: Mapping[str, Sequence[str]], groups: Sequence[str] | None, group_by: Sequence[str]) -> tuple[str, dict]:
    """FROM and WHERE of the ledger's rows for the range, filtered and scoped to groups."""
    scope, params = group_join(groups, "rbac_group_id" in group_by, unassigned_row=True)
    conditions, filter_params = filter_conditions(LEDGER_FILTERS, frozenset(), filters)
    where = " and ".join(["organization_id = $organization_id", "date >= $starting_date", "date < $ending_date", *conditions])
    return f"marts.usage_daily{scope} where {where}", {**params, **filter_params}


def _ledger_key(dimension: str) -> str:
    return f'{LEDGER_DIMENSIONS.get(dimension, dimension)} as "{dimension}"'


def fetch_ledger_days(
    conn: duckdb.DuckDBPyConnection,
    organization_id: str,
    days: tuple[dt.date, dt.date],
    metrics: Mapping[str, str],
    group_by: Sequence[str] = (),
    filters: Mapping[str, Sequence[str]] | None = None,
    groups: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """The ledger per day (and asked dimensions) over `[days[0], days[1])`, days without usage absent."""
    rows, params = _ledger_rows(filters or {}, groups, group_by)
    keys = ["date", *(_ledger_key(d) for d in group_by)]
    select = keys + [f'{sql} as "{name}"' for name, sql in metrics.items()]
    order = ", ".join(["date", *(f'"{d}" nulls first' for d in group_by)])
    sql = f"select {', '.join(select)} from {rows} group by all order by {order}"
    return read_rows(conn, sql, {"organization_id": organization_id, "starting_date": days[0], "ending_date": days[1], **params})


def fetch_ledger_users(
    conn: duckdb.DuckDBPyConnection,
    organization_id: str,
    days: tuple[dt.date, dt.date],
    metrics: Mapping[str, str],
    *,
    by_day: bool,
    group_by: Sequence[str] = (),
    filters: Mapping[str, Sequence[str]] | None = None,
    groups: Sequence[str] | None = None,
    order_by: str,
    descending: bool,
    exclude_deleted: bool,
    limit: int,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], bool]:
    """The ledger per user (and day when `by_day`, and asked dimensions), ranked by `order_by`, with
    who each user is on the last day of the range they have usage on."""
    rows, params = _ledger_rows(filters or {}, groups, group_by)
    keys = ["user_id", *(["date"] if by_day else []), *(_ledger_key(d) for d in group_by)]
    key_names = ["user_id", *(["date"] if by_day else []), *(f'"{d}"' for d in group_by)]
    select = keys + [f'{sql} as "{name}"' for name, sql in metrics.items()]
    direction = "desc" if descending else "asc"
    sql = f"""
        with actors as (
            select
                user_id,
                arg_max(email, date) as email,
                arg_max(full_name, date) as full_name,
                not arg_max(is_active_member, date) as deleted
            from marts.usage_daily
            where organization_id = $organization_id and date >= $starting_date and date < $ending_date
            group by user_id
        ),
        per_row as (
            select {", ".join(select)} from {rows} group by all
        )
        select per_row.*, actors.email, actors.full_name, actors.deleted
        from per_row
        inner join actors using (user_id)
        where {"not actors.deleted" if exclude_deleted else "true"}
        order by "{order_by}" {direction}, {", ".join(f"per_row.{k} nulls first" for k in key_names)}
        limit {int(limit) + 1} offset {int(offset)}
    """
    rows = read_rows(conn, sql, {"organization_id": organization_id, "starting_date": days[0], "ending_date": days[1], **params})
    return rows[:limit], len(rows) > limit


# --- Claude.ai per connector, artifact bucket and project (the marts' *_users_daily) -------------

CLAUDE_AI = "'chat'"  # the product all Claude.ai events are, as the vendor names it


def connector_activity(per_user_day: bool) -> Breakdown:
    """Per connector; conversations only where they belong to one user and day (the mart counts a
    user's distinct chats per day: summed over users or days, a chat could count twice)."""
    return Breakdown(
        name="connectors",
        source="marts.connector_users_daily",
        entity={"connector_name": "connector"},
        dimensions={"product": CLAUDE_AI, "user_id": "user_id"},
        filters={"connector_name": "connector", "product": CLAUDE_AI, "user_id": "user_id"},
        folded=frozenset({"connector_name"}),
        metrics={
            "distinct_user_count": "count(distinct user_id)",
            "conversations": "sum(conversations)" if per_user_day else NULL_COUNT,
        },
    )


ARTIFACT_ACTIVITY = Breakdown(
    name="artifacts",
    source="marts.artifact_users_daily",
    entity={"artifact_type": "artifact_type", "is_shared": "is_shared"},
    dimensions={"product": CLAUDE_AI, "user_id": "user_id"},
    filters={"artifact_type": "artifact_type", "is_shared": "is_shared", "product": CLAUDE_AI, "user_id": "user_id"},
    metrics={"artifacts_created_count": "sum(artifacts_created)", "distinct_user_count": "count(distinct user_id)"},
)


def project_activity(conversations: str) -> Breakdown:
    """Per project, with its name and creation (marts.projects); `conversations` is one of
    PROJECT_CONVERSATIONS, chosen by what the rows aggregate."""
    return Breakdown(
        name="projects",
        source="marts.project_users_daily left join marts.projects using (organization_id, project_id)",
        entity={"project_id": "project_id"},
        dimensions={"user_id": "user_id"},
        filters={"project_id": "project_id", "user_id": "user_id"},
        metrics={
            "project_name": "any_value(project_name)",
            "created_at": "any_value(created_at)",
            "created_by": "any_value(created_by)",
            "created_by_email": "any_value(created_by_email)",
            "distinct_user_count": "count(distinct user_id)",
            "message_count": "sum(messages)",
            "distinct_conversation_count": conversations,
        },
    )


PROJECT_CONVERSATIONS = {
    "per_user_day": "sum(conversations)",  # one user's chats on one day
    "per_project_day": "max(project_conversations)",  # every user's, one day: the mart's own count
    "not_countable": NULL_COUNT,  # several days, or some users' chats: a chat could count twice
}
