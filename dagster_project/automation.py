"""Running unattended (SPEC §6): the nightly schedule and the new-dump sensor."""

import datetime as dt

from dagster import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SkipReason,
    schedule,
    sensor,
)

from .ingest.discovery import DumpDirectory
from .jobs import warehouse_job
from .partitions import dump_date_partitions
from .settings import Settings


@schedule(job=warehouse_job, cron_schedule="0 2 * * *", execution_timezone="UTC",
          name="nightly_warehouse_schedule", default_status=DefaultScheduleStatus.RUNNING,
          description="Materializes the previous day's dump-date partition every night at 02:00 UTC.")
def nightly_schedule(context: ScheduleEvaluationContext):
    # the partitions reach today (a dump may land early), so the previous day is named explicitly
    previous_day = (context.scheduled_execution_time.astimezone(dt.UTC) - dt.timedelta(days=1)).date()
    return RunRequest(run_key=f"nightly-{previous_day}", partition_key=previous_day.isoformat())


def dump_folders(settings: Settings) -> list[str]:
    """Partition keys of every dump folder present, any source (not those dated in the future)."""
    return [day.isoformat() for day in DumpDirectory.scan(settings.raw_dir).dump_dates()]


@sensor(job=warehouse_job, minimum_interval_seconds=300, name="new_dump_sensor",
        default_status=DefaultSensorStatus.RUNNING,
        description="Requests the partition of every dump folder (<raw>/<source>/dt=...) it has not seen.")
def new_dump_sensor(context: SensorEvaluationContext):
    seen = set(context.cursor.split(",")) if context.cursor else set()
    valid = set(dump_date_partitions.get_partition_keys())
    new = [key for key in dump_folders(Settings.from_env()) if key not in seen]
    if not new:
        return SkipReason("no new dump folder")
    # a folder dated past the partitions (clock skew) is requested once its partition exists
    ready = [key for key in new if key in valid]
    if not ready:
        return SkipReason(f"new folders not yet partitions: {', '.join(new)}")
    context.update_cursor(",".join(sorted(seen | set(ready))))
    return [RunRequest(run_key=f"dump-{key}", partition_key=key) for key in ready]
