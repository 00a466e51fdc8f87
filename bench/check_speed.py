"""Front-end speed: cold `imx check` of the standard library, and MB/s on a 2,000-metric project."""

from __future__ import annotations

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


def throughput_mb_s(metrics: int = 2000) -> tuple[float, float]:
    from imx.checker import check_paths

    text = generated_project(metrics)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gen.imx"
        path.write_text(text)
        check_paths([path])  # warm-up: parser tables loaded
        start = time.perf_counter()
        result = check_paths([path])
        elapsed = time.perf_counter() - start
    errors = [d for d in result.diagnostics if d.is_error]
    assert not errors, errors[:3]
    mb = len(text.encode()) / 1e6
    return mb / elapsed, mb


def main() -> None:
    cold = statistics.median(cold_check_seconds())
    speed, mb = throughput_mb_s()
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
        f"check of 2,000 generated metrics ({mb:.2f} MB)",
        f"{speed:.2f} MB/s",
        f">= {THROUGHPUT_TARGET_MB_S} MB/s",
        f"{speed / THROUGHPUT_TARGET_MB_S:.2f}",
    )
    Console().print(table)
