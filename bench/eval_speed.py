"""Demo event logs (1M, 10M events, Parquet) → a table of median times, peak memory and target ratios.

Cases, each run in a fresh subprocess so its peak RSS is its own (``os.wait4``):

* ``scan``     one DuckDB pass over the events file: count, min and max of ``at`` (the floor);
* ``read``     a DuckDB pass that reads every value of the events file (a hash of each row):
               not a target's floor, a figure beside it (``scan`` is answered from metadata);
* ``handsql``  six headline metrics in hand-written DuckDB SQL (``bench/handwritten.sql``);
* ``pandas``   the same six in idiomatic pandas (``bench/pandas_six.py``);
* ``polars``   the same six in idiomatic lazy Polars (``bench/polars_six.py``), written on its own;
* ``imx-six``  imx on the same six, portfolio level: check + load (hygiene) + evaluate;
* ``imx-all``  the whole standard library at its declared levels and periods, same phases;
* ``imx-cli``  ``imx run stdlib_metrics --data DIR --out results.parquet`` end to end.

``python -m bench eval [--sizes 1M,10M] [--repeat N] [--threads N]``; data is generated once into
``bench/.data/`` (gitignored), in a folder named by size, seed and a digest of the generator's
source, so a changed generator makes a new log. The six values of imx and of the hand-written SQL must agree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"
STDLIB = ROOT / "stdlib_metrics"
SIX = ("XFER-CT", "XFER-OT", "QC-FPR", "QRY-RATE", "ADJ-TP", "QRY-AGED")
SIZES = {"1M": 1_000_000, "10M": 10_000_000}
EVENTS_PER_STUDY = 4_650  # what the demo generator gives, roughly
GENERATOR = ROOT / "dsl" / "imx" / "demo_data"
CASES = ("scan", "read", "handsql", "pandas", "polars", "imx-six", "imx-all", "imx-cli")


def generator_digest() -> str:
    """A digest of the demo generator's source: a log made by another version is not reused."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def ensure_data(size: str, seed: int = 7) -> Path:
    """The demo log of about ``size`` events as Parquet, generated once per generator version."""
    folder = DATA / f"events-{size}-seed{seed}-{generator_digest()}"
    if not (folder / "manifest.json").exists():
        print(f"generating the {size} demo log into {folder} …", file=sys.stderr, flush=True)
        studies = math.ceil(SIZES[size] / EVENTS_PER_STUDY)
        # in a process of its own: a child's peak RSS, as Linux reports it, is at least its
        # parent's RSS when it was started, so this process must stay small
        code = (
            "import sys; from pathlib import Path; from imx.demo_data import generate; "
            "generate(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), 'parquet')"
        )
        argv = [sys.executable, "-c", code, str(studies), str(seed), str(folder)]
        subprocess.run(argv, check=True)
    return folder


# ------------------------------------------------------------------------- in the child


def _model() -> Any:
    from imx.checker import check_paths

    model = check_paths([STDLIB]).model
    assert model is not None
    return model


def _holidays(model: Any) -> dict[str, list[Any]]:
    return {c.name: sorted(c.holidays) for c in model.schema.calendars}


def case_scan(folder: Path, threads: int | None) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(config={"threads": threads} if threads else {})
    rel = con.read_parquet(str(folder / "events.parquet"))
    n, low, high = rel.aggregate('count(*), min("at"), max("at")').fetchall()[0]
    return {"rows": n, "span": str(high - low)}


def case_read(folder: Path, threads: int | None) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(config={"threads": threads} if threads else {})
    rel = con.read_parquet(str(folder / "events.parquet"))
    values = ", ".join(f'"{c}"' for c in rel.columns)
    n, digest = rel.aggregate(f"count(*), bit_xor(hash({values}))").fetchall()[0]
    return {"rows": n, "digest": str(digest)}


def case_handsql(folder: Path, threads: int | None) -> dict[str, Any]:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect(config={"threads": threads} if threads else {})
    con.read_parquet(str(folder / "events.parquet")).create_view("raw_events")
    con.read_parquet(str(folder / "sites.parquet")).create_view("sites")
    con.read_parquet(str(folder / "studies.parquet")).create_view("studies")
    days = [(c, d) for c, ds in _holidays(_model()).items() for d in ds]
    con.register(
        "holidays", pa.table({"calendar": [c for c, _ in days], "day": [d for _, d in days]})
    )
    as_of = con.sql('SELECT max("at") FROM raw_events').fetchall()[0][0]
    con.execute("SET VARIABLE as_of = ?", [as_of])
    values: dict[str, Any] = {}
    for name, sql in _statements().items():
        if name == "setup":
            con.execute(sql)
        else:
            values[name] = con.sql(sql).fetchall()[0][0]
    return {"values": values}


