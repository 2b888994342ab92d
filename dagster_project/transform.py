"""dbt models as Dagster assets: staging -> intermediate -> facts -> marts (dbt/)."""

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from .failpoints import failpoint
from .partitions import dump_date_partitions, single_run_backfill
from .settings import DBT_PROJECT_DIR

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than a model or macro."""
    sources = [p for d in ("models", "macros", "tests") for p in (DBT_PROJECT_DIR / d).rglob("*") if p.is_file()]
    sources.append(DBT_PROJECT_DIR / "dbt_project.yml")
    if not MANIFEST.exists() or max(p.stat().st_mtime for p in sources) > MANIFEST.stat().st_mtime:
        subprocess.run([str(Path(sys.executable).parent / "dbt"), "parse", "--quiet",
                        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
                       check=True)
    return MANIFEST


def dbt_build_args(start: str | None, end: str | None, full_refresh: bool = False) -> list[str]:
    """The dbt command of a run over dump dates [start, end]; a full refresh drops the window."""
    # unit tests check SQL logic on fixed inputs, not data: they run in `make test`, not in every run
    skip_unit_tests = ["--exclude", "test_type:unit"]
    if full_refresh:
        return ["build", "--full-refresh", *skip_unit_tests]
    return ["build", "--vars", json.dumps({"dump_start": start, "dump_end": end}), *skip_unit_tests]


class AnalyticsDbtTranslator(DagsterDbtTranslator):
    """Groups assets by layer (the model's folder) and keys models by schema and name."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "model":
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if dbt_resource_props["resource_type"] == "model" and len(fqn) > 2 else "transform"


@dbt_assets(
    manifest=ensure_manifest(),
    dagster_dbt_translator=AnalyticsDbtTranslator(),
    partitions_def=dump_date_partitions,
    backfill_policy=single_run_backfill,
)
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    window = context.partition_time_window
    last_day = window.end.date().fromordinal(window.end.date().toordinal() - 1)
    args = dbt_build_args(window.start.date().isoformat(), last_day.isoformat())
    context.log.info(f"dbt {' '.join(args)}")
    for n, event in enumerate(dbt.cli(args, context=context).stream()):
        if n == 10:
            failpoint("dbt")
        yield event
