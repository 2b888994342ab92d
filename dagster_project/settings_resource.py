"""The run's Settings as a Dagster resource (kept apart from settings.py so that reading settings,
as the server does, does not import Dagster)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from dagster import ConfigurableResource

from .settings import Settings


class AnalyticsSettings(ConfigurableResource):
    """The run's Settings as a Dagster resource: resolved once at the edge, passed to every asset."""

    raw_dir: str
    exports_dir: str
    warehouse: str
    work_warehouse: str
    memory_limit: str
    threads: int
    rejection_warn_rate: float
    engine: str
    spark_dir: str
    spark_host: str
    spark_port: int
    max_spill: str
    max_file_bytes: int
    max_bad_lines: int
    first_dump_date: str  # YYYY-MM-DD
    dbt_target: str = ""  # ANALYTICS_DBT_TARGET as asked for

    @classmethod
    def of(cls, settings: Settings, dbt_target: str = "") -> AnalyticsSettings:
        values = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
        text = {k: str(v) if isinstance(v, Path | dt.date) else v for k, v in values.items()}
        return cls(**text, dbt_target=dbt_target)

    def get(self) -> Settings:
        paths = {"raw_dir", "exports_dir", "warehouse", "work_warehouse", "spark_dir"}
        values = {
            f.name: Path(getattr(self, f.name)) if f.name in paths else getattr(self, f.name)
            for f in dataclasses.fields(Settings)
        }
        return Settings(**{**values, "first_dump_date": dt.date.fromisoformat(self.first_dump_date)})
