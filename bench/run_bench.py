"""`make bench`: generate a large dump set, then measure the floor, a full build and nightly runs.

    python -m bench.run_bench                       # ~10M events, 100 days, 200 orgs, 20,000 users
    python -m bench.run_bench --orgs 40 --days 30   # smaller

Each measurement runs in a fresh process; peak memory is that process tree's largest resident set.
Prints a table: wall seconds, records per second, peak RSS, and the ratios full/floor and nightly/full.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

# Runs `cmd` and prints the largest resident set of its process tree (KiB), measured by a parent
# that does nothing else.
MEASURE = (
    "import resource, subprocess, sys, json; "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print(json.dumps({'code': code, 'maxrss_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
)


def measure(name: str, cmd: list[str], env: dict[str, str], records: int, log: Path) -> dict:
    print(f"-- {name}", flush=True)
    start = time.perf_counter()
    with open(log, "a") as fh:
        fh.write(f"\n==== {name}\n")
        fh.flush()
        proc = subprocess.run([PY, "-c", MEASURE, *cmd], env=env, stdout=subprocess.PIPE, stderr=fh, text=True)
    wall = time.perf_counter() - start
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    if stats["code"] != 0:
        raise SystemExit(f"{name} failed (exit {stats['code']}); see {log}")
    return {"name": name, "seconds": wall, "records": records, "rate": records / wall,
            "peak_mib": stats["maxrss_kib"] / 1024}


def count_records(raw: Path, sources: list[str]) -> int:
    total = 0
    for source in sources:
        for path in (raw / source).glob("dt=*/*.jsonl"):
            with open(path, "rb") as fh:
                total += sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 20), b""))
    return total


def dump_dates(raw: Path) -> list[str]:
    return sorted({p.name[3:] for p in raw.glob("*/dt=*")})


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--orgs", type=int, default=200)
    p.add_argument("--days", type=int, default=100)
    p.add_argument("--users-per-org", type=int, default=100)
    p.add_argument("--events-per-user-day", type=float, default=11.0)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    p.add_argument("--keep-data", action="store_true", help="reuse bench/data if it was generated before")
    args = p.parse_args(argv)

    data = ROOT / "bench" / "data" / f"o{args.orgs}-d{args.days}-u{args.users_per_org}-e{args.events_per_user_day}"
    if not (args.keep_data and data.exists()):
        t = time.perf_counter()
        subprocess.run([PY, str(ROOT / "tools" / "generate_dumps.py"), "--out", str(data), "--no-gzip",
                        "--orgs", str(args.orgs), "--days", str(args.days), "--users-per-org", str(args.users_per_org),
                        "--events-per-user-day", str(args.events_per_user_day), "--seed", str(args.seed),
                        "--start", "2026-01-01"], check=True)
        print(f"generated {data} in {time.perf_counter() - t:.0f} s")
    dates = dump_dates(data)
    events_usage = count_records(data, ["events", "usage"])
    all_records = count_records(data, ["events", "usage", "claude_code", "snapshots"])
    one_day = lambda day: count_records_day(data, day)  # noqa: E731
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    log = args.work / "bench.log"
    memory_limit = os.environ.get("ANALYTICS_DUCKDB_MEMORY_LIMIT", "4GB")
    threads = os.environ.get("ANALYTICS_DUCKDB_THREADS", "2")

    def env_for(name: str) -> dict[str, str]:
        folder = args.work / name
        return {**os.environ, "ANALYTICS_RAW_DIR": str(data), "ANALYTICS_WAREHOUSE": str(folder / "analytics.duckdb"),
                "ANALYTICS_EXPORTS_DIR": str(folder / "exports"), "DAGSTER_HOME": str(folder / "dagster_home"),
                "ANALYTICS_WORK_WAREHOUSE": str(folder / "build" / "work.duckdb"),
                "ANALYTICS_DUCKDB_MEMORY_LIMIT": memory_limit, "ANALYTICS_DUCKDB_THREADS": threads}

    def cli(start: str, end: str) -> list[str]:
        return [PY, "-m", "dagster_project.cli", "run", "--from", start, "--to", end]

    floor_sql = (ROOT / "bench" / "floor.sql").read_text().replace("{raw}", str(data))
    floor_script = (f"import duckdb; c = duckdb.connect({str(args.work / 'floor.duckdb')!r}, "
                    f"config={{'memory_limit': {memory_limit!r}, 'threads': {threads}}}); c.execute({floor_sql!r})")
    results = [measure("floor (DuckDB read + dedupe, events+usage)", [PY, "-c", floor_script], os.environ.copy(),
                       events_usage, log)]
    results.append(measure("full build (empty -> marts, exports)", cli(dates[0], dates[-1]), env_for("full"),
                           all_records, log))
    half = len(dates) // 2
    for label, history in [("half history", half), ("full history", len(dates) - 1)]:
        env = env_for(f"nightly_{history}")
        measure(f"prepare {history} days", cli(dates[0], dates[history - 1]), env, 0, log)
        day = dates[history]
        results.append(measure(f"nightly +1 day after {history} days ({label})", cli(day, day), env,
                               one_day(day), log))
    report(results, data, args, events_usage, all_records)


def count_records_day(raw: Path, day: str) -> int:
    total = 0
    for path in raw.glob(f"*/dt={day}/*.jsonl"):
        with open(path, "rb") as fh:
            total += sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 20), b""))
    return total


def report(results: list[dict], data: Path, args, events_usage: int, all_records: int) -> None:
    floor, full = results[0], results[1]
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
        f"DuckDB memory_limit {os.environ.get('ANALYTICS_DUCKDB_MEMORY_LIMIT', '4GB')}, "
        f"threads {os.environ.get('ANALYTICS_DUCKDB_THREADS', '2')}",
        f"data: {data.name}: {events_usage:,} events+usage lines, {all_records:,} lines in all",
        "",
        "| step | wall s | records | records/s | peak RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(f"| {r['name']} | {r['seconds']:.1f} | {r['records']:,} | {r['rate']:,.0f} | {r['peak_mib']:,.0f} |")
    lines += ["", f"full / floor: {full['seconds'] / floor['seconds']:.2f} (target <= 2.5)"]
    for r in results[2:]:
        lines.append(f"{r['name']} / full: {100 * r['seconds'] / full['seconds']:.1f} % (target <= 10 %)")
    text = "\n".join(lines)
    print("\n" + text)
    (args.work / "report.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
