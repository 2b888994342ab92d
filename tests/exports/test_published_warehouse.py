"""Analysts read the published warehouse while a run builds the next state (SPEC §6)."""

import threading
import time

import duckdb

from tests.conftest import Warehouse, dump_dates


def test_reader_keeps_previous_state_during_a_run_and_new_reader_sees_new(tmp_path, small_raw_copy):
    warehouse = Warehouse(tmp_path / "wh", small_raw_copy)
    dates = dump_dates(small_raw_copy)
    assert warehouse.run(dates[0], dates[-2]).success
    before = warehouse.query("select max(date), count(*) from marts.activity_daily")

    reader = duckdb.connect(str(warehouse.published), read_only=True)
    answers, errors = [], []
    done = threading.Event()

    def keep_querying():
        while not done.is_set():
            try:
                answers.append(reader.execute("select max(date), count(*) from marts.activity_daily").fetchall())
            except Exception as exc:  # noqa: BLE001 - any failure of the reader fails the test
                errors.append(exc)
            time.sleep(0.05)

    thread = threading.Thread(target=keep_querying)
    thread.start()
    try:
        result = warehouse.run(dates[-1])
    finally:
        done.set()
        thread.join()
    assert result.success
    assert not errors
    assert len(answers) > 10 and all(a == before for a in answers)
    # the old connection still answers, with the state it opened
    assert reader.execute("select max(date), count(*) from marts.activity_daily").fetchall() == before
    reader.close()

    after = warehouse.query("select max(date), count(*) from marts.activity_daily")
    assert str(after[0][0]) == dates[-1] and after != before
