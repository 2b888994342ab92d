"""Settings of the server, from ANALYTICS_* environment variables (SPEC §7)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ...notify.config import store_path
from ...settings import PROJECT_ROOT, Settings


@dataclass(frozen=True)
class ServeSettings:
    warehouse: Path
    api_keys: Path
    host: str
    port: int
    rate_limit_per_minute: int
    session_hours: int
    workers: int = 1
    # DuckDB's memory_limit in each worker process: its cache of the published file's blocks
    duckdb_memory_limit: str = "1GB"
    notifications: Path | None = None  # the store of budgets (and recipients): dagster_project/notify

    @classmethod
    def from_env(cls) -> ServeSettings:
        keys = os.environ.get("ANALYTICS_API_KEYS")
        return cls(
            warehouse=Settings.from_env().warehouse,
            api_keys=Path(keys).resolve() if keys else PROJECT_ROOT / "warehouse" / "api_keys.sqlite",
            host=os.environ.get("ANALYTICS_API_HOST", "127.0.0.1"),
            port=int(os.environ.get("ANALYTICS_API_PORT", "8000")),
            rate_limit_per_minute=int(os.environ.get("ANALYTICS_API_RATE_LIMIT", "600")),
            session_hours=int(os.environ.get("ANALYTICS_SESSION_HOURS", "12")),
            workers=max(1, int(os.environ.get("ANALYTICS_API_WORKERS", "2"))),
            duckdb_memory_limit=os.environ.get("ANALYTICS_API_DUCKDB_MEMORY_LIMIT", "1GB"),
            notifications=store_path(),
        )
