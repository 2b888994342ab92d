"""Transform: the dbt project (dbt/) as Dagster assets, built on DuckDB or, for warehouses that
outgrow one machine, on Spark."""

from .dbt_models import dbt_build_args, dbt_models, ensure_manifest, set_dump_window

__all__ = ["dbt_build_args", "dbt_models", "ensure_manifest", "set_dump_window"]
