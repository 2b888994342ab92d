"""What the dump directory holds: the files a run ingests and the ones it ignores (SPEC §2.5).

Every file under the dump directory is accounted for. `*.jsonl` and `*.jsonl.gz` files (exact
case) in `<source>/dt=YYYY-MM-DD/` folders of the four sources are dump files; anything else is
an ignored file with a reason, listed in raw.ignored_files and reported as a warning. Only this
module decides which paths are read: nothing inside a record ever does.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from ..core.sources import SOURCES

DUMP_SUFFIXES = (".jsonl", ".jsonl.gz")


@dataclass(frozen=True)
class IgnoredFile:
    path: str  # relative to the dump directory
    reason: str  # a stable code; see REASONS


REASONS = {
    "unknown_source": "not under one of the sources events, usage, claude_code, snapshots",
    "not_in_dump_folder": "not inside a dt=YYYY-MM-DD folder",
    "bad_dump_date": "the folder's date does not parse as dt=YYYY-MM-DD",
    "dump_date_in_future": "the folder is dated after the current UTC day",
    "not_a_dump_file": "not a *.jsonl or *.jsonl.gz file (names are case-sensitive)",
    "unknown_snapshot_table": "snapshots hold only organizations, members, invites, groups and group_members files",
    "symlink": "a symbolic link (to a file or a folder): never followed, so nothing outside the dump directory is read",
}


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def parse_dump_folder(name: str) -> dt.date | None:
    """The date of a `dt=YYYY-MM-DD` folder name, or None."""
    if not name.startswith("dt=") or len(name) != 13:
        return None
    try:
        return dt.date.fromisoformat(name[3:])
    except ValueError:
        return None


def is_dump_file(source: str, name: str) -> str | None:
    """None when `name` is a dump file of `source`, else the reason it is ignored."""
    if not name.endswith(DUMP_SUFFIXES):
        return "not_a_dump_file"
    if source == "snapshots":
        stem = name.split(".")[0]
        tables = {t.file_stem for t in SOURCES["snapshots"].tables}
        if stem not in tables:
            return "unknown_snapshot_table"
    return None


def _walk_files(folder: Path):
    """Every file under `folder`, and every symbolic link as itself (never followed: a link to a
    folder is listed, not entered)."""
    for root, dirs, files in os.walk(folder):
        for name in files:
            yield Path(root) / name
        for name in dirs:
            if (Path(root) / name).is_symlink():
                yield Path(root) / name


@dataclass
class DumpDirectory:
    """The dump files per (source, dump date) and every ignored file, from one scan."""

    raw_dir: Path
    files: dict[tuple[str, dt.date], list[Path]]
    ignored: list[IgnoredFile]

    @classmethod
    def scan(cls, raw_dir: Path, today: dt.date | None = None) -> DumpDirectory:
        today = today or utc_today()
        files: dict[tuple[str, dt.date], list[Path]] = {}
        ignored: list[IgnoredFile] = []

        def ignore(path: Path, reason: str) -> None:
            # SPEC §2.5: a symbolic link is listed as one, whatever else is wrong with its place
            reason = "symlink" if path.is_symlink() else reason
            ignored.append(IgnoredFile(path.relative_to(raw_dir).as_posix(), reason))

        if not raw_dir.is_dir():
            return cls(raw_dir, files, ignored)
        for top in sorted(raw_dir.iterdir()):
            if top.is_symlink() or top.is_file():
                ignore(top, "not_in_dump_folder")
                continue
            if top.name not in SOURCES:
                for path in _walk_files(top):
                    ignore(path, "unknown_source")
                continue
            for folder in sorted(top.iterdir()):
                if folder.is_symlink() or folder.is_file():
                    ignore(folder, "not_in_dump_folder")
                    continue
                day = parse_dump_folder(folder.name)
                reason = None
                if day is None:
                    reason = "bad_dump_date" if folder.name.startswith("dt=") else "not_in_dump_folder"
                elif day > today:
                    reason = "dump_date_in_future"
                if reason:
                    for path in _walk_files(folder):
                        ignore(path, reason)
                    continue
                day_files = files.setdefault((top.name, day), [])
                for path in sorted(_walk_files(folder)):
                    if path.is_symlink() or path.parent != folder:
                        ignore(path, "not_in_dump_folder")
                    elif (why := is_dump_file(top.name, path.name)) is not None:
                        ignore(path, why)
                    else:
                        day_files.append(path)
        # SPEC §2.5: within one dump, files are taken in name order
        for day_files in files.values():
            day_files.sort(key=lambda p: p.name)
        ignored.sort(key=lambda i: i.path)
        return cls(raw_dir, files, ignored)

    def day_files(self, source: str, day: dt.date) -> list[Path]:
        return self.files.get((source, day), [])

    def dump_dates(self) -> list[dt.date]:
        """Dates with a dump folder of any source (empty folders count: they are deliveries too)."""
        return sorted({day for _, day in self.files})

    def dates_with_files(self) -> set[dt.date]:
        return {day for (_, day), paths in self.files.items() if paths}
