"""What readers see equals a build from scratch, whatever order operators do things in (SPEC §2.5, §6):
a lost or damaged working file, dump dates built later ones first, file names that look like
patterns, lines of any length anywhere, files that decompress to too much, a killed run's spill.

The six first fixture days built from scratch (`first_days_built`) are the expected state of every
test here that ends with that dump directory."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from dagster import AssetKey

from dagster_project.cli import failure_messages
from tests.conftest import (
    Warehouse,
    dump_dates,
    exported_files,
    published_fingerprint,
    run_in_child,
    run_log_path,
)

pytestmark = pytest.mark.job
EVENTS = [AssetKey(["raw", "events"])]
SOURCES = ("events", "usage", "claude_code", "snapshots")


def event(event_id: str, day: str) -> str:
    return json.dumps(
        {
            "event_id": event_id,
            "event_type": "project.created",
            "occurred_at": f"{day}T10:00:00Z",
            "organization_id": "org_0001",
            "user_id": "user_0001_00001",
            "properties": {"project_id": f"proj_{event_id}"},
        }
    )


def test_a_deleted_working_file_is_rebuilt_from_every_dump_never_published_smaller(first_days_built: Warehouse):
    warehouse = first_days_built
    dates = dump_dates(warehouse.raw_dir)
    before, files = published_fingerprint(warehouse), exported_files(warehouse, staged=False)
    warehouse.work.unlink()

    assert run_in_child(warehouse, dates[-1], dates[-1]) == 0
    assert published_fingerprint(warehouse) == before
    assert exported_files(warehouse, staged=False) == files
    summary = run_log_path(warehouse, dates[-1], dates[-1]).read_text()
    assert f"full build: the working warehouse {warehouse.work} did not exist" in summary
    assert f"({dates[0]} .. {dates[-1]}, {len(dates)} dump dates)" in summary


def test_an_unreadable_working_file_is_set_aside_and_rebuilt(first_days_built: Warehouse):
    warehouse = first_days_built
    dates = dump_dates(warehouse.raw_dir)
    before = published_fingerprint(warehouse)
    size = warehouse.work.stat().st_size
    with open(warehouse.work, "r+b") as fh:
        fh.truncate(size // 2)

    assert warehouse.run(dates[2]).success
    assert published_fingerprint(warehouse) == before
    aside = list(warehouse.work.parent.glob(f"{warehouse.work.name}.unreadable-*"))
    assert len(aside) == 1 and aside[0].stat().st_size == size // 2  # kept, not deleted


def test_earlier_dump_dates_built_after_later_ones_equal_a_build_from_scratch(first_days_built: Warehouse, tmp_path):
    # the second day holds a record dated a year before the first dump: it feeds the 1y windows of
    # every later as-of date, also when its dump date is built after theirs
    raw = first_days_built.raw_dir
    dates = dump_dates(raw)
    later, held = tmp_path / "later-first", tmp_path / "held-back"
    shutil.copytree(raw, later)
    for source in SOURCES:
        for day in dates[:3]:
            if (later / source / f"dt={day}").is_dir():
                shutil.move(later / source / f"dt={day}", held / source / f"dt={day}")
    warehouse = Warehouse(tmp_path / "wh", later)
    assert warehouse.run(dates[3], dates[-1]).success
    for source in SOURCES:
        for day in dates[:3]:
            if (held / source / f"dt={day}").is_dir():
                shutil.move(held / source / f"dt={day}", later / source / f"dt={day}")
    assert warehouse.run(dates[1], dates[2]).success
    assert warehouse.run(dates[0]).success

    assert published_fingerprint(warehouse) == published_fingerprint(first_days_built)
    assert exported_files(warehouse, staged=False) == exported_files(first_days_built, staged=False)


def test_file_names_are_never_patterns(tmp_path, small_raw_copy):
    day = dump_dates(small_raw_copy)[1]
    folder = small_raw_copy / "events" / f"dt={day}"
    for name, event_id in [("*.jsonl", "evt_star"), ("[ab].jsonl", "evt_brackets"), ("a.jsonl", "evt_a"), ("?.jsonl", "evt_q")]:
        (folder / name).write_text(event(event_id, day) + "\n")
    warehouse = Warehouse(tmp_path / "wh", small_raw_copy)
    assert warehouse.run(day, selection=EVENTS).success

    rows = warehouse.query(
        "select file, json_extract_string(record, '$.event_id') from raw.events where file not like '%/part-%' order by all",
        published=False,
    )
    base = f"events/dt={day}/"
    assert rows == [
        (base + "*.jsonl", "evt_star"),
        (base + "?.jsonl", "evt_q"),
        (base + "[ab].jsonl", "evt_brackets"),
        (base + "a.jsonl", "evt_a"),
    ]


def test_a_line_over_16_mib_is_line_too_long_wherever_it_is(tmp_path, small_raw_copy):
    day = dump_dates(small_raw_copy)[1]
    folder = small_raw_copy / "events" / f"dt={day}"
    huge = b'{"event_id": "evt_huge", "pad": "' + b"x" * (17 * 2**20) + b'"}'
    # after a good line, with good lines after it; first in a file without a final newline; in a gzip
    middle = [event("evt_m1", day).encode(), huge, event("evt_m2", day).encode()]
    (folder / "x-middle.jsonl").write_bytes(b"\n".join(middle) + b"\n")
    (folder / "x-first.jsonl").write_bytes(huge)
    with gzip.open(folder / "x-zipped.jsonl.gz", "wb") as fh:
        fh.write(huge + b"\n" + event("evt_z1", day).encode() + b"\n")
    warehouse = Warehouse(tmp_path / "wh", small_raw_copy)
    assert warehouse.run(day, selection=EVENTS).success

    rejected = warehouse.query(
        "select file, line_number, reason_code, length(raw_line) from raw.rejected_records where file like '%/x-%' order by all",
        published=False,
    )
    base = f"events/dt={day}/"
    assert rejected == [
        (base + "x-first.jsonl", 1, "line_too_long", 4096),
        (base + "x-middle.jsonl", 2, "line_too_long", 4096),
        (base + "x-zipped.jsonl.gz", 1, "line_too_long", 4096),
    ]
    accepted = warehouse.query(
        "select json_extract_string(record, '$.event_id'), line_number from raw.events where file like '%/x-%' order by all",
        published=False,
    )
    assert accepted == [("evt_m1", 1), ("evt_m2", 3), ("evt_z1", 2)]


def test_reading_is_bounded_with_a_reason_and_a_killed_runs_spill_is_removed(tmp_path, small_raw_copy):
    dates = dump_dates(small_raw_copy)
    warehouse = Warehouse(tmp_path / "wh", small_raw_copy, extra_env={"ANALYTICS_MAX_BAD_LINES": "1000"})
    assert warehouse.run(dates[0], selection=EVENTS).success
    # what a killed run leaves: DuckDB's spill of the working file and an ingest scratch folder
    spill = warehouse.work.with_name(warehouse.work.name + ".tmp")
    spill.mkdir()
    (spill / "duckdb_temp_storage_S32K-0.tmp").write_bytes(b"\0" * 4096)
    scratch = warehouse.work.parent / ".analytics-tmp-ingest-killed"
    scratch.mkdir()
    (scratch / f"{dates[0]}-0.jsonl").write_text("{}\n")
    other = warehouse.work.parent / "someone-elses.tmp"  # not ours: kept
    other.write_text("keep")

    day_rows = "select count(*), sum(hash(record)) from raw.events where dump_date = ?"
    before = warehouse.query(day_rows, [dates[1]], published=False)
    # a few KB of gzip that is two million blank lines: refused, named, the day as it was
    bomb = small_raw_copy / "events" / f"dt={dates[1]}" / "part-0009.jsonl.gz"
    with gzip.open(bomb, "wb") as fh:
        fh.write(b"\n" * 2_000_000)
    result = warehouse.run(dates[1], selection=EVENTS)
    assert not result.success
    message = " ".join(failure_messages(result))
    assert f"events/dt={dates[1]}/part-0009.jsonl.gz" in message
    assert "more than 1,000 of its lines are not JSON objects" in message
    assert "every run, whatever its dates, fails here until the file is delivered again whole or removed" in message
    assert warehouse.query(day_rows, [dates[1]], published=False) == before
    assert not list(spill.iterdir()) and not scratch.exists() and other.read_text() == "keep"

    bomb.unlink()  # removed: the owed day loads, and the next run goes on
    assert warehouse.run(dates[2], selection=EVENTS).success
    assert warehouse.query(day_rows, [dates[1]], published=False) == before


def test_a_file_that_decompresses_past_the_limit_is_refused_with_its_reason(tmp_path, small_raw_copy):
    day = dump_dates(small_raw_copy)[0]
    big = small_raw_copy / "events" / f"dt={day}" / "part-0009.jsonl.gz"
    with gzip.open(big, "wb") as fh:
        for n in range(3000):
            fh.write((event(f"evt_big_{n}", day) + "\n").encode())
    warehouse = Warehouse(tmp_path / "wh", small_raw_copy, extra_env={"ANALYTICS_MAX_FILE_BYTES": "100000"})
    result = warehouse.run(day, selection=EVENTS)
    assert not result.success
    assert "more than 100,000 bytes once decompressed (ANALYTICS_MAX_FILE_BYTES)" in " ".join(failure_messages(result))


def test_a_failed_exports_move_after_the_publish_is_reported_as_published(first_days_built: Warehouse):
    warehouse = first_days_built
    dates = dump_dates(warehouse.raw_dir)
    with open(warehouse.raw_dir / "events" / f"dt={dates[-1]}" / "part-0001.jsonl", "a") as fh:
        fh.write(event("evt_moved_later", dates[-1]) + "\n")
    published_run = warehouse.query("select run_id from meta.publication")
    warehouse.extra_env["ANALYTICS_FAILPOINT"] = "exports_move:enospc"
    assert run_in_child(warehouse, dates[-1], dates[-1]) == 1
    summary = run_log_path(warehouse, dates[-1], dates[-1]).read_text()
    assert "== run FAILED" in summary and "No space left on device" in summary
    assert f"published warehouse: {warehouse.published}" in summary
    assert "exports: staged, not all in place" in summary and "nothing was published" not in summary
    assert warehouse.query("select run_id from meta.publication") != published_run  # the new state is published

    # the exports' folder cannot be written: the next run says so in one line, and loses nothing
    del warehouse.extra_env["ANALYTICS_FAILPOINT"]
    spend = warehouse.exports / "spend"
    spend.chmod(0o500)
    try:
        if not _writable_despite_mode(spend):
            assert run_in_child(warehouse, dates[-2], dates[-2]) == 1
            log = run_log_path(warehouse, dates[-2], dates[-2]).read_text()
            assert "error: before this run could start, finishing what an earlier run left failed" in log
            assert "Traceback" not in log
    finally:
        spend.chmod(0o755)
    assert run_in_child(warehouse, dates[-2], dates[-2]) == 0
    assert not (warehouse.exports / ".analytics-staging").exists()


def _writable_despite_mode(folder: Path) -> bool:
    """root ignores a folder's mode: then the unwritable folder cannot be staged here."""
    probe = folder / ".probe"
    try:
        probe.write_text("")
    except OSError:
        return False
    probe.unlink()
    return True
