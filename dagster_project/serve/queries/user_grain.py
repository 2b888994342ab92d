"""Breakdowns of the user-grain marts (one row per user, day and entity) over any range, group and
filter: the machinery the vendor's per-entity methods (breakdowns.py, skills_plugins.py) and the
pages' top skills and plugins share. Distinct users are counted over the range, never summed over
days. The SQL here is built from fixed names only; every value a caller sends is a bound parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from .common import read_rows

NULL_COUNT = "cast(null as bigint)"  # a count that cannot be computed on the rows asked for


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


def filter_conditions(filters: Mapping[str, str], folded: frozenset[str], asked: Mapping[str, Sequence[str]]):
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
    conditions, filter_params = filter_conditions(breakdown.filters, breakdown.folded, filters or {})
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
