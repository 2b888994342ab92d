"""Notifications end to end (SPEC §9): real runs, a real SMTP server and a real webhook receiver on
127.0.0.1; what is expected is worked out from the raw files (tests/reference.py) and checked on
the receiving side: each event once per target, never to a target that may not see it."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from dagster_project.notify.config import NotifyConfig
from dagster_project.notify.delivery import notify_once
from dagster_project.notify.store import NotificationStore
from tests.conftest import FIXTURES, PROJECT_ROOT, Warehouse
from tests.notify.conftest import SMTP_PASSWORD, SMTP_USER
from tests.reference import Reference

LATEST = dt.date(2026, 4, 14)  # raw_fixtures' last dump date
PLANTED = {"org_0003": "4800.00", "org_0001": "950.00"}


def plant(raw: Path, org: str, usd: str, usage_id: str) -> None:
    """A usage record far above the organisation's usual day, on the last dump date."""
    line = {
        "usage_id": usage_id,
        "occurred_at": f"{LATEST}T12:00:00Z",
        "organization_id": org,
        "user_id": f"user_{org[4:]}_00001",
        "product": "claude_ai",
        "model": "claude-sonnet-4-5",
        "input_tokens": 1000,
        "output_tokens": 100,
        "cache_read_input_tokens": 0,
        "cache_creation_input_tokens": 0,
        "cost_usd": usd,
    }
    with open(raw / "usage" / f"dt={LATEST}" / "part-0050-planted.jsonl", "a") as fh:
        fh.write(json.dumps(line) + "\n")


def spend_hidden(org: dict) -> bool:
    """SPEC §3: enterprise plan, seat-based billing and no extra usage."""
    return org.get("plan") == "enterprise" and org.get("billing") == "seat_based" and not org.get("extra_usage_enabled")


def expected_spend_keys(raw: Path, budgets: dict[str, Decimal], org: str) -> set[str]:
    ref = Reference(raw)
    orgs = ref.orgs_on(LATEST)
    if spend_hidden(orgs[org]):
        return set()
    keys = {f"spend_alert {o}|{d}" for (o, d) in ref.spend_alerts() if o == org and LATEST - dt.timedelta(days=7) < d <= LATEST}
    mtd = ref.spend_totals()[(org, LATEST, "mtd")]["spend_usd"]
    keys |= {f"budget {org}|{LATEST:%Y-%m}|{t}" for t in (50, 80, 100) if org in budgets and mtd * 100 >= budgets[org] * t}
    return keys


TITLES = [
    (re.compile(r"^Spend alert for (org_\d+) on (\d{4}-\d\d-\d\d)"), lambda m: f"spend_alert {m[1]}|{m[2]}"),
    (re.compile(r"^(org_\d+) reached (\d+) % of its (\d{4}-\d\d) budget"), lambda m: f"budget {m[1]}|{m[3]}|{m[2]}"),
]


def key_of(title: str) -> str:
    for pattern, key in TITLES:
        match = pattern.match(title)
        if match:
            return key(match)
    raise AssertionError(f"unexpected message {title!r}")


def received(mailbox, hooks, address: str | None = None, path: str | None = None) -> list[str]:
    if address:
        return [key_of(" ".join(m["Subject"].split())) for m in mailbox.to(address)]
    return [key_of(post["text"].splitlines()[0]) for post in hooks.posts.get(path, [])]


@pytest.fixture
def channels(tmp_path, smtp_server, webhook_server):
    (mailbox, smtp_port), (hooks, http_port) = smtp_server, webhook_server
    password_file = tmp_path / "smtp-password"
    password_file.write_text(SMTP_PASSWORD + "\n")
    env = {
        "ANALYTICS_NOTIFICATIONS": str(tmp_path / "notifications.sqlite"),
        "ANALYTICS_SMTP_HOST": "127.0.0.1",
        "ANALYTICS_SMTP_PORT": str(smtp_port),
        "ANALYTICS_SMTP_USER": SMTP_USER,
        "ANALYTICS_SMTP_PASSWORD_FILE": str(password_file),
        "ANALYTICS_SMTP_FROM": "analytics@example.com",
        "ANALYTICS_WEBHOOK_HTTP_HOSTS": "127.0.0.1",
    }
    return mailbox, hooks, f"http://127.0.0.1:{http_port}", env