def _statements() -> dict[str, str]:
    text = (Path(__file__).resolve().parent / "handwritten.sql").read_text(encoding="utf-8")
    parts = text.split("\n-- name: ")[1:]
    return {p.split("\n", 1)[0].strip(): p.split("\n", 1)[1] for p in parts}


def case_pandas(folder: Path, threads: int | None) -> dict[str, Any]:
    from bench.pandas_six import six

    return {"values": six(folder, _holidays(_model()))}


def case_polars(folder: Path, threads: int | None) -> dict[str, Any]:
    if threads:  # Polars reads its thread count once, when it is imported
        os.environ["POLARS_MAX_THREADS"] = str(threads)
    from bench.polars_six import six

    return {"values": six(folder, _holidays(_model()))}


def case_imx(folder: Path, threads: int | None, metrics: tuple[str, ...] | None) -> dict[str, Any]:
    import pyarrow.compute as pc

    from imx.data import discover_sources, load_dataset
    from imx.engines import EngineSettings
    from imx.evaluation import evaluate
    from imx.results import RunOptions

    marks: dict[str, float] = {"start": time.perf_counter()}
    model = _model()
    marks["check"] = time.perf_counter()
    dataset = load_dataset(model.schema, discover_sources(folder, model.schema), threads=threads)
    marks["load"] = time.perf_counter()
    settings = EngineSettings(
        threads=threads, on_step=lambda s: marks.__setitem__(s, time.perf_counter())
    )
    levels = ("portfolio",) if metrics else None
    results = evaluate(
        model, dataset, RunOptions(metrics=metrics, levels=levels), settings=settings
    )
    phases = {  # the engine hands each metric's rows to finalize as it goes: one phase
        "check": marks["check"] - marks["start"],
        "load": marks["load"] - marks["check"],
        "evaluate": marks["finalize"] - marks["plan"],
    }
    table = results.table
    overall = table.filter(
        pc.and_(pc.equal(table["level"], "portfolio"), pc.is_null(table["period"]))
    ).select(["metric", "value"])
    values = dict(zip(overall["metric"].to_pylist(), overall["value"].to_pylist(), strict=True))
    return {"phases": phases, "rows": table.num_rows, "values": {k: values.get(k) for k in SIX}}


def case_cli(folder: Path, threads: int | None) -> dict[str, Any]:
    out = folder / "bench-results.parquet"
    argv = [
        sys.executable,
        "-m",
        "imx.cli",
        "run",
        str(STDLIB),
        "--data",
        str(folder),
        "--out",
        str(out),
    ]
    argv += ["--threads", str(threads)] if threads else []
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {"exit": done.returncode}


def child(case: str, folder: Path, threads: int | None) -> dict[str, Any]:
    """Run one case in this process and return what it measured."""
    started = time.perf_counter()
    if case == "imx-six":
        found = case_imx(folder, threads, SIX)
    elif case == "imx-all":
        found = case_imx(folder, threads, None)
    else:
        runner = {
            "scan": case_scan,
            "read": case_read,
            "handsql": case_handsql,
            "pandas": case_pandas,
            "polars": case_polars,
            "imx-cli": case_cli,
        }
        found = runner[case](folder, threads)
    found["seconds"] = time.perf_counter() - started
    return found


# ------------------------------------------------------------------------ in the parent


def measure(case: str, folder: Path, threads: int | None) -> dict[str, Any]:
    """One run of a case in a subprocess: its report plus its peak RSS in MiB (and its children's)."""
    argv = [sys.executable, "-m", "bench.eval_speed", "--child", case, "--folder", str(folder)]
    argv += ["--threads", str(threads)] if threads else []
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"bench case {case} failed with exit code {proc.returncode}")
    report: dict[str, Any] = json.loads(output.decode().strip().splitlines()[-1])
    report["rss_mib"] = usage.ru_maxrss / 1024  # Linux: KiB; the largest of the process tree
    return report


def run_size(size: str, repeat: int, threads: int | None) -> dict[str, list[dict[str, Any]]]:
    """Every case on one log size, ``repeat`` times (the slow imx end-to-end cases once at 10M)."""
    folder = ensure_data(size)
    runs: dict[str, list[dict[str, Any]]] = {}
    for case in CASES:
        times = (
            1 if size == "10M" and case in ("imx-all", "imx-cli", "pandas", "polars") else repeat
        )
        runs[case] = [measure(case, folder, threads) for _ in range(times)]
        print(
            f"  {size} {case}: {[round(r['seconds'], 2) for r in runs[case]]} s",
            file=sys.stderr,
            flush=True,
        )
    return runs


def median(runs: list[dict[str, Any]], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in runs)


