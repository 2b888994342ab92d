"""Listings of mart rows for one organisation, read in a stable order, a page at a time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import duckdb

from .catalog import column_doc


@dataclass(frozen=True)
class Col:
    """One output column: its name, JSON type and the SQL that computes it. Its meaning is the dbt
    description of the mart column it reads (catalog.py); `doc` only for columns no mart holds."""

    name: str
    kind: str  # text | int | number (a fraction or a ratio) | money (decimal string) | date | bool
    doc: str = ""
    nullable: bool = False
    expr: str | None = None  # SQL; the column of the same name by default
    internal: bool = False  # used for ordering only, not shown to API users
    spend: bool = False  # SPEC §7: omitted for role admin and for organisations whose spend is hidden
    mart: str | None = None  # the mart it reads (its listing's by default)
    mart_column: str | None = None  # the column it reads there (`name` by default)

    @property
    def sql(self) -> str:
        return f'{self.expr or self.name} as "{self.name}"'

    @property
    def description(self) -> str:
        return self.doc or column_doc(self.mart, self.mart_column or self.name)


@dataclass(frozen=True)
class Listing:
    """Rows of one mart (or a join of marts) for one organisation, in a unique order."""

    name: str
    source: str  # a FROM clause; the organisation's rows are `organization_id = $organization_id`
    columns: tuple[Col, ...]
    key: tuple[str, ...]  # output columns whose values order the rows uniquely
    where: str = "true"  # more conditions, with $named parameters
    mart: str | None = None  # the mart the columns read, when `source` is not simply marts.<name>
    descending: bool = False  # the key order reversed (the vendor's `order=desc`)

    def __post_init__(self) -> None:
        mart = self.mart or (self.source[len("marts.") :] if re.fullmatch(r"marts\.\w+", self.source) else None)
        object.__setattr__(self, "columns", tuple(c if c.mart else replace(c, mart=mart) for c in self.columns))

    def column(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


def in_mart(mart: str, *columns: Col) -> tuple[Col, ...]:
    """Columns read from `mart` (their meaning is its dbt documentation), wherever they are listed."""
    return tuple(replace(c, mart=mart) for c in columns)


DATE = Col("date", "date", "The UTC day.")

# SPEC §7 ranges: starting_date inclusive, ending_date exclusive
IN_DATE_RANGE = "date >= $starting_date and date < $ending_date"


def daily_listing(name: str, source: str, columns: tuple[Col, ...], key: tuple[str, ...] = ("date",)) -> Listing:
    """Rows of a mart with one row per organisation and day (and `key`), for a range of dates."""
    return Listing(name=name, source=source, columns=(DATE, *columns), key=key, where=IN_DATE_RANGE)


@dataclass
class Page:
    rows: list[dict[str, Any]]
    next_key: tuple | None  # the key of the last row, when more rows follow


def _after_condition(listing: Listing, after: Sequence) -> tuple[str, dict]:
    """Keyset condition: rows whose key sorts after `after` (lexicographic over the key columns)."""
    exprs = [listing.column(k).expr or k for k in listing.key]
    params, ors = {}, []
    for i in range(len(exprs)):
        beyond = "<" if listing.descending else ">"
        parts = [f"{exprs[j]} = $after_{j}" for j in range(i)] + [f"{exprs[i]} {beyond} $after_{i}"]
        ors.append("(" + " and ".join(parts) + ")")
    for j, value in enumerate(after):
        params[f"after_{j}"] = value
    return "(" + " or ".join(ors) + ")", params


def fetch_page(
    conn: duckdb.DuckDBPyConnection,
    listing: Listing,
    organization_id: str,
    params: Mapping[str, Any],
    limit: int,
    after: Sequence | None = None,
) -> Page:
    """Up to `limit` rows after the key `after`; `next_key` says where the next page starts."""
    where = ["organization_id = $organization_id", listing.where]
    bound = {"organization_id": organization_id, **params}
    if after is not None:
        condition, extra = _after_condition(listing, after)
        where.append(condition)
        bound.update(extra)
    order = ", ".join(f"{listing.column(k).expr or k}{' desc' if listing.descending else ''}" for k in listing.key)
    sql = (
        f"select {', '.join(c.sql for c in listing.columns)} from {listing.source} "
        f"where {' and '.join(where)} order by {order} limit {int(limit) + 1}"
    )
    rows = read_rows(conn, sql, bound)
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = tuple(jsonable_key(rows[-1][k]) for k in listing.key) if more and rows else None
    return Page(rows, next_key)


def read_rows(conn: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of a query as dicts; of `params`, the ones the SQL names ($name) are bound."""
    cursor = conn.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def fetch_all(
    conn: duckdb.DuckDBPyConnection, listing: Listing, organization_id: str, params: Mapping[str, Any], limit: int = 100_000
) -> list[dict[str, Any]]:
    return fetch_page(conn, listing, organization_id, params, limit).rows


def jsonable_key(value):
    """A key value as it travels in a cursor (dates as ISO text, decimals as text)."""
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value
