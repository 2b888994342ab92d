"""Recipients, budgets and the delivery ledger: one SQLite file beside the key store (SPEC §9).

The ledger's key is (kind, event key, target): an event is enqueued for a target once, ever, so a
re-run, a backfill or a rebuilt warehouse finds it there and sends nothing again. A target is named
by an id (`ops:webhook`, `ops:email:<address>`, a recipient's id), never by a webhook's URL, which
is a secret: the ledger can be listed and its rows pasted into a ticket.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import sqlite3
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..core.names import is_safe_name

ROLES = ("primary_owner", "owner", "admin")
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{LABEL}(?:\.{LABEL})+$")
MAX_BUDGET = Decimal("1000000000")

SCHEMA = """
create table if not exists recipients (
    id text primary key, organization_id text not null, channel text not null, target text not null,
    role text not null, created_at text not null, unique (organization_id, channel, target));
create table if not exists budgets (
    organization_id text primary key, monthly_usd text not null, set_at text not null);
create table if not exists deliveries (
    kind text not null, event_key text not null, target text not null, channel text not null,
    organization_id text, message text not null, status text not null, attempts integer not null default 0,
    last_error text, next_attempt_at text not null, created_at text not null, sent_at text,
    primary key (kind, event_key, target));
"""


class StoreError(ValueError):
    """A recipient or budget that cannot be stored, in one line."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Recipient:
    id: str
    organization_id: str
    channel: str  # email | webhook
    target: str  # an address, or a webhook URL (a secret: shown masked)
    role: str

    @property
    def shown(self) -> str:
        return self.target if self.channel == "email" else mask_url(self.target)


@dataclass(frozen=True)
class Delivery:
    kind: str
    event_key: str
    target: str
    channel: str
    organization_id: str | None
    message: dict
    status: str  # pending | sent | failed | withdrawn
    attempts: int
    last_error: str | None
    next_attempt_at: str
    created_at: str
    sent_at: str | None


def mask_url(url: str) -> str:
    """A webhook URL without its path and query (where Slack and Teams keep the secret)."""
    match = re.match(r"^(https?://[^/?#]+)", url)
    return f"{match.group(1)}/…" if match else "(webhook)"


def valid_email(address: str) -> bool:
    return len(address) <= 254 and bool(EMAIL.match(address))


def parse_budget(value: str) -> Decimal:
    try:
        amount = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        raise StoreError(f"USD must be an amount like 2500 or 2500.50, not {value!r}") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_BUDGET or amount != amount.quantize(Decimal("0.01")):
        raise StoreError(f"USD must be more than 0 and at most {MAX_BUDGET:,}, in cents at most; not {value!r}")
    return amount.quantize(Decimal("0.01"))


def read_budget(path: Path, organization_id: str) -> Decimal | None:
    """An organisation's monthly budget, for readers that must not create the store (the server)."""
    if not path.exists():
        return None
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1.0)
    try:
        row = conn.execute("select monthly_usd from budgets where organization_id = ?", (organization_id,)).fetchone()
    except sqlite3.OperationalError:  # a store made before it held budgets
        return None
    finally:
        conn.close()
    return Decimal(row[0]) if row else None


class NotificationStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        with self._connect() as conn:
            conn.executescript(SCHEMA)
        if fresh:  # webhook URLs are secrets: the file is the owner's alone
            os.chmod(path, 0o600)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        conn.execute("pragma journal_mode=wal")
        conn.execute("pragma synchronous=full")
        return conn

    # recipients ---------------------------------------------------------------------------------

    def add_recipient(self, organization_id: str, channel: str, target: str, role: str, check_url) -> Recipient:
        if not is_safe_name(organization_id):
            raise StoreError(f"{organization_id!r} is not an organisation id")
        if role not in ROLES:
            raise StoreError(f"ROLE must be one of {', '.join(ROLES)}, not {role!r}")
        if channel == "email":
            if not valid_email(target):
                raise StoreError(f"{target!r} is not an email address")
        else:
            check_url(target)
        recipient = Recipient(f"rcp_{secrets.token_hex(6)}", organization_id, channel, target, role)
        with self._connect() as conn:
            try:
                conn.execute(
                    "insert into recipients values (?, ?, ?, ?, ?, ?)",
                    (recipient.id, organization_id, channel, target, role, now().isoformat()),
                )
            except sqlite3.IntegrityError:
                raise StoreError(f"{organization_id} already has that {channel} recipient (make alert-recipients)") from None
        return recipient

    def recipients(self, organization_id: str | None = None) -> list[Recipient]:
        with self._connect() as conn:
            rows = conn.execute(
                "select id, organization_id, channel, target, role from recipients"
                " where ? is null or organization_id = ? order by organization_id, created_at, id",
                (organization_id, organization_id),
            ).fetchall()
        return [Recipient(*row) for row in rows]

    def remove_recipient(self, recipient_id: str) -> bool:
        with self._connect() as conn:
            return conn.execute("delete from recipients where id = ?", (recipient_id,)).rowcount > 0

    # budgets ------------------------------------------------------------------------------------

    def set_budget(self, organization_id: str, amount: Decimal) -> None:
        if not is_safe_name(organization_id):
            raise StoreError(f"{organization_id!r} is not an organisation id")
        with self._connect() as conn:
            conn.execute(
                "insert into budgets values (?, ?, ?) on conflict (organization_id)"
                " do update set monthly_usd = excluded.monthly_usd, set_at = excluded.set_at",
                (organization_id, str(amount), now().isoformat()),
            )

    def remove_budget(self, organization_id: str) -> bool:
        with self._connect() as conn:
            return conn.execute("delete from budgets where organization_id = ?", (organization_id,)).rowcount > 0

    def budgets(self) -> dict[str, Decimal]:
        with self._connect() as conn:
            return {org: Decimal(usd) for org, usd in conn.execute("select organization_id, monthly_usd from budgets")}

    # the delivery ledger ------------------------------------------------------------------------

    def enqueue(self, kind: str, event_key: str, target: str, channel: str, organization_id: str | None, message: dict) -> bool:
        """True when this (event, target) is new; an event already in the ledger is never queued again."""
        stamp = now().isoformat()
        with self._connect() as conn:
            return (
                conn.execute(
                    "insert into deliveries (kind, event_key, target, channel, organization_id, message, status,"
                    " next_attempt_at, created_at) values (?, ?, ?, ?, ?, ?, 'pending', ?, ?)"
                    " on conflict do nothing",
                    (kind, event_key, target, channel, organization_id, json.dumps(message), stamp, stamp),
                ).rowcount
                > 0
            )

    def withdraw(self, kinds: tuple[str, ...], current: set[tuple[str, str]]) -> int:
        """Pending deliveries of `kinds` whose event is no longer current (a correction took it back)."""
        with self._connect() as conn:
            rows = conn.execute(
                f"select kind, event_key from deliveries where status = 'pending' and kind in ({','.join('?' * len(kinds))})",
                kinds,
            ).fetchall()
            gone = [(k, key) for k, key in rows if (k, key) not in current]
            for kind, key in gone:
                conn.execute(
                    "update deliveries set status = 'withdrawn', last_error = 'withdrawn: the published data no longer holds it'"
                    " where kind = ? and event_key = ? and status = 'pending'",
                    (kind, key),
                )
        return len(gone)

    def due(self, at: dt.datetime) -> list[Delivery]:
        with self._connect() as conn:
            rows = conn.execute(
                "select * from deliveries where status = 'pending' and next_attempt_at <= ? order by created_at, kind, event_key",
                (at.isoformat(),),
            ).fetchall()
        return [self._delivery(row) for row in rows]

    def mark_sent(self, d: Delivery) -> None:
        with self._connect() as conn:
            conn.execute(
                "update deliveries set status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = null"
                " where kind = ? and event_key = ? and target = ?",
                (now().isoformat(), d.kind, d.event_key, d.target),
            )

    def mark_attempt_failed(self, d: Delivery, error: str, retry_at: dt.datetime | None) -> None:
        with self._connect() as conn:
            conn.execute(
                "update deliveries set attempts = attempts + 1, last_error = ?, status = ?, next_attempt_at = ?"
                " where kind = ? and event_key = ? and target = ?",
                (
                    error[:500],
                    "pending" if retry_at else "failed",
                    (retry_at or now()).isoformat(),
                    d.kind,
                    d.event_key,
                    d.target,
                ),
            )

    def ledger(self, limit: int = 200) -> list[Delivery]:
        with self._connect() as conn:
            rows = conn.execute("select * from deliveries order by created_at desc, kind, event_key limit ?", (limit,)).fetchall()
        return [self._delivery(row) for row in rows]

    @staticmethod
    def _delivery(row) -> Delivery:
        kind, key, target, channel, org, message, status, attempts, error, next_at, created, sent = row
        return Delivery(kind, key, target, channel, org, json.loads(message), status, attempts, error, next_at, created, sent)
