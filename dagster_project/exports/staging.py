"""Exports move with the warehouse (SPEC §6): a run's export files become visible only after its
warehouse is published, and a kill at any point leaves exports that agree with the published file.

Every export asset of a run writes into the run's staging folder `<exports>/.analytics-staging/<run_id>/`
(`files/` mirrors the exports tree) and, once its files are complete and fsynced, a part file
listing them in order and the folders its run removes. The publish step then:

1. writes `plan.json` (every part, in order) into the staging folder: the staged exports are complete;
2. publishes the warehouse, whose `meta.publication.run_id` names the run: this rename is the
   commit point of the warehouse and of its exports together;
3. applies the plan: removes the folders, renames each staged file into place (a manifest after its
   CSV), fsyncs the folders, and deletes the staging folder.

A run that starts (run_control, under the writer lock) looks at every staging folder left behind:
one whose run is the published one had committed, and its plan is applied (again: every step is
idempotent); any other never committed and is deleted. So a kill before the publish leaves the old
exports beside the old warehouse, and a kill after it is completed by the next run, whatever its dump
dates.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from pathlib import Path

import duckdb

from ..core.atomic import fsync_path, write_bytes_atomic
from ..core.failpoints import failpoint

STAGING_FOLDER = ".analytics-staging"
PLAN = "plan.json"
RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def holds_bytes(target: Path, data: bytes) -> bool:
    """True when `target` is a regular file (not a link) whose bytes are `data`."""
    try:
        if target.is_symlink() or not target.is_file() or target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def staging_root(exports_dir: Path) -> Path:
    return exports_dir / STAGING_FOLDER


class ExportStage:
    """One export asset's share of a run's staged exports: `path_for(target)` gives where to write a
    file that will appear at `target`; `remove(folder)` schedules a folder's removal."""

    def __init__(self, exports_dir: Path, run_id: str, part: str) -> None:
        if not RUN_ID.match(run_id):
            raise ValueError(f"unexpected run id {run_id!r}")
        self.exports_dir = exports_dir
        self.root = staging_root(exports_dir) / run_id
        self.part = part
        self.moves: list[str] = []
        self.removals: list[str] = []

    def _relative(self, target: Path) -> str:
        rel = target.relative_to(self.exports_dir).as_posix()
        if rel.startswith(STAGING_FOLDER) or ".." in rel.split("/"):
            raise ValueError(f"not an export path: {target}")
        return rel

    def path_for(self, target: Path) -> Path:
        rel = self._relative(target)
        staged = self.root / "files" / rel
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.unlink(missing_ok=True)  # writers such as DuckDB's COPY want to create the file
        self.moves.append(rel)
        return staged

    def write_bytes(self, target: Path, data: bytes) -> bool:
        """Stage `data` for `target`, unless `target` holds these bytes already: a file whose rows
        did not change is not rewritten (no copy, rename or fsync). True when staged."""
        if holds_bytes(target, data):
            return False
        self.path_for(target).write_bytes(data)
        return True

    def drop_if_unchanged(self, target: Path) -> bool:
        """After a writer (DuckDB's COPY) filled `path_for(target)`: when `target` holds the same
        bytes already, the staged file goes and `target` is left as it is. True when dropped."""
        rel = self._relative(target)
        staged = self.root / "files" / rel
        if not holds_bytes(target, staged.read_bytes()):
            return False
        staged.unlink()
        self.moves.remove(rel)
        return True

    def remove(self, folder: Path) -> None:
        self.removals.append(self._relative(folder))

    def finish(self) -> None:
        """The part is complete: its files reach the disk, then the part file that lists them."""
        for rel in self.moves:
            fsync_path(self.root / "files" / rel)
        body = {"moves": self.moves, "removals": self.removals}
        write_bytes_atomic(self.root / "parts" / f"{self.part}.json", json.dumps(body, indent=1).encode())


def seal(exports_dir: Path, run_id: str, parts: list[str]) -> Path:
    """Step 1: the plan of a run whose every export part is complete (before the publish)."""
    root = staging_root(exports_dir) / run_id
    plan = {"run_id": run_id, "moves": [], "removals": []}
    for part in parts:
        path = root / "parts" / f"{part}.json"
        if not path.exists():  # not in this run's selection (a failed part stops the run before the publish)
            continue
        body = json.loads(path.read_text())
        plan["moves"] += body["moves"]
        plan["removals"] += body["removals"]
    write_bytes_atomic(root / PLAN, json.dumps(plan, indent=1).encode())
    return root / PLAN


def apply_plan(exports_dir: Path, root: Path) -> tuple[int, int]:
    """Step 3 (or its completion after a kill): removals, then renames in order. Idempotent."""
    plan = json.loads((root / PLAN).read_text())
    removed = 0
    for rel in plan["removals"]:
        folder = exports_dir / rel
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
            removed += 1
    moved = 0
    folders = set()
    for n, rel in enumerate(plan["moves"]):
        staged, target = root / "files" / rel, exports_dir / rel
        if staged.exists():  # a kill may have moved it already
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            folders.add(target.parent)
            moved += 1
        if n == 0:
            failpoint("exports_move")  # the crash tests stop here: the warehouse published, files half moved
    for folder in sorted(folders):
        fsync_path(folder)
    shutil.rmtree(root)
    with contextlib.suppress(OSError):
        root.parent.rmdir()  # the staging folder goes when no other run's work is in it
    return moved, removed


def discard(root: Path) -> None:
    if root.is_dir() and not root.is_symlink():
        shutil.rmtree(root)


def published_run_id(warehouse: Path) -> str | None:
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            return conn.execute("select run_id from meta.publication").fetchone()[0]
    except duckdb.Error:
        return None


def recover_staged_exports(exports_dir: Path, warehouse: Path) -> list[str]:
    """At the start of a run: complete the exports of the published run, discard every other
    staging folder (a run that never published). Returns what was done, for the log."""
    root = staging_root(exports_dir)
    if not root.is_dir() or root.is_symlink():
        return []
    published = published_run_id(warehouse)
    done = []
    for folder in sorted(root.iterdir()):
        if folder.name == published and (folder / PLAN).exists():
            moved, removed = apply_plan(exports_dir, folder)
            done.append(f"completed the exports of published run {folder.name}: {moved} files moved, {removed} folders removed")
        elif folder.is_dir() and not folder.is_symlink():
            discard(folder)
            done.append(f"discarded the staged exports of run {folder.name}, which was never published")
        else:
            folder.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        root.rmdir()
    return done
