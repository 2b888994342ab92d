"""Staging on hand-worked examples from the fixtures: UTC days and Claude Code identities (SPEC §3)."""

import datetime as dt

from tests.conftest import Warehouse


def test_offset_near_midnight_moves_the_utc_day(fixture_warehouse: Warehouse):
    # 2026-02-20T23:30:00-05:00 is 2026-02-21 04:30 UTC
    rows = fixture_warehouse.query(
        "select occurred_at_utc, event_date from staging.stg_events__events where event_id = 'evt_case_midnight'", published=False
    )
    assert rows == [(dt.datetime(2026, 2, 21, 4, 30), dt.date(2026, 2, 21))]


def test_money_is_decimal(fixture_warehouse: Warehouse):
    types = dict(
        fixture_warehouse.query(
            "select column_name, data_type from information_schema.columns where table_name = 'stg_usage__records'",
            published=False,
        )
    )
    assert types["cost_usd"] == "DECIMAL(18,6)"


def test_actor_email_in_other_case_and_spaces_maps_to_the_member(fixture_warehouse: Warehouse):
    # the restated record's actor is " PERSON2.ORG1@EXAMPLE.COM" (user_0001_00002's email upper-cased)
    rows = fixture_warehouse.query(
        "select actor_email, user_id from intermediate.int_claude_code_records_with_users where terminal_type = 'cursor'",
        published=False,
    )
    assert rows == [("person2.org1@example.com", "user_0001_00002")]


def test_unknown_email_maps_to_an_email_identity(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query(
        "select distinct user_id from intermediate.int_claude_code_records_with_users "
        "where actor_email = 'contractor@org_0001.example.com'",
        published=False,
    )
    assert rows == [("email:contractor@org_0001.example.com",)]


def test_api_actors_are_not_users(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query(
        "select count(*), count(user_id) from intermediate.int_claude_code_records_with_users where actor_type = 'api_actor'",
        published=False,
    )
    assert rows[0][0] > 0 and rows[0][1] == 0


def test_day_without_snapshot_keeps_the_previous_one(fixture_warehouse: Warehouse):
    # the generator skips the snapshots of day 64 // 3 = 21: 2026-03-03 holds 2026-03-02's
    rows = fixture_warehouse.query(
        "select date, count(*) from intermediate.int_organization_days "
        "where date in ('2026-03-02', '2026-03-03') group by 1 order by 1",
        published=False,
    )
    assert rows == [(dt.date(2026, 3, 2), 3), (dt.date(2026, 3, 3), 3)]
    assert not (fixture_warehouse.raw_dir / "snapshots" / "dt=2026-03-03").exists()


def test_members_sharing_an_email_map_to_the_smallest_user_id(fixture_warehouse: Warehouse):
    # user_0001_00000 has person3.org1@example.com upper-cased, the email of user_0001_00003
    rows = fixture_warehouse.query(
        "select distinct user_id from intermediate.int_claude_code_records_with_users "
        "where actor_email = 'person3.org1@example.com'",
        published=False,
    )
    assert rows == [("user_0001_00000",)]
    # and no record is counted twice
    assert (
        fixture_warehouse.query(
            "select count(*), count(distinct claude_code_record_key) from intermediate.int_claude_code_records_with_users",
            published=False,
        )[0]
        == fixture_warehouse.query("select count(*), count(*) from staging.stg_claude_code__records", published=False)[0]
    )


def test_a_chat_created_on_two_days_counts_once_over_a_window(fixture_warehouse: Warehouse):
    # chat_case_twice is created on 2026-02-22 and again on 2026-02-25 in org_0001
    daily = fixture_warehouse.query(
        "select sum(chats) from marts.claude_ai_daily where organization_id = 'org_0001' "
        "and date between '2026-02-19' and '2026-02-25'"
    )[0][0]
    window = fixture_warehouse.query(
        "select chats from marts.claude_ai_windows where organization_id = 'org_0001' "
        "and as_of_date = '2026-02-25' and \"window\" = '1w'"
    )[0][0]
    assert window == daily - 1


def test_connectors_rank_by_users_then_uses_then_name(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query(
        'select organization_id, as_of_date, "window", rank, connector, unique_users, uses from marts.top_connectors '
        "order by 1, 2, 3, 4"
    )
    boards = {}
    for org, day, window, rank, connector, users, uses in rows:
        boards.setdefault((org, day, window), []).append((rank, connector, users, uses))
    for board in boards.values():
        assert [r for r, *_ in board] == list(range(1, len(board) + 1))
        assert [(-u, -n, c) for _, c, u, n in board] == sorted((-u, -n, c) for _, c, u, n in board)
    # the planted ties of org_0003 on 2026-02-22 (one user each): B (3 uses), C and D (2 each, by name), A (1)
    ties = [
        c for _, c, u, n in boards[("org_0003", __import__("datetime").date(2026, 2, 22), "1w")] if c.startswith("Tie Connector")
    ]
    assert ties == ["Tie Connector B", "Tie Connector C", "Tie Connector D", "Tie Connector A"][: len(ties)]
