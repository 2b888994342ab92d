"""`make alert-recipient`, `make budget`, `make notifications` and `make notify-test` (SPEC §9).

    python -m dagster_project.notify.cli recipient add --org org_0003 (--email a@b.example | --webhook URL) [--role owner]
    python -m dagster_project.notify.cli recipient list [--org org_0003]
    python -m dagster_project.notify.cli recipient remove rcp_…
    python -m dagster_project.notify.cli budget set --org org_0003 --usd 2500
    python -m dagster_project.notify.cli budget list
    python -m dagster_project.notify.cli budget remove --org org_0003
    python -m dagster_project.notify.cli ledger
    python -m dagster_project.notify.cli test [--org org_0003]

Errors are one line (exit 2); webhook URLs are secrets and are never printed in full.
"""

from __future__ import annotations

import argparse
import os
import sys

from .audience import Target, ops_targets
from .channels import DeliveryError, check_webhook_url, send_email, send_webhook
from .config import ConfigError, NotifyConfig
from .events import read_published
from .store import NotificationStore, StoreError, parse_budget


class UsageError(Exception):
    pass


def known_organization(config: NotifyConfig, org: str) -> None:
    published = read_published(config.warehouse)
    if published is not None and published.spend_hidden and org not in published.spend_hidden:
        raise UsageError(f"the published warehouse holds no organisation {org!r}")


def recipient(args, config: NotifyConfig, store: NotificationStore) -> None:
    if args.action == "add":
        if bool(args.email) == bool(args.webhook):
            raise UsageError("give one of EMAIL=<address> or WEBHOOK=<https://…>")
        known_organization(config, args.org)
        channel, target = ("email", args.email) if args.email else ("webhook", args.webhook)
        added = store.add_recipient(args.org, channel, target, args.role, lambda url: check_webhook_url(url, config.http_hosts))
        print(f"added {added.id}: {added.organization_id} {added.channel} {added.shown} (role {added.role})")
        if added.role == "admin":
            print("note: role admin may not see spend, so this recipient gets no spend notification")
    elif args.action == "list":
        rows = store.recipients(args.org)
        for r in rows:
            print(f"{r.id}  {r.organization_id}  {r.channel:7s}  {r.role:13s}  {r.shown}")
        if not rows:
            print("no recipients (make alert-recipient ORG=<id> EMAIL=<address>|WEBHOOK=<url>)")
    elif not store.remove_recipient(args.id):
        raise UsageError(f"no recipient {args.id!r} (make alert-recipients lists them)")
    else:
        print(f"removed {args.id}")


def budget(args, config: NotifyConfig, store: NotificationStore) -> None:
    if args.action == "set":
        known_organization(config, args.org)
        amount = parse_budget(args.usd)
        store.set_budget(args.org, amount)
        print(f"{args.org}: monthly budget ${amount:,.2f}; notifications at 50 %, 80 % and 100 % of month-to-date spend")
        if not [r for r in store.recipients(args.org) if r.role != "admin"]:
            print(f"note: {args.org} has no recipient for them yet: make alert-recipient ORG={args.org} EMAIL=<address>")
    elif args.action == "list":
        budgets = store.budgets()
        for org, amount in sorted(budgets.items()):
            print(f"{org}  ${amount:,.2f} a month")
        if not budgets:
            print("no budgets (make budget ORG=<id> USD=<amount>)")
    elif not store.remove_budget(args.org):
        raise UsageError(f"{args.org} has no budget")
    else:
        print(f"removed the budget of {args.org}")


def ledger(args, config: NotifyConfig, store: NotificationStore) -> None:
    rows = store.ledger(args.limit)
    for d in rows:
        when = f"next {d.next_attempt_at}" if d.status == "pending" else d.sent_at or "-"
        error = f"  ({d.last_error})" if d.last_error else ""
        print(f"{d.created_at}  {d.kind:15s}  {d.event_key:40s}  {d.target:28s}  {d.status:9s}  {d.attempts}  {when}{error}")
    if not rows:
        print("nothing sent or queued yet")


def test(args, config: NotifyConfig, store: NotificationStore) -> None:
    targets = ops_targets(config)
    if args.org:
        targets += [Target(r.id, r.channel, r.target) for r in store.recipients(args.org)]
    if not targets:
        raise UsageError("no channel configured: set ANALYTICS_OPS_WEBHOOK or ANALYTICS_OPS_EMAIL (docs/notifications.md)")
    message = {
        "title": "Analytics notifications: test message",
        "lines": ["This channel receives the product's notifications."],
        "link": None,
    }
    failed = 0
    for target in targets:
        try:
            (send_webhook if target.channel == "webhook" else send_email)(target.address, message, config)
            print(f"sent to {target.id}")
        except DeliveryError as exc:
            failed += 1
            print(f"FAILED {target.id}: {exc}", file=sys.stderr)
    if failed:
        raise SystemExit(1)


FROM_ENV_HELP = "take ORG, EMAIL, WEBHOOK, ROLE, ID and USD from the environment, as make passes them"


def from_environment(args) -> None:
    """`make alert-recipient ORG=… WEBHOOK=…`: the values come through the environment, so no
    quoting can break them and a webhook's URL never appears in a process listing."""
    for name in ("org", "email", "webhook", "role", "id", "usd"):
        value = os.environ.get(name.upper())
        if value and hasattr(args, name):
            setattr(args, name, value)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("recipient")
    r.add_argument("action", choices=["add", "list", "remove"])
    r.add_argument("id", nargs="?")
    r.add_argument("--org")
    r.add_argument("--email")
    r.add_argument("--webhook")
    r.add_argument("--role", default="owner")
    b = sub.add_parser("budget")
    b.add_argument("action", choices=["set", "list", "remove"])
    b.add_argument("--org")
    b.add_argument("--usd")
    lg = sub.add_parser("ledger")
    lg.add_argument("--limit", type=int, default=200)
    t = sub.add_parser("test")
    t.add_argument("--org")
    for parser in (r, b, t):
        parser.add_argument("--from-env", action="store_true", help=FROM_ENV_HELP)
    args = p.parse_args(argv)
    if getattr(args, "from_env", False):
        from_environment(args)
    try:
        needs_org = args.command == "budget" and args.action != "list" or args.command == "recipient" and args.action == "add"
        if needs_org and not args.org:
            raise UsageError("ORG=<organization_id> is required")
        if args.command == "recipient" and args.action == "remove" and not args.id:
            raise UsageError("ID=<recipient id> is required (make alert-recipients lists them)")
        config = NotifyConfig.from_env()
        store = NotificationStore(config.store)
        {"recipient": recipient, "budget": budget, "ledger": ledger, "test": test}[args.command](args, config, store)
    except (UsageError, StoreError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
