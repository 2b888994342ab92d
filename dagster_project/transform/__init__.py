"""Transform: the dbt project (dbt/) as Dagster assets, built on DuckDB or, for warehouses that
outgrow one machine, on Spark."""

from .dbt_models import build_dbt_assets, dbt_build_args, ensure_manifest, set_dump_window

__all__ = ["build_dbt_assets", "dbt_build_args", "ensure_manifest", "set_dump_window"]
