"""Query parameters of the vendor's list methods (SPEC §7 "Vendor surface"), spelled as the pinned
`anthropic` SDK sends them: lists as `name[]=…` repeated, dates `YYYY-MM-DD`, report bounds RFC 3339.

Every name the SDK may send is declared, so that one this warehouse cannot answer (a dimension it
does not hold, an hourly bucket) is a 400 that says so, not an "unknown parameter"; a name the SDK
never sends is still refused as unknown (`extra="forbid"`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import invalid
from .params import MAX_RANGE_DAYS, Day, checked_range, not_after_latest, not_before_first

Order = Literal["asc", "desc"]
MAX_LIST = 100  # the SDK documents "at most 100 entries" for filter[] and group_by[]
REPORT_MAX_DAYS = 31  # the beta reports' range (SDK: "The range may span at most 31 days")


def _list(alias: str, description: str):
    return Field(None, alias=alias, max_length=MAX_LIST, description=description)


class ActivityParams(BaseModel):
    """connectors, apps/chat/projects: one day (`date`) or a range rolled up (`starting_date`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    date: Day | None = Field(None, description="The day (YYYY-MM-DD). Use either date or starting_date.")
    starting_date: Day | None = Field(None, description="First day of a range, inclusive: one row per entity over it.")
    ending_date: Day | None = Field(
        None, description=f"Day after the range, exclusive; default the latest built date + 1; at most {MAX_RANGE_DAYS} days."
    )
    filter: list[str] | None = _list("filter[]", "`dimension:value`; repeat for OR within a dimension, AND across.")
    group_by: list[str] | None = _list("group_by[]", "Dimensions to break rows out by.")
    order: Order | None = Field(None, description="asc or desc: asc for the sort column, desc when order_by names a metric.")
    order_by: str | None = Field(None, max_length=100, description="The sort column or a rankable metric.")
    limit: int = Field(100, ge=1, le=1000, description="Rows per page, 1 to 1000.")
    page: str | None = Field(None, max_length=2000, description="The `next_page` of the previous response.")


class ArtifactParams(BaseModel):
    """artifacts: one day, the (artifact_type, is_shared) cube in full unless grouped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    date: Day = Field(description="The day (YYYY-MM-DD).")
    filter: list[str] | None = _list("filter[]", "`dimension:value`; repeat for OR within a dimension, AND across.")
    group_by: list[str] | None = _list("group_by[]", "product, user_id and/or rbac_group_id.")
    limit: int = Field(100, ge=1, le=1000, description="Rows per page when grouped (the ungrouped cube is returned whole).")
    page: str | None = Field(None, max_length=2000, description="The `next_page` of the previous response (grouped only).")


class ReportParams(BaseModel):
    """The beta cost and usage reports: `[starting_at, ending_at)` in UTC days."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    starting_at: dt.datetime = Field(description="Start, inclusive: an RFC 3339 UTC midnight (the warehouse holds days).")
    ending_at: dt.datetime | None = Field(
        None,
        description=f"End, exclusive: a UTC midnight; default the earlier of the latest built date + 1 and starting_at + "
        f"{REPORT_MAX_DAYS} days; at most {REPORT_MAX_DAYS} days.",
    )
    bucket_width: str | None = Field(None, max_length=10, description="`1d` (the only width a warehouse of days has).")
    group_by: list[str] | None = _list("group_by[]", "model, product and/or rbac_group_id.")
    models: list[str] | None = _list("models[]", "Models to include.")
    products: list[str] | None = _list("products[]", "Product surfaces to include: chat, claude_code.")
    user_ids: list[str] | None = _list("user_ids[]", "Users to include.")
    rbac_group_ids: list[str] | None = _list("rbac_group_ids[]", "RBAC groups to include.")
    # dimensions the SDK offers that the billing ledger (SPEC §2.2) does not hold: a 400 that says so
    claude_tag_categories: list[str] | None = _list("claude_tag_categories[]", "Not held here (400).")
    claude_tag_user_ids: list[str] | None = _list("claude_tag_user_ids[]", "Not held here (400).")
    context_windows: list[str] | None = _list("context_windows[]", "Not held here (400).")
    inference_geos: list[str] | None = _list("inference_geos[]", "Not held here (400).")
    slack_channel_ids: list[str] | None = _list("slack_channel_ids[]", "Not held here (400).")
    speeds: list[str] | None = _list("speeds[]", "Not held here (400).")
    page: str | None = Field(None, max_length=2000, description="The `next_page` of the previous response.")


class BucketReportParams(ReportParams):
    bucket_width: str | None = Field("1d", max_length=10, description="`1d` (the only width a warehouse of days has).")
    limit: int = Field(7, ge=1, le=REPORT_MAX_DAYS, description=f"Days per page, 1 to {REPORT_MAX_DAYS} (default 7).")


class UserReportParams(ReportParams):
    exclude_deleted_users: bool = Field(False, description="Leave out users who are no longer active members.")
    order: Order = Field("desc", description="Sort direction (default desc).")
    order_by: str | None = Field(None, max_length=40, description="The metric actors are ranked by.")
    limit: int = Field(20, ge=1, le=1000, description="Rows per page, 1 to 1000 (default 20).")


UNHELD_REPORT_FILTERS = (
    "claude_tag_categories",
    "claude_tag_user_ids",
    "context_windows",
    "inference_geos",
    "slack_channel_ids",
    "speeds",
)


def activity_range(query: ActivityParams, latest: dt.date | None, first: dt.date | None = None) -> tuple[dt.date, dt.date, bool]:
    """The days a connectors/projects request covers: (first, after last, is it a range)."""
    if query.date is not None:
        if query.starting_date is not None or query.ending_date is not None:
            raise invalid("use either date or starting_date (with an optional ending_date), not both")
        not_after_latest("date", query.date, latest)
        not_before_first("date", query.date, first)
        return query.date, query.date + dt.timedelta(days=1), False
    if query.starting_date is None:
        if query.ending_date is not None:
            raise invalid("ending_date is only valid with starting_date")
        raise invalid("date or starting_date is required")
    days = checked_range(query.starting_date, query.ending_date, latest, first)
    return days["starting_date"], days["ending_date"], True


def utc_day(name: str, moment: dt.datetime) -> dt.date:
    """A report bound as a UTC day: it must be tz-aware and a UTC midnight (the warehouse holds days)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise invalid(f"{name} {moment.isoformat()} has no time zone: give an RFC 3339 time such as 2026-03-01T00:00:00Z")
    try:
        utc = moment.astimezone(dt.UTC)
    except OverflowError:
        raise invalid(f"{name} {moment.isoformat()} is out of range") from None
    if utc.time() != dt.time():
        raise invalid(
            f"{name} {moment.isoformat()} is not a UTC midnight: this warehouse holds whole UTC days, "
            f"use e.g. {utc.date().isoformat()}T00:00:00Z"
        )
    return utc.date()


def report_range(query: ReportParams, latest: dt.date | None, first: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A report's days `[start, end)`, checked against the warehouse and the 31-day span."""
    if query.bucket_width not in (None, "1d"):
        raise invalid(f"bucket_width {query.bucket_width!r}: this warehouse holds days, so only `1d` buckets")
    for name in UNHELD_REPORT_FILTERS:
        if getattr(query, name):
            raise invalid(f"{name}[]: the billing ledger this warehouse holds (SPEC §2.2) has no such dimension")
    start = utc_day("starting_at", query.starting_at)
    not_after_latest("starting_at", start, latest)
    end = (
        utc_day("ending_at", query.ending_at)
        if query.ending_at
        else min(latest + dt.timedelta(days=1), start + dt.timedelta(days=REPORT_MAX_DAYS))
    )
    not_after_latest("ending_at", end, latest, slack=1)
    if end <= start:
        raise invalid(f"ending_at {end} must be after starting_at {start} (ending_at is exclusive)")
    if (end - start).days > REPORT_MAX_DAYS:
        raise invalid(f"the range {start} .. {end} is {(end - start).days} days; at most {REPORT_MAX_DAYS} days at a time")
    not_before_first("the range's last day", end - dt.timedelta(days=1), first)
    return start, end


def parse_filters(values: list[str] | None, supported: tuple[str, ...]) -> dict[str, list[str]]:
    """`filter[]=dimension:value` entries by dimension (values of one dimension OR, dimensions AND)."""
    asked: dict[str, list[str]] = {}
    for item in values or []:
        dimension, colon, value = item.partition(":")
        if not colon or not value:
            raise invalid(f"filter[] {item!r}: write it as dimension:value, e.g. {supported[0]}:…")
        if dimension not in supported:
            raise invalid(
                f"filter[] dimension {dimension!r} is not supported here; this endpoint filters by {', '.join(supported)}"
            )
        if dimension == "is_shared" and value not in ("true", "false"):
            raise invalid(f"filter[] is_shared:{value}: is_shared is true or false")
        asked.setdefault(dimension, []).append(value)
    return asked


def parse_group_by(values: list[str] | None, supported: tuple[str, ...]) -> list[str]:
    dimensions: list[str] = []
    for dimension in values or []:
        if dimension not in supported:
            raise invalid(f"group_by[] {dimension!r} is not supported here; this endpoint groups by {', '.join(supported)}")
        if dimension not in dimensions:
            dimensions.append(dimension)
    return dimensions


def ordering(query: ActivityParams, sort_column: str, rankable: tuple[str, ...]) -> tuple[str, bool]:
    """(order_by, descending): the sort column ascending by default, a metric descending (a top-N)."""
    order_by = query.order_by or sort_column
    if order_by != sort_column and order_by not in rankable:
        raise invalid(f"order_by {order_by!r}: this endpoint sorts by {', '.join((sort_column, *rankable))}")
    descending = query.order == "desc" if query.order else order_by != sort_column
    return order_by, descending
