"""Running unattended (SPEC §6): the nightly schedule and the new-dump sensor."""

import datetime as dt

from dagster import (
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    build_schedule_from_partitioned_job,
    sensor,
)

from .jobs import warehouse_job
from .partitions import dump_date_partitions
from .settings import Settings

# 02:00 UTC every night: the previous day's partition (the last complete dump day)
nightly_schedule = build_schedule_from_partitioned_job(
    warehouse_job, hour_of_day=2, minute_of_hour=0, name="nightly_warehouse_schedule",
    description="Materializes the previous day's dump-date partition every night at 02:00 UTC.",
)


def dump_folders(settings: Settings) -> list[str]:
    """Partition keys of every dump folder present, any source."""
    keys = set()
    for folder in settings.raw_dir.glob("*/dt=*"):
        key = folder.name.removeprefix("dt=")
        try:
            dt.date.fromisoformat(key)
        except ValueError:
            continue
        if folder.is_dir():
            keys.add(key)
    return sorted(keys)


@sensor(job=warehouse_job, minimum_interval_seconds=300, name="new_dump_sensor",
        description="Requests the partition of every dump folder (<raw>/<source>/dt=...) it has not seen.")
def new_dump_sensor(context: SensorEvaluationContext):
    seen = set(context.cursor.split(",")) if context.cursor else set()
    valid = set(dump_date_partitions.get_partition_keys())
    new = [key for key in dump_folders(Settings.from_env()) if key not in seen]
    if not new:
        return SkipReason("no new dump folder")
    requests = [RunRequest(run_key=f"dump-{key}", partition_key=key) for key in new if key in valid]
    context.update_cursor(",".join(sorted(seen | set(new))))
    if not requests:
        return SkipReason(f"new folders outside the partition range: {', '.join(new)}")
    return requests
