"""Paths and tuning knobs, read once from ANALYTICS_* environment variables (SPEC §2, §5, §6).

Configuration is resolved at the edge: `definitions.py` (or the CLI, or a test) builds one
`Settings`, and `build_definitions` hands it to every asset, check, sensor and resource as the
`analytics` resource (`AnalyticsSettings`). Nothing below reads the environment or writes it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
ENGINES = ("duckdb", "spark")
# dbt-spark and pyspark live in a virtualenv of their own (requirements-spark.lock): pyspark does
# not support pandas 3 and changes how other packages import
SPARK_VENV = PROJECT_ROOT / ".venv-spark"


def first_dump_date_from_env() -> dt.date:
    """The earliest dump date the warehouse may hold (its first daily partition). Dagster's asset
    definitions carry the partitions, so `partitions.py` reads it when the package is imported;
    `Settings` holds the same value for everything else."""
    text = os.environ.get("ANALYTICS_FIRST_DUMP_DATE", "2025-01-01")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"ANALYTICS_FIRST_DUMP_DATE={text!r}: use a date, YYYY-MM-DD") from None


def seconds_from_env(var: str, default: int) -> int:
    """A sensor's interval in seconds (at least 1). Dagster's sensor definitions carry it, so it is
    read when the package is imported, like the first dump date."""
    text = os.environ.get(var, str(default))
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise ValueError(f"{var}={text!r}: use a whole number of seconds, at least 1")
    return seconds


def _path(var: str, default: str) -> Path:
    value = os.environ.get(var)
    return Path(value).resolve() if value else (PROJECT_ROOT / default).resolve()


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    exports_dir: Path
    warehouse: Path  # the published file analysts open read-only
    work_warehouse: Path  # the file runs write; never opened by analysts
    memory_limit: str
    threads: int
    rejection_warn_rate: float
    engine: str  # duckdb (every run) or spark (make run-spark): the engine dbt builds the models on
    spark_dir: Path  # Spark's raw Parquet, warehouse, metastore, cluster files (never the working directory)
    spark_host: str = "127.0.0.1"  # the Spark Thrift server dbt-spark talks to (make spark-up starts one)
    spark_port: int = 10000
    max_spill: str = "20GB"  # DuckDB max_temp_directory_size: what a run may spill to disk
    max_file_bytes: int = 8 * 2**30  # a dump file's size once decompressed
    max_bad_lines: int = 100_000  # lines of one dump file that are not JSON objects (blank lines included)
    first_dump_date: dt.date = dt.date(2025, 1, 1)  # the first daily partition: dumps before it are not built

    @classmethod
    def from_env(cls) -> Settings:
        engine = os.environ.get("ANALYTICS_ENGINE", "duckdb").strip().lower()
        if engine not in ENGINES:
            raise ValueError(f"ANALYTICS_ENGINE={engine!r}: use one of {', '.join(ENGINES)}")
        warehouse = _path("ANALYTICS_WAREHOUSE", "warehouse/analytics.duckdb")
        # a Spark run keeps a working file of its own: its marts are Spark's full rebuilds, and the
        # incremental state of a DuckDB run's working file must not be mixed with them
        work_name = f"{warehouse.stem}.work.duckdb" if engine == "duckdb" else f"{warehouse.stem}.{engine}-work.duckdb"
        work_default = warehouse.parent / "build" / work_name
        return cls(
            raw_dir=_path("ANALYTICS_RAW_DIR", "raw_fixtures"),
            exports_dir=_path("ANALYTICS_EXPORTS_DIR", "exports"),
            warehouse=warehouse,
            work_warehouse=Path(os.environ.get("ANALYTICS_WORK_WAREHOUSE") or work_default).resolve(),
            memory_limit=os.environ.get("ANALYTICS_DUCKDB_MEMORY_LIMIT", "2500MB"),
            threads=int(os.environ.get("ANALYTICS_DUCKDB_THREADS", "2")),
            rejection_warn_rate=float(os.environ.get("ANALYTICS_REJECTION_WARN_RATE", "0.01")),
            engine=engine,
            spark_dir=_path("ANALYTICS_SPARK_DIR", "warehouse/spark"),
            spark_host=os.environ.get("ANALYTICS_SPARK_HOST", "127.0.0.1"),
            spark_port=int(os.environ.get("ANALYTICS_SPARK_PORT", "10000")),
            max_spill=os.environ.get("ANALYTICS_DUCKDB_MAX_SPILL", "20GB"),
            max_file_bytes=int(os.environ.get("ANALYTICS_MAX_FILE_BYTES", str(8 * 2**30))),
            max_bad_lines=int(os.environ.get("ANALYTICS_MAX_BAD_LINES", "100000")),
            first_dump_date=first_dump_date_from_env(),
        )

    def dbt_env(self, requested_target: str = "") -> dict[str, str]:
        """What dbt's profiles.yml reads through env_var(): the same settings, passed to dbt's
        process (resources.WarehouseDbt), never written into this process's environment."""
        env = {
            "ANALYTICS_WORK_WAREHOUSE": str(self.work_warehouse),
            "ANALYTICS_DUCKDB_MEMORY_LIMIT": self.memory_limit,
            "ANALYTICS_DUCKDB_THREADS": str(self.threads),
            "ANALYTICS_DUCKDB_MAX_SPILL": self.max_spill,
        }
        if self.engine == "spark":
            env["ANALYTICS_SPARK_DIR"] = str(self.spark_dir)
            env["ANALYTICS_SPARK_RAW_DIR"] = str(self.spark_dir / "raw")
            env["ANALYTICS_SPARK_CONTROL_DIR"] = str(self.spark_dir / "control")
            env["ANALYTICS_SPARK_HOST"] = self.spark_host
            env["ANALYTICS_SPARK_PORT"] = str(self.spark_port)
        # profiles.yml's target follows the engine: on Spark the Thrift server's, on DuckDB never a
        # Spark target
        on_spark = requested_target.startswith("spark")
        if self.engine == "spark":
            env["ANALYTICS_DBT_TARGET"] = "spark"
        else:
            env["ANALYTICS_DBT_TARGET"] = "local" if on_spark or not requested_target else requested_target
        return env
