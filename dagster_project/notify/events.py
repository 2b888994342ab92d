"""What a notification is about (SPEC §9), and the events the published warehouse holds.

An event is a kind and a key (one message per key and target, ever) and its text. The operators'
kinds (`run_failed`, `run_recovered`, `quality_warning`) come from Dagster's records of the runs
(dagster_project/run_events.py); `stale`, `spend_alert` and `budget` are read here from the
published warehouse, the state customers see, never from a half-built one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

OPS_KINDS = ("run_failed", "run_recovered", "stale", "quality_warning")
SPEND_KINDS = ("spend_alert", "budget")
THRESHOLDS = (50, 80, 100)  # per cent of a monthly budget
ALERT_NEWS_DAYS = 7  # spend alerts dated within the 7 days ending at the latest date are news


@dataclass(frozen=True)
class Event:
    kind: str
    key: str
    title: str
    lines: tuple[str, ...] = ()
    organization_id: str | None = None
    link: str | None = None

    def message(self) -> dict:
        return {"kind": self.kind, "title": self.title, "lines": list(self.lines), "link": self.link}


@dataclass(frozen=True)
class Published:
    """What the published warehouse says, as far as notifications need it."""

    latest_date: dt.date | None
    published_at: dt.datetime | None
    spend_hidden: dict[str, bool] = field(default_factory=dict)
    alerts: list[tuple[str, dt.date, Decimal, Decimal]] = field(default_factory=list)
    month_to_date: dict[str, Decimal] = field(default_factory=dict)  # on the latest date


def read_published(path: Path) -> Published | None:
    """None when there is no published warehouse (yet) or it cannot be read."""
    import duckdb

    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            latest, published_at = conn.execute("select latest_date, published_at from meta.publication").fetchone()
            if latest is None:
                return Published(None, published_at)
            hidden = dict(
                conn.execute(
                    "select organization_id, arg_max(spend_reports_hidden, date) from marts.organizations_daily"
                    " where date <= ? group by organization_id",
                    [latest],
                ).fetchall()
            )
            alerts = conn.execute(
                "select organization_id, date, spend_usd, baseline_usd from marts.spend_alerts"
                " where date > ? and date <= ? order by organization_id, date",
                [latest - dt.timedelta(days=ALERT_NEWS_DAYS), latest],
            ).fetchall()
            mtd = dict(
                conn.execute(
                    "select organization_id, spend_usd from marts.spend_totals where as_of_date = ? and \"window\" = 'mtd'",
                    [latest],
                ).fetchall()
            )
    except duckdb.Error:
        return None
    return Published(latest, published_at, {k: bool(v) for k, v in hidden.items()}, alerts, mtd)


def stale_event(published: Published | None, stale_after: dt.time, at: dt.datetime) -> Event | None:
    """The published latest date is older than yesterday, once the day is past `stale_after` (UTC)."""
    if at.time() < stale_after:
        return None
    yesterday = at.date() - dt.timedelta(days=1)
    latest = published.latest_date if published else None
    if latest is not None and latest >= yesterday:
        return None
    shown = latest.isoformat() if latest else "none"
    return Event(
        "stale",
        shown,
        f"Analytics warehouse is stale: latest date {shown}, expected {yesterday}",
        (
            f"The published warehouse's latest date is {shown}; after {stale_after:%H:%M} UTC it should be {yesterday}.",
            "Check the last runs (make dev) and the dump directory for yesterday's folders.",
        ),
    )


def spend_events(published: Published | None, budgets: dict[str, Decimal]) -> list[Event]:
    """Spend alerts dated within the news window and budget thresholds reached this month, for
    organisations whose spend is not hidden."""
    if published is None or published.latest_date is None:
        return []
    events = []
    for org, day, spend, baseline in published.alerts:
        if published.spend_hidden.get(org, True):
            continue
        events.append(
            Event(
                "spend_alert",
                f"{org}|{day}",
                f"Spend alert for {org} on {day}: ${spend:,.2f}",
                (f"{org} spent ${spend:,.2f} on {day}, more than three times its usual ${baseline:,.2f} a day.",),
                organization_id=org,
            )
        )
    month = published.latest_date.strftime("%Y-%m")
    for org, budget in sorted(budgets.items()):
        if published.spend_hidden.get(org, True) or org not in published.month_to_date:
            continue
        spent = published.month_to_date[org]
        for threshold in THRESHOLDS:
            if spent * 100 >= budget * threshold:
                events.append(
                    Event(
                        "budget",
                        f"{org}|{month}|{threshold}",
                        f"{org} reached {threshold} % of its {month} budget",
                        (
                            f"Month-to-date spend on {published.latest_date} is ${spent:,.2f} of a ${budget:,.2f} budget "
                            f"({spent / budget:.0%}).",
                        ),
                        organization_id=org,
                    )
                )
    return events
