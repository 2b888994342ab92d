"""CSV files for people who open them in spreadsheets: per-organisation folders, formula-safe
cells, exact amounts and a manifest (SPEC §5). Shared by the nightly exports and the server's
downloads."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from .names import is_safe_name

# SPEC §5: a spreadsheet runs a cell starting with one of these as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class UnsafePathError(ValueError):
    """A name from the data that would leave the exports folder; ingest should have rejected it."""


def safe_folder(root: Path, *names: str) -> Path:
    """`root/name/...`, refusing any name that is not a plain, safe file name."""
    for name in names:
        if not is_safe_name(name):
            raise UnsafePathError(f"refusing to use {name!r} as a folder name under {root}")
    return root.joinpath(*names)


def safe_cell(value) -> str:
    """A text cell a spreadsheet shows as text: a leading `'` defuses a would-be formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def render_csv(columns: Sequence[str], rows: Iterable[Sequence], amount_columns: Sequence[str] = ()) -> bytes:
    """Header plus rows; amounts (already exact decimal text) as they are, every other cell formula-safe."""
    amounts = {columns.index(c) for c in amount_columns}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v if i in amounts else safe_cell(v) for i, v in enumerate(row)])
    return buffer.getvalue().encode("utf-8")


def column_totals(
    columns: Sequence[str], rows: Sequence[Sequence], amount_columns: Sequence[str], count_columns: Sequence[str] = ()
) -> dict:
    totals: dict = {c: f"{sum((Decimal(row[columns.index(c)]) for row in rows), Decimal('0')):.6f}" for c in amount_columns}
    totals.update({c: sum(int(row[columns.index(c)]) for row in rows) for c in count_columns})
    return totals


def manifest(
    file_name: str,
    organization_id: str,
    as_of_date: dt.date,
    columns: Sequence[str],
    rows: Sequence[Sequence],
    data: bytes,
    amount_columns: Sequence[str],
    count_columns: Sequence[str] = (),
) -> bytes:
    """What a reader checks the CSV against: written after it, so its presence means the CSV is complete."""
    body = {
        "organization_id": organization_id,
        "as_of_date": as_of_date.isoformat(),
        "file": file_name,
        "columns": list(columns),
        "row_count": len(rows),
        "sha256": hashlib.sha256(data).hexdigest(),
        "totals": column_totals(columns, rows, amount_columns, count_columns),
    }
    return (json.dumps(body, indent=2) + "\n").encode("utf-8")
