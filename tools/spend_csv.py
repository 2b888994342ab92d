"""Finance: copy one organisation's spend CSV for one date out of the exports, under a name that
says whose and when it is (`make spend-csv ORG=org_0001 DATE=2026-03-31 [OUT=dir]`; default
~/Downloads, or the home folder).

The exports keep their layout (<exports>/spend/<org>/<date>/user_spend.csv, every file named
alike); the copy is `user_spend_<org>_<date>.csv`, checked against its manifest first. When there
is no file, it says why (spend reports hidden, organisation not present that day, date not built).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dagster_project.core.names import SAFE_NAME  # noqa: E402


def exports_dir() -> Path:
    value = os.environ.get("ANALYTICS_EXPORTS_DIR")
    return Path(value) if value else ROOT / "exports"


def why_missing(index: Path, org: str, day: str) -> str:
    if not index.exists():
        return f"there is no {index}: run `make run` first"
    with open(index, newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["organization_id"] == org and row["date"] == day:
            return row["reason"] or "the index lists a file that is missing: re-run that date"
    dates = sorted({r["date"] for r in rows})
    if day not in dates:
        span = f"{dates[0]} .. {dates[-1]}" if dates else "none"
        return f"{day} is not a built date (built: {span})"
    return f"{org} is not in the organizations snapshot of {day}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--org", required=True)
    parser.add_argument("--date", required=True)
    parser.add_argument("--out", type=Path, default=None, help="the folder to copy into (default: ~/Downloads, or ~)")
    args = parser.parse_args(argv)
    if not SAFE_NAME.match(args.org):
        print(f"error: {args.org!r} is not an organisation id", file=sys.stderr)
        return 2
    try:
        day = dt.date.fromisoformat(args.date).isoformat()
    except ValueError:
        print(f"error: DATE {args.date!r} is not a date: use YYYY-MM-DD", file=sys.stderr)
        return 2
    folder = exports_dir() / "spend" / args.org / day
    source, manifest = folder / "user_spend.csv", folder / "manifest.json"
    if not (source.exists() and manifest.exists()):
        reason = why_missing(exports_dir() / "spend" / "index.csv", args.org, day)
        print(f"error: no spend file for {args.org} on {day}: {reason}", file=sys.stderr)
        return 1
    data = source.read_bytes()
    if hashlib.sha256(data).hexdigest() != json.loads(manifest.read_text())["sha256"]:
        print(f"error: {source} does not match its manifest; re-run {day}", file=sys.stderr)
        return 1
    if args.out is None:  # never the checkout: a copy left there would end up in someone's commit
        downloads = Path.home() / "Downloads"
        args.out = downloads if downloads.is_dir() else Path.home()
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"user_spend_{args.org}_{day}.csv"
    shutil.copyfile(source, target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
