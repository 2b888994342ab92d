"""`make run` / `make backfill`: one-line errors for requests that cannot run, warnings for empty dates."""

from __future__ import annotations

import datetime as dt

import pytest

from dagster_project import cli
from tests.conftest import environment


@pytest.fixture
def raw_env(tmp_path, small_raw_copy):
    values = {
        "ANALYTICS_RAW_DIR": str(small_raw_copy),
        "ANALYTICS_WAREHOUSE": str(tmp_path / "wh" / "a.duckdb"),
        "ANALYTICS_EXPORTS_DIR": str(tmp_path / "exports"),
    }
    with environment(values):
        yield small_raw_copy


@pytest.mark.parametrize(
    "args,message",
    [
        (["--from", "2024-06-01", "--to", "2024-06-02"], "is before the first partition 2025-01-01"),
        (["--from", "2026-02-12", "--to", "2026-02-10"], "--from 2026-02-12 is after --to 2026-02-10"),
        (["--from", "2026-13-01", "--to", "2026-02-10"], "'2026-13-01' is not a date"),
        (["--from", "yesterday", "--to", "2026-02-10"], "is not a date"),
        (["--from", "2026-01-01", "--to", "2026-01-31"], "no dump files for 2026-01-01 .. 2026-01-31"),
        (["--from", "2026-02-10", "--to", "2999-01-01"], "is after today"),
    ],
)
def test_a_backfill_that_cannot_run_is_one_line_and_exit_2(raw_env, capsys, args, message):
    assert cli.main(["run", *args]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_dates_without_files_are_warned_about(raw_env):
    (raw_env / "events" / "dt=2026-02-18").mkdir()  # a folder with no files
    from dagster_project.settings import Settings

    start, end, warnings = cli.plan_range(Settings.from_env(), dt.date(2026, 2, 14), dt.date(2026, 2, 18), dt.date(2025, 1, 1))
    assert (start, end) == (dt.date(2026, 2, 14), dt.date(2026, 2, 18))
    assert len(warnings) == 1
    assert "no dump files for 3 of 5 requested dates (2026-02-16, 2026-02-17, 2026-02-18)" in warnings[0]


def test_default_range_covers_dates_built_before_whose_folders_are_gone(raw_env, monkeypatch):
    from dagster_project.settings import Settings

    monkeypatch.setattr(cli, "previously_built_dates", lambda settings: [dt.date(2026, 2, 20)])
    start, end, _ = cli.plan_range(Settings.from_env(), None, None, dt.date(2025, 1, 1))
    assert (start, end) == (dt.date(2026, 2, 10), dt.date(2026, 2, 20))


def test_an_unknown_engine_is_one_line_and_exit_2(raw_env, capsys):
    with environment({"ANALYTICS_ENGINE": "postgres"}):
        assert cli.main(["run"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "ANALYTICS_ENGINE='postgres': use one of duckdb, spark" in err and "Traceback" not in err


def test_spark_without_its_virtualenv_says_how_to_get_it(raw_env, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "SPARK_VENV", tmp_path / "no-venv")
    with environment({"ANALYTICS_ENGINE": "spark"}):
        assert cli.main(["run"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "make spark-setup" in err and len(err.strip().splitlines()) == 1


def test_spark_without_a_thrift_server_fails_at_once_naming_it(raw_env, capsys, tmp_path):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with environment({"ANALYTICS_ENGINE": "spark", "ANALYTICS_SPARK_PORT": str(port)}):
        assert cli.main(["run"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err and "make spark-up" in err and len(err.strip().splitlines()) == 1


def test_a_second_writer_refuses_before_loading_dagster(raw_env, tmp_path):
    """The refusal is the first thing a run does: nothing heavy is imported before it."""
    import fcntl
    import json
    import subprocess
    import sys

    from dagster_project.settings import PROJECT_ROOT, Settings

    work = Settings.from_env().work_warehouse
    work.parent.mkdir(parents=True, exist_ok=True)
    lock = work.with_name(work.name + ".lock")
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write(json.dumps({"run": "cli-1234", "command": "make run", "pid": 1, "host": "here", "started_at": "now"}))
        held.flush()
        probe = "import sys; from dagster_project import cli; code = cli.main(['run']); print(code, 'dagster' in sys.modules)"
        done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.stdout.splitlines()[-1].split() == [str(cli.EXIT_BUSY), "False"], done.stderr
    assert "being written by run cli-1234 (make run)" in done.stderr


def test_make_backfill_speaks_of_from_and_to_as_they_were_typed(raw_env):
    import os
    import subprocess

    from dagster_project.settings import PROJECT_ROOT

    outer = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}

    def backfill(start: str, end: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["make", "-s", "--no-print-directory", "-o", "manifest", "backfill", f"FROM={start}", f"TO={end}"],
            env=outer,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        )

    done = backfill("2026-02-12", "2026-02-10")
    assert "error: FROM 2026-02-12 is after TO 2026-02-10" in done.stderr
    bad = backfill("yesterday", "2026-02-10")
    assert "FROM 'yesterday' is not a date: use YYYY-MM-DD, e.g. FROM=2026-03-01" in bad.stderr


def test_the_summary_says_how_many_dates_had_files_and_how_long_it_took(raw_env):
    from dagster_project.settings import Settings
    from dagster_project.summary import RunSummary

    summary = RunSummary(Settings.from_env(), dt.date(2026, 2, 9), dt.date(2026, 2, 15), True, elapsed=83.4)
    summary.dates_with_files = 3
    first = summary.render().splitlines()[0]
    assert first == "== run succeeded: dump dates 2026-02-09 .. 2026-02-15 (7 days, 3 with dump files) in 1 min 23 s"
