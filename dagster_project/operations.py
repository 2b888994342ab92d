"""The daemon's care of the runs themselves (SPEC §6, §9): no wedged queue, and the on-call
engineer told about failures, recoveries and quality warnings.

- **Dead runs.** With one run at a time, a run whose process died (Ctrl-C of `make dev`, kill -9,
  a restart) would stay "in progress" in Dagster's storage and hold the queue for good. Dagster's
  run monitoring (dagster.yaml) fails runs that never started; it cannot check a started run's
  process under the default launcher, so `run_sweeper` does: a started run whose process (the pid
  its launch recorded, on this host) is gone is marked failed, and the queue moves on. The next run
  does the owed work (core/pending_work.py).
- **Run events** for notifications (dagster_project/notify): `run_failed` (the failed step, the
  error's first line, the run and its address in the UI), `run_recovered` (the first success after
  a failure), `quality_warning` (a rejection-rate check that warned, per dump date). The run itself
  delivers them before it exits (cli.py); `notifications_sensor` delivers what is pending, retries,
  and checks staleness whether or not a run happened.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket

from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunsFilter,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from .core.errors import first_line
from .notify.config import NotifyConfig
from .notify.delivery import nothing_configured, notify_once
from .notify.events import Event
from .settings import seconds_from_env

log = logging.getLogger(__name__)

PID_TAG, HOST_TAG = "analytics/pid", "analytics/host"
RECENT = dt.timedelta(days=1)  # runs that ended longer ago are history, not news
DEAD_RUN_GRACE = dt.timedelta(seconds=60)  # a run this young may not have recorded its process yet


def process_tags() -> dict[str, str]:
    """Tags for a run executed in this process (make run, make backfill), so a sweep can check it."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def run_pid(instance: DagsterInstance, run) -> int | None:
    if run.tags.get(PID_TAG) and run.tags.get(HOST_TAG) == socket.gethostname():
        return int(run.tags[PID_TAG])
    if run.tags.get(HOST_TAG):
        return None  # started on another host: not ours to judge
    for record in instance.all_logs(run.run_id, of_type=DagsterEventType.ENGINE_EVENT):
        data = record.dagster_event.event_specific_data if record.dagster_event else None
        pid = getattr(data, "metadata", {}).get("pid") if data else None
        if pid is not None and str(pid.value).isdigit():
            return int(pid.value)
    return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead: its parent has not reaped it yet
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def sweep_dead_runs(instance: DagsterInstance, at: dt.datetime | None = None) -> list[str]:
    """Mark failed every started run whose process is gone; returns their ids."""
    at = at or dt.datetime.now(dt.UTC)
    swept = []
    for record in instance.get_run_records(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED])):
        run = record.dagster_run
        started = record.start_time and dt.datetime.fromtimestamp(record.start_time, dt.UTC)
        if started and at - started < DEAD_RUN_GRACE:
            continue
        pid = run_pid(instance, run)
        if pid is None or alive(pid):
            continue
        instance.report_run_failed(
            run, f"the run's process (pid {pid}) is gone (killed, or the machine restarted): marked failed so the queue moves on"
        )
        swept.append(run.run_id)
    return swept


def run_events(instance: DagsterInstance, dagster_url: str, at: dt.datetime | None = None) -> list[Event]:
    """run_failed, run_recovered and quality_warning events of the runs that ended recently."""
    at = at or dt.datetime.now(dt.UTC)
    records = instance.get_run_records(
        filters=RunsFilter(statuses=[DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE], updated_after=at - RECENT),
        order_by="update_timestamp",
        ascending=True,
    )
    events: list[Event] = []
    previous = last_finished_before(instance, records[0].create_timestamp) if records else None
    for record in records:
        run = record.dagster_run
        link = f"{dagster_url}/runs/{run.run_id}"
        if run.status == DagsterRunStatus.FAILURE:
            step, error = failed_step(instance, run.run_id)
            events.append(
                Event(
                    "run_failed",
                    run.run_id,
                    f"Analytics run failed at {step}",
                    (f"Run {run.run_id} ({run.job_name}) failed at step {step}.", f"Error: {error}"),
                    link=link,
                )
            )
        elif previous == DagsterRunStatus.FAILURE:
            events.append(
                Event(
                    "run_recovered",
                    run.run_id,
                    "Analytics runs recovered",
                    (f"Run {run.run_id} ({run.job_name}) succeeded after a failed run.",),
                    link=link,
                )
            )
        previous = run.status
        events += quality_events(instance, run.run_id, link)
    return events


