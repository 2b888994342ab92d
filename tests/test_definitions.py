"""The Dagster definitions: assets, checks, schedule and sensor, and the dbt command they run."""

import datetime as dt

import pytest
from dagster import AssetKey, DagsterInstance, build_schedule_context, build_sensor_context

from dagster_project.definitions import defs as load_definitions
from dagster_project.partitions import run_dump_window
from dagster_project.transform import dbt_build_args
from tests.conftest import FIXTURES, environment

defs = load_definitions()


def test_definitions_load_every_layer():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    for key in [
        "raw/events",
        "raw/usage",
        "raw/claude_code",
        "raw/organizations",
        "raw/members",
        "raw/invites",
        "staging/stg_events__events",
        "facts/fct_user_activity_daily",
        "marts/activity_daily",
        "marts/user_spend",
        "spend_csv_export",
        "mart_parquet_snapshots",
        "published_warehouse",
    ]:
        assert key in keys, key
    checks = {(c.asset_key.to_user_string(), c.name) for c in defs.resolve_asset_graph().asset_check_keys}
    assert ("raw/events", "expectations") in checks and ("raw/usage", "rejection_rate") in checks
    assert any(key == "marts/user_spend" for key, _ in checks), "dbt tests should be asset checks"
    assert defs.resolve_schedule_def("nightly_warehouse_schedule")
    assert defs.resolve_sensor_def("new_dump_sensor")


def test_lineage_runs_from_raw_to_exports():
    graph = defs.resolve_asset_graph()
    upstream = graph.get(AssetKey(["staging", "stg_events__events"])).parent_keys
    assert AssetKey(["raw", "events"]) in upstream
    assert AssetKey(["marts", "user_spend"]) in graph.get(AssetKey("spend_csv_export")).parent_keys


def test_schedule_materializes_the_previous_day_at_2am_utc():
    schedule = defs.resolve_schedule_def("nightly_warehouse_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    context = build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC), repository_def=defs.get_repository_def()
    )
    requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2026-04-14"]


def sensor_tick(raw, cursor=None, warehouse=None):
    """One tick of the sensor of Definitions built for `raw` (and a published `warehouse`)."""
    from dagster_project.definitions import build_definitions
    from dagster_project.settings import Settings

    env = {"ANALYTICS_RAW_DIR": str(raw), "ANALYTICS_WAREHOUSE": str(warehouse or raw.parent / "none.duckdb")}
    with environment(env):
        definitions = build_definitions(Settings.from_env())
    with DagsterInstance.ephemeral() as instance:
        return definitions.resolve_sensor_def("new_dump_sensor").evaluate_tick(
            build_sensor_context(
                instance=instance,
                cursor=cursor,
                definitions=definitions,
                resources={"analytics": definitions.resources["analytics"]},
            )
        )


def test_sensor_after_a_full_build_requests_only_new_or_changed_folders(fixture_warehouse, tmp_path):
    """`make run`, then `make dev`: no run for dates already built (SPEC §6 operations)."""
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw)
    first = sensor_tick(raw, warehouse=fixture_warehouse.published)
    assert first.run_requests == []
    (raw / "usage" / "dt=2026-04-15").mkdir(parents=True)
    (raw / "usage" / "dt=2026-04-15" / "part-0001.jsonl").write_text("")
    (raw / "events" / "dt=2026-04-14" / "part-0099.jsonl").write_text("")  # a late file for a built day
    second = sensor_tick(raw, first.cursor, fixture_warehouse.published)
    assert sorted(r.partition_key for r in second.run_requests) == ["2026-04-14", "2026-04-15"]
    third = sensor_tick(raw, second.cursor, fixture_warehouse.published)
    assert third.run_requests == []


def test_sensor_first_tick_notices_a_day_delivered_again_under_the_same_names(fixture_warehouse, tmp_path):
    """The published warehouse holds every file name of the day, but one file was replaced after it
    was read: its content may differ, so the day is requested."""
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw)  # modification times kept: older than the build's reading
    redelivered = raw / "usage" / "dt=2026-03-03" / "part-0001.jsonl"
    redelivered.write_text(redelivered.read_text())  # the same name, written again now
    first = sensor_tick(raw, warehouse=fixture_warehouse.published)
    assert [r.partition_key for r in first.run_requests] == ["2026-03-03"]


