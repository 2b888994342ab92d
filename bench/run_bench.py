"""`make bench`: generate a large dump set, then measure the floor, a full build and nightly runs.

    python -m bench.run_bench                       # ~10M events, 100 days, 200 orgs, 20,000 users
    python -m bench.run_bench --year [--orgs 20]    # 365 days (50 orgs): nightly at day 99 and day 364
    python -m bench.run_bench --orgs 40 --days 30   # smaller
    python -m bench.run_bench --spark --orgs 80 --days 50   # the models on the Spark cluster (make bench-spark)

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
    if env.get("ANALYTICS_ENGINE") == "spark":
        spark_profile(name)
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    if stats["code"] != 0:
        raise SystemExit(f"{name} failed (exit {stats['code']}); see {log}")
    return {"name": name, "seconds": wall, "records": records, "rate": records / wall, "peak_mib": stats["maxrss_kib"] / 1024}


def spark_profile(name: str) -> None:
    """Where a Spark run's dbt time went, from dbt's run_results.json: the whole, models, data
    tests (summed over dbt's threads) and the five slowest models."""
    results = json.loads((ROOT / "dbt" / "target" / "run-spark" / "run_results.json").read_text())
    nodes = results["results"]
    models = sorted((n for n in nodes if n["unique_id"].startswith("model.")), key=lambda n: -n["execution_time"])
    tests = [n for n in nodes if n["unique_id"].startswith("test.")]
    model_seconds = sum(n["execution_time"] for n in models)
    print(
        f"   {name}: dbt {results['elapsed_time']:.0f} s wall; {len(models)} models {model_seconds:.0f} s, "
        f"{len(tests)} data tests {sum(n['execution_time'] for n in tests):.0f} s (summed over threads); slowest: "
        + ", ".join(f"{n['unique_id'].split('.')[-1]} {n['execution_time']:.0f} s" for n in models[:5]),
        flush=True,
    )


def count_records(raw: Path, sources: list[str]) -> int:
    total = 0
    for source in sources:
        for path in (raw / source).glob("dt=*/*.jsonl"):
            with open(path, "rb") as fh:
                total += sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 20), b""))
    return total