def last_finished_before(instance: DagsterInstance, created: dt.datetime) -> DagsterRunStatus | None:
    for record in instance.get_run_records(
        filters=RunsFilter(statuses=[DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE], created_before=created), limit=1
    ):
        return record.dagster_run.status
    return None


def failed_step(instance: DagsterInstance, run_id: str) -> tuple[str, str]:
    for record in instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE):
        error = getattr(record.dagster_event.event_specific_data, "error", None)
        return record.step_key or "?", error_summary(error) if error else "(no error recorded)"
    for record in instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE):
        return "the run", first_line(record.dagster_event.message or record.user_message)
    return "the run", "(no error recorded)"


def error_summary(error) -> str:
    """The error's first line (a step's own Failure without Dagster's class path; a line ending in
    a colon with the line after it), then each cause's first line."""
    text = error.message.strip()
    if error.cls_name == "Failure":
        text = re.sub(r"^[\w.]*Failure: ", "", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()] or ["(no message)"]
    # a message that goes on after a colon ("dbt build ... failed:") says why in the lines below
    summary = " ".join(lines[:4]) if lines[0].endswith(":") else lines[0]
    while error.cause is not None:
        error = error.cause
        summary += " <- " + first_line(error.message)
    return summary[:400]


def quality_events(instance: DagsterInstance, run_id: str, link: str) -> list[Event]:
    """One `quality_warning` per dump date whose rejection rate warned, naming every table over it."""
    over: dict[str, list[str]] = {}
    for record in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.dagster_event.event_specific_data
        if evaluation.passed or evaluation.check_name != "rejection_rate":
            continue
        asset = "/".join(evaluation.asset_key.path)
        days = evaluation.metadata.get("days_over_threshold")
        for day in days.value if days else []:
            over.setdefault(day["dump_date"], []).append(
                f"{asset}: {day['rejected']} of {day['lines']} lines rejected ({day['rate']:.2%})"
            )
    return [
        Event(
            "quality_warning",
            f"rejection_rate|{day}",
            f"Quality warning: dump {day} rejected more lines than the threshold in {len(lines)} tables",
            (*sorted(lines), "raw.rejected_records holds each rejected line and its reason."),
            link=link,
        )
        for day, lines in sorted(over.items())
    ]


NOTHING_TO_NOTIFY = "notifications: none configured"


def notify_from_instance(instance: DagsterInstance, config: NotifyConfig | None = None) -> str:
    """One pass of notifications; never raises (a delivery never fails a run or stops the daemon)."""
    try:
        config = config or NotifyConfig.from_env()
        if nothing_configured(config):  # before reading the runs' events: most installs configure nothing
            return NOTHING_TO_NOTIFY
        return notify_once(config, run_events(instance, config.dagster_url)).line()
    except Exception as exc:  # noqa: BLE001 - reported, never raised: see the docstring
        log.warning("notifications could not be processed: %s", first_line(exc))
        return f"notifications: not processed ({first_line(exc)})"


# how often the daemon looks for dead runs and for what to notify (the daemon test shortens both)
SWEEP_SECONDS = seconds_from_env("ANALYTICS_SWEEP_INTERVAL_SECONDS", 60)
NOTIFY_SECONDS = seconds_from_env("ANALYTICS_NOTIFY_INTERVAL_SECONDS", 120)


@sensor(
    name="run_sweeper",
    minimum_interval_seconds=SWEEP_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Marks failed every started run whose process is gone, so that the one-at-a-time queue moves on.",
)
def run_sweeper(context: SensorEvaluationContext):
    swept = sweep_dead_runs(context.instance)
    return SkipReason(f"marked failed: {', '.join(swept)}" if swept else "no dead run")


@sensor(
    name="notifications_sensor",
    minimum_interval_seconds=NOTIFY_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Queues and delivers notifications (runs, freshness, quality, spend alerts, budgets) and retries failed ones.",
)
def notifications_sensor(context: SensorEvaluationContext):
    return SkipReason(notify_from_instance(context.instance))
