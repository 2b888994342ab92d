"""Resources: the settings, the working DuckDB warehouse, the dbt CLI and the writer lock, all
configured from one Settings at the edge (definitions.py)."""

import contextlib
import importlib.metadata
import sys
from functools import cached_property
from pathlib import Path

from dagster import ResourceDependency
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from packaging import version

from .core.environ import environment
from .run_control import WriterLock
from .settings import DBT_PROJECT_DIR, SPARK_VENV, Settings
from .settings_resource import AnalyticsSettings

DBT_CHILD = Path(__file__).resolve().parent / "bin" / "dbt-child"


class WarehouseDuckDB(DuckDBResource):
    """dagster-duckdb's resource, closing the connection even when the step fails, and holding the
    writer lock for the run (SPEC §6: one writer).

    An unclosed connection would keep the database open in this process after a failed step
    (and hold DuckDB's file lock), so later steps and readers could not open it.
    """

    writer_lock: ResourceDependency[WriterLock]

    @contextlib.contextmanager
    def get_connection(self):
        with super().get_connection() as conn:
            try:
                yield conn
            finally:
                conn.close()


class WarehouseDbt(DbtCliResource):
    """dbt, holding the writer lock for the run like every other writer: on DuckDB run in the
    run's own process (transform/dbt_in_process.py, with `environment` set while it runs), on
    Spark as dagster-dbt's CLI process (Spark's dbt lives in another virtualenv).

    dagster-dbt runs `dbt --version` in a process of its own before every dbt command (about 3 s)
    and opens a dbt adapter in this process (imports all of dbt) to read column metadata we never
    ask for. The version is the pinned dbt-core's, read from its package metadata instead, and no
    adapter is opened: a nightly run starts dbt once, not twice. These two overrides are private
    methods of dagster-dbt (docs/upgrading.md).
    """

    writer_lock: ResourceDependency[WriterLock]
    environment: dict[str, str] = {}  # what profiles.yml and bin/dbt-child read, for dbt only

    def cli(self, args, **kwargs):
        # dagster-dbt copies os.environ into dbt's process when the invocation starts: the settings
        # are in it for that moment only, so this process's environment stays as it was
        with environment(self.environment):
            return super().cli(args, **kwargs)

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def build_resources(settings: Settings, dbt_target: str = "") -> dict:
    # the dbt installed beside this interpreter, whatever PATH says (on Spark: the Spark venv's),
    # run so that it dies with us
    dbt_bin = SPARK_VENV / "bin" if settings.engine == "spark" else Path(sys.executable).parent
    analytics = AnalyticsSettings.of(settings, dbt_target)
    writer_lock = WriterLock(analytics=analytics)
    return {
        "analytics": analytics,
        "duckdb": WarehouseDuckDB(
            database=str(settings.work_warehouse),
            connection_config={
                "memory_limit": settings.memory_limit,
                "threads": settings.threads,
                "max_temp_directory_size": settings.max_spill,
            },
            writer_lock=writer_lock,
        ),
        "dbt": WarehouseDbt(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=str(DBT_CHILD),
            writer_lock=writer_lock,
            environment={**settings.dbt_env(dbt_target), "ANALYTICS_DBT_EXECUTABLE": str(dbt_bin / "dbt")},
        ),
    }
