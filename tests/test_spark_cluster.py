"""tools/spark_cluster.py without starting Spark: it never signals a process it did not start, and
it refuses ports another program holds (the cluster itself runs in the Spark parity tests)."""

from __future__ import annotations

import socket
import subprocess
import sys

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
