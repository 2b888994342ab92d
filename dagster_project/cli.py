"""Command line front door: `make run` and `make backfill` call this.

    python -m dagster_project.cli run                      # every dump date found (and every one built before)
    python -m dagster_project.cli run --from 2026-03-01 --to 2026-03-31

A range runs as one Dagster run (one DuckDB writer, one dbt build), recorded in the Dagster
instance at DAGSTER_HOME so that `make dev` shows it. While another run writes the warehouse, it
exits at once (code 3) naming that run. It ends with a summary of what the run did; it exits
non-zero on failure, with the error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import time
import uuid
from pathlib import Path

from .ingest.discovery import DumpDirectory, utc_today
from .settings import PROJECT_ROOT, SPARK_VENV, Settings

EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 1, 2, 3


class UsageError(Exception):
    """A request the run cannot take: one line for the user, no traceback."""


def execute_range(defs, instance, start: dt.date, end: dt.date, selection=None, log_level: str = "INFO"):
    """Run the warehouse job (or a selection of its assets) over dump dates [start, end] as one run."""
    from .operations import process_tags
    from .partitions import RANGE_END_TAG, RANGE_START_TAG

    job = defs.resolve_job_def("build_warehouse")
    return job.execute_in_process(
        instance=instance,
        tags={RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat(), **process_tags()},
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        asset_selection=selection,
        raise_on_error=False,
    )


def failure_messages(result) -> list[str]:
    messages = []
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            text = error.message.strip() if error else ""
            if error is not None and error.cls_name == "Failure":
                # a step's own Failure: its message says it all, without Dagster's class path
                text = re.sub(r"^[\w.]*Failure: ", "", text)
            while error is not None and error.cause is not None:
                error = error.cause
                text += " <- " + error.message.strip()
            messages.append(f"{event.step_key}: {text}")
    return messages


def run_notes(instance, run_id: str) -> list[str]:
    """What the run decided that changes what it built (a full build instead of its dates), from its
    log: the summary repeats it."""
    from .core.pending_work import FULL_BUILD_NOTE

    return [e.user_message for e in instance.all_logs(run_id) if e.user_message.startswith(FULL_BUILD_NOTE)]


def previously_built_dates(settings: Settings) -> list[dt.date]:
    """Dump dates the working warehouse holds: a folder removed since must be covered again."""
    if not settings.work_warehouse.exists():
        return []
    import duckdb

    try:
        with duckdb.connect(str(settings.work_warehouse), read_only=True) as conn:
            return [d for (d,) in conn.execute("select distinct dump_date from raw.ingested_files order by 1").fetchall()]
    except duckdb.Error:
        return []  # no ingest yet, or the file is being written: the range comes from the folders alone


def flag(name: str) -> str:
    """How the user typed a range bound: FROM=/TO= through `make backfill`, --from/--to here."""
    return name.upper() if os.environ.get("ANALYTICS_INVOKED_AS") == "make" else f"--{name}"


def parse_date(flag: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        example = f"{flag}=2026-03-01" if flag.isupper() else f"{flag} 2026-03-01"
        raise UsageError(f"{flag} {value!r} is not a date: use YYYY-MM-DD, e.g. {example}") from None


def plan_range(
    settings: Settings, start: dt.date | None, end: dt.date | None, first_partition: dt.date
) -> tuple[dt.date, dt.date, list[str]]:
    """The dump dates to run and warnings about them; UsageError for a range that cannot run."""
    dump = DumpDirectory.scan(settings.raw_dir)
    known = sorted(set(dump.dump_dates()) | set(previously_built_dates(settings)))
    if not known and not (start and end):
        raise UsageError(f"no dump folders (<source>/dt=YYYY-MM-DD) found in {settings.raw_dir}")
    start, end = start or known[0], end or known[-1]
    today = utc_today()
    if start > end:
        raise UsageError(f"{flag('from')} {start} is after {flag('to')} {end}")
    if start < first_partition:
        raise UsageError(
            f"{flag('from')} {start} is before the first partition {first_partition} "
            f"(ANALYTICS_FIRST_DUMP_DATE); dumps before it cannot be built"
        )
    if end > today:
        raise UsageError(f"{flag('to')} {end} is after today ({today} UTC): a dump dated in the future is not ingested")
    with_files = {d for d in dump.dates_with_files() if start <= d <= end}
    built_before = {d for d in known if start <= d <= end} - set(dump.dump_dates())
    if not with_files and not built_before:
        raise UsageError(f"no dump files for {start} .. {end} in {settings.raw_dir}: nothing to build")
    warnings = []
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    empty = [d for d in days if d not in with_files]
    if empty:
        shown = ", ".join(str(d) for d in empty[:10]) + (f" and {len(empty) - 10} more" if len(empty) > 10 else "")
        warnings.append(
            f"no dump files for {len(empty)} of {len(days)} requested dates ({shown}): they "
            "contribute nothing, and what they held before is removed"
        )
    return start, end, warnings


def check_engine(settings: Settings) -> None:
    """dbt on Spark needs its own virtualenv and a Java runtime: say how to get them, up front."""
    if settings.engine != "spark":
        return
    if not (SPARK_VENV / "bin" / "dbt").exists():
        raise UsageError(
            f"ANALYTICS_ENGINE=spark needs dbt-spark in {SPARK_VENV}: "
            "run `make spark-setup` (or use `make run-spark`, which installs it)"
        )
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise UsageError(
            "ANALYTICS_ENGINE=spark needs a Java runtime (17): run `make spark-setup`, "
            "or install openjdk-17-jre-headless, or set JAVA_HOME"
        )
    from .transform.spark import thrift_unreachable

    if problem := thrift_unreachable(settings):
        raise UsageError(problem)


def run_range(settings: Settings, start: dt.date, end: dt.date, started: float | None = None) -> int:
    from .core.writer_lock import busy_holder

    # before anything heavy is imported: a second writer refuses in a second, not after Dagster loads
    if holder := busy_holder(settings.work_warehouse):
        print(
            f"error: the warehouse {settings.work_warehouse} is being written by {holder}; "
            "not starting a second writer. Try again when it ends.",
            file=sys.stderr,
        )
        return EXIT_BUSY
    from .quality import worker

    worker.start()  # Great Expectations imports on the other core while this process imports Dagster

    from dagster import DagsterInstance

    from . import run_control
    from .definitions import build_definitions
    from .operations import NOTHING_TO_NOTIFY, notify_from_instance
    from .summary import RunSummary

    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    label = f"cli-{uuid.uuid4().hex[:8]}"
    try:
        run_control.acquire(settings, label, f"make run/backfill {start}..{end}", wait=False)
    except run_control.WarehouseBusyError as exc:
        print(f"error: {exc}; not starting a second writer. Try again when it ends.", file=sys.stderr)
        return EXIT_BUSY
    except run_control.RecoveryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        defs = build_definitions(settings, os.environ.get("ANALYTICS_DBT_TARGET", ""))
        with DagsterInstance.get() as instance:
            result = execute_range(defs, instance, start, end)
            notes = run_notes(instance, result.run_id)
    finally:
        run_control.release(settings)
    elapsed = time.monotonic() - started if started is not None else None
    print(RunSummary.from_result(result, settings, start, end, notes=notes, elapsed=elapsed).render())
    # what the publish (or the failure) produced is delivered before the run exits; never fails it
    with DagsterInstance.get() as instance:
        notified = notify_from_instance(instance)
    if notified != NOTHING_TO_NOTIFY:
        print(f"   {notified}")
    if not result.success:
        for message in failure_messages(result):
            print(f"FAILED {message}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def notify_by_hand() -> int:
    """`make notify`: what the daemon's notifications sensor does, once."""
    from dagster import DagsterInstance

    from .notify.config import ConfigError, NotifyConfig
    from .operations import notify_from_instance

    try:
        config = NotifyConfig.from_env()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for line in config.describe():
        print(line)
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    with DagsterInstance.get() as instance:
        line = notify_from_instance(instance, config)
    print(line)
    return EXIT_FAILED if "failed" in line or "not processed" in line else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dagster_project.cli", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="materialize every asset for a range of dump dates")
    run.add_argument("--from", dest="start", help="first dump date, YYYY-MM-DD (default: earliest found)")
    run.add_argument("--to", dest="end", help="last dump date, YYYY-MM-DD (default: latest found)")
    sub.add_parser("notify", help="one pass of notifications: queue, withdraw, deliver, retry, check staleness")
    started = time.monotonic()
    args = parser.parse_args(argv)
    if args.command == "notify":
        return notify_by_hand()

    try:
        settings = Settings.from_env()
        check_engine(settings)
        start, end, warnings = plan_range(
            settings, parse_date(flag("from"), args.start), parse_date(flag("to"), args.end), settings.first_dump_date
        )
    except (UsageError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"building warehouse for dump dates {start} .. {end} from {settings.raw_dir}", flush=True)
    for warning in warnings:
        print(f"WARNING {warning}", file=sys.stderr, flush=True)
    return run_range(settings, start, end, started)


if __name__ == "__main__":
    sys.exit(main())
