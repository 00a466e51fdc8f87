"""The terminal scorecard opens with a summary, chooses rows fairly, filters by status, and names
what a banded metric without a target is judged by."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pytest
from rich.console import Console

from imx.cli import main
from imx.render.scorecard import MAX_ROWS, render_scorecard, shown_rows
from support_data import SAMPLE_QUALITY, SAMPLE_ROWS, fake_results, sample_model


def _render(**options: object) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=140, no_color=True)
    render_scorecard(fake_results(SAMPLE_ROWS, SAMPLE_QUALITY), sample_model(), console, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_the_summary_comes_first_counts_by_category_and_names_the_worst() -> None:
    text = _render()
    summary = text[text.index("summary") : text.index("Quality")]
    assert text.index("summary") < text.index("95% CI")
    assert "  timeliness: insufficient 1, green 1, superb 1\n" in summary
    assert "  efficiency: amber 1\n" in summary and "  quality: no_data 1\n" in summary
    assert "worst: XFER-CT portfolio 2.5 business days amber" in summary
    assert "QRY-RATE portfolio 17 amber" in summary


def test_status_filter_keeps_only_those_rows() -> None:
    table = _render(statuses=["amber"])
    rows = table[table.index("Efficiency") :]
    assert "XFER-CT" in rows and "QRY-RATE" in rows
    assert "ADJ-TP" not in rows and "XFER-OT" not in rows and "QRY-AGED" not in rows


def test_rows_are_chosen_fairly_among_metrics() -> None:
    many = MAX_ROWS + 100
    table = pa.table(
        {
            "metric": ["A"] * many + ["B"] * 10,
            "level": ["site"] * (many + 10),
            "period": pa.array([None] * (many + 10), pa.string()),
            "status": ["green"] * (many - 1) + ["red"] + ["amber"] * 10,
        }
    )
    shown = shown_rows(table)
    assert len(shown) == MAX_ROWS
    assert sum(r["metric"] == "B" for r in shown) == 10  # the small metric is not crowded out
    assert any(r["metric"] == "A" and r["status"] == "red" for r in shown)  # worst first


def test_run_status_and_all_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo-data", "--studies", "2", "--out", str(tmp_path / "d")]) == 0
    capsys.readouterr()
    argv = ["run", "--data", str(tmp_path / "d"), "--metric", "ESC-RATE", "--no-color"]
    assert main([*argv, "--level", "study", "--all"]) == 0
    out = capsys.readouterr().out
    assert "target green ≤ 1" in out and "target —" not in out  # bands, no target
    assert main([*argv, "--level", "study", "--status", "green"]) == 0
    shown = capsys.readouterr().out.split("Relationship")[-1].split("data quality")[0]
    ends = [line.split()[-1] for line in shown.splitlines() if "ESC-RATE" in line]
    assert ends and set(ends) == {"green"}
    assert main([*argv, "--period", "quarter", "--all"]) == 0
    assert "-Q" in capsys.readouterr().out  # period rows, shown with --all
    ratio = ["run", "--data", str(tmp_path / "d"), "--metric", "QRY-RATE", "--level", "portfolio"]
    assert main([*ratio, "--no-color"]) == 0
    assert " per 100 timepoints" in capsys.readouterr().out  # a ratio says per what
    assert main([*ratio[:4], "XFER-CT", *ratio[5:], "--no-color"]) == 0
    assert " business days" in capsys.readouterr().out


def test_on_a_terminal_the_scorecard_goes_through_the_pager(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    assert main(["demo-data", "--studies", "1", "--out", str(tmp_path / "d")]) == 0
    imx = Path(sys.executable).with_name("imx")
    paged = tmp_path / "paged.txt"
    leader, follower = os.openpty()
    env = {**os.environ, "PAGER": f"cat > {paged}", "COLUMNS": "120"}
    argv = [str(imx), "run", "--data", str(tmp_path / "d"), "--metric", "XFER-OT"]
    try:
        proc = subprocess.run(
            argv, stdin=follower, stdout=follower, stderr=subprocess.DEVNULL, env=env, timeout=120
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 0
    text = paged.read_text(encoding="utf-8", errors="replace")
    assert "imx scorecard" in text and "summary" in text and "XFER-OT" in text
