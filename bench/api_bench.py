"""`make bench-api`: the Analytics API and the dashboard under load, on the `make bench` warehouse.

    python -m bench.api_bench                         # bench/work/full/analytics.duckdb (run make bench first)
    python -m bench.api_bench --warehouse path/to/analytics.duckdb --seconds 30 --clients 8

Starts `python -m dagster_project.serve` in its own process (with its ANALYTICS_API_WORKERS worker
processes), makes an owner key for every Enterprise organisation, then 8 clients (threads of this
process, each on one kept-alive connection) send a mix of endpoints (100-row pages) for 30 s. Prints
requests/s, p50/p95/p99 latency, errors, the share answered from the per-publish cache and the
server's peak memory (its processes' peaks, summed); then times each dashboard page (server render,
and in Chromium when it is installed). Targets: p99 <= 50 ms, >= 300 requests/s, 0 errors,
<= 500 MiB, every page <= 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import duckdb
import httpx

ROOT = Path(__file__).resolve().parents[1]
BASE = "/v1/organizations/analytics/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_scoped(day, start, group: str) -> list[tuple[str, dict]]:
    """Reads scoped to one RBAC group (SPEC §7 groups): re-aggregated from user rows at request time."""
    scope = {"filter[]": f"rbac_group_id:{group}"}
    return [
        ("summaries", {"starting_date": str(start), "ending_date": str(day), **scope}),
        ("users", {"date": str(day), "limit": 100, **scope}),
        ("connectors", {"date": str(day), **scope}),
    ]


def requests_mix(latest: str, rng: random.Random, group: str | None = None) -> tuple[str, dict]:
    days_back = rng.randint(0, 60)
    day = __import__("datetime").date.fromisoformat(latest) - __import__("datetime").timedelta(days=days_back)
    start = day - __import__("datetime").timedelta(days=29)
    mix = [
        ("summaries", {"starting_date": str(start), "ending_date": str(day)}),
        ("users", {"date": str(day), "limit": 100}),
        ("engagement", {"as_of_date": str(day), "limit": 100}),
        ("chats", {"as_of_date": str(day)}),
        ("leaderboards", {"as_of_date": str(day), "metric": "projects_used", "window": "mtd"}),
        ("top_connectors", {"as_of_date": str(day), "window": "1m"}),
        ("claude_code", {"starting_date": str(start), "ending_date": str(day)}),
        ("claude_code_users", {"as_of_date": str(day), "window": "mtd", "limit": 100}),
        ("spend_daily", {"starting_date": str(start), "ending_date": str(day), "group_by": "model"}),
        ("spend_totals", {"as_of_date": str(day)}),
        ("spend_by_model", {"as_of_date": str(day), "window": "3m"}),
        ("user_spend_report", {"starting_date": str(start), "ending_date": str(day), "limit": 100}),
    ]
    if group and rng.random() < 0.25:  # a quarter of an organisation-with-groups' reads are scoped
        return rng.choice(group_scoped(day, start, group))
    return rng.choice(mix)


def peak_rss_mib(pid: int) -> float:
    """The peak resident memory of a process and its children (the server's worker processes), summed."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += peak_rss_mib(int(child))
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=ROOT / "bench" / "work" / "full" / "analytics.duckdb")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        print(f"error: no warehouse at {args.warehouse}: run `make bench` first (or pass --warehouse)", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="bench-api-"))
    keys_path = work / "api_keys.sqlite"
    sys.path.insert(0, str(ROOT))
    from dagster_project.serve.core.keys import KeyStore

    with duckdb.connect(str(args.warehouse), read_only=True) as conn:
        latest = str(conn.execute("select max(date) from marts.organizations_daily").fetchone()[0])
        orgs = [
            o
            for (o,) in conn.execute(
                "select organization_id from marts.organizations_daily where date = ? and plan = 'enterprise' "
                "and not spend_reports_hidden order by 1",
                [latest],
            ).fetchall()
        ]
        # each organisation's first group on the latest date (None for one without groups)
        first_group = dict(
            conn.execute(
                "select organization_id, min(rbac_group_id) from marts.groups_daily where date = ? group by 1", [latest]
            ).fetchall()
        )
    store = KeyStore(keys_path)
    secrets = [store.create(org, "owner", "bench")[1] for org in orgs]
    port = free_port()
    env = {
        **os.environ,
        "ANALYTICS_WAREHOUSE": str(args.warehouse),
        "ANALYTICS_API_KEYS": str(keys_path),
        "ANALYTICS_API_PORT": str(port),
        "ANALYTICS_API_RATE_LIMIT": "1000000",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.serve"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)

        latencies: list[float] = []
        scoped: list[float] = []
        errors: list[str] = []
        hits = [0]  # answers the server's per-publish cache gave
        stop = time.monotonic() + args.seconds
        lock = threading.Lock()

        def client(n: int) -> None:
            # the standard library's HTTP client on one kept-alive connection: a load generator that
            # spends little CPU of its own leaves the 2 cores to the server it measures (httpx costs ~1 ms
            # of CPU per request, a third of a core at 300 requests/s)
            rng = random.Random(n)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                while time.monotonic() < stop:
                    who = rng.randrange(len(secrets))
                    endpoint, params = requests_mix(latest, rng, first_group.get(orgs[who]))
                    target = BASE + endpoint + "?" + urllib.parse.urlencode(params)
                    started = time.perf_counter()
                    conn.request("GET", target, headers={"x-api-key": secrets[who]})
                    response = conn.getresponse()
                    body = response.read()
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies.append(elapsed)
                        if "filter[]" in params:
                            scoped.append(elapsed)
                        hits[0] += response.getheader("x-cache") == "hit"
                        if response.status != 200:
                            errors.append(f"{endpoint} {response.status} {body[:200]!r}")
            finally:
                conn.close()

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        memory = peak_rss_mib(server.pid)
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"\nAPI: {args.clients} clients for {args.seconds:.0f} s on {args.warehouse.name} "
            f"({len(orgs)} enterprise organisations, latest {latest})"
        )
        print("| requests | requests/s | p50 ms | p95 ms | p99 ms | errors | server peak RSS MiB |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        print(
            f"| {len(latencies):,} | {len(latencies) / wall:,.0f} | {cuts[49] * 1000:.1f} | {cuts[94] * 1000:.1f} | "
            f"{cuts[98] * 1000:.1f} | {len(errors)} | {memory:,.0f} |"
        )
        if len(scoped) > 1:
            group_cuts = statistics.quantiles(scoped, n=100)
            print(
                f"group-scoped reads (summaries, users, connectors with filter[]=rbac_group_id): {len(scoped):,}, "
                f"p50 {group_cuts[49] * 1000:.1f} ms, p99 {group_cuts[98] * 1000:.1f} ms"
            )
        print(f"answered from the per-publish cache: {hits[0]:,} ({hits[0] / max(1, len(latencies)):.0%})")
        for error in errors[:5]:
            print("  error:", error)
        page_renders(url, secrets[0], latest, first_group.get(orgs[0]))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return 0


