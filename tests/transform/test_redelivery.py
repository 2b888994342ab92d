"""A run over a range leaves the warehouse as a build from scratch would (SPEC §2.5): re-delivered
days replace what they carried, removed folders contribute nothing, older versions count again."""

from __future__ import annotations

import json
import shutil

from tests.conftest import Warehouse, dump_dates, exported_files
from tests.reference import GRAINS, Reference
from tests.transform.test_marts_match_reference import assert_mart_matches, mart_rows


def read_text(path) -> list[str]:
    import gzip

    data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    return data.decode("utf-8", errors="replace").splitlines()


def rewrite_without(path, predicate) -> list[dict]:
    """Deliver `path` again without the lines whose record matches; returns the removed records."""
    lines = path.read_text().splitlines()
    kept, removed = [], []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            kept.append(line)
            continue
        (removed if isinstance(record, dict) and predicate(record) else kept).append(line)
    path.write_text("".join(line + "\n" for line in kept))
    return [json.loads(line) for line in removed]


def test_redelivered_day_and_removed_folder_match_a_build_from_scratch(tmp_path, small_raw_copy):
    raw = small_raw_copy
    dates = dump_dates(raw)
    # a record of the first dump delivered again, corrected, four dumps later: the later one wins
    first = next(
        json.loads(line)
        for line in (raw / "events" / f"dt={dates[0]}" / "part-0001.jsonl").read_text().splitlines()
        if '"message.sent"' in line
    )
    corrected = dict(first, properties=dict(first["properties"], message_id="msg_corrected"))
    with open(raw / "events" / f"dt={dates[4]}" / "part-0001.jsonl", "a") as fh:
        fh.write(json.dumps(corrected) + "\n")
    twice = first["event_id"]
    warehouse = Warehouse(tmp_path / "incremental", raw)
    assert warehouse.run(dates[0], dates[-1]).success
    assert warehouse.query("select message_id from staging.stg_events__events where event_id = ?", [twice], published=False) == [
        ("msg_corrected",)
    ]

    # 1. a day delivered again with records missing: a chat.created and a usage record of that day
    day = dates[3]
    target = raw / "events" / f"dt={day}" / "part-0001.jsonl"
    elsewhere = {line for path in (raw / "events").rglob("*.jsonl*") if path != target for line in read_text(path)}
    gone_event = next(
        r["event_id"]
        for r in map(json.loads, target.read_text().splitlines())
        if r.get("event_type") == "chat.created" and not any(r["event_id"] in line for line in elsewhere)
    )
    rewrite_without(target, lambda r: r.get("event_id") == gone_event)
    gone_usage = rewrite_without(raw / "usage" / f"dt={day}" / "part-0001.jsonl", lambda r: True)[0]["usage_id"]
    # 2. the later delivery of that key is withdrawn: the older version counts again
    rewrite_without(raw / "events" / f"dt={dates[4]}" / "part-0001.jsonl", lambda r: r.get("event_id") == twice)
    # 3. a whole dump folder removed (the last day of Claude Code)
    shutil.rmtree(raw / "claude_code" / f"dt={dates[-1]}")

    assert warehouse.run(dates[3], dates[-1]).success
    staged = {e for (e,) in warehouse.query("select event_id from staging.stg_events__events", published=False)}
    assert gone_event not in staged
    assert warehouse.query(
        "select count(*) from staging.stg_usage__records where usage_id = ?", [gone_usage], published=False
    ) == [(0,)]
    assert warehouse.query("select message_id from staging.stg_events__events where event_id = ?", [twice], published=False) == [
        (first["properties"]["message_id"],)
    ]

    # every mart, daily and as-of, equals the reference of the dump directory as it is now
    reference = Reference(raw)
    for mart in GRAINS:
        assert_mart_matches(mart, mart_rows(warehouse, mart), getattr(reference, mart)())
    # and so does a build from scratch, exports included
    scratch = Warehouse(tmp_path / "scratch", raw)
    assert scratch.run(dates[0], dates[-1]).success
    assert exported_files(warehouse) == exported_files(scratch)


def test_removed_last_folder_leaves_no_rows_or_files_of_its_date(first_days_built: Warehouse):
    warehouse = first_days_built  # dates[0] .. dates[-1] built by the whole job
    raw = warehouse.raw_dir
    dates = dump_dates(raw)
    assert (warehouse.exports / "snapshots" / dates[-1]).exists()
    for source in ["events", "usage", "claude_code", "snapshots"]:
        shutil.rmtree(raw / source / f"dt={dates[-1]}", ignore_errors=True)

    assert warehouse.run(dates[-1]).success
    for mart, column in [("activity_daily", "date"), ("spend_totals", "as_of_date"), ("user_spend", "as_of_date")]:
        assert warehouse.query(f"select count(*) from marts.{mart} where {column} = ?", [dates[-1]]) == [(0,)]
    assert not (warehouse.exports / "snapshots" / dates[-1]).exists()
    assert not list((warehouse.exports / "spend").glob(f"*/{dates[-1]}"))
    reference = Reference(raw)
    for mart in GRAINS:
        assert_mart_matches(mart, mart_rows(warehouse, mart), getattr(reference, mart)())
