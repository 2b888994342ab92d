"""Daily partitions by dump date (SPEC §6): partition key = the `dt` of a dump folder."""

import datetime as dt
import warnings
from collections.abc import Mapping

from dagster import BackfillPolicy, BetaWarning, DailyPartitionsDefinition

from .settings import first_dump_date_from_env

# end_offset=1: today's dump is a partition as soon as its folder appears
dump_date_partitions = DailyPartitionsDefinition(start_date=first_dump_date_from_env().isoformat(), end_offset=1)

# A backfill of many days runs as one run over the range: one dbt build, one DuckDB writer.
# Dagster marks backfill_policy beta; we rely on it knowingly, so its warning is not repeated in
# every run's log.
warnings.filterwarnings("ignore", category=BetaWarning, message=".*backfill_policy.*")
single_run_backfill = BackfillPolicy.single_run()


# The dump dates of a run, in its tags: a range (backfills, `make run`) or one partition (schedule, sensor)
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
PARTITION_TAG = "dagster/partition"


def run_dump_window(tags: Mapping[str, str]) -> tuple[dt.date | None, dt.date | None]:
    """First and last dump date of a run, from its tags; (None, None) when it names none (a run of
    unpartitioned assets alone, which then treats every dump as new)."""
    start, end = tags.get(RANGE_START_TAG), tags.get(RANGE_END_TAG)
    if start and end:
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if tags.get(PARTITION_TAG):
        day = dt.date.fromisoformat(tags[PARTITION_TAG])
        return day, day
    return None, None
