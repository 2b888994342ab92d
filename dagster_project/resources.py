"""Resources: the working DuckDB warehouse and the dbt CLI, configured from settings."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from .settings import DBT_PROJECT_DIR, Settings


def build_resources(settings: Settings) -> dict:
    settings.export_dbt_env()
    return {
        "duckdb": DuckDBResource(
            database=str(settings.work_warehouse),
            connection_config={"memory_limit": settings.memory_limit, "threads": settings.threads},
        ),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            # the dbt installed beside this interpreter, whatever PATH says
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
        ),
    }