def test_sensor_requests_new_dump_folders_once(tmp_path):
    raw = tmp_path / "raw"
    (raw / "events" / "dt=2026-04-01").mkdir(parents=True)
    (raw / "usage" / "dt=2026-04-02").mkdir(parents=True)
    first = sensor_tick(raw)
    assert sorted(r.partition_key for r in first.run_requests) == ["2026-04-01", "2026-04-02"]
    again = sensor_tick(raw, first.cursor)
    assert again.run_requests == []
    (raw / "claude_code" / "dt=2026-04-03").mkdir(parents=True)
    third = sensor_tick(raw, first.cursor)
    assert [r.partition_key for r in third.run_requests] == ["2026-04-03"]


def test_dbt_command_is_the_same_every_night_and_the_window_comes_from_the_run():
    # the same words each night keep dbt's partial parsing; the dump dates travel in a table
    assert dbt_build_args() == ["build", "--exclude", "test_type:unit"]
    assert dbt_build_args(full_refresh=True) == ["build", "--full-refresh", "--exclude", "test_type:unit"]
    assert run_dump_window(
        {"dagster/asset_partition_range_start": "2026-03-01", "dagster/asset_partition_range_end": "2026-03-31"}
    ) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert run_dump_window({"dagster/partition": "2026-04-14"}) == (dt.date(2026, 4, 14), dt.date(2026, 4, 14))
    assert run_dump_window({}) == (None, None)


def test_dump_window_table_tells_dbt_the_runs_dates_and_every_window_still_owed():
    import duckdb

    from dagster_project.core import pending_work
    from dagster_project.transform import set_dump_window

    with duckdb.connect() as conn:
        pending_work.record_run(conn, "run-a", dt.date(2026, 3, 1), dt.date(2026, 3, 2), ["usage"])
        set_dump_window(conn)
        assert conn.execute("select * from control.dump_window").fetchall() == [(dt.date(2026, 3, 1), dt.date(2026, 3, 2))]
        # run-a failed; run-b's nightly window is built together with what run-a still owes
        pending_work.record_run(conn, "run-b", dt.date(2026, 4, 14), dt.date(2026, 4, 14), ["usage"])
        set_dump_window(conn)
        assert conn.execute("select * from control.dump_window order by 1").fetchall() == [
            (dt.date(2026, 3, 1), dt.date(2026, 3, 2)),
            (dt.date(2026, 4, 14), dt.date(2026, 4, 14)),
        ]
        assert pending_work.owed_ingest_days(conn, "usage") == [dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 4, 14)]
        pending_work.settle(conn)  # published and exported: nothing owed
        pending_work.record_run(conn, "run-c", None, None, [])  # every dump is new
        set_dump_window(conn)
        assert conn.execute("select count(*) from control.dump_window").fetchall() == [(0,)]


def test_a_nightly_run_records_each_model_once_not_once_per_dump_date():
    graph = defs.resolve_asset_graph()
    assert graph.get(AssetKey(["raw", "events"])).partitions_def is not None
    for key in [AssetKey(["marts", "activity_daily"]), AssetKey("spend_csv_export"), AssetKey("published_warehouse")]:
        assert graph.get(key).partitions_def is None


def test_fixtures_are_small():
    size = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file())
    assert size < 5 * 1024 * 1024


def test_schedule_and_sensor_run_by_default():
    from dagster import DefaultScheduleStatus, DefaultSensorStatus

    assert defs.resolve_schedule_def("nightly_warehouse_schedule").default_status == DefaultScheduleStatus.RUNNING
    assert defs.resolve_sensor_def("new_dump_sensor").default_status == DefaultSensorStatus.RUNNING


def test_shipped_instance_queues_runs_one_at_a_time_without_telemetry(tmp_path):
    import shutil

    from dagster._core.run_coordinator import QueuedRunCoordinator

    from dagster_project.settings import PROJECT_ROOT

    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1
        assert instance.telemetry_enabled is False


