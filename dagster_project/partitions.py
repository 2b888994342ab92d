"""Daily partitions by dump date (SPEC §6): partition key = the `dt` of a dump folder."""

import os
import warnings

from dagster import BackfillPolicy, BetaWarning, DailyPartitionsDefinition

# The earliest dump date the warehouse may hold; ANALYTICS_FIRST_DUMP_DATE moves it.
FIRST_DUMP_DATE = os.environ.get("ANALYTICS_FIRST_DUMP_DATE", "2025-01-01")

# end_offset=1: today's dump is a partition as soon as its folder appears
dump_date_partitions = DailyPartitionsDefinition(start_date=FIRST_DUMP_DATE, end_offset=1)

# A backfill of many days runs as one run over the range: one dbt build, one DuckDB writer.
# Dagster marks backfill_policy beta; we rely on it knowingly, so its warning is not repeated in
# every run's log.
warnings.filterwarnings("ignore", category=BetaWarning, message=".*backfill_policy.*")
single_run_backfill = BackfillPolicy.single_run()
