"""The one Definitions entry point: assets, checks, resources, schedule and sensor."""

from dagster import Definitions, in_process_executor

from .automation import new_dump_sensor, nightly_schedule
from .exports.assets import export_assets
from .ingest.assets import ingest_assets, ingest_log
from .resources import build_resources
from .settings import Settings
from .jobs import warehouse_job
from .transform import dbt_models

settings = Settings.from_env()

defs = Definitions(
    assets=[*ingest_assets, ingest_log, dbt_models, *export_assets],
    schedules=[nightly_schedule],
    sensors=[new_dump_sensor],
    jobs=[warehouse_job],
    resources=build_resources(settings),
    # DuckDB allows one writer: every step of a run shares one process, one at a time
    executor=in_process_executor,
)
