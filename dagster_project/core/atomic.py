"""Write aside, then rename: a reader sees the old file or the new one, never a partial one.

Temporary files are named `.analytics-tmp-<target name>.<random>.tmp` beside their target: the
project's own prefix (SPEC §6: the pipeline deletes only what it created). A run killed half-way
leaves them behind; the next run (the only writer, see run_control) removes them with
`remove_leftover_temp_files`, in the folders it writes only and never recursively, before it
writes anything.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMP_PREFIX = ".analytics-tmp-"
TEMP_SUFFIX = ".tmp"


def temp_path_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers such as DuckDB's COPY want to create the file themselves
    return tmp


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success fsync and rename it onto `target`."""
    with StagedFiles() as staged:
        yield staged.path_for(target)


class StagedFiles:
    """Many files written aside and made visible together at the end (SPEC §5).

    `commit` fsyncs every file, renames them in the order they were staged (so a manifest staged
    after its CSV appears after it), then fsyncs each directory once: one pass of fsyncs for a
    whole date's exports instead of one wait per file. On an error nothing is renamed and the
    temporary files are removed.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []  # (temporary, target)

    def path_for(self, target: Path) -> Path:
        tmp = temp_path_beside(target)
        self.pending.append((tmp, target))
        return tmp

    def write_bytes(self, target: Path, data: bytes) -> None:
        self.path_for(target).write_bytes(data)

    def commit(self) -> None:
        for tmp, _ in self.pending:
            fsync_path(tmp)
        for tmp, target in self.pending:
            os.replace(tmp, target)
        for folder in sorted({target.parent for _, target in self.pending}):
            fsync_path(folder)
        self.pending = []

    def discard(self) -> None:
        for tmp, _ in self.pending:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
        self.pending = []

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with StagedFiles() as staged:
        staged.write_bytes(target, data)


def is_temp_name(name: str, target_name: str = "") -> bool:
    """A temporary file of ours (or its DuckDB WAL), for `target_name` when given."""
    return name.startswith(TEMP_PREFIX + (f"{target_name}." if target_name else "")) and (
        name.endswith(TEMP_SUFFIX) or name.endswith(TEMP_SUFFIX + ".wal")
    )


def remove_leftover_temp_files(folder: Path, target_name: str = "") -> list[Path]:
    """Delete the temporary files (and DuckDB WALs of temporary files) a killed run left directly in
    `folder` (for `target_name` only, when given). Not recursive, and only names of our prefix: a
    folder we write may be shared with other programs and people."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.iterdir()):
        if is_temp_name(path.name, target_name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
