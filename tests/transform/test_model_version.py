"""A warehouse built by another version of the dbt models is rebuilt whole by the next run: a new
column does not stop the night, and partitions the old models computed do not keep their logic."""

from __future__ import annotations

import duckdb

from tests.conftest import dump_dates, published_fingerprint, run_in_child, run_log_path


def test_models_that_changed_rebuild_the_warehouse_whole(first_days_built):
    warehouse = first_days_built
    last = dump_dates(warehouse.raw_dir)[-1]
    truth = published_fingerprint(warehouse)
    # as an older version of the models left it: a staging table without a column the models now
    # have, an old partition with a value the models now compute otherwise, another fingerprint
    with duckdb.connect(str(warehouse.work)) as conn:
        conn.execute("alter table staging.stg_events__events drop column plugin_name")
        conn.execute("update marts.activity_daily set dau = dau + 100 where date = (select min(date) from marts.activity_daily)")
        conn.execute("update control.models_version set fingerprint = 'an older version'")

    assert run_in_child(warehouse, last, last) == 0
    log = run_log_path(warehouse, last, last).read_text()
    assert "full build: the dbt models changed since this warehouse was last built" in log, log[-3000:]
    assert published_fingerprint(warehouse) == truth  # as a build from scratch: the old day corrected
    with duckdb.connect(str(warehouse.work), read_only=True) as conn:
        columns = [row[0] for row in conn.execute("describe staging.stg_events__events").fetchall()]
        assert "plugin_name" in columns

    # the same models again: an incremental night, no full build (the log file is appended to)
    assert run_in_child(warehouse, last, last) == 0
    assert run_log_path(warehouse, last, last).read_text().count("full build:") == log.count("full build:")
