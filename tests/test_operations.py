"""Operating the pipeline as a data engineer does: `make dev` and `make daemon` stop cleanly
(SPEC §6 operations)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import httpx

from tests.conftest import PROJECT_ROOT
from tests.serve.conftest import free_port


def descendants(pid: int) -> set[int]:
    rows = [
        line.split() for line in subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout.splitlines()
    ]
    children: dict[int, list[int]] = {}
    for child, parent in rows:
        children.setdefault(int(parent), []).append(int(child))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    running = set()
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        running.add(pid)
    return running


def default_signals() -> None:
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, signal.SIG_DFL)


def test_make_dev_stops_with_everything_it_started_on_sigterm(tmp_path):
    home, port = tmp_path / "dagster_home", free_port()
    # not a sub-make of `make test`: make dev as a person starts it
    outer = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    env = {
        **outer,
        "DAGSTER_HOME": str(home),
        "ANALYTICS_RAW_DIR": str(tmp_path / "raw"),
        "ANALYTICS_WAREHOUSE": str(tmp_path / "analytics.duckdb"),
        "DEV_PORT": str(port),
    }
    (tmp_path / "raw").mkdir()
    # -o manifest: another test worker may be reading dbt/target; the manifest is already parsed
    # output to a file: an undrained pipe would fill up with dagster's logs and block everything
    log = open(tmp_path / "make-dev.log", "w+")  # noqa: SIM115 - closed below, after make ends
    # signals as a shell or a service manager gives them: a pytest-xdist worker ignores SIGTERM, and
    # make keeps ignoring a signal that was ignored when it started
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-o", "manifest", "dev"],
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=default_signals,
    )
    tree: set[int] = set()
    try:
        deadline = time.monotonic() + 180
        while True:
            assert make.poll() is None and time.monotonic() < deadline, "make dev did not start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        tree = descendants(make.pid)
        assert len(tree) >= 4  # the supervisor, dagster dev, its webserver, daemon and code servers
        started = time.monotonic()
        make.send_signal(signal.SIGTERM)  # what a service manager sends; make forwards it
        make.wait(timeout=60)
        while alive(tree) and time.monotonic() - started < 30:
            time.sleep(0.2)
        stopped_after = time.monotonic() - started
        left = alive(tree)
    finally:
        for pid in alive(descendants(make.pid) | tree):
            os.kill(pid, signal.SIGKILL)
    assert left == set(), "processes outlived make dev"
    assert stopped_after < 15, f"make dev took {stopped_after:.1f} s to stop"
    log.seek(0)
    assert "stopped" in log.read()
    log.close()


def test_dbt_docs_are_one_page_that_opens_from_disk(fixture_warehouse, tmp_path):
    """`make docs` runs `dbt docs generate --static`: a page that renders offline, from a file."""
    from tests.serve.test_dashboard import CHROMIUM, LAUNCH_ARGS

    target = tmp_path / "docs"
    env = {**os.environ, **fixture_warehouse.env}
    subprocess.run(
        [
            str(PROJECT_ROOT / ".venv" / "bin" / "dbt"),
            "docs",
            "generate",
            "--static",
            "--quiet",
            "--profiles-dir",
            ".",
            "--target-path",
            str(target),
        ],
        cwd=PROJECT_ROOT / "dbt",
        env=env,
        check=True,
        timeout=300,
    )
    page_file = target / "static_index.html"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"file://{page_file}#!/model/model.analytics.activity_daily")
            page.wait_for_function("document.body.innerText.includes('utilization')", timeout=30_000)
        finally:
            browser.close()
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []
