"""tools/spark_cluster.py without starting Spark: it never signals a process it did not start, and
it refuses ports another program holds (the cluster itself runs in the Spark parity tests)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest

from tools import spark_cluster


def test_a_pid_file_naming_another_program_is_not_the_cluster(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ANALYTICS_SPARK_DIR", str(tmp_path))
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        c = spark_cluster.Cluster.from_environment()
        for daemon in c.daemons():
            c.pid_file(daemon).parent.mkdir(parents=True, exist_ok=True)
            c.pid_file(daemon).write_text(f"{other.pid}\n")  # a pid reused after a reboot
        assert spark_cluster.status(c) == 3
        assert "master     stopped" in capsys.readouterr().out
        spark_cluster.down(c)
        assert other.poll() is None, "down signalled a process it did not start"
        assert not any(c.pid_file(d).exists() for d in c.daemons())
    finally:
        other.kill()
        other.wait()


def test_a_port_held_by_another_program_is_one_clear_line(tmp_path, capsys, monkeypatch):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        monkeypatch.setenv("ANALYTICS_SPARK_DIR", str(tmp_path))
        monkeypatch.setenv("ANALYTICS_SPARK_MASTER_PORT", str(port))
        assert spark_cluster.main(["up"]) == 1
    err = capsys.readouterr().err
    assert f"port {port}" in err and "ANALYTICS_SPARK_MASTER_PORT" in err and len(err.strip().splitlines()) == 1


def test_java_options_reach_the_thrift_server_and_its_executors(monkeypatch):
    monkeypatch.setenv("ANALYTICS_SPARK_JAVA_OPTIONS", "-XX:+UseSerialGC")
    c = spark_cluster.Cluster.from_environment()
    if not spark_cluster.LLAP_JAR.exists():
        pytest.skip("no .venv-spark: `make spark-setup`")
    args = c.command("thrift")
    confs = [args[i + 1] for i, a in enumerate(args) if a == "--conf"]
    assert "spark.executor.extraJavaOptions=-XX:+UseSerialGC" in confs
    assert args[args.index("--driver-java-options") + 1].endswith(" -XX:+UseSerialGC")


def test_a_java_option_the_jvm_does_not_know_is_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ANALYTICS_SPARK_DIR", str(tmp_path))
    monkeypatch.setenv("ANALYTICS_SPARK_JAVA_OPTIONS", "-XX:+UseSerialGC -XX:+UseSeriallGC")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no java here: `make java`")
    assert spark_cluster.main(["up"]) == 1
    err = capsys.readouterr().err
    assert "UseSeriallGC" in err and "ANALYTICS_SPARK_JAVA_OPTIONS" in err and len(err.strip().splitlines()) == 1
    assert not any(spark_cluster.Cluster.from_environment().pid_file(d).exists() for d in ("master", "thrift"))
