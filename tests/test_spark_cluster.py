"""On a real Spark standalone cluster (a master and two workers on 127.0.0.1), the whole standard
library gives DuckDB's results and quality report.

The test starts the master and the workers with pyspark's own ``spark-class`` (the JVM processes a
sponsor's cluster runs), waits until both workers have registered, runs ``imx run`` with
``--engine spark --spark-master spark://127.0.0.1:PORT`` over a demo log, compares every result row
and the quality report with DuckDB's, and stops the processes it started, by their pids. The
executors read the clean tables themselves, from the Parquet files the loader writes (so the
driver never holds the event table). Marked ``slow`` and ``spark``: it needs Java 17 and the
``imx[spark]`` extra, and fails loudly without them.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from evalkit import same_value
from imx.cli import main
from imx.demo_data import generate
from imx.engines import EngineSettings
from imx.engines import spark as spark_engine

ROOT = Path(__file__).resolve().parent.parent
STDLIB = ROOT / "stdlib_metrics"
START_TIMEOUT = 120  # seconds for the master and both workers to come up on a busy machine
SUBMIT_ARGS = (
    "--conf spark.executor.memory=2g --conf spark.network.timeout=600s "
    "--conf spark.executor.heartbeatInterval=30s pyspark-shell"
)

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    url: str
    ui: str
    processes: list[subprocess.Popen[bytes]]

    def workers_alive(self) -> int:
        try:
            with urllib.request.urlopen(f"{self.ui}/json/", timeout=5) as answer:
                state = json.load(answer)
        except OSError:
            return 0
        return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")

    def stop(self) -> None:
        """Stop every process this cluster started, by pid (workers first), waiting for each."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def _spark_class() -> Path:
    try:
        import pyspark
    except ImportError:
        pytest.fail("the cluster test needs pyspark: pip install -e '.[spark]'", pytrace=False)
    return Path(pyspark.__file__).parent / "bin" / "spark-class"


def _start(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:  # spark-class execs the JVM: the pid is the JVM's
        return subprocess.Popen(
            [str(_spark_class()), *args], stdout=out, stderr=subprocess.STDOUT, env=env
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("cluster")
    env = {
        **os.environ,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_HOME": str(_spark_class().parent.parent),
    }
    port, ui = _free_port(), _free_port()
    master = "org.apache.spark.deploy.master.Master"
    worker = "org.apache.spark.deploy.worker.Worker"
    processes = [
        _start(
            [master, "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui)],
            folder / "master.log",
            env,
        )
    ]
    found = Cluster(f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui}", processes)
    try:
        for k in range(2):
            work = folder / f"worker{k}"
            work.mkdir()
            args = [worker, "--host", "127.0.0.1", "--cores", "1", "--memory", "2g"]
            args += ["--webui-port", str(_free_port()), "--work-dir", str(work), found.url]
            processes.append(_start(args, folder / f"worker{k}.log", env))
        deadline = time.monotonic() + START_TIMEOUT
        while found.workers_alive() < 2:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                logs = {p.name: p.read_text(errors="replace")[-2000:] for p in folder.glob("*.log")}
                pytest.fail(f"the cluster did not come up: {logs}", pytrace=False)
            time.sleep(1)
        yield found
    finally:
        spark_engine.stop_all()  # the driver first, then the cluster it ran on
        found.stop()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_standard_library_on_a_standalone_cluster_equals_duckdb(
    cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    # Generous executor memory and timeouts: on a busy 2-core machine, executors that spend long
    # in garbage collection miss their heartbeats, and the job then fails.
    monkeypatch.setenv("PYSPARK_SUBMIT_ARGS", SUBMIT_ARGS)
    spark_engine.stop_all()  # one SparkContext per process: a local session must not answer
    data = tmp_path / "demo"
    generate(2, 5, data, "parquet")
    common = ["run", str(STDLIB), "--data", str(data)]
    assert main([*common, "--out", str(tmp_path / "duckdb.csv")]) == 0
    spark = [*common, "--engine", "spark", "--spark-master", cluster.url]
    assert main([*spark, "--out", str(tmp_path / "spark.csv")]) == 0
    session = spark_engine.session(EngineSettings(spark_master=cluster.url))
    assert session.sparkContext.master == cluster.url
    executors = session.sparkContext._jsc.sc().getExecutorMemoryStatus().size()
    assert executors >= 3, "the driver and both workers' executors"
    expected, found = _rows(tmp_path / "duckdb.csv"), _rows(tmp_path / "spark.csv")
    assert len(found) == len(expected) > 0
    for a, b in zip(expected, found, strict=True):
        bad = {k: (a[k], b[k]) for k in a if a[k] != b[k] and not _close(a[k], b[k])}
        assert not bad, (a["metric"], a["level"], a["period"], bad)
    for name in ("quality.csv", "stamp.json"):
        one, other = tmp_path / f"duckdb.{name}", tmp_path / f"spark.{name}"
        assert _without_engine(one) == _without_engine(other), name


def _close(a: str, b: str) -> bool:
    """Equal numbers within 1e-9, plain or as the values of a JSON object (``stats``)."""
    try:
        return same_value(float(a), float(b))
    except ValueError:
        pass
    try:
        one, other = json.loads(a), json.loads(b)
    except ValueError:
        return False
    if not isinstance(one, dict) or not isinstance(other, dict) or one.keys() != other.keys():
        return False
    return all(one[k] == other[k] or same_value(one[k], other[k]) for k in one)


def _without_engine(path: Path) -> str:
    """A file's text with the engine's name left out (the stamp names the engine)."""
    return "\n".join(line for line in path.read_text().splitlines() if "engine" not in line)
