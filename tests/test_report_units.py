"""The HTML report lists the worst units behind each red or amber study and site row.

On the rate_within case (tests/cases/eval/rate_within.imx, cut 2026-03-11T00:00Z) every study and
site row of XFER-OT is red or amber; the header of the case says which unit is missed, pending
or cancelled, and why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import test_corpus_eval as corpus
from imx.cli import main

RATE = corpus.BY_NAME["rate_within"]
RUN = [
    "run", str(RATE.spec), "--data", str(RATE.data), "--as-of", "2026-03-11T00:00Z", "--no-color",
]  # fmt: skip
SUMMARIES = [
    "study S1, site 001 · red: 1 missed, 1 pending, 1 excluded",
    "study S1, site 002 · red: 1 missed",
    "study S2, site 001 · amber: 1 missed, 1 pending",
    "study S1 · red: 2 missed, 1 pending, 1 excluded",
    "study S2 · amber: 1 missed, 1 pending",
]


def _report(tmp_path: Path) -> str:
    out = tmp_path / "report.html"
    assert main([*RUN, "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_the_report_lists_each_flagged_rows_worst_units(tmp_path: Path) -> None:
    page = _report(tmp_path)
    assert "Behind the red and amber cells" in page
    assert [s for s in SUMMARIES if s in page] == SUMMARIES
    assert page.count("<details>") == len(SUMMARIES)
    assert "<td><code>S1/001/1002/BL</code></td><td>missed</td>" in page
    assert "Cancelled visits are not expected to arrive" in page
    assert "S1/001/1001/BL" not in page  # met: not listed


def test_a_row_lists_at_most_the_cap_and_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("imx.render.drilldown.CAP", 1)
    page = _report(tmp_path)
    assert "… and 3 more: <code>imx units XFER-OT … --study S1 --out FILE</code>" in page
    assert "… and 2 more: <code>imx units XFER-OT … --study S1 --site 001 --out FILE</code>" in page
