"""Per-entity breakdowns and ledger reports in the vendor's shapes (SPEC §7 "Vendor surface").

The marts they read hold one row per user (and day, and entity), so a breakdown over any range is
an aggregate of those rows: distinct users are counted over the range, never summed over days.
The SQL here is built from fixed names only; every value a caller sends is a bound parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from .common import read_rows

# the ledger's product (SPEC §2.2) as the vendor's Cost & Usage product names it
VENDOR_PRODUCT = "case product when 'claude_ai' then 'chat' else product end"


@dataclass(frozen=True)
class Breakdown:
    """Rows of a user-grain mart grouped by an entity (and any asked dimensions) over days."""

    name: str
    source: str  # a FROM clause with columns organization_id and date
    entity: Mapping[str, str]  # output name -> SQL; every row is grouped by these, sorted by them last
    dimensions: Mapping[str, str]  # group_by[] names -> SQL
    filters: Mapping[str, str]  # filter[] dimensions -> SQL of the value compared (as text)
    metrics: Mapping[str, str]  # output name -> aggregate SQL
    folded: frozenset[str] = field(default_factory=frozenset)  # filters compared case-insensitively


def _filter_conditions(filters: Mapping[str, str], folded: frozenset[str], asked: Mapping[str, Sequence[str]]):
    conditions, params = [], {}
    for i, (dimension, values) in enumerate(sorted(asked.items())):
        expr = f"cast({filters[dimension]} as varchar)"
        if dimension in folded:
            expr, values = f"lower({expr})", [v.lower() for v in values]
        conditions.append(f"list_contains($filter_{i}, {expr})")
        params[f"filter_{i}"] = list(values)
    return conditions, params


def group_join(groups: Sequence[str] | None, by_group: bool, unassigned_row: bool = False) -> tuple[str, dict]:
    """The join that scopes user-day rows to RBAC groups (SPEC §3 Groups: a user's day counts for
    every group the user was in that day): kept only for users in one of `groups` that day, and/or
    fanned out to one row per group of theirs (`by_group`, column rbac_group_id). With
    `unassigned_row`, users in no group keep one row with a null group (the vendor's cost reports)."""
    if not groups and not by_group:
        return "", {}
    picked = " and list_contains($groups, rbac_group_id)" if groups else ""
    columns = "organization_id, date, user_id" + (", rbac_group_id" if by_group else "")
    members = f"select distinct {columns} from marts.group_members_daily where organization_id = $organization_id{picked}"
    kind = "semi" if not by_group else ("left" if unassigned_row and not groups else "inner")
    return f" {kind} join ({members}) as memberships using (organization_id, date, user_id)", (
        {"groups": list(groups)} if groups else {}
    )


def fetch_breakdown(
    conn: duckdb.DuckDBPyConnection,
    breakdown: Breakdown,
    organization_id: str,
    days: tuple[dt.date, dt.date],
    *,
    group_by: Sequence[str] = (),
    filters: Mapping[str, Sequence[str]] | None = None,
    groups: Sequence[str] | None = None,
    order_by: str | None = None,
    descending: bool = False,
    then_by: Sequence[str] = (),
    limit: int,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], bool]:
    """One page of the breakdown over `[days[0], days[1])`, and whether more rows follow: user rows
    of users in one of `groups` on their day only, and per group with group_by rbac_group_id. Rows
    are ordered by `order_by` (an entity or metric name), then by the metrics `then_by` (each
    descending), then by entity and dimensions: a unique order, so that offsets page without a gap
    or a repeat."""
    dimensions = {**breakdown.dimensions, "rbac_group_id": "rbac_group_id"}
    keys = {**breakdown.entity, **{d: dimensions[d] for d in group_by}}
    scope, params = group_join(groups, "rbac_group_id" in group_by)
    conditions, filter_params = _filter_conditions(breakdown.filters, breakdown.folded, filters or {})
    params.update(filter_params)
    where = " and ".join(["organization_id = $organization_id", "date >= $starting_date", "date < $ending_date", *conditions])
    select = [f'{sql} as "{name}"' for name, sql in keys.items()]
    select += [f'{sql} as "{name}"' for name, sql in breakdown.metrics.items()]
    direction = "desc" if descending else "asc"
    order = [f'"{order_by}" {direction} nulls last'] if order_by else []
    order += [f'"{name}" desc nulls last' for name in then_by]
    order += [f'"{name}" asc nulls first' for name in keys if name != order_by]
    sql = (
        f"select {', '.join(select)} from {breakdown.source}{scope} where {where} group by all "
        f"order by {', '.join(order)} limit {int(limit) + 1} offset {int(offset)}"
    )
    rows = read_rows(conn, sql, {"organization_id": organization_id, "starting_date": days[0], "ending_date": days[1], **params})
    return rows[:limit], len(rows) > limit


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
    conditions, filter_params = _filter_conditions(LEDGER_FILTERS, frozenset(), filters)
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

NULL_COUNT = "cast(null as bigint)"
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


# --- skills and plugins (marts.skill_users_daily, skill_enables_daily, plugin_users_daily, ------
# --- plugin_installs_daily) ----------------------------------------------------------------------

# the latest use in scope decides a skill's display name and share status (SPEC §4: the marts hold
# each user-day's latest use); ties of time go to the larger user_id, then product
LATEST_USE = "{'at': last_used_at, 'user_id': user_id, 'product': product}"


def _sessions_of(product: str, per_user_day: bool) -> str:
    """Distinct sessions (or conversations) of one product: exact on a row of one user and day only
    (the marts count a user's distinct sessions per day: summed over users or days, one could count
    twice)."""
    column = "conversations" if product == "chat" else "sessions"
    return f"coalesce(sum({column}) filter (where product = '{product}'), 0)" if per_user_day else NULL_COUNT


def skill_activity(per_user_day: bool, with_enables: bool) -> Breakdown:
    """Per skill: its users, invocations and the display name and share status of the latest use;
    with `with_enables` (one day, the whole organisation) also the users who enabled it that day,
    and a skill only enabled has a row."""
    uses = "select *, false as is_enable from marts.skill_users_daily"
    enables = "select *, true as is_enable from marts.skill_enables_daily"
    source = f"({uses} union all by name {enables}) as skill_rows" if with_enables else f"({uses}) as skill_rows"
    return Breakdown(
        name="skills",
        source=source,
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
    uses = "select *, false as is_install from marts.plugin_users_daily"
    installs = "select *, true as is_install from marts.plugin_installs_daily"
    source = f"({uses} union all by name {installs}) as plugin_rows" if with_installs else f"({uses}) as plugin_rows"
    return Breakdown(
        name="plugins",
        source=source,
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