def test_reconciliation_tests_are_checks_of_the_marts_they_reconcile():
    checks = {(c.asset_key.to_user_string(), c.name) for c in defs.resolve_asset_graph().asset_check_keys}
    assert ("marts/user_spend", "assert_user_spend_sums_to_spend_totals") in checks
    assert ("marts/spend_daily", "assert_spend_daily_sums_to_spend_totals") in checks
    assert ("marts/spend_by_model", "assert_spend_by_model_sums_to_window_total") in checks


def test_sensor_does_not_request_folders_dated_in_the_future(tmp_path):
    raw = tmp_path / "raw"
    (raw / "events" / "dt=2026-04-01").mkdir(parents=True)
    (raw / "events" / "dt=2999-04-01").mkdir(parents=True)
    (raw / "events" / "dt=2026-99-01").mkdir(parents=True)
    tick = sensor_tick(raw)
    assert [r.partition_key for r in tick.run_requests] == ["2026-04-01"]


def test_a_bad_day_is_not_hidden_by_a_long_backfill():
    """SPEC §2.5 visibility: the rejection rate is judged per dump day, not over the whole run."""
    from dagster_project.core.sources import DayLoad
    from dagster_project.quality.checks import rejection_rate_result

    bad = DayLoad(
        "events", dt.date(2026, 3, 1), lines={"events": 100}, accepted={"events": 85}, rejected={"events": {"wrong_type": 15}}
    )
    good = [
        DayLoad("events", dt.date(2026, 3, d), lines={"events": 10_000}, accepted={"events": 10_000}, rejected={"events": {}})
        for d in range(2, 31)
    ]
    result = rejection_rate_result(AssetKey(["raw", "events"]), "events", [bad, *good], threshold=0.01)
    assert result.metadata["rejection_rate"].value < 0.001  # over the run the share looks harmless
    assert not result.passed
    assert "2026-03-01" in result.description and "15.00%" in result.description


@pytest.mark.job  # runs the real job twice
def test_two_definitions_with_different_settings_run_in_one_process(tmp_path):
    """Configuration at the edge: each Definitions runs against its own folders, whatever the
    environment says (nothing reads it after build_definitions)."""
    import shutil

    from dagster_project.cli import execute_range
    from dagster_project.definitions import build_definitions
    from dagster_project.settings import Settings

    first_day = min(day for day in (p.name[3:] for p in (FIXTURES / "snapshots").glob("dt=*")))
    built = []
    for name in ("a", "b"):
        raw = tmp_path / name / "raw"
        for source in ("events", "usage", "claude_code", "snapshots"):
            if (FIXTURES / source / f"dt={first_day}").is_dir():
                shutil.copytree(FIXTURES / source / f"dt={first_day}", raw / source / f"dt={first_day}")
        with environment(
            {
                "ANALYTICS_RAW_DIR": str(raw),
                "ANALYTICS_WAREHOUSE": str(tmp_path / name / "wh.duckdb"),
                "ANALYTICS_EXPORTS_DIR": str(tmp_path / name / "exports"),
                "ANALYTICS_WORK_WAREHOUSE": str(tmp_path / name / "work.duckdb"),
            }
        ):
            built.append(build_definitions(Settings.from_env()))
    decoy = tmp_path / "decoy"
    with environment(
        {
            "ANALYTICS_RAW_DIR": str(decoy),
            "ANALYTICS_WAREHOUSE": str(decoy / "x.duckdb"),
            "ANALYTICS_EXPORTS_DIR": str(decoy),
            "ANALYTICS_WORK_WAREHOUSE": str(decoy / "w.duckdb"),
        }
    ):
        day = dt.date.fromisoformat(first_day)
        for definitions in built:
            with DagsterInstance.ephemeral() as instance:
                assert execute_range(definitions, instance, day, day, log_level="WARNING").success
    for name in ("a", "b"):
        assert (tmp_path / name / "wh.duckdb").exists() and (tmp_path / name / "work.duckdb").exists()
        assert any((tmp_path / name / "exports" / "spend").glob("*/*/user_spend.csv"))
    assert not decoy.exists()
