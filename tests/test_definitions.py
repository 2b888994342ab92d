"""The Dagster definitions: assets, checks, schedule and sensor, and the dbt command they run."""

import datetime as dt

from dagster import AssetKey, DagsterInstance, build_schedule_context, build_sensor_context

from dagster_project.definitions import defs
from dagster_project.transform import dbt_build_args
from tests.conftest import FIXTURES, environment


def test_definitions_load_every_layer():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    for key in ["raw/events", "raw/usage", "raw/claude_code", "raw/organizations", "raw/members", "raw/invites",
                "staging/stg_events__events", "facts/fct_user_activity_daily", "marts/activity_daily",
                "marts/user_spend", "spend_csv_export", "mart_parquet_snapshots", "published_warehouse"]:
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
        scheduled_execution_time=dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC),
        repository_def=defs.get_repository_def())
    requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2026-04-14"]


def test_sensor_requests_new_dump_folders_once(tmp_path):
    sensor = defs.resolve_sensor_def("new_dump_sensor")
    raw = tmp_path / "raw"
    (raw / "events" / "dt=2026-04-01").mkdir(parents=True)
    (raw / "usage" / "dt=2026-04-02").mkdir(parents=True)
    with environment({"ANALYTICS_RAW_DIR": str(raw)}), DagsterInstance.ephemeral() as instance:
        first = sensor.evaluate_tick(build_sensor_context(instance=instance, definitions=defs))
        assert sorted(r.partition_key for r in first.run_requests) == ["2026-04-01", "2026-04-02"]
        again = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=first.cursor, definitions=defs))
        assert again.run_requests == []
        (raw / "claude_code" / "dt=2026-04-03").mkdir(parents=True)
        third = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=first.cursor, definitions=defs))
        assert [r.partition_key for r in third.run_requests] == ["2026-04-03"]


def test_dbt_args_pass_the_partition_window():
    assert dbt_build_args("2026-03-01", "2026-03-31") == [
        "build", "--vars", '{"dump_start": "2026-03-01", "dump_end": "2026-03-31"}', "--exclude", "test_type:unit"]
    assert dbt_build_args("2026-03-01", "2026-03-31", full_refresh=True) == [
        "build", "--full-refresh", "--exclude", "test_type:unit"]


def test_fixtures_are_small():
    size = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file())
    assert size < 5 * 1024 * 1024
