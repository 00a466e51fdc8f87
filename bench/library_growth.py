"""The standard library's growth: `imx run` of the whole library (59 metrics) against the 47 of
the library of 2026-11-29, as peak memory, CPU time and where that CPU time goes per grain.

Each case is ``imx run stdlib_metrics --data DIR --out results.parquet --profile`` end to end
(check, load, evaluate, scorecard, write) in a subprocess of its own, so its peak RSS and CPU time
(user + system, every thread) are its own (``os.wait4``); its profile (``--profile``) gives the
CPU seconds of each phase, summed here per grain (its unit rows and its metrics):

* ``47``        the 47 metrics the library had on 2026-11-29 (``--metric`` each), as defined
                today: the named baseline;
* ``59``        the whole library;
* ``56``        the whole library without its ``series month`` metrics.

Targets (issue 13): at 10M events the whole library peaks at ≤ 2 GiB, and both its peak memory
and its CPU time grow no more than in proportion to the number of metrics (59 / 47 = 1.26).
CPU time, not wall time, is compared: on a shared machine wall time mostly measures the wait for
a core. ``python -m bench growth [--sizes 1M,10M] [--repeat N]`` (the median of N runs of each
case; the data is the evaluation benchmark's, ``bench/.data/``, generated once).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.eval_speed import ROOT, STDLIB, ensure_data

BASELINE_47 = (
    "SITE-QUAL-CT XFER-CT QC-CT QC-DECISION-CT QRY-CT QRY-SITE-CT QRY-LAB-CT READ-CT READER-CT "
    "ADJ-CT LAST-IMG-XFER ELIG-CT QRY-RATE RESUB-RATE E-XFER READS-PER-DAY QC-FPR QUAL-FPR "
    "SCANNER-QUAL TECH-CERT PROTO-COMP DEID-FAIL COMPLETE-FIRST RESCAN NONEVAL QC-AT-READ ADJ-TP "
    "ADJ-SUBJ ADJ-AGREE RDI MISSING-TP RECON DT-FPV GOV-OT INC-NOTIF-CT ESC-RATE ESC-RES-OT "
    "XFER-OT QC-OT QRY-RESP-OT QRY-AGED RD-OT ELIG-OT PROG-OT SAFETY-OT CONF-WIN DT-OT"
).split()
PEAK_MIB = 2 * 1024
PHASE = re.compile(
    r"^(?P<label>.+?)\s+(?P<s>\d+\.\d{3})\s+(?P<cpu>\d+\.\d{3})\s+\S+\s+(?P<peak>\d+)$"
)
UNITS = re.compile(r"^unit rows of `(?P<unit>[^`]+)` \((?P<n>\d+) metric\(s\)\)$")

# the library's grains (unit and series) and their metrics, from its plan, in a child process so
# that this one stays small (a child's peak RSS is at least its parent's when it started)
_GRAINS = (
    "import json; from pathlib import Path; from imx.checker import check_paths; "
    "from imx.plan import build_plan; model = check_paths([Path(%r)]).model; "
    "print(json.dumps([[g.unit.name, g.series is not None, [m.id for m in g.metrics]] "
    "for g in build_plan(model).grains]))"
)


@dataclass
class Run:
    """One ``imx run``: wall and CPU seconds, peak RSS (MiB), CPU seconds of each profile phase
    in the order they ran."""

    seconds: float
    cpu: float
    peak: float
    phases: list[tuple[str, float]] = field(default_factory=list)


def library_grains() -> list[tuple[str, bool, list[str]]]:
    """Each grain of the whole library: its unit, whether it is a series, its metrics."""
    done = subprocess.run(
        [sys.executable, "-c", _GRAINS % str(STDLIB)], capture_output=True, text=True, check=True
    )
    return [(u, bool(s), list(m)) for u, s, m in json.loads(done.stdout)]


def metrics_of(case: str, grains: list[tuple[str, bool, list[str]]]) -> list[str]:
    every = [m for _, _, ms in grains for m in ms]
    if case == "47":
        return list(BASELINE_47)
    if case == "56":
        return [m for _, series, ms in grains if not series for m in ms]
    return every


def measure(case: str, data: Path, metrics: list[str], every: int) -> Run:
    """One ``imx run`` of ``metrics`` (all of them: no ``--metric``) in a subprocess."""
    with tempfile.TemporaryDirectory() as out:
        argv = [sys.executable, "-m", "imx.cli", "run", str(STDLIB), "--data", str(data)]
        argv += ["--out", str(Path(out) / "results.parquet"), "--profile"]
        argv += [] if len(metrics) == every else [a for m in metrics for a in ("--metric", m)]
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, text=True
        )
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(
            f"case {case} failed ({os.waitstatus_to_exitcode(status)}): {err[-2000:]}"
        )
    phases = []
    for line in err.splitlines():
        found = PHASE.match(line.strip())
        if found and found["label"] != "total":
            phases.append((found["label"], float(found["cpu"])))
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, phases)


def by_grain(run: Run, grains: list[tuple[str, bool, list[str]]]) -> dict[str, float]:
    """CPU seconds per grain (its unit rows and its metrics) and per other phase. A grain's unit
    rows are the phase before its first metric's (the engine runs a grain's metrics after them)."""
    owner = {m: _grain_name(u, s) for u, s, ms in grains for m in ms}
    out: dict[str, float] = {}
    pending = 0.0  # the unit rows' CPU, until the grain's first metric names the grain
    for label, cpu in run.phases:
        if UNITS.match(label):
            pending += cpu
            continue
        name = owner.get(label.removeprefix("metric "), label)
        out[name] = out.get(name, 0.0) + cpu + (pending if label.startswith("metric ") else 0.0)
        pending = pending if not label.startswith("metric ") else 0.0
    return out


def _grain_name(unit: str, series: bool) -> str:
    return f"`{unit}`, series" if series else f"`{unit}`"


def _median(runs: list[Run], key: str) -> float:
    return float(statistics.median(getattr(r, key) for r in runs))


def report(
    size: str, runs: dict[str, list[Run]], grains: list[tuple[str, bool, list[str]]]
) -> None:
    counts = {c: len(metrics_of(c, grains)) for c in runs}
    print(f"\n### {size} events\n")
    print("| case | metrics | wall s | CPU s | peak RSS MiB |\n|---|---|---|---|---|")
    for case, found in runs.items():
        wall, cpu, peak = (_median(found, k) for k in ("seconds", "cpu", "peak"))
        print(f"| {case} | {counts[case]} | {wall:.1f} | {cpu:.1f} | {peak:,.0f} |")
    growth = counts["59"] / counts["47"]
    cpu = _median(runs["59"], "cpu") / _median(runs["47"], "cpu")
    peak = _median(runs["59"], "peak") / _median(runs["47"], "peak")
    top = max(r.peak for r in runs["59"])
    print(f"\n- metrics 59 / 47: {growth:.2f}")
    print(
        f"- CPU 59 / 47: {cpu:.2f} (target <= {growth:.2f}: {'met' if cpu <= growth else 'NOT met'})"
    )
    print(
        f"- peak 59 / 47: {peak:.2f} (target <= {growth:.2f}: {'met' if peak <= growth else 'NOT met'})"
    )
    print(f"- peak of the 59: {top:,.0f} MiB (target <= {PEAK_MIB} MiB at 10M: {'met' if top <= PEAK_MIB else 'NOT met'})")  # fmt: skip
    if "56" in runs:
        plain = _median(runs["56"], "cpu") / _median(runs["47"], "cpu")
        print(
            f"- CPU 56 / 47 (no series): {plain:.2f} for {counts['56'] / counts['47']:.2f} the metrics"
        )
    _grain_table(runs, grains)


def _grain_table(runs: dict[str, list[Run]], grains: list[tuple[str, bool, list[str]]]) -> None:
    """Median CPU seconds per grain and phase in each case: where the extra time goes."""
    split = {c: [by_grain(r, grains) for r in found] for c, found in runs.items()}
    names = list(dict.fromkeys(n for c in ("59", "47") for s in split[c] for n in s))
    members = {_grain_name(u, s): ms for u, s, ms in grains}
    heads = " | ".join(f"{c} CPU s" for c in runs)
    print(f"\n| grain or phase | metrics 47 / 59 | {heads} | 59 - 47 s |")
    print("|---|---|" + "---|" * len(runs) + "---|")
    for name in names:
        cpu = {c: statistics.median(s.get(name, 0.0) for s in split[c]) for c in runs}
        ms = members.get(name)
        count = f"{sum(m in BASELINE_47 for m in ms)} / {len(ms)}" if ms else ""
        cells = " | ".join(f"{cpu[c]:.2f}" for c in runs)
        print(f"| {name} | {count} | {cells} | {cpu['59'] - cpu['47']:+.2f} |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench growth")
    parser.add_argument("--sizes", default="1M")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cases", default="47,59,56", help="of 47, 59, 56 (47 and 59 needed)")
    args = parser.parse_args(argv)
    grains = library_grains()
    every = len(metrics_of("59", grains))
    cases = args.cases.split(",")
    for size in args.sizes.split(","):
        data = ensure_data(size)
        runs: dict[str, list[Run]] = {}
        for case in cases:
            wanted = metrics_of(case, grains)
            runs[case] = [measure(case, data, wanted, every) for _ in range(args.repeat)]
            print(
                f"  {size} {case}: {[round(r.cpu, 1) for r in runs[case]]} s CPU", file=sys.stderr
            )
        report(size, runs, grains)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
