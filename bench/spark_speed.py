"""`imx run --engine spark` in local mode: time and the driver's peak memory at each log size.

Each size runs ``imx run stdlib_metrics --data DIR --engine spark --out results.parquet`` (the
six headline metrics by default, ``--metrics all`` for the whole library) end to end in a
subprocess of its own, and the peak resident memory of each process of its tree is read from
``/proc/PID/status`` (``VmHWM``, the process's own high-water mark) every 0.2 s until it exits:

* the **driver**: the ``imx`` process (Python). It loads the data with DuckDB, writes the clean
  tables as Parquet files that Spark reads itself (:meth:`imx.data.StoredTables.exported`), so it
  never holds the event table, and receives only each grain's raw aggregates (Arrow);
* the **JVM**: in local mode Spark's driver and its executors are one Java process, whose heap is
  ``spark.driver.memory`` (imx's default 4g, ``--memory-limit`` to change it): the executors' work
  grows with the input, so this figure is shown beside the driver's, not held to its target.

Target (issue 19): the driver's peak stays under 1 GiB whatever the input size (shown at 1M and
10M). ``python -m bench spark [--sizes 1M,10M] [--metrics six|all]``; the data is the evaluation
benchmark's (``bench/.data/``, generated once). Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.eval_speed import ROOT, SIX, STDLIB, ensure_data

DRIVER_MIB = 1024


@dataclass
class Peaks:
    """The high-water mark (MiB) of each process seen in a run's tree, by pid, with its name."""

    by_pid: dict[int, tuple[str, float]] = field(default_factory=dict)

    def driver(self, pid: int) -> float:
        return self.by_pid.get(pid, ("", 0.0))[1]

    def jvm(self) -> float:
        return max((mib for name, mib in self.by_pid.values() if name == "java"), default=0.0)


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        parent = int(text[text.rindex(")") + 2 :].split()[1])
        found.setdefault(parent, []).append(int(stat.parent.name))
    return found


def _tree(root: int) -> list[int]:
    children, out, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _sample(pid: int, peaks: Peaks) -> None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return  # it ended between the listing and the read
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if "VmHWM" in fields:
        mib = int(fields["VmHWM"].split()[0]) / 1024
        name = fields.get("Name", "").strip()
        peaks.by_pid[pid] = (name, max(mib, peaks.by_pid.get(pid, (name, 0.0))[1]))


def watch(proc: subprocess.Popen[bytes], peaks: Peaks) -> None:
    """Sample every process of ``proc``'s tree until ``proc`` exits."""
    while proc.poll() is None:
        for pid in _tree(proc.pid):
            _sample(pid, peaks)
        time.sleep(0.2)


def measure(data: Path, metrics: tuple[str, ...]) -> tuple[float, float, float]:
    """Seconds, the driver's peak MiB and the JVM's peak MiB of one Spark run."""
    with tempfile.TemporaryDirectory() as out:
        argv = [sys.executable, "-m", "imx.cli", "run", str(STDLIB), "--data", str(data)]
        argv += ["--engine", "spark", "--out", str(Path(out) / "results.parquet")]
        argv += [a for m in metrics for a in ("--metric", m)]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        peaks = Peaks()
        watcher = threading.Thread(target=watch, args=(proc, peaks))
        watcher.start()
        _, err = proc.communicate()
        watcher.join()
        seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"imx run --engine spark failed ({proc.returncode}): {err[-2000:]!r}")
    return seconds, peaks.driver(proc.pid), peaks.jvm()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench spark")
    parser.add_argument("--sizes", default="1M,10M")
    parser.add_argument("--metrics", choices=("six", "all"), default="six")
    args = parser.parse_args(argv)
    metrics = SIX if args.metrics == "six" else ()
    what = "six headline metrics" if metrics else "whole standard library"
    print(f"Spark local, {what}\n")
    print("| size | seconds | driver peak MiB | JVM peak MiB |\n|---|---|---|---|")
    drivers = []
    for size in args.sizes.split(","):
        seconds, driver, jvm = measure(ensure_data(size), metrics)
        drivers.append(driver)
        print(f"| {size} | {seconds:.1f} | {driver:,.0f} | {jvm:,.0f} |", flush=True)
    met = "met" if max(drivers) < DRIVER_MIB else "NOT met"
    print(f"\n- driver peak at most {max(drivers):,.0f} MiB (target < {DRIVER_MIB} MiB: {met})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
