"""`make alert-recipient`, `make budget` and their listings, as a person types them (SPEC §9):
one line and exit 2 for what cannot be stored, webhook URLs never printed in full."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import PROJECT_ROOT


@pytest.fixture
def make(fixture_warehouse, tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        outer = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
        env = {
            **outer,
            "ANALYTICS_WAREHOUSE": str(fixture_warehouse.published),
            "ANALYTICS_NOTIFICATIONS": str(tmp_path / "notifications.sqlite"),
        }
        return subprocess.run(
            ["make", "--no-print-directory", "-s", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    return run


def test_recipients_are_added_listed_masked_and_removed(make):
    added = make("alert-recipient", "ORG=org_0003", "WEBHOOK=https://hooks.example.com/services/T0/B0/SECRET")
    assert added.returncode == 0, added.stderr
    assert "SECRET" not in added.stdout and "https://hooks.example.com/…" in added.stdout
    assert make("alert-recipient", "ORG=org_0003", "EMAIL=owner@org3.example", "ROLE=primary_owner").returncode == 0
    listed = make("alert-recipients").stdout
    assert "owner@org3.example" in listed and "SECRET" not in listed and listed.count("org_0003") == 2
    recipient = added.stdout.split()[1].rstrip(":")
    assert make("alert-recipient-remove", f"ID={recipient}").returncode == 0
    assert "hooks.example.com" not in make("alert-recipients").stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["ORG=org_0003", "EMAIL=not-an-address"], "is not an email address"),
        (["ORG=org_0003", "EMAIL=a@b.example\r\nBcc: x@y.example"], "is not an email address"),
        (["ORG=org_0003", "WEBHOOK=http://hooks.example.com/x"], "https://"),
        (["ORG=org_9999", "EMAIL=a@b.example"], "holds no organisation 'org_9999'"),
        (["ORG=org_0003", "EMAIL=a@b.example", "ROLE=viewer"], "ROLE must be one of"),
    ],
)
def test_a_recipient_that_cannot_be_stored_is_one_line_and_exit_2(make, args, message):
    done = make("alert-recipient", *args)
    assert done.returncode != 0
    assert message in done.stderr and len(done.stderr.strip().splitlines()) <= 2  # the line, and make's own


def test_budgets_are_set_listed_and_removed(make):
    assert make("budget", "ORG=org_0003", "USD=2500").returncode == 0
    assert "org_0003  $2,500.00 a month" in make("budgets").stdout
    bad = make("budget", "ORG=org_0003", "USD=lots")
    assert bad.returncode != 0 and "USD must be an amount" in bad.stderr
    assert make("budget-remove", "ORG=org_0003").returncode == 0
    assert "no budgets" in make("budgets").stdout


def test_notify_test_reaches_every_configured_channel(make, webhook_server, monkeypatch):
    hooks, port = webhook_server
    monkeypatch.setenv("ANALYTICS_OPS_WEBHOOK", f"http://127.0.0.1:{port}/ops/SECRET")
    monkeypatch.setenv("ANALYTICS_WEBHOOK_HTTP_HOSTS", "127.0.0.1")
    done = make("notify-test")
    assert done.returncode == 0, done.stderr
    assert "sent to ops:webhook" in done.stdout and "SECRET" not in done.stdout
    assert [p["text"].splitlines()[0] for p in hooks.posts["/ops/SECRET"]] == ["Analytics notifications: test message"]
