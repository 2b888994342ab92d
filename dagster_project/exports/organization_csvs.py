"""Per-organisation CSV exports of one as-of date (SPEC §5): finance's user-spend files and the
per-user Claude Code files, in one shape (a folder per organisation and date, a manifest written
last, formula-safe cells, exact amounts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..core.csv_files import manifest, render_csv, safe_folder
from ..core.csv_layouts import CsvExport
from .staging import ExportStage


@dataclass
class ExportedFile:
    organization_id: str
    as_of_date: dt.date
    rows: int
    path: Path


def export_dir(exports_dir: Path, spec: CsvExport, organization_id: str, as_of_date: dt.date) -> Path:
    return safe_folder(exports_dir / spec.folder, organization_id, as_of_date.isoformat())


def _select_columns(spec: CsvExport) -> str:
    # amounts as DuckDB renders DECIMAL(18,6): every digit, no float on the way
    return ", ".join(
        "strftime(as_of_date, '%Y-%m-%d')"
        if c == "as_of_date"
        else f"cast({c} as varchar)"
        if c in spec.amount_columns
        else f'"{c}"'
        for c in spec.columns
    )


def export_csv_for_date(
    conn: duckdb.DuckDBPyConnection, exports_dir: Path, spec: CsvExport, as_of_date: dt.date, staged: ExportStage
) -> list[ExportedFile]:
    """Stage one CSV + manifest per organisation of `as_of_date` that gets one, and the removal of
    the folders of that date of every other organisation (hidden spend, or no longer in the snapshot)."""
    organizations = [
        org
        for org, hidden in conn.execute(
            "select organization_id, spend_reports_hidden from marts.organizations_daily where date = ? order by 1", [as_of_date]
        ).fetchall()
        if not (hidden and spec.hidden_spend_excluded)
    ]
    rows_by_org: dict[str, list[tuple]] = {}
    for row in conn.execute(
        f"""
            select {_select_columns(spec)} from marts.{spec.mart}
            where as_of_date = ? and ({spec.where})
            order by organization_id, user_id""",
        [as_of_date],
    ).fetchall():
        rows_by_org.setdefault(row[0], []).append(row)
    for folder in date_folders(exports_dir, spec, as_of_date, keep=set(organizations)):
        staged.remove(folder)
    exports = []
    for organization_id in organizations:
        folder = export_dir(exports_dir, spec, organization_id, as_of_date)
        rows = rows_by_org.get(organization_id, [])
        data = render_csv(spec.columns, rows, spec.amount_columns)
        staged.write_bytes(folder / spec.file_name, data)
        # staged after its CSV, so renamed after it: a manifest says its CSV is complete
        staged.write_bytes(
            folder / "manifest.json",
            manifest(
                spec.file_name, organization_id, as_of_date, spec.columns, rows, data, spec.amount_columns, spec.total_columns
            ),
        )
        exports.append(ExportedFile(organization_id, as_of_date, len(rows), folder / spec.file_name))
    return exports


def date_folders(exports_dir: Path, spec: CsvExport, as_of_date: dt.date, keep: set[str] = frozenset()) -> list[Path]:
    """`<folder>/<org>/<date>` of every organisation not in `keep` (names come from the exports
    folder itself, never from raw data)."""
    return [
        folder
        for folder in sorted((exports_dir / spec.folder).glob(f"*/{as_of_date.isoformat()}"))
        if folder.is_dir() and not folder.is_symlink() and folder.parent.name not in keep
    ]
