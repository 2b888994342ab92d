"""Who gets an event (SPEC §9): the operators' targets get the run, freshness and quality events;
an organisation's recipients get its spend events, except recipients whose role may not see spend
(admin), as the API refuses them spend (SPEC §7)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import NotifyConfig
from .events import OPS_KINDS, Event
from .store import Recipient

SPEND_READERS = ("primary_owner", "owner")


@dataclass(frozen=True)
class Target:
    id: str  # what the ledger keeps: never a webhook URL
    channel: str  # email | webhook
    address: str = field(repr=False)  # the email address or the webhook URL


def ops_targets(config: NotifyConfig) -> list[Target]:
    targets = [Target("ops:webhook", "webhook", config.ops_webhook)] if config.ops_webhook else []
    return targets + [Target(f"ops:email:{address}", "email", address) for address in config.ops_emails]


def targets_for(event: Event, config: NotifyConfig, recipients: list[Recipient]) -> list[Target]:
    if event.kind in OPS_KINDS:
        return ops_targets(config)
    return [
        Target(r.id, r.channel, r.target)
        for r in recipients
        if r.organization_id == event.organization_id and r.role in SPEND_READERS
    ]


def resolve(target_id: str, config: NotifyConfig, recipients: list[Recipient]) -> Target | None:
    """The target of a ledger row as configured now (None: removed since it was queued)."""
    for target in ops_targets(config) + [Target(r.id, r.channel, r.target) for r in recipients]:
        if target.id == target_id:
            return target
    return None
