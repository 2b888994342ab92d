"""Query parameters shared by the endpoints, and the checks SPEC §7 asks of them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query, Request

from .errors import invalid

MAX_RANGE_DAYS = 366

Limit = Annotated[int, Query(ge=1, le=1000, description="Rows per page, 1 to 1000.")]
PageToken = Annotated[str | None, Query(description="The `next_page` of the previous response.", max_length=2000)]
StartingDate = Annotated[dt.date, Query(description="First day, inclusive (YYYY-MM-DD).")]
EndingDate = Annotated[
    dt.date | None,
    Query(
        description="Day after the last, exclusive (YYYY-MM-DD); default: "
        "the latest built date + 1; at most 366 days after starting_date."
    ),
]
OneDate = Annotated[dt.date, Query(description="The day (YYYY-MM-DD).")]
AsOfDate = Annotated[dt.date | None, Query(description="The as-of date (YYYY-MM-DD); default: the latest built date.")]


def only(request: Request, *allowed: str) -> None:
    """400 for a query parameter the endpoint does not take (a typo would otherwise be ignored)."""
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        raise invalid(f"unknown query parameter {unknown[0]!r}; this endpoint takes: {', '.join(allowed)}")
    repeated = sorted(k for k in set(request.query_params) if len(request.query_params.getlist(k)) > 1)
    if repeated:
        raise invalid(f"query parameter {repeated[0]!r} is given more than once")


def not_after_latest(name: str, day: dt.date, latest: dt.date | None, slack: int = 0) -> None:
    if latest is None:
        raise invalid("the warehouse holds no data yet")
    if day > latest + dt.timedelta(days=slack):
        bound = f"{latest}" if not slack else f"{latest + dt.timedelta(days=slack)} (the latest built date {latest} + 1)"
        raise invalid(f"{name} {day} is after the latest built date: use a date up to {bound}")


def date_range(starting_date: dt.date, ending_date: dt.date | None, latest: dt.date | None) -> tuple[dt.date, dt.date]:
    not_after_latest("starting_date", starting_date, latest)
    end = ending_date or (latest + dt.timedelta(days=1))
    not_after_latest("ending_date", end, latest, slack=1)
    if end <= starting_date:
        raise invalid(f"ending_date {end} must be after starting_date {starting_date} (ending_date is exclusive)")
    if (end - starting_date).days > MAX_RANGE_DAYS:
        raise invalid(
            f"the range {starting_date} .. {end} is {(end - starting_date).days} days; at most {MAX_RANGE_DAYS} days at a time"
        )
    return starting_date, end


def as_of(day: dt.date | None, latest: dt.date | None, name: str = "as_of_date") -> dt.date:
    if day is None:
        if latest is None:
            raise invalid("the warehouse holds no data yet")
        return latest
    not_after_latest(name, day, latest)
    return day
