"""The marts as their dbt YAML declares them, the one place each is described: its grain (the
columns of its first `unique_grain` test, which the build checks) and its date column (`as_of_date`
for an as-of mart, else `date`; none for a mart without one). The exports and the tests read them
here instead of restating them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Mart:
    name: str
    grain: tuple[str, ...]
    date_column: str | None


def _grain(model: dict) -> tuple[str, ...]:
    for test in model.get("data_tests", []):
        if isinstance(test, dict) and "unique_grain" in test:
            return tuple(test["unique_grain"]["arguments"]["columns"])
    raise ValueError(f"mart {model['name']} declares no grain: add a unique_grain test to its YAML")


def mart_catalog(models_dir: Path) -> dict[str, Mart]:
    """Every mart under `models_dir` (dbt/models/marts), by name."""
    marts = {}
    for path in sorted(models_dir.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            columns = {column["name"] for column in model.get("columns", [])}
            date_column = next((c for c in ("as_of_date", "date") if c in columns), None)
            marts[model["name"]] = Mart(model["name"], _grain(model), date_column)
    return marts
