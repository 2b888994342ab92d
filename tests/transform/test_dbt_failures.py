"""dbt in the run's process (transform/dbt_in_process.py): a failed dbt test fails the run with
its name, nothing is published, and dbt leaves the working warehouse closed behind it."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.cli import failure_messages
from tests.conftest import FIXTURES, dump_dates, published_fingerprint, shared_build

pytestmark = pytest.mark.job


def test_a_failed_dbt_test_fails_the_run_names_the_test_and_publishes_nothing(tmp_path_factory):
    wh = shared_build(tmp_path_factory, "fixtures_wh", FIXTURES)  # a copy of its own
    last = dump_dates(FIXTURES)[-1]
    # a second row for one organisation and day, on a date the nightly run does not rebuild: the
    # mart's grain test must catch it
    with duckdb.connect(str(wh.work)) as conn:
        conn.execute(
            "insert into marts.activity_daily select * from marts.activity_daily "
            "where date = (select min(date) from marts.activity_daily) limit 1"
        )
    published = published_fingerprint(wh)

    result = wh.run(last)

    assert not result.success
    messages = failure_messages(result)
    assert any(m.startswith("dbt_models:") and "unique_grain_activity_daily" in m for m in messages), messages
    failed_checks = [
        e.asset_check_evaluation_data.check_name
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
    ]
    assert any(name.startswith("unique_grain_activity_daily") for name in failed_checks), failed_checks
    # the models dbt built before the failure are recorded; nothing after dbt ran
    steps = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
    assert "published_warehouse" not in steps
    assert published_fingerprint(wh) == published
    # dbt closed the file: another connection, with other settings, opens it for writing
    with duckdb.connect(str(wh.work), config={"threads": 1}) as conn:
        assert conn.execute("select count(*) from control.dump_window").fetchone()[0] >= 1
