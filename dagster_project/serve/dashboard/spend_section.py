"""The spend section of All activity (SPEC §8): spend per day and the month with its forecast, spend
by model, the budget beside month-to-date, and Export Spend Report's form and range."""

from __future__ import annotations

import datetime as dt

from fastapi import Request

from ...notify.store import read_budget
from ..core.services import get_services
from ..queries import fetch_all, spend
from ..queries.windows import MAX_RANGE_DAYS, SPEND_MODEL_WINDOWS
from .frame import trend_range
from .viewer import Viewer


def budget_of(request: Request, org: str) -> str | None:
    """The organisation's monthly budget (make budget), shown beside month-to-date spend."""
    path = get_services(request).settings.notifications
    budget = read_budget(path, org) if path else None
    return str(budget) if budget else None


def report_range(request: Request, who: Viewer) -> tuple[dt.date | None, dt.date | None, str | None]:
    """Export Spend Report's from and to (inclusive), or what to fix in them."""
    try:
        start = dt.date.fromisoformat(request.query_params.get("from", ""))
        end = dt.date.fromisoformat(request.query_params.get("to", ""))
    except ValueError:
        return None, None, "Pick a start and an end date (YYYY-MM-DD)."
    first, latest = who.first_date, who.latest_date
    if latest is None or first is None:
        return start, end, "The warehouse holds no data for this organisation yet."
    if end < start:
        return start, end, f"The start ({start}) is after the end ({end}): pick a start on or before the end."
    if start < first or end > latest:
        return start, end, f"Pick dates from {first} (the organisation's first day) to {latest} (the latest built date)."
    if (end - start).days >= MAX_RANGE_DAYS:
        return start, end, f"Pick a range of at most {MAX_RANGE_DAYS} days."
    return start, end, None


def export_form(request: Request, who: Viewer, day: dt.date) -> dict:
    """The Export Spend Report form: this month by default; after a refused export, what was typed
    and what to fix (the download sends the reader back here)."""
    if "from" not in request.query_params and "to" not in request.query_params:
        return {"report_from": day.replace(day=1), "report_to": day, "report_problem": None}
    _, _, problem = report_range(request, who)
    return {
        "report_from": request.query_params.get("from", ""),
        "report_to": request.query_params.get("to", ""),
        "report_problem": problem,
    }


def spend_charts(cursor, org: str, who: Viewer, day: dt.date, forecast: dict | None) -> dict:
    """Spend per day over the trend's days; the month so far, cumulated, with the forecast's line to
    the month's end; spend by model per window (the chart beside each window's table). One read of
    the daily spend covers both the trend and the month."""
    trend = trend_range(who, day)
    start = min(trend["starting_date"], day.replace(day=1))
    spent = {r["date"]: r["spend_usd"] for r in fetch_all(cursor, spend.SPEND_DAILY, org, {**trend, "starting_date": start})}
    charts = spend_series(spent, trend, day, forecast)
    by_model = {w: fetch_all(cursor, spend.SPEND_BY_MODEL, org, {"as_of_date": day, "window": w}) for w in SPEND_MODEL_WINDOWS}
    charts.update(by_model_charts(by_model))
    return {"by_model": by_model, "charts_spend": charts}


def spend_series(spent: dict, trend: dict, day: dt.date, forecast: dict | None) -> dict:
    """Spend per day over the trend's days (days with spend), and the month so far cumulated with
    the forecast's line to the month's end."""
    month_start = day.replace(day=1)
    trend_days = sorted(d for d in spent if trend["starting_date"] <= d <= day)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    days = [month_start + dt.timedelta(days=i) for i in range((next_month - month_start).days)]
    so_far, total = [], 0
    for d in days:
        total += spent.get(d, 0) if d <= day else 0
        so_far.append(total if d <= day else None)
    projected = forecast["projected_month_usd"] if forecast else None
    pace = (projected - total) / max((days[-1] - day).days, 1) if projected is not None and day < days[-1] else None
    ahead = [
        None if d < day else total if d == day else (total + pace * (d - day).days if pace is not None else None) for d in days
    ]
    return {
        "spend_daily": {"x": [str(d) for d in trend_days], "spend_usd": [spent[d] for d in trend_days]},
        "spend_month": {"x": [str(d) for d in days], "spend_to_date": so_far, "forecast": ahead},
    }


def by_model_charts(by_model: dict) -> dict:
    return {
        f"spend_by_model_{window}": {"kind": "bar", "x": [r["model"] for r in rows], "spend_usd": [r["spend_usd"] for r in rows]}
        for window, rows in by_model.items()
    }
