"""Trust under faults (SPEC §2.5, §6): no accepted record fails a later step, a failed run's work
is finished by the next run whatever its dates, exports never run ahead of the published warehouse,
symlinks are never followed, and the cleanup removes only what the pipeline created."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

from dagster_project import run_control
from dagster_project.settings import Settings
from tests.conftest import (
    FIXTURES,
    Warehouse,
    build,
    copy_first_days,
    dump_dates,
    environment,
    exported_files,
    published_fingerprint,
    run_in_child,
    run_log_path,
    shared_build,
)

INT64_MAX = 2**63 - 1
MAX_COST = "999999999999.999999"  # the largest cost_usd SPEC §2.5 accepts
MAX_CENTS = 999_999_999_999  # the largest estimated_cost.amount
DAY = "2026-03-02"


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


@pytest.fixture(scope="module")
def extreme_raw(tmp_path_factory) -> Path:
    """One organisation, one day: the largest values SPEC §2.5 accepts, and symbolic links."""
    raw = tmp_path_factory.mktemp("extreme") / "raw"
    org, user = "org_max", "user_max"
    write_jsonl(
        raw / "snapshots" / f"dt={DAY}" / "organizations.jsonl",
        [
            {
                "organization_id": org,
                "name": "Max",
                "plan": "enterprise",
                "billing": "usage_based",
                "extra_usage_enabled": True,
                "seat_count": INT64_MAX,
                "created_at": "2026-01-01T00:00:00Z",
            }
        ],
    )
    write_jsonl(
        raw / "snapshots" / f"dt={DAY}" / "members.jsonl",
        [
            {
                "organization_id": org,
                "user_id": user,
                "email": "max@example.com",
                "full_name": "Max",
                "role": "owner",
                "status": "active",
                "joined_at": "2026-01-01T00:00:00Z",
            }
        ],
    )
    write_jsonl(raw / "snapshots" / f"dt={DAY}" / "invites.jsonl", [])
    # 20 rows of the largest cost: their sum overflows DECIMAL(18,6); tokens at the largest BIGINT
    write_jsonl(
        raw / "usage" / f"dt={DAY}" / "part-0001.jsonl",
        [
            {
                "usage_id": f"use_max_{i}",
                "occurred_at": f"{DAY}T10:00:00Z",
                "organization_id": org,
                "user_id": user,
                "product": "claude_code",
                "model": "claude-opus-4-5",
                "input_tokens": INT64_MAX,
                "output_tokens": INT64_MAX,
                "cache_read_input_tokens": INT64_MAX,
                "cache_creation_input_tokens": INT64_MAX,
                "cost_usd": MAX_COST,
            }
            for i in range(20)
        ],
    )
    tools = {
        t: {"accepted": INT64_MAX, "rejected": INT64_MAX}
        for t in ("edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool")
    }
    write_jsonl(
        raw / "claude_code" / f"dt={DAY}" / "part-0001.jsonl",
        [
            {
                "date": f"{DAY}T00:00:00Z",
                "actor": {"type": "user_actor", "email_address": "max@example.com"},
                "organization_id": org,
                "terminal_type": terminal,
                "core_metrics": {
                    "num_sessions": INT64_MAX,
                    "lines_of_code": {"added": INT64_MAX, "removed": INT64_MAX},
                    "commits_by_claude_code": INT64_MAX,
                    "pull_requests_by_claude_code": INT64_MAX,
                },
                "tool_actions": tools,
                "model_breakdown": [
                    {
                        "model": m,
                        "tokens": {"input": 1, "output": 1, "cache_read": 0, "cache_creation": 0},
                        "estimated_cost": {"currency": "USD", "amount": MAX_CENTS},
                    }
                    for m in ("a", "b", "c")
                ],
            }
            for terminal in ("vscode", "terminal", "jetbrains")
        ],
    )
    write_jsonl(
        raw / "events" / f"dt={DAY}" / "part-0001.jsonl",
        [
            {
                "event_id": "evt_1",
                "event_type": "chat.created",
                "occurred_at": f"{DAY}T09:00:00+23:59",
                "organization_id": org,
                "user_id": user,
                "properties": {"chat_id": "chat_1"},
            }
        ],
    )
    # SPEC §2.5: symbolic links are listed with reason `symlink`, never followed
    secret = raw.parent / "outside" / "secret.jsonl"
    write_jsonl(
        secret,
        [
            {
                "event_id": "evt_secret",
                "event_type": "chat.created",
                "occurred_at": f"{DAY}T09:00:00Z",
                "organization_id": org,
                "user_id": user,
                "properties": {"chat_id": "secret"},
            }
        ],
    )
    (raw / "events" / f"dt={DAY}" / "zz-passwd.jsonl").symlink_to("/etc/passwd")
    (raw / "events" / f"dt={DAY}" / "zz-secret.jsonl").symlink_to(secret)
    (raw / "usage" / "dt=2026-03-01").symlink_to(secret.parent, target_is_directory=True)
    (raw / "claude_code" / f"dt={DAY}" / "linked").symlink_to(secret.parent, target_is_directory=True)
    (raw / "billing").symlink_to(secret.parent, target_is_directory=True)
    return raw


@pytest.fixture(scope="module")
def extreme_warehouse(tmp_path_factory, extreme_raw) -> Warehouse:
    return build(tmp_path_factory.mktemp("extreme_wh"), extreme_raw)


def test_the_largest_accepted_values_never_fail_a_later_step(extreme_warehouse: Warehouse):
    """SPEC §2.5: every sum holds the largest accepted values; values worked out here by hand."""
    wh = extreme_warehouse
    assert wh.query("select count(*) from raw.rejected_records") == [(0,)]
    spend = wh.query("select spend_usd, input_tokens, output_tokens from marts.spend_daily where date = ?", [DAY])
    assert spend == [(Decimal(MAX_COST) * 20, INT64_MAX * 20, INT64_MAX * 20)]
    totals = dict(wh.query('select "window", spend_usd from marts.spend_totals where as_of_date = ?', [DAY]))
    assert totals == {"mtd": Decimal(MAX_COST) * 20, "qtd": Decimal(MAX_COST) * 20, "ytd": Decimal(MAX_COST) * 20}
    code = wh.query(
        "select sessions, lines_added, tool_accepted, estimated_cost_usd from marts.claude_code_daily where date = ?", [DAY]
    )
    # three terminals; four tools each; three models of 999,999,999,999 cents each
    assert code == [(INT64_MAX * 3, INT64_MAX * 3, INT64_MAX * 12, Decimal(MAX_CENTS) * 9 / 100)]
    # SPEC §2.5: a million of the largest values fit the published types
    types = dict(
        wh.query("select column_name, data_type from duckdb_columns() where schema_name = 'marts' and table_name = 'spend_daily'")
    )
    assert types["spend_usd"] == "DECIMAL(38,6)" and types["input_tokens"] == "HUGEINT"
    assert Decimal(MAX_COST) * 10**6 < Decimal(10) ** 32 and INT64_MAX * 10**6 < 2**127
    # and finance's file says the same, to the last digit
    rows = list(csv.DictReader((wh.exports / "spend" / "org_max" / DAY / "user_spend.csv").open()))
    assert [r["spend_day_usd"] for r in rows] == [str(Decimal(MAX_COST) * 20)]
    # an offset of +23:59 is valid: 09:00+23:59 is 09:01 UTC the day before
    assert wh.query("select record_day from raw.events", published=False) == [(dt.date(2026, 3, 1),)]


def test_symbolic_links_are_listed_and_never_followed(extreme_warehouse: Warehouse):
    wh = extreme_warehouse
    ignored = dict(wh.query("select path, reason from raw.ignored_files"))
    assert ignored == {
        f"events/dt={DAY}/zz-passwd.jsonl": "symlink",
        f"events/dt={DAY}/zz-secret.jsonl": "symlink",
        "usage/dt=2026-03-01": "symlink",
        f"claude_code/dt={DAY}/linked": "symlink",
        "billing": "symlink",
    }
    # nothing of /etc/passwd or the linked file reached any table
    assert wh.query("select count(*) from raw.rejected_records") == [(0,)]
    assert wh.query("select count(*) from raw.events where record_key = 'evt_secret'", published=False) == [(0,)]
    assert wh.query("select count(*) from raw.ingested_files where file like '%zz-%'") == [(0,)]


# -- a failed run's work, and exports that move with the warehouse (SPEC §6) ----------------------


@pytest.fixture(scope="module")
def four_days(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    """The first four dump days of raw_fixtures/, and a copy whose second day was delivered again
    with every usage cost changed (what the failed backfill was about)."""
    original = copy_first_days(tmp_path_factory.mktemp("four_days") / "raw", days=4)
    dates = dump_dates(FIXTURES)[:4]
    changed = original.parent / "raw_changed"
    shutil.copytree(original, changed)
    for path in sorted((changed / "usage" / f"dt={dates[1]}").glob("*.jsonl")):
        lines = []
        for line in path.read_text().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                lines.append(line)
                continue
            if isinstance(record, dict) and isinstance(record.get("cost_usd"), str) and record["cost_usd"][:1].isdigit():
                record["cost_usd"] = str(Decimal(record["cost_usd"]) + Decimal("1.234567"))
            lines.append(json.dumps(record))
        path.write_text("\n".join(lines) + "\n")
    return original, changed, dates


@pytest.fixture(scope="module")
def first_three_days(tmp_path_factory, four_days) -> Warehouse:
    """Built from the original first three days, as the nights before the failure left it."""
    original, _, dates = four_days
    three_days = original.parent / "raw_three_days"
    if not three_days.exists():
        for folder in original.glob("*/dt=*"):
            if folder.name.removeprefix("dt=") in dates[:3]:
                shutil.copytree(folder, three_days / folder.parent.name / folder.name)
    wh = shared_build(tmp_path_factory, "three_days", three_days)
    return Warehouse(wh.root, original)


@pytest.fixture(scope="module")
def from_scratch(tmp_path_factory, four_days) -> Warehouse:
    _, changed, dates = four_days
    return shared_build(tmp_path_factory, "scratch", changed)


def spend_csvs_agree_with_published_totals(wh: Warehouse) -> int:
    """SPEC §5/§6: each spend CSV's column sums equal the published spend_totals. Returns files checked."""
    totals = {
        (o, str(d), w): v
        for o, d, w, v in wh.query('select organization_id, as_of_date, "window", spend_usd from marts.spend_totals')
    }
    checked = 0
    for path in sorted((wh.exports / "spend").glob("*/*/user_spend.csv")):
        org, day = path.parent.parent.name, path.parent.name
        rows = list(csv.DictReader(path.open()))
        for window in ("mtd", "qtd", "ytd"):
            assert sum((Decimal(r[f"spend_{window}_usd"]) for r in rows), Decimal(0)) == totals[(org, day, window)], (
                path,
                window,
            )
        checked += 1
    return checked


