"""The main job: every asset of the warehouse, run over a range of dump-date partitions."""

from dagster import AssetSelection, define_asset_job

from .partitions import dump_date_partitions

# Ingest -> dbt (staging .. marts) -> exports -> publish, for the dump dates of one run.
warehouse_job = define_asset_job(
    "build_warehouse",
    selection=AssetSelection.all(),
    partitions_def=dump_date_partitions,
    description="Ingest the run's dump dates, build every dbt model, write the exports, publish.",
)
