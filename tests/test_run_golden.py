"""The whole standard library's results on a seeded demo log, byte for byte against a golden file.

The consolidation of the code (and any change that is not meant to move a number) must leave these
bytes as they are; a change that is meant to move them regenerates the golden with
``pytest tests/test_run_golden.py --update-goldens`` and the diff is reviewed like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from imx.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "goldens" / "stdlib_demo_results.csv"


def test_stdlib_results_on_the_demo_log_are_unchanged(
    tmp_path: Path, golden: Callable[[Path, str], None], capsys: object
) -> None:
    data, out = tmp_path / "data", tmp_path / "results.csv"
    assert main(["demo-data", "--studies", "3", "--seed", "11", "--out", str(data)]) == 0
    argv = ["run", str(ROOT / "stdlib_metrics"), "--data", str(data), "--level", "study"]
    # by reader: the per-reader rows of the reader metrics (RDI, ...); by reason: QRY-REASON,
    # which declares only by-levels, so study and portfolio alone would leave it out
    levels = ["--level", "portfolio", "--level", "by:reader", "--level", "by:reason"]
    assert main([*argv, *levels, "--out", str(out)]) == 0
    golden(GOLDEN, out.read_text(encoding="utf-8"))
