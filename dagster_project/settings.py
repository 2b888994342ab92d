"""Paths and tuning knobs, read once from ANALYTICS_* environment variables (SPEC §2, §5, §6)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"


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

    @classmethod
    def from_env(cls) -> Settings:
        warehouse = _path("ANALYTICS_WAREHOUSE", "warehouse/analytics.duckdb")
        work_default = warehouse.parent / "build" / f"{warehouse.stem}.work.duckdb"
        return cls(
            raw_dir=_path("ANALYTICS_RAW_DIR", "raw_fixtures"),
            exports_dir=_path("ANALYTICS_EXPORTS_DIR", "exports"),
            warehouse=warehouse,
            work_warehouse=Path(os.environ.get("ANALYTICS_WORK_WAREHOUSE") or work_default).resolve(),
            memory_limit=os.environ.get("ANALYTICS_DUCKDB_MEMORY_LIMIT", "2500MB"),
            threads=int(os.environ.get("ANALYTICS_DUCKDB_THREADS", "2")),
            rejection_warn_rate=float(os.environ.get("ANALYTICS_REJECTION_WARN_RATE", "0.01")),
        )

    def export_dbt_env(self) -> None:
        """dbt reads the same settings through env_var() in profiles.yml."""
        self.work_warehouse.parent.mkdir(parents=True, exist_ok=True)
        os.environ["ANALYTICS_WORK_WAREHOUSE"] = str(self.work_warehouse)
        os.environ["ANALYTICS_DUCKDB_MEMORY_LIMIT"] = self.memory_limit
        os.environ["ANALYTICS_DUCKDB_THREADS"] = str(self.threads)
