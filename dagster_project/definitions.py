"""The one Definitions entry point: assets, checks, resources, schedule and sensors. Importing this
module runs nothing: Dagster's tools call `defs` when they load the code location."""

import os

from dagster import Definitions, definitions, in_process_executor

from .automation import new_dump_sensor, nightly_schedule
from .exports.assets import export_assets
from .ingest.assets import ignored_files, ingest_assets, ingest_log
from .jobs import warehouse_job
from .operations import notifications_sensor, run_sweeper
from .resources import build_resources
from .settings import Settings
from .transform import build_dbt_assets, ensure_manifest


def build_definitions(settings: Settings, dbt_target: str = "") -> Definitions:
    """Everything Dagster runs, configured by `settings` alone (resolved by the caller)."""
    return Definitions(
        assets=[*ingest_assets, ingest_log, ignored_files, build_dbt_assets(ensure_manifest()), *export_assets],
        jobs=[warehouse_job],
        schedules=[nightly_schedule],
        sensors=[new_dump_sensor, run_sweeper, notifications_sensor],
        resources=build_resources(settings, dbt_target),
        # DuckDB allows one writer: every step of a run shares one process, one at a time
        executor=in_process_executor,
    )


@definitions
def defs() -> Definitions:
    """The code location Dagster loads: configuration is read here, once, from the environment."""
    return build_definitions(Settings.from_env(), os.environ.get("ANALYTICS_DBT_TARGET", ""))
