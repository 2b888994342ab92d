"""The Great Expectations suites judge per-day counts of broken rows that DuckDB computes."""

from __future__ import annotations

import datetime as dt

import duckdb

from dagster_project.core.sources import SOURCES, USAGE
from dagster_project.ingest.loader import load_day
from dagster_project.quality import worker
from dagster_project.quality.summaries import summary_sql


def test_a_clean_day_passes_and_a_broken_row_is_named_with_its_day(tmp_path):
    raw = tmp_path / "raw"
    folder = raw / "usage" / "dt=2026-03-01"
    folder.mkdir(parents=True)
    good = (
        '{"usage_id": "u%d", "occurred_at": "2026-03-01T10:00:00Z", "organization_id": "org_1", "user_id": "a", '
        '"product": "claude_ai", "model": "m", "input_tokens": 1, "output_tokens": 2, '
        '"cache_read_input_tokens": 0, "cache_creation_input_tokens": 0, "cost_usd": "0.5"}'
    )
    (folder / "part-0001.jsonl").write_text("\n".join(good % i for i in range(3)) + "\n")
    with duckdb.connect() as conn:
        load_day(conn, raw, SOURCES["usage"], dt.date(2026, 3, 1), sorted(folder.iterdir()))
        day = [dt.date(2026, 3, 1)]
        clean = [
            dict(zip([d[0] for d in c.description], row, strict=True))
            for c in [conn.execute(summary_sql(USAGE, 1), day)]
            for row in c.fetchall()
        ]
        assert clean[0]["rows"] == 3 and worker.validate("usage", clean) == []
        # a loader regression lets a row in with a negative cost and an unknown product
        conn.execute("""update raw.usage set record = json_merge_patch(record, '{"cost_usd": "-1", "product": "x"}')
                        where record_key = 'u1'""")
        broken = [
            dict(zip([d[0] for d in c.description], row, strict=True))
            for c in [conn.execute(summary_sql(USAGE, 1), day)]
            for row in c.fetchall()
        ]
    failures = worker.validate("usage", broken)
    assert len(failures) == 2
    assert any("cost_usd__negative" in f and "2026-03-01" in f for f in failures)
    assert any("product__not_allowed" in f for f in failures)