def test_spend_alerts_and_budgets_reach_each_allowed_recipient_once(fixture_warehouse, tmp_path, channels):
    mailbox, hooks, base, env = channels
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw)
    for n, (org, usd) in enumerate(PLANTED.items()):
        plant(raw, org, usd, f"use_planted_{n}")
    # a copy: the fixtures' warehouse is shared by this worker's other tests, which count its rows
    shutil.copytree(fixture_warehouse.root, tmp_path / "wh", symlinks=True)
    warehouse = Warehouse(tmp_path / "wh", raw)
    assert warehouse.run(LATEST).success
    config = NotifyConfig.from_env({**env, "ANALYTICS_WAREHOUSE": str(warehouse.published), "ANALYTICS_STALE_AFTER": "23:59"})
    store = NotificationStore(config.store)
    allow = lambda url: None  # noqa: E731 - the CLI checks URLs; this test adds its own receiver's
    store.add_recipient("org_0003", "email", "owner@org3.example", "owner", allow)
    store.add_recipient("org_0003", "webhook", f"{base}/org3/SECRET-PATH", "primary_owner", allow)
    store.add_recipient("org_0003", "email", "admin@org3.example", "admin", allow)
    store.add_recipient("org_0002", "email", "owner@org2.example", "owner", allow)  # spend hidden
    store.add_recipient("org_0001", "webhook", f"{base}/org1", "owner", allow)
    budgets = {"org_0003": Decimal("6000"), "org_0002": Decimal("1")}
    for org, usd in budgets.items():
        store.set_budget(org, usd)
    hooks.fail.add("/org1")  # org_0001's receiver is down: its alert stays queued

    first = notify_once(config)
    expected = expected_spend_keys(raw, budgets, "org_0003")
    assert {"spend_alert org_0003|2026-04-14", "budget org_0003|2026-04|50", "budget org_0003|2026-04|80"} <= expected
    assert sorted(received(mailbox, hooks, address="owner@org3.example")) == sorted(expected)
    assert sorted(received(mailbox, hooks, path="/org3/SECRET-PATH")) == sorted(expected)
    assert received(mailbox, hooks, address="admin@org3.example") == []  # admins may not see spend
    assert received(mailbox, hooks, address="owner@org2.example") == []  # its spend is hidden
    assert first.retrying >= 1 and mailbox.logins  # org_0001's webhook: retried later; SMTP logged in

    # nothing twice: another pass, and the same night run again, send nothing new
    assert notify_once(config).sent == 0
    assert warehouse.run(LATEST).success
    notify_once(config)
    assert sorted(received(mailbox, hooks, address="owner@org3.example")) == sorted(expected)

    # a correction withdraws org_0001's unsent alert: redelivered without the planted record
    org1_expected = expected_spend_keys(raw, {}, "org_0001")
    assert "spend_alert org_0001|2026-04-14" in org1_expected
    planted = raw / "usage" / f"dt={LATEST}" / "part-0050-planted.jsonl"
    planted.write_text("".join(line + "\n" for line in planted.read_text().splitlines() if "org_0001" not in line))
    assert warehouse.run(LATEST).success
    hooks.fail.clear()
    later = notify_once(config, at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=3))
    assert later.withdrawn >= 1
    assert [p for p in hooks.posts.get("/org1", []) if "org_0001" in p["text"] and "2026-04-14" in p["text"]] == [
        hooks.posts["/org1"][0]
    ], "only the first, failed attempt reached org_0001's receiver"
    statuses = {(d.kind, d.event_key, d.target): d.status for d in store.ledger()}
    assert {s for (k, key, t), s in statuses.items() if key.startswith("org_0001|")} == {"withdrawn"}
    assert all("SECRET-PATH" not in t for (_, _, t) in statuses)  # the ledger names targets by id


def cli_run(warehouse: Warehouse, home: Path, env: dict, day: str, failpoint: str | None = None) -> str:
    run_env = {**os.environ, **warehouse.env, **env, "DAGSTER_HOME": str(home)}
    if failpoint:
        run_env["ANALYTICS_FAILPOINT"] = failpoint
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run", "--from", day, "--to", day],
        env=run_env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.stdout + done.stderr


def test_a_failure_a_recovery_staleness_and_a_quality_warning_reach_the_operators_once(first_days_built, tmp_path, channels):
    mailbox, hooks, base, env = channels
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    # staleness is checked from 00:00 UTC, so that the test does not depend on the hour it runs at
    env = {
        **env,
        "ANALYTICS_OPS_WEBHOOK": f"{base}/ops/SECRET-OPS",
        "ANALYTICS_OPS_EMAIL": "oncall@example.com",
        "ANALYTICS_STALE_AFTER": "00:00",
    }
    night = "2026-02-15"  # raw_fixtures' day of bad lines: over the rejection threshold in every table

    failed = cli_run(first_days_built, home, env, night, failpoint="dbt:enospc")
    assert "FAILED" in failed and "notifications: " in failed
    ok = cli_run(first_days_built, home, env, night)
    assert "run succeeded" in ok
    again = cli_run(first_days_built, home, env, night)
    assert "run succeeded" in again
    for log in (failed, ok, again):
        assert "SECRET-OPS" not in log and SMTP_PASSWORD not in log

    titles = [post["text"].splitlines()[0] for post in hooks.posts["/ops/SECRET-OPS"]]
    mails = [" ".join(m["Subject"].split()) for m in mailbox.to("oncall@example.com")]  # unfolded, as mail readers show it
    assert sorted(titles) == sorted(mails)
    kinds = sorted(re.sub(r"[:,].*", "", t) for t in titles)
    assert kinds == sorted(
        [
            "Analytics run failed at dbt_models",
            "Analytics runs recovered",
            "Analytics warehouse is stale",
            "Quality warning",
        ]
    ), titles
    failure = next(p["text"] for p in hooks.posts["/ops/SECRET-OPS"] if p["text"].startswith("Analytics run failed"))
    assert "No space left on device" in failure and "/runs/" in failure
    assert any("2026-02-15" in t for t in titles if t.startswith("Quality warning"))
    assert any("latest date 2026-02-15" in t for t in titles if t.startswith("Analytics warehouse is stale"))
