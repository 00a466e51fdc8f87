"""Front-end speed: cold `imx check` of the standard library, and MB/s on a 2,000-metric project."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
COLD_TARGET_S = 0.5
THROUGHPUT_TARGET_MB_S = 1.0

_SCHEMA = """\
schema gen "Generated" version "1"
events {
    e_a "A"
    e_b "B"
    e_c "C"
    e_d "D"
}
table events {
    study text key
    site text key
    subject text key
    timepoint text key
    event event
    at timestamp
}
table studies {
    study text key
    therapeutic_area text
}
table sites {
    study text key
    site text key
    calendar text optional
}
unit timepoint = study, site, subject, timepoint
calendar us "US" default {
    weekend sat, sun
    holidays 2026-01-01, 2026-12-25
    timezone "America/New_York"
}
"""

_METRICS = (
    """metric G{i}-OT "Generated on-time {i}" {{
    category   timeliness
    question   "Does e_b follow e_a within {w} business days ({i})?"
    per        timepoint
    where      has e_a and not has e_d
    exclude    has e_c "Cancelled"
    rate       first e_b within window of first e_a
    param      window = {w} business_days
    bands      higher_is_better {{ green >= 90%, amber >= 75%, red }}
    min_n      10
    companion  G{i}-Q
    doc        "Generated metric {i} for the throughput benchmark."
}}
""",
    """metric G{i}-Q "Generated quality {i}" {{
    category   quality
    question   "How often is e_b first ({i})?"
    per        timepoint
    where      has e_b or has e_c
    rate       first_of(e_b, e_c) = e_b
    bands      higher_is_better {{ green >= 90%, amber >= 80%, red }}
}}
""",
)


def stdlib_project(folder: Path, metrics: int = 2000) -> int:
    """Write a project of ``metrics`` metrics made by copying the standard library's definitions
    (docs, examples and variants included) under new ids; return its size in bytes."""
    root = ROOT / "stdlib_metrics"
    files = [p for p in sorted(root.rglob("*.imx")) if p.name not in ("schema.imx", "csfs.imx")]
    text = "\n".join(p.read_text() for p in files)
    ids = re.findall(r"^metric\s+([A-Za-z0-9_-]+)", text, re.M)
    names = "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))
    pattern = re.compile(rf"(?<![A-Za-z0-9_-])({names})(?![A-Za-z0-9_-])")
    (folder / "schema.imx").write_text((root / "schema.imx").read_text())
    for i in range(-(-metrics // len(ids))):
        copy = pattern.sub(lambda m, i=i: f"{m.group(1)}-G{i}", text)
        (folder / f"copy{i:03}.imx").write_text(copy)
    return sum(len(p.read_bytes()) for p in folder.glob("*.imx"))


def generated_project(metrics: int) -> str:
    parts = [_SCHEMA]
    for i in range(metrics // 2):
        parts.extend(m.format(i=i, w=1 + i % 5) for m in _METRICS)
    return "\n".join(parts)


def cold_check_seconds(runs: int = 7) -> list[float]:
    """Wall time of a fresh `imx check stdlib_metrics` process, several times."""
    times = []
    cmd = [sys.executable, "-m", "imx.cli", "check", str(ROOT / "stdlib_metrics"), "--no-color"]
    subprocess.run(cmd, capture_output=True, check=False)  # warm the OS cache and parser cache
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def _timed_check(path: Path) -> float:
    from imx.checker import check_paths

    check_paths([path])  # warm-up: parser tables loaded, files in the OS cache
    start = time.perf_counter()
    result = check_paths([path])
    elapsed = time.perf_counter() - start
    errors = [d for d in result.diagnostics if d.is_error]
    assert not errors, errors[:3]
    assert result.model is not None and len(result.model.metrics) >= 2000
    return elapsed


def throughput_mb_s(metrics: int = 2000) -> tuple[float, float, float, float]:
    """MB/s and MB for a stdlib-derived project and for dense synthetic metrics without docs."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = stdlib_project(folder, metrics)
        realistic = size / 1e6 / _timed_check(folder)
    text = generated_project(metrics)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dense.imx"
        path.write_text(text)
        dense = len(text.encode()) / 1e6 / _timed_check(path)
    return realistic, size / 1e6, dense, len(text.encode()) / 1e6


def main() -> None:
    cold = statistics.median(cold_check_seconds())
    speed, mb, dense, dense_mb = throughput_mb_s()
    table = Table(title="imx check speed")
    for col in ("measure", "figure", "target", "ratio to target"):
        table.add_column(col)
    table.add_row(
        "cold `imx check stdlib_metrics` (median of 7)",
        f"{cold:.3f} s",
        f"< {COLD_TARGET_S} s",
        f"{cold / COLD_TARGET_S:.2f}",
    )
    table.add_row(
        f"check of 2,024 metrics copied from the standard library ({mb:.2f} MB)",
        f"{speed:.2f} MB/s",
        f">= {THROUGHPUT_TARGET_MB_S} MB/s",
        f"{speed / THROUGHPUT_TARGET_MB_S:.2f}",
    )
    table.add_row(
        f"stress: 2,000 short synthetic metrics without docs ({dense_mb:.2f} MB)",
        f"{dense:.2f} MB/s",
        "(none)",
        "—",
    )
    Console().print(table)
