"""Unit rows' cost: `imx units` of one metric against `imx run --metric`, and `imx run --units`.

Each command runs end to end (check, load, evaluate, write) in a subprocess of its own, so its
peak RSS is its own (``os.wait4``):

* ``run-metric``  ``imx run stdlib_metrics --data DIR --metric XFER-OT --out results.parquet``;
* ``units``       ``imx units XFER-OT stdlib_metrics --data DIR --out units.parquet``;
* ``run-all``     ``imx run stdlib_metrics --data DIR --out results.parquet``;
* ``run-units``   the same with ``--units DIR``: every metric's unit rows as well.

Targets (issue 12): ``units`` within 1.5 × ``run-metric``; ``run-units`` of the whole standard
library at 10M events under 2 GB peak. ``python -m bench units [--sizes 1M,10M] [--repeat N]``;
the data is the evaluation benchmark's (``bench/.data/``, generated once).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.eval_speed import ROOT, STDLIB, ensure_data

METRIC = "XFER-OT"
CASES = ("run-metric", "units", "run-all", "run-units")
UNITS_RATIO, PEAK_MIB = 1.5, 2 * 1024


def argv_of(case: str, data: Path, out: Path) -> list[str]:
    """The ``imx`` command line of one case."""
    imx = [sys.executable, "-m", "imx.cli"]
    run = [*imx, "run", str(STDLIB), "--data", str(data), "--out", str(out / "results.parquet")]
    return {
        "run-metric": [*run, "--metric", METRIC],
        "units": [*imx, "units", METRIC, str(STDLIB), "--data", str(data)]
        + ["--out", str(out / "units.parquet")],
        "run-all": run,
        "run-units": [*run, "--units", str(out / "units")],
    }[case]


def measure(case: str, data: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one run of ``case``."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv_of(case, data, Path(out)), stdout=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{case} failed with exit code {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench units")
    parser.add_argument("--sizes", default="1M")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("| size | case | median s | peak RSS MiB |\n|---|---|---|---|")
    for size in args.sizes.split(","):
        data = ensure_data(size)
        found = {c: [measure(c, data) for _ in range(args.repeat)] for c in CASES}
        medians = {c: statistics.median(s for s, _ in runs) for c, runs in found.items()}
        for case, runs in found.items():
            print(f"| {size} | {case} | {medians[case]:.2f} | {max(r for _, r in runs):.0f} |")
        ratio = medians["units"] / medians["run-metric"]
        peak = max(r for _, r in found["run-units"])
        print(f"| {size} | units / run-metric | {ratio:.2f} (target <= {UNITS_RATIO}) | |")
        print(f"| {size} | run-units peak | | {peak:.0f} (target < {PEAK_MIB} at 10M) |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
