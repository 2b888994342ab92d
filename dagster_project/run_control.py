"""One writer at a time, and a clean start after a killed run (SPEC §6).

DuckDB allows one writing process per file. Dagster's run queue (dagster.yaml: one run at a time)
orders the runs it launches; this lock also covers runs started from the command line. The lock
is an flock on `<working warehouse>.lock`, released by the kernel when its holder dies (kill -9
included), and the file says who holds it. Whoever takes the lock is the only writer, so any
temporary file it finds was left by a killed run and is removed before anything is written.
"""

import datetime as dt
import fcntl
import json
import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from dagster import ConfigurableResource, InitResourceContext, ResourceDependency

from .core import pending_work, writer_lock
from .core.atomic import remove_leftover_temp_files
from .core.errors import first_line
from .core.sources import SOURCES
from .exports.staging import recover_staged_exports
from .ingest.discovery import DumpDirectory
from .ingest.loader import SCRATCH_PREFIX
from .partitions import run_dump_window
from .settings import Settings
from .settings_resource import AnalyticsSettings


class WarehouseBusyError(RuntimeError):
    """Another run holds the working warehouse."""


class RecoveryError(RuntimeError):
    """Completing a killed run's published exports (or removing its leftovers) failed."""


@dataclass
class _Held:
    fd: int
    depth: int


_HELD: dict[str, _Held] = {}  # lock files this process holds, for re-entry (CLI, then the run's resource)


def lock_path(settings: Settings) -> Path:
    return writer_lock.lock_path(settings.work_warehouse)


describe_holder = writer_lock.describe_holder


