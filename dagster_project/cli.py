"""Command line front door: `make run` and `make backfill` call this.

    python -m dagster_project.cli run                      # every dump date found in ANALYTICS_RAW_DIR
    python -m dagster_project.cli run --from 2026-03-01 --to 2026-03-31

A range runs as one Dagster run (one DuckDB writer, one dbt build), recorded in the Dagster
instance at DAGSTER_HOME so that `make dev` shows it. Exits non-zero on failure, with the error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from .settings import PROJECT_ROOT, Settings

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def dump_dates(raw_dir: Path) -> list[dt.date]:
    """Every `dt=YYYY-MM-DD` folder of any source."""
    dates = set()
    for folder in raw_dir.glob("*/dt=*"):
        try:
            dates.add(dt.date.fromisoformat(folder.name.removeprefix("dt=")))
        except ValueError:
            continue
    return sorted(dates)


def execute_range(defs, instance, start: dt.date, end: dt.date, selection=None, log_level: str = "INFO"):
    """Run the warehouse job (or a selection of its assets) over dump dates [start, end] as one run."""
    job = defs.resolve_job_def("build_warehouse")
    return job.execute_in_process(
        instance=instance,
        tags={RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat()},
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
            while error is not None and error.cause is not None:
                error = error.cause
                text += " <- " + error.message.strip()
            messages.append(f"{event.step_key}: {text}")
    return messages


def run_range(start: dt.date, end: dt.date) -> bool:
    from dagster import DagsterInstance

    from .definitions import defs

    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    with DagsterInstance.get() as instance:
        result = execute_range(defs, instance, start, end)
    if not result.success:
        for message in failure_messages(result):
            print(f"FAILED {message}", file=sys.stderr)
    return result.success


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="materialize every asset for a range of dump dates")
    run.add_argument("--from", dest="start", type=dt.date.fromisoformat, help="first dump date (default: earliest found)")
    run.add_argument("--to", dest="end", type=dt.date.fromisoformat, help="last dump date (default: latest found)")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    dates = dump_dates(settings.raw_dir)
    if not dates and not (args.start and args.end):
        print(f"no dump folders (<source>/dt=YYYY-MM-DD) found in {settings.raw_dir}", file=sys.stderr)
        return 2
    start, end = args.start or dates[0], args.end or dates[-1]
    if start > end:
        print(f"--from {start} is after --to {end}", file=sys.stderr)
        return 2
    print(f"building warehouse for dump dates {start} .. {end} from {settings.raw_dir}")
    ok = run_range(start, end)
    print("done: published " + str(settings.warehouse) if ok else "run failed", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
