"""Write aside, then rename: a reader sees the old file or the new one, never a partial one.

Temporary files are named `.<target name>.<random>.tmp` beside their target. A run killed half-way
leaves them behind; the next run (the only writer, see run_control) removes them with
`remove_leftover_temp_files` before it writes anything.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..failpoints import failpoint

TEMP_SUFFIX = ".tmp"


def temp_path_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
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
        for n, (tmp, target) in enumerate(self.pending):
            os.replace(tmp, target)
            if n == 0:
                failpoint("exports")  # the crash tests stop a run here: some files renamed, some not
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


def remove_leftover_temp_files(folder: Path) -> list[Path]:
    """Delete the temporary files (and DuckDB WALs of temporary files) a killed run left in `folder`."""
    removed = []
    if not folder.is_dir():
        return removed
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.startswith(".") and (name.endswith(TEMP_SUFFIX) or name.endswith(TEMP_SUFFIX + ".wal")):
                path = Path(root) / name
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