def orphaned_workers() -> set[int]:
    """Worker processes whose run is gone (re-parented to init)."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    return {int(line.split()[0]) for line in out.splitlines() if line.split()[1] == "1" and "multiprocessing.spawn" in line}


FAILPOINTS = ["ingest", "dbt", "dbt:enospc", "exports", "publish", "publish:enospc", "exports_move"]


def a_failed_backfill_is_finished_by_the_next_nightly_run(tmp_path, four_days, first_three_days, from_scratch, failpoint):
    """The backfill of a re-delivered day fails at `failpoint`; the nightly run of another day must
    leave marts and every export byte-identical to a build from scratch (SPEC §6)."""
    _, changed, dates = four_days
    wh = Warehouse(tmp_path / "wh", changed)
    shutil.copytree(first_three_days.root, wh.root)
    before = exported_files(wh, staged=False)
    orphans = orphaned_workers()
    code = run_in_child(wh, dates[1], dates[1], failpoint=failpoint)
    assert code == (1 if failpoint.endswith(":enospc") else -9)
    if failpoint.endswith(":enospc"):
        # a failed (not killed) run ends with its summary: which step failed, and why
        step = {"dbt": "dbt_models", "publish": "published_warehouse"}[failpoint.split(":")[0]]
        summary = run_log_path(wh, dates[1], dates[1]).read_text().split("== run FAILED", 1)[1]
        assert "published warehouse: unchanged" in summary, summary
        assert "No space left on device" in summary.split(f"\nFAILED {step}: ", 1)[1], summary
    time.sleep(0.5)
    assert orphaned_workers() <= orphans, "the killed run left its quality worker running"
    if failpoint == "exports_move":
        # killed between the publish and the exports' move: the next run's start completes the move
        with environment(wh.env):
            settings = Settings.from_env()
        run_control.acquire(settings, "recovery", "test", wait=False)
        run_control.release(settings)
    else:
        # not published: every export readers see as it was, beside the warehouse as it was
        assert exported_files(wh, staged=False) == before
    assert spend_csvs_agree_with_published_totals(wh) > 0
    # the nightly run of the next day, not the failed range
    assert wh.run(dates[3], dates[3]).success
    assert published_fingerprint(wh) == published_fingerprint(from_scratch)
    assert exported_files(wh) == exported_files(from_scratch)
    assert not (wh.exports / ".analytics-staging").exists()
    assert spend_csvs_agree_with_published_totals(wh) > 0


# Two classes: under `make test` (pytest-xdist, --dist loadscope) each class goes to a worker of its
# own, so that the seven scenarios (about a minute each) run on both; their warehouses are shared
# builds (conftest.shared_build), copied.
class TestFailedBackfillInIngestOrDbt:
    @pytest.mark.parametrize("failpoint", FAILPOINTS[:3])
    def test_a_failed_backfill_is_finished_by_the_next_nightly_run(
        self, tmp_path, four_days, first_three_days, from_scratch, failpoint
    ):
        a_failed_backfill_is_finished_by_the_next_nightly_run(tmp_path, four_days, first_three_days, from_scratch, failpoint)


class TestFailedBackfillInExportsOrPublish:
    @pytest.mark.parametrize("failpoint", FAILPOINTS[3:])
    def test_a_failed_backfill_is_finished_by_the_next_nightly_run(
        self, tmp_path, four_days, first_three_days, from_scratch, failpoint
    ):
        a_failed_backfill_is_finished_by_the_next_nightly_run(tmp_path, four_days, first_three_days, from_scratch, failpoint)


def test_cleanup_removes_only_its_own_temporary_files(tmp_path):
    """SPEC §6: the pipeline deletes only what it created, in the folders it writes."""
    home = tmp_path / "home"
    with environment({"ANALYTICS_WAREHOUSE": str(home / "x.duckdb"), "ANALYTICS_EXPORTS_DIR": str(tmp_path / "exports")}):
        settings = Settings.from_env()
    ours = [
        home / ".analytics-tmp-x.duckdb.abc123.tmp",
        home / ".analytics-tmp-x.duckdb.abc123.tmp.wal",
        tmp_path / "exports" / ".analytics-staging" / "run-never-published" / "files" / "spend" / "a.csv",
    ]
    theirs = [
        home / ".session.tmp",
        home / ".draft.tmp",
        home / "projects" / ".analytics-tmp-x.duckdb.1.tmp",
        home / ".analytics-tmp-other.duckdb.abc.tmp",
        tmp_path / "exports" / "spend" / ".draft.tmp",
        tmp_path / "exports" / "notes" / ".x.csv.abc.tmp",
    ]
    for path in [*ours, *theirs]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    run_control.acquire(settings, "r", "test", wait=False)
    run_control.release(settings)
    assert [p for p in ours if p.exists()] == []
    assert [p for p in theirs if not p.exists()] == []


def test_a_published_runs_staged_exports_are_completed_and_others_discarded(tmp_path):
    from dagster_project.exports import staging

    exports = tmp_path / "exports"
    stage = staging.ExportStage(exports, "run-b", "spend_csv_export")
    stage.write_bytes(exports / "spend" / "org_1" / "2026-03-01" / "user_spend.csv", b"new\n")
    stage.remove(exports / "spend" / "org_2" / "2026-03-01")
    stage.finish()
    staging.seal(exports, "run-b", ["spend_csv_export"])
    (exports / "spend" / "org_2" / "2026-03-01").mkdir(parents=True)
    unsealed = staging.ExportStage(exports, "run-c", "spend_csv_export")
    unsealed.write_bytes(exports / "spend" / "org_3" / "2026-03-01" / "user_spend.csv", b"never\n")
    # run-b's warehouse is the published one: its plan is applied, run-c's staging goes
    done = staging.recover_staged_exports(exports, tmp_path / "missing.duckdb")
    assert all("discarded" in line for line in done) and not (exports / "spend" / "org_1").exists()
    stage = staging.ExportStage(exports, "run-b", "spend_csv_export")
    stage.write_bytes(exports / "spend" / "org_1" / "2026-03-01" / "user_spend.csv", b"new\n")
    stage.remove(exports / "spend" / "org_2" / "2026-03-01")
    stage.finish()
    plan = staging.seal(exports, "run-b", ["spend_csv_export"])
    staging.apply_plan(exports, plan.parent)
    assert (exports / "spend" / "org_1" / "2026-03-01" / "user_spend.csv").read_bytes() == b"new\n"
    assert not (exports / "spend" / "org_2" / "2026-03-01").exists()
    assert not (exports / ".analytics-staging" / "run-b").exists()
    assert not (exports / "spend" / "org_3").exists()
    assert os.listdir(exports) == ["spend"]


def test_an_unknown_run_id_never_names_a_folder(tmp_path):
    from dagster_project.exports import staging

    for bad in ["../x", "a/b", "", ".hidden"]:
        with pytest.raises(ValueError):
            staging.ExportStage(tmp_path, bad, "part")
