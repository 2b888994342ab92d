"""Resources: the working DuckDB warehouse and the dbt CLI, configured from settings."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from .settings import DBT_PROJECT_DIR, Settings


class WarehouseDuckDB(DuckDBResource):
    """dagster-duckdb's resource, closing the connection even when the step fails.

    An unclosed connection would keep the database open in this process after a failed step
    (and hold DuckDB's file lock), so later steps and readers could not open it.
    """

    @contextlib.contextmanager
    def get_connection(self):
        with super().get_connection() as conn:
            try:
                yield conn
            finally:
                conn.close()


def build_resources(settings: Settings) -> dict:
    settings.export_dbt_env()
    return {
        "duckdb": WarehouseDuckDB(
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
