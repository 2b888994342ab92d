"""Enqueue, withdraw and deliver (SPEC §9), in one pass that the run, the daemon and `make notify` call.

    1. the events: those handed in (runs, quality) and those the published warehouse holds
    2. each (event, target) not yet in the ledger is queued, once, ever
    3. a queued spend event the published warehouse no longer holds is withdrawn, never sent
    4. every queued delivery that is due is attempted; a failed attempt is retried with backoff
       (1, 4, 16, 64 minutes), and after the fifth it is marked failed with its reason

Nothing here raises into its caller: a run never fails, and the daemon never stops, because a
message could not be delivered.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from .audience import ops_targets, resolve, targets_for
from .channels import DeliveryError, send_email, send_webhook
from .config import NotifyConfig
from .events import SPEND_KINDS, Event, read_published, spend_events, stale_event
from .store import NotificationStore, now

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return dt.timedelta(minutes=4 ** (attempts - 1))


@dataclass
class Report:
    queued: int = 0
    withdrawn: int = 0
    sent: int = 0
    retrying: int = 0
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = f"notifications: {self.queued} queued, {self.sent} sent"
        if self.withdrawn:
            text += f", {self.withdrawn} withdrawn"
        if self.retrying:
            text += f", {self.retrying} to retry"
        if self.failed:
            text += f", {len(self.failed)} failed ({self.failed[0]})"
        return text


def nothing_configured(config: NotifyConfig) -> bool:
    """No operators' channel and no store (so no recipient): nothing could be sent, nothing is written."""
    return not ops_targets(config) and not config.store.exists()


def notify_once(config: NotifyConfig, events: Iterable[Event] = (), at: dt.datetime | None = None) -> Report:
    at = at or now()
    if nothing_configured(config):
        return Report()
    store = NotificationStore(config.store)
    report = Report()
    published = read_published(config.warehouse)
    current = list(events)
    stale = stale_event(published, config.stale_after, at)
    if stale:
        current.append(stale)
    spend = spend_events(published, store.budgets())
    current += spend
    if published is not None:  # an unreadable warehouse withdraws nothing: it says nothing
        report.withdrawn = store.withdraw(SPEND_KINDS, {(e.kind, e.key) for e in spend})
    recipients = store.recipients()
    for event in current:
        for target in targets_for(event, config, recipients):
            queued = store.enqueue(event.kind, event.key, target.id, target.channel, event.organization_id, event.message())
            report.queued += queued
    deliver_due(store, config, at, report, recipients)
    return report


def deliver_due(store: NotificationStore, config: NotifyConfig, at: dt.datetime, report: Report, recipients=None) -> None:
    recipients = store.recipients() if recipients is None else recipients
    for delivery in store.due(at):
        target = resolve(delivery.target, config, recipients)
        try:
            if target is None:
                raise DeliveryError(f"target {delivery.target} is no longer configured")
            if target.channel == "webhook":
                send_webhook(target.address, delivery.message, config)
            else:
                send_email(target.address, delivery.message, config)
        except DeliveryError as exc:
            attempts = delivery.attempts + 1
            retry_at = at + backoff(attempts) if attempts < MAX_ATTEMPTS and target is not None else None
            store.mark_attempt_failed(delivery, str(exc), retry_at)
            if retry_at:
                report.retrying += 1
            else:
                report.failed.append(f"{delivery.kind} {delivery.event_key} to {delivery.target}: {exc}")
                log.warning("notification %s %s to %s failed: %s", delivery.kind, delivery.event_key, delivery.target, exc)
        else:
            store.mark_sent(delivery)
            report.sent += 1