def _phase(runs: list[dict[str, Any]], phase: str) -> float:
    return statistics.median(r["phases"][phase] for r in runs)


def agree(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The metrics whose values differ by more than 1e-9 (relative)."""
    return [k for k in SIX if not math.isclose(a[k], b[k], rel_tol=1e-9, abs_tol=1e-9)]


def table(results: dict[str, dict[str, list[dict[str, Any]]]]) -> str:
    """Medians per case and size, then the targets with their ratios."""
    lines = ["| case | " + " | ".join(f"{s} median s | {s} peak RSS MiB" for s in results) + " |"]
    lines.append("|---|" + "---|---|" * len(results))
    for case in CASES:
        cells = [
            f"{median(r[case]):.2f} | {max(x['rss_mib'] for x in r[case]):.0f}"
            for r in results.values()
        ]
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    for phase in ("load", "evaluate"):
        cells = [f"{_phase(r['imx-all'], phase):.2f} | " for r in results.values()]
        lines.append(f"| imx-all: {phase} | " + " | ".join(cells) + " |")
    for phase in ("load", "evaluate"):
        cells = [f"{_phase(r['imx-six'], phase):.2f} | " for r in results.values()]
        lines.append(f"| imx-six: {phase} | " + " | ".join(cells) + " |")
    return "\n".join(lines + ["", *targets(results)])


def targets(results: dict[str, dict[str, list[dict[str, Any]]]]) -> list[str]:
    out = ["| target | figure | met |", "|---|---|---|"]
    for size, r in results.items():
        six_engine = _phase(r["imx-six"], "evaluate")
        ratios = {
            f"{size}: imx six / hand SQL (end to end) ≤ 1.5": median(r["imx-six"])
            / median(r["handsql"]),
            f"{size}: imx six / hand SQL (evaluate only) ≤ 1.5": six_engine / median(r["handsql"]),
            f"{size}: whole library / single scan ≤ 5": median(r["imx-all"]) / median(r["scan"]),
            f"{size}: whole library evaluate / single scan ≤ 5": _phase(r["imx-all"], "evaluate")
            / median(r["scan"]),
            f"{size}: pandas / imx six ≥ 10": median(r["pandas"]) / median(r["imx-six"]),
            f"{size}: Polars / imx six ≥ 2": median(r["polars"]) / median(r["imx-six"]),
        }
        out += [f"| {k} | {v:.2f} | {'yes' if _met(k, v) else 'NO'} |" for k, v in ratios.items()]
        peak = max(x["rss_mib"] for c in ("imx-all", "imx-cli") for x in r[c])
        out.append(
            f"| {size}: peak RSS of imx ≤ 2048 MiB | {peak:.0f} | {'yes' if peak <= 2048 else 'NO'} |"
        )
        bad = agree(r["imx-six"][0]["values"], r["handsql"][0]["values"])
        bad_pd = agree(r["imx-six"][0]["values"], r["pandas"][0]["values"])
        bad_pl = agree(r["imx-six"][0]["values"], r["polars"][0]["values"])
        out.append(
            f"| {size}: imx = hand SQL on the six | differ: {bad or 'none'} | {'yes' if not bad else 'NO'} |"
        )
        out.append(
            f"| {size}: imx = pandas on the six | differ: {bad_pd or 'none'} | {'yes' if not bad_pd else 'NO'} |"
        )
        out.append(
            f"| {size}: imx = Polars on the six | differ: {bad_pl or 'none'} | {'yes' if not bad_pl else 'NO'} |"
        )
    for size, r in results.items():  # beside the targets: the floor of reading the data
        ratio = median(r["imx-all"]) / median(r["read"])
        out.append(f"| {size}: whole library / full read (not a target) | {ratio:.2f} | — |")
    if "1M" in results and "10M" in results:
        growth = median(results["10M"]["imx-all"]) / median(results["1M"]["imx-all"])
        out.append(
            f"| 1M → 10M growth of the whole library ≤ 12x | {growth:.2f} | {'yes' if growth <= 12 else 'NO'} |"
        )
    return out


def _met(target: str, value: float) -> bool:
    """Whether ``value`` meets a target written ``… ≤ 1.5`` or ``… ≥ 10``."""
    if "≥" in target:
        return value >= float(target.split("≥ ")[1])
    return value <= float(target.split("≤ ")[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench eval", description=__doc__)
    parser.add_argument("--sizes", default="1M,10M")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the raw measurements here")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.threads), default=str))
        return 0
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    results = {s: run_size(s, args.repeat, args.threads) for s in args.sizes.split(",")}
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"this process's peak RSS: {floor:.0f} MiB (Linux reports no case's peak below it)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(table(results))
    load = os.getloadavg()
    print(f"\nload average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