def dump_dates(raw: Path) -> list[str]:
    """The dump dates the pipeline would ingest (stray folders, such as one dated in the future, left out)."""
    from dagster_project.ingest.discovery import DumpDirectory

    return [d.isoformat() for d in DumpDirectory.scan(raw).dump_dates()]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--orgs", type=int, default=None, help="organisations (default 200; 50 with --year)")
    p.add_argument("--days", type=int, default=100)
    p.add_argument("--users-per-org", type=int, default=100)
    p.add_argument("--events-per-user-day", type=float, default=11.0)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    p.add_argument("--keep-data", action="store_true", help="reuse bench/data if it was generated before")
    p.add_argument(
        "--year",
        action="store_true",
        help="a year of history (365 days, 50 organisations): is a nightly run at day 364 as cheap as at day 99?",
    )
    p.add_argument(
        "--spark",
        action="store_true",
        help="build the models on the Spark cluster that ANALYTICS_SPARK_* name (make spark-up starts one)",
    )
    args = p.parse_args(argv)
    if args.spark:
        args.work = args.work.with_name(args.work.name + "-spark")
    if args.year:
        args.days, args.orgs = 365, args.orgs or 50
        args.work = args.work.with_name(args.work.name + "-year")
    args.orgs = args.orgs or 200

    # a year must end before today: the pipeline ignores dump folders dated in the future
    start = "2025-01-01" if args.year else "2026-01-01"
    data = ROOT / "bench" / "data" / f"o{args.orgs}-d{args.days}-u{args.users_per_org}-e{args.events_per_user_day}"
    if args.year:
        data = data.with_name(data.name + f"-s{start}")
    if not (args.keep_data and data.exists()):
        t = time.perf_counter()
        subprocess.run(
            [
                PY,
                str(ROOT / "tools" / "generate_dumps.py"),
                "--out",
                str(data),
                "--no-gzip",
                "--orgs",
                str(args.orgs),
                "--days",
                str(args.days),
                "--users-per-org",
                str(args.users_per_org),
                "--events-per-user-day",
                str(args.events_per_user_day),
                "--seed",
                str(args.seed),
                "--start",
                start,
            ],
            check=True,
        )
        print(f"generated {data} in {time.perf_counter() - t:.0f} s")
    dates = dump_dates(data)
    events_usage = count_records(data, ["events", "usage"])
    all_records = count_records(data, ["events", "usage", "claude_code", "snapshots"])
    one_day = lambda day: count_records_day(data, day)  # noqa: E731
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    log = args.work / "bench.log"
    from dagster_project.settings import Settings

    defaults = Settings.from_env()  # the project's defaults, unless the caller sets them
    memory_limit = os.environ.get("ANALYTICS_DUCKDB_MEMORY_LIMIT", defaults.memory_limit)
    threads = os.environ.get("ANALYTICS_DUCKDB_THREADS", str(defaults.threads))

    def env_for(name: str, raw: Path = data) -> dict[str, str]:
        folder = args.work / name
        (folder / "dagster_home").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "dagster.yaml", folder / "dagster_home" / "dagster.yaml")  # as `make` sets it up
        return {
            **os.environ,
            "ANALYTICS_RAW_DIR": str(raw),
            "ANALYTICS_WAREHOUSE": str(folder / "analytics.duckdb"),
            "ANALYTICS_EXPORTS_DIR": str(folder / "exports"),
            "DAGSTER_HOME": str(folder / "dagster_home"),
            "ANALYTICS_WORK_WAREHOUSE": str(folder / "build" / "work.duckdb"),
            "ANALYTICS_DUCKDB_MEMORY_LIMIT": memory_limit,
            "ANALYTICS_DUCKDB_THREADS": threads,
            # each measurement's first run is a full build: it starts Spark's tables afresh
            **({"ANALYTICS_ENGINE": "spark"} if args.spark else {}),
        }

    def cli(start: str, end: str) -> list[str]:
        return [PY, "-m", "dagster_project.cli", "run", "--from", start, "--to", end]

    floor_sql = (ROOT / "bench" / "floor.sql").read_text().replace("{raw}", str(data))
    floor_script = (
        f"import duckdb; c = duckdb.connect({str(args.work / 'floor.duckdb')!r}, "
        f"config={{'memory_limit': {memory_limit!r}, 'threads': {threads}}}); c.execute({floor_sql!r})"
    )
    results = [
        measure("floor (DuckDB read + dedupe, events+usage)", [PY, "-c", floor_script], os.environ.copy(), events_usage, log)
    ]
    if not args.year:
        results.append(
            measure(
                "full build (empty -> marts, exports, API warehouse)", cli(dates[0], dates[-1]), env_for("full"), all_records, log
            )
        )
    histories = (
        [(99, "day 99"), (364, "day 364")] if args.year else [(len(dates) // 2, "half history"), (len(dates) - 1, "full history")]
    )
    for history, label in histories:
        # the dump directory as it was after `history` days: a first run on an empty working file
        # builds every dump date it finds, so the later days must not be there yet
        raw = args.work / f"raw_{history}"
        link_days(data, raw, dates[:history])
        env = env_for(f"nightly_{history}", raw)
        prepared = measure(
            f"build of the first {history} days",
            cli(dates[0], dates[history - 1]),
            env,
            count_records_days(data, dates[:history]),
            log,
        )
        if args.year and history == 364:
            results.insert(1, dict(prepared, name="full build of 364 days (empty -> marts, exports, API warehouse)"))
        day = dates[history]
        link_days(data, raw, [day])
        results.append(measure(f"nightly +1 day after {history} days ({label})", cli(day, day), env, one_day(day), log))
    report(results, data, args, events_usage, all_records, memory_limit, threads)


def link_days(data: Path, raw: Path, days: list[str]) -> None:
    """Hard links of the dump folders of `days` under `raw` (no copy: the same files)."""
    for day in days:
        for folder in data.glob(f"*/dt={day}"):
            target = raw / folder.parent.name / folder.name
            target.mkdir(parents=True, exist_ok=True)
            for file in folder.iterdir():
                os.link(file, target / file.name)


def count_records_days(raw: Path, days: list[str]) -> int:
    return sum(count_records_day(raw, day) for day in days)


def count_records_day(raw: Path, day: str) -> int:
    total = 0
    for path in raw.glob(f"*/dt={day}/*.jsonl"):
        with open(path, "rb") as fh:
            total += sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 20), b""))
    return total


def report(results: list[dict], data: Path, args, events_usage: int, all_records: int, memory_limit: str, threads: str) -> None:
    floor, full = results[0], results[1]
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
        f"DuckDB memory_limit {memory_limit}, threads {threads}",
        f"data: {data.name}: {events_usage:,} events+usage lines, {all_records:,} lines in all",
        "",
        "| step | wall s | records | records/s | peak RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(f"| {r['name']} | {r['seconds']:.1f} | {r['records']:,} | {r['rate']:,.0f} | {r['peak_mib']:,.0f} |")
    lines += ["", f"full / floor: {full['seconds'] / floor['seconds']:.2f} (target <= 6)"]
    nightly = results[2:]
    for r in nightly:
        lines.append(
            f"{r['name']}: {r['seconds']:.1f} s (target <= 20 s), {100 * r['seconds'] / full['seconds']:.1f} % of the full build"
        )
    if len(nightly) == 2:
        lines.append(
            f"nightly growth from the first to the second: {nightly[1]['seconds'] / nightly[0]['seconds']:.2f}x (flat: about 1)"
        )
    lines.append(f"peak RSS of any step: {max(r['peak_mib'] for r in results):,.0f} MiB (target <= 3,072 MiB)")
    text = "\n".join(lines)
    print("\n" + text)
    (args.work / "report.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
