"""Paths and tuning knobs, read once from ANALYTICS_* environment variables (SPEC §2, §5, §6)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
ENGINES = ("duckdb", "spark")
# dbt-spark and pyspark live in a virtualenv of their own (requirements-spark.lock): pyspark does
# not support pandas 3 and changes how other packages import
SPARK_VENV = PROJECT_ROOT / ".venv-spark"


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
    spark_dir: Path  # Spark's raw Parquet, warehouse, metastore and scratch space (never the working directory)

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
        )

    def export_dbt_env(self) -> None:
        """dbt reads the same settings through env_var() in profiles.yml."""
        self.work_warehouse.parent.mkdir(parents=True, exist_ok=True)
        os.environ["ANALYTICS_WORK_WAREHOUSE"] = str(self.work_warehouse)
        os.environ["ANALYTICS_DUCKDB_MEMORY_LIMIT"] = self.memory_limit
        os.environ["ANALYTICS_DUCKDB_THREADS"] = str(self.threads)
        if self.engine == "spark":
            os.environ["ANALYTICS_SPARK_DIR"] = str(self.spark_dir)
            os.environ["ANALYTICS_SPARK_RAW_DIR"] = str(self.spark_dir / "raw")
        # profiles.yml's target follows the engine: on Spark the local session, or spark_thrift (a
        # cluster) when asked for; on DuckDB never a Spark target left over from an earlier run
        on_spark = os.environ.get("ANALYTICS_DBT_TARGET", "").startswith("spark")
        if self.engine == "spark" and not on_spark:
            os.environ["ANALYTICS_DBT_TARGET"] = "spark"
        elif self.engine != "spark" and on_spark:
            os.environ["ANALYTICS_DBT_TARGET"] = "local"
