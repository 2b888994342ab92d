"""Where the one-writer lock lives and who holds it, without importing Dagster: the command line
asks before it loads anything, so that a second run refuses at once (run_control.py takes it)."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path


def lock_path(work_warehouse: Path) -> Path:
    return work_warehouse.with_name(work_warehouse.name + ".lock")


def describe_holder(path: Path) -> str:
    try:
        holder = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        holder = {}
    if not holder:
        return "another process (no details recorded)"
    return (
        f"run {holder.get('run', '?')} ({holder.get('command', '?')}), pid {holder.get('pid', '?')} "
        f"on {holder.get('host', '?')}, started {holder.get('started_at', '?')}"
    )


def busy_holder(work_warehouse: Path) -> str | None:
    """Who holds the lock now, or None when it is free (a moment's look: it is not kept)."""
    path = lock_path(work_warehouse)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return describe_holder(path)
    finally:
        os.close(fd)  # closing releases a lock this look took
    return None
