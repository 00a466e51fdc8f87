"""A series' cost: one metric with `series month` against the same metric without it.

On the evaluation benchmark's demo log (``bench/.data/``, generated once; 10M events span 24
months, July 2024 to June 2026), a backlog metric of the standard schema is evaluated in this
process with and without ``series month`` (check and load once, then each evaluation timed on its
own, the median of ``--repeat``), and each ``imx run`` end to end in a subprocess of its own
(check, load, evaluate, write; its peak RSS is its own). Target (issue 13): the series costs at
most 3 × the plain metric, one scan with the cuts as a join, not one run per month.
``python -m bench series [--sizes 10M] [--repeat 3]``.
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

from bench.eval_speed import ROOT, ensure_data

RATIO = 3.0
METRIC = """import stdlib.schema

metric QC-WAITING "Timepoints waiting more than 5 days for QC" {{
    category efficiency
    per      timepoint
    where    has images_received and not has qc_passed and not has qc_failed
    count    days(first images_received, as_of) > 5
{series}}}
"""


def spec(folder: Path, series: bool) -> Path:
    """The metric's file (with ``series month`` or without) in ``folder``."""
    path = folder / ("series" if series else "plain") / "backlog.imx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(METRIC.format(series="    series   month\n" if series else ""), "utf-8")
    return path


def in_process(data: Path, specs: dict[str, Path], repeat: int) -> dict[str, list[float]]:
    """Seconds of each evaluation (plan, engine, finalize), the dataset loaded once."""
    from imx.checker import check_paths
    from imx.data import discover_sources, load_dataset
    from imx.evaluation import evaluate

    models = {k: check_paths([p]).model for k, p in specs.items()}
    first = next(m for m in models.values() if m is not None)
    dataset = load_dataset(first.schema, discover_sources(data, first.schema))
    found: dict[str, list[float]] = {k: [] for k in specs}
    for _ in range(repeat):
        for case, model in models.items():
            assert model is not None, case
            started = time.perf_counter()
            results = evaluate(model, dataset)
            found[case].append(time.perf_counter() - started)
            assert results.table.num_rows, case
    return found


def end_to_end(data: Path, path: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS (MiB) and result rows of ``imx run`` of one spec."""
    with tempfile.TemporaryDirectory() as out:
        argv = [sys.executable, "-m", "imx.cli", "run", str(path), "--data", str(data)]
        argv += ["--out", str(Path(out) / "results.csv")]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise RuntimeError(f"imx run {path} failed with exit code {code}")
        rows = len((Path(out) / "results.csv").read_text("utf-8").splitlines()) - 1
    return seconds, usage.ru_maxrss / 1024, rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench series")
    parser.add_argument("--sizes", default="10M")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("| size | case | evaluate median s | imx run s | peak RSS MiB | result rows |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        specs = {"plain": spec(Path(folder), False), "series month": spec(Path(folder), True)}
        for size in args.sizes.split(","):
            data = ensure_data(size)
            timed = in_process(data, specs, args.repeat)
            medians = {k: statistics.median(v) for k, v in timed.items()}
            for case, path in specs.items():
                seconds, peak, rows = end_to_end(data, path)
                print(
                    f"| {size} | {case} | {medians[case]:.2f} | {seconds:.2f} | {peak:.0f} | {rows} |"
                )
            ratio = medians["series month"] / medians["plain"]
            print(f"| {size} | series / plain | {ratio:.2f} (target <= {RATIO}) | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