def page_renders(url: str, secret: str, latest: str, group: str | None = None) -> None:
    pages = ["all-activity", "claude-ai", "claude-code"]
    with httpx.Client(base_url=url, timeout=60, follow_redirects=False) as http:
        http.post("/signin", data={"api_key": secret})
        print("\nDashboard pages (server render of the HTML, best of 5; then a full load in Chromium):")
        print("| page | server ms | Chromium load ms |")
        print("| --- | ---: | ---: |")
        browser_times = browser_loads(url, secret, latest, pages)
        for page in pages:
            times = []
            for _ in range(5):
                started = time.perf_counter()
                assert http.get(f"/analytics/{page}", params={"date": latest}).status_code == 200
                times.append(time.perf_counter() - started)
            print(f"| {page} | {min(times) * 1000:.0f} | {browser_times.get(page, float('nan')):.0f} |")
        if group:  # the same pages for one RBAC group (SPEC §8 ?group=): server render, best of 5
            for page in pages:
                times = []
                for _ in range(5):
                    started = time.perf_counter()
                    assert http.get(f"/analytics/{page}", params={"date": latest, "group": group}).status_code == 200
                    times.append(time.perf_counter() - started)
                print(f"| {page}?group={group} | {min(times) * 1000:.0f} | |")


def browser_loads(url: str, secret: str, latest: str, pages: list[str]) -> dict[str, float]:
    chromium = shutil.which("chromium")
    if not chromium:
        return {}
    from playwright.sync_api import sync_playwright

    times = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
        )
        page = browser.new_page()
        page.goto(url + "/signin")
        page.fill("input[name=api_key]", secret)
        page.click("button[type=submit]")
        page.wait_for_url("**/analytics/all-activity")
        for name in pages:
            page.goto(f"{url}/analytics/{name}?date={latest}")  # warm: Plotly cached as a real user has it
            started = time.perf_counter()
            page.goto(f"{url}/analytics/{name}?date={latest}", wait_until="load")
            page.wait_for_function("document.querySelectorAll('[data-chart]:not([data-chart-state])').length === 0")
            times[name] = (time.perf_counter() - started) * 1000
        browser.close()
    return times


if __name__ == "__main__":
    sys.exit(main())