def acquire(settings: Settings, run: str, command: str, wait: bool, log=None) -> None:
    """Take the writer lock; `wait=False` raises WarehouseBusyError naming the holder."""
    path = lock_path(settings)
    key = str(path)
    if key in _HELD:
        _HELD[key].depth += 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    next_report = 0.0
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if not wait:
                os.close(fd)
                raise WarehouseBusyError(
                    f"the warehouse {settings.work_warehouse} is being written by {describe_holder(path)}"
                ) from None
            if log and time.monotonic() >= next_report:
                log(f"waiting for the warehouse: held by {describe_holder(path)}")
                next_report = time.monotonic() + 60
            time.sleep(1)
    os.ftruncate(fd, 0)
    os.pwrite(
        fd,
        json.dumps(
            {
                "run": run,
                "command": command,
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
        ).encode(),
        0,
    )
    _HELD[key] = _Held(fd, 1)
    try:
        remove_leftovers(settings, log)
    except Exception as exc:
        release(settings)
        raise RecoveryError(
            f"before this run could start, finishing what an earlier run left failed: {first_line(exc)}. "
            "Nothing is lost (the published warehouse and its staged exports are kept); fix the cause "
            f"(space, permissions in {settings.exports_dir}) and run again"
        ) from exc


def release(settings: Settings) -> None:
    key = str(lock_path(settings))
    held = _HELD.get(key)
    if held is None:
        return
    held.depth -= 1
    if held.depth == 0:
        os.ftruncate(held.fd, 0)
        fcntl.flock(held.fd, fcntl.LOCK_UN)
        os.close(held.fd)
        del _HELD[key]


def remove_leftovers(settings: Settings, log=None) -> list[Path]:
    """What killed runs left: the exports of a run that published (completed) or did not (discarded),
    and half-published warehouses (our own temporary names beside the published file only)."""
    for line in recover_staged_exports(settings.exports_dir, settings.warehouse):
        if log:
            log(line)
    removed = remove_leftover_temp_files(settings.warehouse.parent, settings.warehouse.name)
    removed += remove_leftover_scratch(settings.work_warehouse)
    if removed and log:
        log(f"removed {len(removed)} temporary files left by an interrupted run, e.g. {removed[0]}")
    return removed


def remove_leftover_scratch(work_warehouse: Path) -> list[Path]:
    """What a killed run leaves beside the working warehouse: the folders ingest copies dump files
    through (ours by their prefix) and DuckDB's spill files of the working warehouse, in the
    `<file>.tmp` folder DuckDB keeps for that file alone. Only the writer calls this."""
    removed: list[Path] = []
    folder = work_warehouse.parent
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name.startswith(SCRATCH_PREFIX) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    spill = work_warehouse.with_name(work_warehouse.name + ".tmp")
    if spill.is_dir() and not spill.is_symlink():
        for path in sorted(spill.iterdir()):
            if path.name.startswith("duckdb_temp_") and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def record_pending_work(settings: Settings, run_id: str, tags, selection=None, log=None) -> str | None:
    """The run's window goes into the ledger before anything is written (core/pending_work.py):
    its days for every source it ingests (all, unless the run selects some assets only).

    A working warehouse that holds no earlier run (a first deployment, or its file was deleted or
    could not be read) knows none of the dump dates built before: building only this run's dates
    would publish a warehouse missing all the others. Such a run is a full build of every dump date
    in the dump directory, and says so (the returned note, also logged as a warning)."""
    import duckdb

    start, end = run_dump_window(tags)
    selected = {"/".join(key.path) for key in selection} if selection else None
    sources = [
        name
        for name, source in SOURCES.items()
        if selected is None or any(f"raw/{table.name}" in selected for table in source.tables)
    ]
    settings.work_warehouse.parent.mkdir(parents=True, exist_ok=True)
    set_aside = set_aside_unreadable_work_file(settings)
    existed = settings.work_warehouse.exists()
    note = f"{pending_work.FULL_BUILD_NOTE} {set_aside}" if set_aside else None
    with duckdb.connect(str(settings.work_warehouse), config={"memory_limit": settings.memory_limit}) as conn:
        also_ingest: list[dt.date] = []
        if start is not None and pending_work.holds_no_run(conn):
            first = settings.first_dump_date
            also_ingest = [d for d in DumpDirectory.scan(settings.raw_dir).dump_dates() if d >= first]
            if all(start <= d <= end for d in also_ingest):  # the run covers every dump anyway
                also_ingest = []
        if also_ingest:
            why = set_aside or (
                f"the working warehouse {settings.work_warehouse} "
                + ("holds no earlier run" if existed else "did not exist (a first run, or the file was deleted)")
            )
            note = (
                f"{pending_work.FULL_BUILD_NOTE} {why}; rebuilding it from every dump in {settings.raw_dir} "
                f"({also_ingest[0]} .. {also_ingest[-1]}, {len(also_ingest)} dump dates), not only {start} .. {end}"
            )
            start = end = None  # the whole dump directory is new to this warehouse
        pending_work.record_run(conn, run_id, start, end, sources, also_ingest=also_ingest)
    if note and log:
        log(note)
    return note


# What DuckDB says of a file that is not a whole database (truncated, overwritten, another kind).
_NOT_A_DATABASE = ("not a valid DuckDB database file", "Could not read enough bytes", "Corrupt", "corrupt", "checksum")


def set_aside_unreadable_work_file(settings: Settings) -> str | None:
    """A working warehouse DuckDB cannot open as a database is renamed aside (kept, never
    deleted: someone may want to look at it) and the run starts a new one; anything else that
    stops it from opening (a permission, a lock) is the run's error, as it is."""
    import duckdb

    path = settings.work_warehouse
    if not path.exists():
        return None
    try:
        duckdb.connect(str(path), read_only=True).close()
        return None
    except duckdb.Error as exc:
        message = str(exc)
        if not any(marker in message for marker in _NOT_A_DATABASE):
            raise
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    os.replace(path, aside)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        os.replace(wal, aside.with_name(aside.name + ".wal"))
    return f"the working warehouse could not be read ({first_line(message)}); it was moved to {aside}"


class WriterLock(ConfigurableResource):
    """Held for the whole run by every asset that writes: waits while another run writes."""

    analytics: ResourceDependency[AnalyticsSettings]

    def setup_for_execution(self, context: InitResourceContext) -> None:
        run_id = context.run_id or "unknown"
        settings = self.analytics.get()
        acquire(settings, run_id, "dagster run", wait=True, log=context.log.info if context.log else None)
        if context.dagster_run is not None:
            record_pending_work(
                settings,
                run_id,
                context.dagster_run.tags,
                context.dagster_run.asset_selection,
                log=context.log.warning if context.log else None,
            )

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        release(self.analytics.get())
