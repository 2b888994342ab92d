"""Query parameters of the endpoints, one model per shape (SPEC §7), and the checks SPEC §7 asks of
them. Every model forbids parameters it does not name: a typo is a 400 that names it, never a
parameter silently ignored."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from fastapi import Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..queries.windows import (
    ANY_LEADERBOARD_WINDOW,
    CLAUDE_CODE_USER_WINDOWS,
    CONNECTOR_WINDOWS,
    LEADERBOARD_METRICS,
    MAX_RANGE_DAYS,
    SPEND_MODEL_WINDOWS,
    WINDOW_MEANING,
)
from .errors import invalid

DATE_HINT = "use YYYY-MM-DD, e.g. 2026-03-01"


def iso_day(value):
    """A day as the CLI and the pages take it: YYYY-MM-DD, not a datetime or another spelling."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"{value!r} is not a date: {DATE_HINT}")
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        raise ValueError(f"{value!r} is not a date: {DATE_HINT}") from None


Day = Annotated[dt.date, BeforeValidator(iso_day)]


class Paged(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(100, ge=1, le=1000, description="Rows per page, 1 to 1000.")
    page: str | None = Field(None, max_length=2000, description="The `next_page` of the previous response.")


class DateRange(Paged):
    starting_date: Day = Field(description="First day, inclusive (YYYY-MM-DD).")
    ending_date: Day | None = Field(
        None,
        description="Day after the last, exclusive (YYYY-MM-DD); default: the latest built date + 1; at most "
        f"{MAX_RANGE_DAYS} days after starting_date.",
    )


class OneDay(Paged):
    date: Day = Field(description="The day (YYYY-MM-DD).")
    limit: int = Field(20, ge=1, le=1000, description="Rows per page, 1 to 1000.")


GROUP_FILTER = "`rbac_group_id:<id>`; repeat for any of several groups (SPEC §7 groups)."


class Summaries(DateRange):
    filter: list[str] | None = Field(
        None, alias="filter[]", max_length=100, description=GROUP_FILTER + " Rows re-aggregated over their users."
    )


class Users(OneDay):
    filter: list[str] | None = Field(
        None, alias="filter[]", max_length=100, description=GROUP_FILTER + " Users who held one of them on the date."
    )
    group_by: list[str] | None = Field(
        None, alias="group_by[]", max_length=100, description="`rbac_group_id`: the users' rows summed per group."
    )
    order: Literal["asc", "desc"] | None = Field(None, description="asc (default) or desc, on the sort column.")
    order_by: str | None = Field(
        None, max_length=100, description="`email_address` (the sort column, then user id; per group: `rbac_group_id`)."
    )


class GroupsOnDate(Paged):
    date: Day | None = Field(None, description="The day (YYYY-MM-DD); default: the latest built date.")


class AsOf(Paged):
    as_of_date: Day | None = Field(None, description="The as-of date (YYYY-MM-DD); default: the latest built date.")


class Leaderboard(AsOf):
    metric: Literal[LEADERBOARD_METRICS] = Field(description="What is ranked.")
    window: Literal[ANY_LEADERBOARD_WINDOW] = Field(
        description="projects_used, artifacts_created: mtd, qtd, ytd, 1y; spend_usd: mtd; claude_code_*: 1w, 1m, mtd."
    )


class ConnectorWindow(AsOf):
    window: Literal[CONNECTOR_WINDOWS] = Field(description=WINDOW_MEANING)


class ClaudeCodeUserWindow(AsOf):
    window: Literal[CLAUDE_CODE_USER_WINDOWS] = Field(description=WINDOW_MEANING)


class SpendModelWindow(AsOf):
    window: Literal[SPEND_MODEL_WINDOWS] = Field(description=WINDOW_MEANING)


class SpendDaily(DateRange):
    group_by: Literal["model"] | None = Field(None, description="`model`: a row per date and model.")


class UserSpendReport(DateRange):
    format: Literal["json", "csv"] = Field("json", description="`csv`: every row as a CSV download (no paging).")


async def no_repeated_parameters(request: Request) -> None:
    """A router dependency: a parameter given twice is a 400 (which one was meant is not ours to guess);
    list parameters (`name[]`, the vendor's spelling) repeat by design."""
    repeated = sorted(k for k in set(request.query_params) if not k.endswith("[]") and len(request.query_params.getlist(k)) > 1)
    if repeated:
        raise invalid(f"query parameter {repeated[0]!r} is given more than once")


def not_after_latest(name: str, day: dt.date, latest: dt.date | None, slack: int = 0) -> None:
    if latest is None:
        raise invalid("the warehouse holds no data yet")
    if day > latest + dt.timedelta(days=slack):
        bound = f"{latest}" if not slack else f"{latest + dt.timedelta(days=slack)} (the latest built date {latest} + 1)"
        raise invalid(f"{name} {day} is after the latest built date: use a date up to {bound}")


def not_before_first(name: str, day: dt.date, first: dt.date | None) -> None:
    """A day (or the exclusive end of a range) before the organisation's first day holds no data:
    a 400 that says from when it does, as the pages say, rather than an empty answer."""
    if first is not None and day < first:
        raise invalid(f"{name} {day} is before {first}, the organisation's first day in the warehouse: no data before it")


def date_range(query: DateRange, latest: dt.date | None, first: dt.date | None = None) -> dict[str, dt.date]:
    """The range's bounds, checked against the warehouse (SPEC §7), as the listings' parameters."""
    return checked_range(query.starting_date, query.ending_date, latest, first)


def checked_range(
    start: dt.date, ending: dt.date | None, latest: dt.date | None, first: dt.date | None = None
) -> dict[str, dt.date]:
    """`[start, ending)` with the default end (the latest built date + 1), checked (SPEC §7); a
    range that ends before the organisation's first day is a 400, one that overlaps it is not."""
    not_after_latest("starting_date", start, latest)
    end = ending or (latest + dt.timedelta(days=1))
    not_after_latest("ending_date", end, latest, slack=1)
    if end <= start:
        raise invalid(f"ending_date {end} must be after starting_date {start} (ending_date is exclusive)")
    not_before_first("the range's last day", end - dt.timedelta(days=1), first)
    if (end - start).days > MAX_RANGE_DAYS:
        raise invalid(f"the range {start} .. {end} is {(end - start).days} days; at most {MAX_RANGE_DAYS} days at a time")
    return {"starting_date": start, "ending_date": end}


def as_of(day: dt.date | None, latest: dt.date | None, name: str = "as_of_date", first: dt.date | None = None) -> dt.date:
    if day is None:
        if latest is None:
            raise invalid("the warehouse holds no data yet")
        return latest
    not_after_latest(name, day, latest)
    not_before_first(name, day, first)
    return day
