"""A Spark standalone cluster on this machine for `ANALYTICS_ENGINE=spark`: a master, workers and the
Thrift server that dbt-spark talks to, started from the pinned pyspark in .venv-spark.

    python tools/spark_cluster.py setup | up | down | status | reset

pyspark's wheel ships every jar the daemons need (the Thrift server's, Hive's, Derby) but not
`sbin/start-*.sh`, so each daemon is started with `bin/spark-class`, in a session of its own, its
output in a log file and its process id in a pid file. Every file the cluster writes lives under
ANALYTICS_SPARK_DIR (default warehouse/spark):

    cluster/pids/<daemon>.pid   cluster/logs/<daemon>.log   cluster/work/<worker>/   (the daemons)
    metastore_db/  derby.log    warehouse/   tmp/                                   (the Thrift server)
    raw/                                                                            (ingest's Parquet)

`up` returns when every worker has registered with the master and the Thrift port answers;
`down` stops exactly the processes whose pid files it finds (and which are still the daemons it
started), so a cluster started by someone else is never touched. `reset` (cluster down first)
removes the Spark warehouse and metastore, which no run ever does: the next Spark run is a full
build. Ports and sizes come from the environment (docs/spark.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SPARK_VENV = PROJECT_ROOT / ".venv-spark"
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
THRIFT_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
START_TIMEOUT = 180.0  # seconds: the daemons start in about a minute on a busy 2-core machine
LOG_KEEP_BYTES = 64 * 2**20  # a daemon's log this large is moved aside (as .1) when it starts again

# pyspark 4's jars lack hive-llap-common, which Hive's function registry loads when the Thrift server
# closes a session: without it the close fails, and the registry's one-time initialisation is left
# pending, so later sessions wait on it for ever (SPARK-51041). pyspark 3.5.7's source archive on
# PyPI carries the jar (Hive 2.3.9, the same API as the 2.3.10 that pyspark 4 ships); `setup`
# takes it out, both checked against their SHA-256.
LLAP_ARCHIVE = (
    "https://files.pythonhosted.org/packages/cb/65/2764b1840aa6ea5f7e668a36702c3128ac54d0b861d3d57669b2453469a6/"
    "pyspark-3.5.7.tar.gz"
)
LLAP_ARCHIVE_SHA256 = "80e36514e0c5c126d35a26adf4f405cd4a69de96a8ea8a3c1e9a65fce2fb4eaa"
LLAP_MEMBER = "pyspark-3.5.7/deps/jars/hive-llap-common-2.3.9.jar"
LLAP_JAR_SHA256 = "bbc07775a0b14180540b44d7879fb35dc92967a1e7a968063ca890c4e604c0b9"
LLAP_JAR = SPARK_VENV / "extra-jars" / "hive-llap-common-2.3.9.jar"


class ClusterError(Exception):
    """Something an operator must fix; said in one line."""


@dataclass(frozen=True)
class Cluster:
    root: Path  # ANALYTICS_SPARK_DIR
    host: str
    master_port: int
    master_ui_port: int
    thrift_port: int
    workers: int
    worker_cores: int
    worker_memory: str
    executor_memory: str
    shuffle_partitions: int
    java_options: str

    @classmethod
    def from_environment(cls) -> Cluster:
        env = os.environ
        root = Path(env.get("ANALYTICS_SPARK_DIR", "warehouse/spark"))
        return cls(
            root=(root if root.is_absolute() else PROJECT_ROOT / root).resolve(),
            host=env.get("ANALYTICS_SPARK_HOST", "127.0.0.1"),
            master_port=int(env.get("ANALYTICS_SPARK_MASTER_PORT", "7077")),
            master_ui_port=int(env.get("ANALYTICS_SPARK_MASTER_UI_PORT", "8080")),
            thrift_port=int(env.get("ANALYTICS_SPARK_PORT", "10000")),
            workers=int(env.get("ANALYTICS_SPARK_WORKERS", "2")),
            worker_cores=int(env.get("ANALYTICS_SPARK_WORKER_CORES", "1")),
            worker_memory=env.get("ANALYTICS_SPARK_WORKER_MEMORY", "2g"),
            executor_memory=env.get("ANALYTICS_SPARK_EXECUTOR_MEMORY", "1g"),
            shuffle_partitions=int(env.get("ANALYTICS_SPARK_SHUFFLE_PARTITIONS", "4")),
            java_options=env.get("ANALYTICS_SPARK_JAVA_OPTIONS", ""),
        )

    # -- where things are --------------------------------------------------------------------------
    @property
    def cluster_dir(self) -> Path:
        return self.root / "cluster"

    def pid_file(self, daemon: str) -> Path:
        return self.cluster_dir / "pids" / f"{daemon}.pid"

    def log_file(self, daemon: str) -> Path:
        return self.cluster_dir / "logs" / f"{daemon}.log"

    @property
    def master_url(self) -> str:
        return f"spark://{self.host}:{self.master_port}"

    @property
    def master_ui(self) -> str:
        return f"http://{self.host}:{self.master_ui_port}"

    def daemons(self) -> list[str]:
        return ["master", *(f"worker-{n}" for n in range(1, self.workers + 1)), "thrift"]

    # -- the commands ------------------------------------------------------------------------------
    def command(self, daemon: str) -> list[str]:
        spark_class = str(spark_home() / "bin" / "spark-class")
        if daemon == "master":
            return [
                spark_class,
                MASTER_CLASS,
                "--host",
                self.host,
                "--port",
                str(self.master_port),
                "--webui-port",
                str(self.master_ui_port),
            ]
        if daemon.startswith("worker-"):
            n = int(daemon.split("-")[1])
            return [
                spark_class,
                WORKER_CLASS,
                self.master_url,
                "--host",
                self.host,
                "--cores",
                str(self.worker_cores),
                "--memory",
                self.worker_memory,
                "--webui-port",
                str(self.master_ui_port + n),
                "--work-dir",
                str(self.cluster_dir / "work" / daemon),
            ]
        root = self.root
        conf = {
            "spark.master": self.master_url,
            "spark.app.name": "analytics-thrift",
            "spark.executor.memory": self.executor_memory,
            "spark.executor.cores": str(self.worker_cores),
            "spark.cores.max": str(self.workers * self.worker_cores),
            "spark.sql.warehouse.dir": str(root / "warehouse"),
            "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={root / 'metastore_db'};create=true",
            "spark.local.dir": str(root / "tmp"),
            # SPEC §3: days are UTC days; "window" and the like are identifiers, as in DuckDB
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.ansi.doubleQuotedIdentifiers": "true",
            # a few cores and small partitions: Spark's default of 200 shuffle partitions is all overhead
            "spark.sql.shuffle.partitions": str(self.shuffle_partitions),
            "spark.ui.enabled": "false",
            # the driver's log at INFO grew by 150 MB in a few fixture builds: warnings and errors only
            "spark.log.level": "WARN",
            "spark.ui.showConsoleProgress": "false",
        }
        if self.java_options:
            conf["spark.executor.extraJavaOptions"] = self.java_options
        if not LLAP_JAR.exists():
            raise ClusterError(f"no {LLAP_JAR.name} in {LLAP_JAR.parent}: run `make spark-setup`")
        args = [
            spark_class,
            "org.apache.spark.deploy.SparkSubmit",
            "--class",
            THRIFT_CLASS,
            "--driver-class-path",
            str(LLAP_JAR),
            "--driver-java-options",
            f"-Dderby.system.home={root} {self.java_options}".strip(),
        ]
        for key, value in conf.items():
            args += ["--conf", f"{key}={value}"]
        args += [
            "spark-internal",
            "--hiveconf",
            f"hive.server2.thrift.port={self.thrift_port}",
            "--hiveconf",
            f"hive.server2.thrift.bind.host={self.host}",
            "--hiveconf",
            f"hive.exec.scratchdir={root / 'tmp' / 'hive'}",
            "--hiveconf",
            f"hive.exec.local.scratchdir={root / 'tmp' / 'hive-local'}",
            "--hiveconf",
            f"hive.downloaded.resources.dir={root / 'tmp' / 'hive'}/${{hive.session.id}}_resources",
        ]
        return args

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "SPARK_HOME": str(spark_home()),
                "SPARK_LOG_DIR": str(self.cluster_dir / "logs"),
                "SPARK_PID_DIR": str(self.cluster_dir / "pids"),
                "SPARK_WORKER_DIR": str(self.cluster_dir / "work"),
                "SPARK_LOCAL_DIRS": str(self.root / "tmp"),
                "SPARK_NO_DAEMONIZE": "1",
                # the executors run this venv's Python should a model ever need one (none does)
                "PYSPARK_PYTHON": str(SPARK_VENV / "bin" / "python"),
            }
        )
        return env

    # -- state -------------------------------------------------------------------------------------
    def running(self, daemon: str) -> int | None:
        """The pid of `daemon` when its pid file names a live process started from this cluster's
        command line (a pid reused by another program after a reboot is not ours)."""
        try:
            pid = int(self.pid_file(daemon).read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        marker = {"master": MASTER_CLASS, "thrift": THRIFT_CLASS}.get(daemon, WORKER_CLASS).encode()
        return pid if marker in cmdline else None

    def registered_workers(self) -> int:
        try:
            with urllib.request.urlopen(f"{self.master_ui}/json/", timeout=2) as answer:
                state = json.load(answer)
        except (OSError, ValueError):
            return 0
        return int(state.get("aliveworkers", 0))

    def thrift_answers(self) -> bool:
        return port_answers(self.host, self.thrift_port)


def spark_home() -> Path:
    found = sorted(SPARK_VENV.glob("lib/python3*/site-packages/pyspark"))
    if not found or not (found[0] / "bin" / "spark-class").exists():
        raise ClusterError(f"no pyspark in {SPARK_VENV}: run `make spark-setup`")
    return found[0]


def port_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def start(cluster: Cluster, daemon: str) -> None:
    for folder in ("pids", "logs", "work"):
        (cluster.cluster_dir / folder).mkdir(parents=True, exist_ok=True)
    (cluster.root / "tmp").mkdir(parents=True, exist_ok=True)
    log_file = cluster.log_file(daemon)
    if log_file.exists() and log_file.stat().st_size > LOG_KEEP_BYTES:  # one older log kept, no more
        log_file.replace(log_file.with_name(log_file.name + ".1"))
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            cluster.command(daemon),
            cwd=cluster.root,
            env=cluster.environment(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    cluster.pid_file(daemon).write_text(f"{process.pid}\n")


def exited(cluster: Cluster, daemon: str) -> bool:
    """Whether the daemon this command started has exited (a zombie counts: it is our child)."""
    try:
        pid = int(cluster.pid_file(daemon).read_text().strip())
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ValueError, IndexError):
        return cluster.pid_file(daemon).exists()
    return state == "Z"


def wait_for(what: str, ready, cluster: Cluster, deadline: float) -> None:
    while not ready():
        dead = [d for d in cluster.daemons() if exited(cluster, d)]
        if dead:
            raise ClusterError(f"{dead[0]} stopped while starting: see {cluster.log_file(dead[0])}")
        if time.monotonic() > deadline:
            raise ClusterError(f"{what} not ready after {START_TIMEOUT:.0f} s: see the logs in {cluster.cluster_dir / 'logs'}")
        time.sleep(1)


def check_java_options(options: str) -> None:
    """Spark's launcher adds -XX:+IgnoreUnrecognizedVMOptions, so a misspelled option in
    ANALYTICS_SPARK_JAVA_OPTIONS would start a cluster without it and say nothing: ask the JVM first."""
    if not options:
        return
    java = Path(os.environ["JAVA_HOME"]) / "bin" / "java" if os.environ.get("JAVA_HOME") else "java"
    answer = subprocess.run([str(java), *options.split(), "-version"], capture_output=True, text=True)
    if answer.returncode != 0:
        first = (answer.stderr.strip().splitlines() or ["the JVM refused them"])[0]
        raise ClusterError(f"ANALYTICS_SPARK_JAVA_OPTIONS={options!r}: {first}")


def up(cluster: Cluster) -> int:
    if cluster.running("thrift") and cluster.thrift_answers():
        print(f"the Spark cluster is already up: Thrift on {cluster.host}:{cluster.thrift_port}, master UI {cluster.master_ui}")
        return 0
    check_java_options(cluster.java_options)
    for port, what in ((cluster.master_port, "master"), (cluster.thrift_port, "Thrift server")):
        if port_answers(cluster.host, port) and not cluster.running("master" if what == "master" else "thrift"):
            raise ClusterError(
                f"port {port} on {cluster.host} is taken by another process: stop it or set the "
                f"{'ANALYTICS_SPARK_MASTER_PORT' if what == 'master' else 'ANALYTICS_SPARK_PORT'} of this cluster"
            )
    started = time.monotonic()
    deadline = started + START_TIMEOUT
    print(f"starting a Spark cluster under {cluster.root} (master, {cluster.workers} workers, Thrift server)", flush=True)
    if not cluster.running("master"):
        start(cluster, "master")
    wait_for("the master", lambda: port_answers(cluster.host, cluster.master_ui_port), cluster, deadline)
    for daemon in cluster.daemons()[1:-1]:
        if not cluster.running(daemon):
            start(cluster, daemon)
    wait_for(f"{cluster.workers} workers", lambda: cluster.registered_workers() >= cluster.workers, cluster, deadline)
    if not cluster.running("thrift"):
        start(cluster, "thrift")
    wait_for("the Thrift server", cluster.thrift_answers, cluster, deadline)
    print(
        f"up in {time.monotonic() - started:.0f} s: Thrift on {cluster.host}:{cluster.thrift_port}, "
        f"master UI {cluster.master_ui}, logs in {cluster.cluster_dir / 'logs'}"
    )
    return 0


def down(cluster: Cluster) -> int:
    stopped = []
    for daemon in reversed(cluster.daemons()):  # the Thrift server first: it holds the executors
        pid = cluster.running(daemon)
        if pid is not None:
            os.killpg(pid, signal.SIGTERM)
            stopped.append((daemon, pid))
        cluster.pid_file(daemon).unlink(missing_ok=True)
    deadline = time.monotonic() + 30
    for _daemon, pid in stopped:
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if Path(f"/proc/{pid}").exists():
            os.killpg(pid, signal.SIGKILL)
    print(f"stopped {', '.join(d for d, _ in stopped)}" if stopped else "no Spark cluster of this checkout was running")
    return 0


def status(cluster: Cluster) -> int:
    states = {d: cluster.running(d) for d in cluster.daemons()}
    for daemon, pid in states.items():
        print(f"{daemon:10} {'running, pid ' + str(pid) if pid else 'stopped'}")
    if states["master"]:
        print(f"workers registered: {cluster.registered_workers()} of {cluster.workers}; master UI {cluster.master_ui}")
    if states["thrift"]:
        print(f"Thrift on {cluster.host}:{cluster.thrift_port}: {'answers' if cluster.thrift_answers() else 'not answering yet'}")
    return 0 if all(states.values()) else 3


def reset(cluster: Cluster) -> int:
    down(cluster)
    for name in ("warehouse", "metastore_db", "derby.log", "tmp"):
        path = cluster.root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    print(f"removed the Spark warehouse and metastore under {cluster.root}: the next Spark run is a full build")
    return 0


def setup(cluster: Cluster) -> int:
    """Fetch the one jar pyspark 4 lacks (LLAP_ARCHIVE says why), once."""
    if LLAP_JAR.exists() and hashlib.sha256(LLAP_JAR.read_bytes()).hexdigest() == LLAP_JAR_SHA256:
        return 0
    LLAP_JAR.parent.mkdir(parents=True, exist_ok=True)
    print(f"fetching {LLAP_JAR.name} from {LLAP_ARCHIVE.rsplit('/', 1)[1]} on PyPI", flush=True)
    with tempfile.TemporaryDirectory(dir=LLAP_JAR.parent) as scratch:
        archive = Path(scratch) / "archive.tar.gz"
        digest = hashlib.sha256()
        with urllib.request.urlopen(LLAP_ARCHIVE, timeout=120) as answer, archive.open("wb") as out:
            for block in iter(lambda: answer.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != LLAP_ARCHIVE_SHA256:
            raise ClusterError(f"{LLAP_ARCHIVE} does not have the expected SHA-256")
        with tarfile.open(archive) as tar:
            member = tar.extractfile(LLAP_MEMBER)
            data = member.read() if member else b""
        if hashlib.sha256(data).hexdigest() != LLAP_JAR_SHA256:
            raise ClusterError(f"{LLAP_MEMBER} in {LLAP_ARCHIVE} does not have the expected SHA-256")
        aside = Path(scratch) / LLAP_JAR.name
        aside.write_bytes(data)
        aside.replace(LLAP_JAR)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["setup", "up", "down", "status", "reset"])
    args = parser.parse_args(argv)
    cluster = Cluster.from_environment()
    try:
        return {"setup": setup, "up": up, "down": down, "status": status, "reset": reset}[args.action](cluster)
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
