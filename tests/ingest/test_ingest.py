"""Ingest of raw dumps: counts, rejections, duplicates, idempotence and unreadable files (SPEC §2)."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from tests.conftest import FIXTURES, Warehouse, dump_dates
from tests.reference import dump_files

# The bad lines tools/generate_dumps.py plants (plant_bad_lines), counted by hand per reason.
EXPECTED_REJECTIONS = {
    ("events", "not_json_object"): 3,  # prose, a JSON array, an empty line
    ("events", "missing_field"): 3,  # user_id; message.sent without message_id; plugin.used without plugin_id
    ("events", "wrong_type"): 3,  # organization_id 42; connector 7; skill.enabled's skill_name 7
    ("events", "unknown_enum"): 2,  # chat.deleted; skill.used in product "office"
    ("events", "bad_timestamp"): 3,  # 30 February; "yesterday"; offset +24:00
    ("events", "duplicate_key"): 1,  # user_id twice
    ("usage", "out_of_range"): 2,  # input_tokens 2**63; cost_usd with 13 integer digits
    ("usage", "bad_timestamp"): 1,  # offset +99:99
    ("usage", "duplicate_key"): 1,  # cost_usd twice
    ("claude_code", "out_of_range"): 2,  # estimated cost 1e300; NaN
    ("events", "too_far_in_future"): 1,  # two days after its dump
    ("events", "invalid_field"): 1,  # organization_id ../../escape
    ("events", "line_too_long"): 1,  # a 17 MiB line
    ("usage", "invalid_field"): 1,  # organization_id /tmp/x
    ("claude_code", "invalid_field"): 1,  # organization_id .hidden
    ("snapshots", "invalid_field"): 2,  # an organization ../../escape, a group ../groups
    ("snapshots", "missing_field"): 1,  # a group membership without user_id
    ("usage", "not_json_object"): 1,
    ("usage", "negative_value"): 2,  # input_tokens -5; cost_usd "-0.5"
    ("usage", "wrong_type"): 4,  # cost "abc"; output_tokens "12"; input_tokens 1.5; cost 0.1 as a number
    ("usage", "unknown_enum"): 1,  # product claude_desktop
    ("usage", "too_far_in_future"): 1,
    ("usage", "missing_field"): 1,  # model
    ("claude_code", "not_json_object"): 1,
    ("claude_code", "unknown_enum"): 1,  # robot_actor
    ("claude_code", "missing_field"): 1,  # user_actor without email
    ("claude_code", "negative_value"): 1,  # lines added -3
    ("claude_code", "wrong_type"): 1,  # estimated cost "lots"
    ("claude_code", "bad_timestamp"): 1,
    ("claude_code", "too_far_in_future"): 1,
    ("snapshots", "unknown_enum"): 1,  # role superuser
    ("snapshots", "bad_timestamp"): 1,  # created_at "whenever"
    ("snapshots", "wrong_type"): 1,  # extra_usage_enabled "no"
}


def count_lines(source: str) -> int:
    total = 0
    for _, files in dump_files(FIXTURES, source):
        for path in files:
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            total += data.count(b"\n")
    return total


def test_rejection_counts_per_reason(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query("select source, reason_code, count(*) from raw.rejected_records group by all", published=False)
    assert {(s, r): n for s, r, n in rows} == EXPECTED_REJECTIONS


def test_rejected_records_carry_provenance(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query(
        "select file, line_number, raw_line, reason from raw.rejected_records "
        "where source = 'events' and reason = 'unknown_enum: event_type'"
    )
    assert len(rows) == 1
    file, line_number, raw_line, _ = rows[0]
    assert file.startswith("events/dt=") and file.endswith("part-0009-bad.jsonl")
    assert (FIXTURES / file).read_text().split("\n")[line_number - 1] == raw_line
    assert json.loads(raw_line)["event_type"] == "chat.deleted"


def test_every_line_is_accepted_or_rejected(fixture_warehouse: Warehouse):
    """Nothing silently dropped: raw rows + rejections = lines in the files, per source."""
    rejected = Counter()
    for (source, _), n in EXPECTED_REJECTIONS.items():
        rejected[source] += n
    for source, tables in [
        ("events", ["events"]),
        ("usage", ["usage"]),
        ("claude_code", ["claude_code"]),
        ("snapshots", ["organizations", "members", "invites", "groups", "group_members"]),
    ]:
        accepted = sum(fixture_warehouse.query(f"select count(*) from raw.{t}", published=False)[0][0] for t in tables)
        assert accepted + rejected[source] == count_lines(source), source


def test_unknown_fields_are_kept(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query(
        "select count(*) from raw.events where json_extract_string(record, '$.client_version') = '2.3.1'", published=False
    )
    assert rows[0][0] > 0


def test_later_dump_wins_for_duplicates(fixture_warehouse: Warehouse):
    q = fixture_warehouse.query
    # delivered in dumps d+1 (v0), d+2 part-0001 (v1), d+2 part-0002 (v2): the last file of the last dump wins
    assert q("select message_id from staging.stg_events__events where event_id = 'evt_case_message'", published=False) == [
        ("msg_case_v2",)
    ]
    # usage corrected in the next dump
    assert q(
        "select cast(cost_usd as varchar) from staging.stg_usage__records where usage_id = 'use_case_corrected'", published=False
    ) == [("1.250001",)]
    # a Claude Code day restated two dumps later replaces the first record
    rows = q(
        "select num_sessions, lines_added from staging.stg_claude_code__records where terminal_type = 'cursor'", published=False
    )
    assert rows == [(7, 777)]


def test_every_key_is_staged_once(fixture_warehouse: Warehouse):
    for model, key in [
        ("stg_events__events", "event_id"),
        ("stg_usage__records", "usage_id"),
        ("stg_claude_code__records", "claude_code_record_key"),
    ]:
        dupes = fixture_warehouse.query(
            f"select count(*) from (select {key} from staging.{model} group by 1 having count(*) > 1)", published=False
        )
        assert dupes == [(0,)], model


def table_fingerprints(warehouse: Warehouse, tables: list[str]) -> dict[str, tuple]:
    out = {}
    for table in tables:
        columns = [
            c
            for (c,) in warehouse.query(
                "select column_name from information_schema.columns where table_schema || '.' || table_name = ? "
                "and column_name not in ('ingested_at')",
                [table],
                published=False,
            )
        ]
        out[table] = warehouse.query(
            f"select count(*), sum(hash({', '.join(chr(34) + c + chr(34) for c in columns)})) from {table}", published=False
        )[0]
    return out


@pytest.mark.job
def test_rerunning_a_partition_changes_nothing(first_days_built: Warehouse):
    warehouse = first_days_built  # dates[0] .. dates[-1] built by the whole job
    dates = dump_dates(warehouse.raw_dir)
    tables = [
        "raw.events",
        "raw.usage",
        "raw.claude_code",
        "raw.members",
        "raw.rejected_records",
        "staging.stg_events__events",
        "marts.activity_daily",
        "marts.claude_ai_daily",
        "marts.spend_totals",
        "marts.user_spend",
        "marts.leaderboards",
    ]
    before = table_fingerprints(warehouse, tables)
    assert warehouse.run(dates[2]).success
    assert table_fingerprints(warehouse, tables) == before


def truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.job
def test_truncated_gzip_fails_only_its_partition(tmp_path, small_raw_copy):
    warehouse = Warehouse(tmp_path / "wh", small_raw_copy)
    dates = dump_dates(small_raw_copy)
    ingest = [["raw", "events"]]
    from dagster import AssetKey

    selection = [AssetKey(k) for k in ingest]
    assert warehouse.run(dates[0], dates[-1], selection=selection).success
    before = warehouse.query(
        "select dump_date, count(*), sum(hash(record)) from raw.events group by 1 order by 1", published=False
    )

    # corrupt the gzip file of one day and add a new good line to the plain file of the same day
    day_folder = small_raw_copy / "events" / f"dt={dates[3]}"
    truncate(day_folder / "part-0002.jsonl.gz")
    with open(day_folder / "part-0001.jsonl", "a") as fh:
        fh.write(
            json.dumps(
                {
                    "event_id": "evt_new",
                    "event_type": "project.created",
                    "occurred_at": f"{dates[3]}T10:00:00Z",
                    "organization_id": "org_0001",
                    "user_id": "u",
                    "properties": {"project_id": "p"},
                }
            )
            + "\n"
        )

    from dagster_project.cli import failure_messages

    result = warehouse.run(dates[3], selection=selection)
    assert not result.success
    message = " ".join(failure_messages(result))
    assert f"events/dt={dates[3]}/part-0002.jsonl.gz" in message
    # nothing of that day half-loaded, every other day as it was
    assert (
        warehouse.query("select dump_date, count(*), sum(hash(record)) from raw.events group by 1 order by 1", published=False)
        == before
    )


@pytest.mark.job
def test_file_not_utf8_fails_with_its_name(tmp_path, small_raw_copy):
    warehouse = Warehouse(tmp_path / "wh", small_raw_copy)
    dates = dump_dates(small_raw_copy)
    bad = small_raw_copy / "usage" / f"dt={dates[1]}" / "part-0005.jsonl"
    bad.write_bytes(b'{"usage_id": "caf\xe9"}\n')
    from dagster import AssetKey

    from dagster_project.cli import failure_messages

    result = warehouse.run(dates[1], selection=[AssetKey(["raw", "usage"])])
    assert not result.success
    assert f"usage/dt={dates[1]}/part-0005.jsonl" in " ".join(failure_messages(result))


def test_line_over_16_mib_is_a_rejected_record_not_a_failed_file(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query(
        "select file, line_number, reason_code, length(raw_line), raw_line from raw.rejected_records "
        "where reason_code = 'line_too_long'"
    )
    assert len(rows) == 1
    file, line_number, _, kept, raw_line = rows[0]
    assert file.endswith("part-0005-huge.jsonl.gz") and line_number == 1
    assert kept == 4096 and raw_line.startswith('{"event_id": "evt_case_huge"')  # its beginning, for provenance
    # the rest of the day was loaded
    day = file.split("/")[1][3:]
    assert fixture_warehouse.query("select count(*) from raw.events where dump_date = ?", [day], published=False)[0][0] > 10


def test_unsafe_organisation_ids_are_rejected_in_every_source(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query(
        "select source, reason from raw.rejected_records where reason_code = 'invalid_field' order by all"
    )
    assert rows == [
        ("claude_code", "invalid_field: organization_id"),
        ("events", "invalid_field: organization_id"),
        ("snapshots", "invalid_field: organization_id"),
        ("snapshots", "invalid_field: rbac_group_id"),  # a group id is a safe name too
        ("usage", "invalid_field: organization_id"),
    ]
    for table in ["events", "usage", "claude_code", "organizations"]:
        assert fixture_warehouse.query(
            f"select count(*) from raw.{table} where json_extract_string(record, '$.organization_id') "
            "in ('../../escape', '/tmp/x', '.hidden')",
            published=False,
        ) == [(0,)]


EXPECTED_IGNORED = {  # the stray files tools/generate_dumps.py plants (plant_stray_files)
    "README.txt": "not_in_dump_folder",
    "events/latest.jsonl": "not_in_dump_folder",
    "billing/dt=2026-02-13/part-0001.jsonl": "unknown_source",
    "events/dt=2026-02-13/notes.txt": "not_a_dump_file",
    "usage/dt=2026-02-13/part-0001.JSONL": "not_a_dump_file",
    "claude_code/dt=2026-02-13/export.json": "not_a_dump_file",
    "snapshots/dt=2026-02-13/users.jsonl": "unknown_snapshot_table",
    "events/dt=2026-13-45/part-0001.jsonl": "bad_dump_date",
    "events/dt=2999-01-01/part-0001.jsonl": "dump_date_in_future",
}


def test_every_file_that_is_not_a_dump_file_is_listed_with_its_reason(fixture_warehouse: Warehouse):
    rows = fixture_warehouse.query("select path, reason from raw.ignored_files")
    assert dict(rows) == EXPECTED_IGNORED
    # none of them reached a raw table
    files = {f for (f,) in fixture_warehouse.query("select distinct file from raw.ingested_files", published=False)}
    assert not files & set(EXPECTED_IGNORED)


@pytest.mark.job
def test_ignored_files_warn_in_the_run(tmp_path, small_raw_copy):
    (small_raw_copy / "events" / "dt=2026-02-10" / "extra.csv").write_text("a,b\n")
    warehouse = Warehouse(tmp_path / "wh", small_raw_copy)
    from dagster import AssetKey

    result = warehouse.run("2026-02-10", selection=[AssetKey(["raw", "ignored_files"])])
    assert result.success
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert [(c.check_name, c.passed, c.severity.value) for c in checks] == [("no_ignored_files", False, "WARN")]
    assert "events/dt=2026-02-10/extra.csv" in checks[0].metadata["paths"].value
