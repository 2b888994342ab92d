"""Running unattended (SPEC §6): the nightly schedule and the new-dump sensor."""

import datetime as dt
import hashlib
import json
from pathlib import Path

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
from .settings_resource import AnalyticsSettings


@schedule(
    job=warehouse_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    name="nightly_warehouse_schedule",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Materializes the previous day's dump-date partition every night at 02:00 UTC.",
)
def nightly_schedule(context: ScheduleEvaluationContext):
    # the partitions reach today (a dump may land early), so the previous day is named explicitly
    previous_day = (context.scheduled_execution_time.astimezone(dt.UTC) - dt.timedelta(days=1)).date()
    return RunRequest(run_key=f"nightly-{previous_day}", partition_key=previous_day.isoformat())


def dump_folder_states(dump: DumpDirectory) -> dict[str, tuple[str, dict[str, dt.datetime]]]:
    """Per dump date (partition key): a fingerprint of its files (names, sizes, modification
    times, every source) and each file's path relative to the dump directory with its
    modification time (local time, as raw.ingested_files records when a file was read)."""
    states = {}
    for day in dump.dump_dates():
        files = sorted(p for source in ("events", "usage", "claude_code", "snapshots") for p in dump.day_files(source, day))
        rel = [p.relative_to(dump.raw_dir).as_posix() for p in files]
        digest = hashlib.sha256()
        modified = {}
        for path, name in zip(files, rel, strict=True):
            stat = path.stat()
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            modified[name] = dt.datetime.fromtimestamp(stat.st_mtime)
        states[day.isoformat()] = (digest.hexdigest()[:16], modified)
    return states


def built_dump_files(warehouse: Path) -> dict[str, dict[str, dt.datetime]]:
    """The files each dump date of the published warehouse was built from, with when each was read
    (raw.ingested_files)."""
    if not warehouse.exists():
        return {}
    import duckdb

    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            rows = conn.execute("select dump_date, file, max(ingested_at) from raw.ingested_files group by all").fetchall()
    except duckdb.Error:
        return {}
    built: dict[str, dict[str, dt.datetime]] = {}
    for day, file, read_at in rows:
        built.setdefault(day.isoformat(), {})[file] = read_at
    return built


def already_built(key: str, files: dict[str, dt.datetime], built: dict[str, dict[str, dt.datetime]]) -> bool:
    """Every file of the folder is in the published warehouse, read after it was last modified (a
    file delivered again under the same name is newer than its reading); an empty folder: its date
    is within the dates the published warehouse was built for."""
    if files:
        read = built.get(key, {})
        return all(name in read and modified <= read[name] for name, modified in files.items())
    return bool(built) and min(built) <= key <= max(built)


def read_cursor(cursor: str | None) -> dict[str, str]:
    """{dump date: fingerprint last looked at}; an older cursor (dates only) means "seen, built"."""
    if not cursor:
        return {}
    if cursor.startswith("{"):
        return json.loads(cursor)
    return {key: "" for key in cursor.split(",") if key}


@sensor(
    job=warehouse_job,
    minimum_interval_seconds=300,
    name="new_dump_sensor",
    default_status=DefaultSensorStatus.RUNNING,
    description="Requests the partition of every dump folder (<raw>/<source>/dt=...) that is new or changed "
    "since it last looked, and not already built into the published warehouse.",
)
def new_dump_sensor(context: SensorEvaluationContext, analytics: AnalyticsSettings):
    settings = analytics.get()
    looked = read_cursor(context.cursor)
    states = dump_folder_states(DumpDirectory.scan(settings.raw_dir))
    valid = set(dump_date_partitions.get_partition_keys())
    changed = {key: state for key, state in states.items() if looked.get(key) != state[0]}
    if not changed:
        return SkipReason("no new or changed dump folder")
    built = built_dump_files(settings.warehouse) if any(key not in looked for key in changed) else {}
    requests, cursor = [], dict(looked)
    for key, (fingerprint, files) in sorted(changed.items()):
        if key not in valid:  # dated past the partitions (clock skew): requested once its partition exists
            continue
        cursor[key] = fingerprint
        # a folder first seen now whose every file is already built (`make run` before the daemon
        # started) needs no run; a folder seen before that changed since does
        if key not in looked and already_built(key, files, built):
            continue
        requests.append(RunRequest(run_key=f"dump-{key}-{fingerprint}", partition_key=key))
    context.update_cursor(json.dumps(cursor, sort_keys=True))
    if not requests:
        return SkipReason(f"{len(changed)} dump folders looked at; all already built or not yet partitions")
    return requests
