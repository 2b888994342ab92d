"""Clients nobody here wrote: the vendor's SDK, schemathesis's fuzzing; and a publish mid-traffic."""

from __future__ import annotations

import shutil
import threading
import time

import duckdb
import hypothesis
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.serve.conftest import ENTERPRISE, start_server

BASE = "/v1/organizations/analytics/"
CROSS_PARAMETER_RULES = (
    "after the latest built date",
    "the organisation's first day in the warehouse",
    "must be after starting_date",
    "at most 366 days",
    "is ranked for windows",
    "page does not apply to format=csv",
    "page is not a cursor",
    # the vendor surface's (SPEC §7): modes, UTC days, what the warehouse does not hold
    "use either date or starting_date",
    "date or starting_date is required",
    "ending_date is only valid with starting_date",
    "is not a UTC midnight",
    "has no time zone",
    "is out of range",
    "must be after starting_at",
    "at most 31 days",
    "only `1d` buckets",
    "has no such dimension",
    "is not a group of this organisation",
    "filter[]",
    "group_by[]",
    "order_by",
    "page applies only with group_by[]",
)


def test_the_vendor_sdk_lists_summaries_and_users(api, fixture_warehouse):
    anthropic = pytest.importorskip("anthropic")
    client = anthropic.Anthropic(api_key=api.key(ENTERPRISE, "owner"), base_url=api.url, max_retries=0)
    summaries = list(client.organization.analytics.summaries.list(starting_date="2026-03-01", ending_date="2026-04-01", limit=7))
    activity = fixture_warehouse.query(
        "select date, dau, wau, mau, total_seats, pending_invites from marts.activity_daily "
        "where organization_id = ? and date >= '2026-03-01' and date < '2026-04-01' order by date",
        [ENTERPRISE],
    )
    assert len(summaries) == 31 == len(activity)  # auto-paginated through next_page, 7 at a time
    for summary, (day, dau, wau, mau, seats, invites) in zip(summaries, activity, strict=True):
        assert summary.starting_at.date() == day and summary.starting_at.utcoffset().total_seconds() == 0
        assert (
            summary.daily_active_user_count,
            summary.weekly_active_user_count,
            summary.monthly_active_user_count,
            summary.assigned_seat_count,
            summary.pending_invite_count,
        ) == (dau, wau, mau, seats, invites)
        assert summary.daily_adoption_rate == pytest.approx(dau / seats * 100)

    users = list(client.organization.analytics.users.list(date="2026-03-31", limit=5))
    expected = fixture_warehouse.query(
        "select user_id, messages, chats, claude_code_lines_added from marts.user_activity_daily "
        "where organization_id = ? and date = '2026-03-31'",
        [ENTERPRISE],
    )
    assert len(users) == len(expected) > 5
    by_id = {u: (m, c, lines) for u, m, c, lines in expected}
    for user in users:
        assert user.user.type == "user"
        assert (
            user.chat_metrics.message_count,
            user.chat_metrics.distinct_conversation_count,
            user.claude_code_metrics.core_metrics.lines_of_code.added_count,
        ) == by_id[user.user.id]
        assert str(user.last_activity_date) == "2026-03-31"


def test_a_publish_during_requests_switches_to_the_new_state_without_an_error(fixture_warehouse, tmp_path):
    served = tmp_path / "analytics.duckdb"
    shutil.copy(fixture_warehouse.published, served)
    newer = tmp_path / ".next.duckdb"
    shutil.copy(fixture_warehouse.published, newer)
    with duckdb.connect(str(newer)) as conn:  # the next state: one more seat everywhere
        conn.execute("update marts.activity_daily set total_seats = total_seats + 1000")
    server = start_server(served, tmp_path / "keys.sqlite")
    seats, errors = [], []
    stop = threading.Event()

    def keep_asking():
        with server.client(server.key()) as client:
            while not stop.is_set():
                response = client.get(BASE + "summaries", params={"starting_date": "2026-04-14"})
                if response.status_code != 200:
                    errors.append(response.text)
                else:
                    seats.append(response.json()["data"][0]["assigned_seat_count"])

    workers = [threading.Thread(target=keep_asking) for _ in range(4)]
    try:
        for worker in workers:
            worker.start()
        time.sleep(1.0)
        newer.replace(served)  # what publishing does: rename a complete file over the served one
        time.sleep(1.5)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        server.server.should_exit = True
    assert not errors, errors[:3]
    old, new = seats[0], seats[-1]
    assert new == old + 1000
    # once the new state is seen, the old one never comes back (per request, states only move forward)
    assert set(seats) == {old, new} and seats.count(new) > 10


def operations(url: str):
    schema = schemathesis.openapi.from_url(url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_fuzzing_every_endpoint_never_breaks_the_contract(api, mode):
    """Every operation of /openapi.json, inputs generated from the schema (valid ones, then invalid
    ones), every check schemathesis has: never a 5xx, every response in its documented schema and
    status. Bounded by example count and derandomized, so a run is repeatable."""
    found = operations(api.url)
    assert len(found) >= 15
    headers = {"x-api-key": api.key(ENTERPRISE, "owner")}
    for operation in found:
        if mode == schemathesis.GenerationMode.NEGATIVE and not operation.query:
            continue  # nothing to make invalid (the health check takes no parameter)

        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis.settings(
            max_examples=25, derandomize=True, deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck)
        )
        def call(case):
            response = case.call(base_url=api.url, headers=headers)
            # every check, but "schema-valid data is accepted": SPEC §7 rules that span parameters
            # (a date after the latest built date, a reversed range, over 366 days, a metric's windows)
            # cannot be written in OpenAPI, so a schema-valid request may rightly get a 400 that says why
            case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])
            assert response.status_code < 500, response.text
            if mode == schemathesis.GenerationMode.POSITIVE and response.status_code == 400:
                message = response.json()["error"]["message"]
                assert any(rule in message for rule in CROSS_PARAMETER_RULES), message

        call()
