"""Delivery itself (SPEC §9), against real receivers: retries with backoff and a reason, no
redirect followed, only https (or an allowed http host), and no header injection by a name."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project.notify.channels import DeliveryError, check_webhook_url, send_email
from dagster_project.notify.config import ConfigError, NotifyConfig
from dagster_project.notify.delivery import MAX_ATTEMPTS, Report, deliver_due
from dagster_project.notify.store import NotificationStore, StoreError, parse_budget
from tests.notify.conftest import SMTP_PASSWORD, SMTP_USER


def config_for(tmp_path, http_port=None, smtp_port=None, **extra) -> NotifyConfig:
    env = {"ANALYTICS_NOTIFICATIONS": str(tmp_path / "n.sqlite"), "ANALYTICS_WAREHOUSE": str(tmp_path / "none.duckdb")}
    if http_port:
        env |= {"ANALYTICS_OPS_WEBHOOK": f"http://127.0.0.1:{http_port}/hook/SECRET", "ANALYTICS_WEBHOOK_HTTP_HOSTS": "127.0.0.1"}
    if smtp_port:
        env |= {
            "ANALYTICS_SMTP_HOST": "127.0.0.1",
            "ANALYTICS_SMTP_PORT": str(smtp_port),
            "ANALYTICS_SMTP_USER": SMTP_USER,
            "ANALYTICS_SMTP_PASSWORD": SMTP_PASSWORD,
        }
    return NotifyConfig.from_env(env | extra)


MESSAGE = {"kind": "run_failed", "title": "Analytics run failed at ingest", "lines": ["Error: boom"], "link": None}


def test_a_failing_webhook_is_retried_with_backoff_then_failed_with_its_reason(tmp_path, webhook_server):
    hooks, port = webhook_server
    hooks.fail.add("/hook/SECRET")
    config = config_for(tmp_path, http_port=port)
    store = NotificationStore(config.store)
    assert store.enqueue("run_failed", "run-1", "ops:webhook", "webhook", None, MESSAGE)
    assert not store.enqueue("run_failed", "run-1", "ops:webhook", "webhook", None, MESSAGE)  # once, ever
    at = dt.datetime.now(dt.UTC)
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = Report()
        deliver_due(store, config, at, report)
        (row,) = store.ledger()
        assert row.attempts == attempt and "HTTP 500" in row.last_error and "SECRET" not in row.last_error
        if attempt < MAX_ATTEMPTS:
            assert row.status == "pending" and report.retrying == 1
            due = dt.datetime.fromisoformat(row.next_attempt_at)
            waits.append((due - at).total_seconds() / 60)
            deliver_due(store, config, due - dt.timedelta(seconds=1), Report())  # not yet due: no attempt
            assert store.ledger()[0].attempts == attempt
            at = due
        else:
            assert row.status == "failed" and report.failed and "HTTP 500" in report.failed[0]
    assert waits == [1, 4, 16, 64]
    assert len(hooks.posts["/hook/SECRET"]) == MAX_ATTEMPTS


def test_a_redirect_is_not_followed(tmp_path, webhook_server):
    hooks, port = webhook_server
    hooks.redirect.add("/hook/SECRET")
    config = config_for(tmp_path, http_port=port)
    store = NotificationStore(config.store)
    store.enqueue("stale", "2026-01-01", "ops:webhook", "webhook", None, MESSAGE)
    deliver_due(store, config, dt.datetime.now(dt.UTC), Report())
    (row,) = store.ledger()
    assert row.status == "pending" and "redirect" in row.last_error


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("https://hooks.example.com/services/T0/B0/x", True),
        ("http://hooks.example.com/services/x", False),  # plain http to a host not allowed
        ("http://127.0.0.1:9/x", True),  # allowed by ANALYTICS_WEBHOOK_HTTP_HOSTS below
        ("ftp://hooks.example.com/x", False),
        ("https://user:pw@hooks.example.com/x", False),
        ("hooks.example.com/x", False),
    ],
)
def test_webhooks_are_https_or_an_allowed_http_host(url, allowed):
    if allowed:
        check_webhook_url(url, frozenset({"127.0.0.1"}))
    else:
        with pytest.raises(ConfigError):
            check_webhook_url(url, frozenset({"127.0.0.1"}))


def test_a_name_with_line_breaks_cannot_add_headers(tmp_path, smtp_server):
    mailbox, port = smtp_server
    config = config_for(tmp_path, smtp_port=port)
    title = "Spend alert for Evil Corp\r\nBcc: victim@example.com\r\n\r\n<b>html</b>"
    send_email("owner@example.com", {"title": title, "lines": ["<script>x</script>"], "link": None}, config)
    (message,) = mailbox.messages
    assert message["Bcc"] is None and message["X-Envelope-To"] == "owner@example.com"
    assert "\n" not in message["Subject"].replace("\r\n ", " ").strip()
    assert message.get_content_type() == "text/plain"  # markup in a name stays text


def test_a_wrong_smtp_password_is_a_reason_without_the_password(tmp_path, smtp_server):
    _, port = smtp_server
    config = config_for(tmp_path, smtp_port=port, ANALYTICS_SMTP_PASSWORD="wrong-password")
    with pytest.raises(DeliveryError) as error:
        send_email("owner@example.com", MESSAGE, config)
    assert "refused the login" in str(error.value) and "wrong-password" not in str(error.value)


@pytest.mark.parametrize("value", ["", "abc", "-5", "0", "12.345", "1e12", "NaN", "Infinity"])
def test_a_budget_is_a_positive_amount_in_cents(value):
    with pytest.raises(StoreError):
        parse_budget(value)


def test_a_budget_keeps_its_cents():
    assert str(parse_budget(" 2500.5 ")) == "2500.50"
