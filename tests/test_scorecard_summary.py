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


def _many_rows(count: int, seed: int) -> list[dict[str, object]]:
    """``count`` result rows of the sample metrics, levels, periods and statuses, drawn at random."""
    import random

    from support_data import result_row

    draw = random.Random(seed)
    metrics = ["XFER-OT", "XFER-CT", "QRY-RATE", "ADJ-TP", "UNKNOWN"]
    statuses = ["green", "amber", "red", "insufficient", "no_data", "superb", None]
    rows = []
    for i in range(count):
        level = draw.choice(["site", "study", "portfolio"])
        period = draw.choice([None, None, "2026-01", "2026-02"])
        rows.append(
            result_row(
                draw.choice(metrics),
                level,
                study="S1" if level != "portfolio" else None,
                site=f"{i:04d}" if level == "site" else None,
                period=period,
                value=draw.random(),
                unit="percent",
                status=draw.choice(statuses),
                pending=draw.choice([0, 0, 3]),
            )
        )
    return rows


def test_the_summary_counts_every_row_and_names_the_first_worst() -> None:
    """The summary's Arrow counts and worst rows are what counting the rows one by one gives."""
    from collections import Counter

    from imx.render.scorecard import SUMMARY_WORST, summary_text

    rows = _many_rows(3000, seed=3)
    model = sample_model()
    text = summary_text(fake_results(rows).table, model).plain
    overall = [r for r in rows if r["period"] is None]
    for category in ("timeliness", "cycle time", "efficiency", "quality", "other"):
        line = next(x for x in text.splitlines() if x.startswith(f"  {category}: "))
        said = dict(p.rsplit(" ", 1) for p in line.split(": ", 1)[1].split(", "))
        metrics = {
            "timeliness": {"XFER-OT"},
            "cycle time": {"XFER-CT"},
            "efficiency": {"QRY-RATE"},
            "quality": {"ADJ-TP"},
            "other": {"UNKNOWN"},
        }[category]
        counted = Counter(str(r["status"] or "—") for r in overall if r["metric"] in metrics)
        assert {k: int(v) for k, v in said.items()} == dict(counted)
    worst = [r for r in overall if r["status"] == "red"]
    worst += [r for r in overall if r["status"] == "amber"]
    named = text.split("worst: ")[1].split("\n")
    assert len(named) == SUMMARY_WORST
    for line, row in zip(named, worst, strict=False):
        assert line.strip().startswith(f"{row['metric']} ") and line.endswith(str(row["status"]))


def test_fair_choice_is_the_round_robin_of_each_metrics_best_rows() -> None:
    """The numpy choice equals the plain statement: rank each metric's rows (level, then worst
    status, then order); take every metric's first, then every metric's second, and so on."""
    worst_first = {"red": 0, "amber": 1, "insufficient": 2, "no_data": 3}
    rows = [r for r in _many_rows(2000, seed=11) if r["period"] is None]
    table = pa.Table.from_pylist(rows)
    shown = shown_rows(table)
    level_rank = {"portfolio": 0, "study": 2, "site": 3}
    ranked: dict[object, list[int]] = {}
    key = [(level_rank[str(r["level"])], worst_first.get(str(r["status"]), 4), i) for i, r in enumerate(rows)]  # fmt: skip
    for i in sorted(range(len(rows)), key=lambda i: key[i]):
        ranked.setdefault(rows[i]["metric"], []).append(i)
    turns = sorted(
        (turn, key[i][0], i) for positions in ranked.values() for turn, i in enumerate(positions)
    )
    expected = sorted(i for _, _, i in turns[:MAX_ROWS])
    assert [r["site"] for r in shown] == [rows[i]["site"] for i in expected]
    assert [r["metric"] for r in shown] == [rows[i]["metric"] for i in expected]


@pytest.mark.parametrize("width", [140, 70])
def test_all_prints_every_row_in_batches_under_one_heading(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--all`` makes Python rows a batch at a time; a category keeps one heading and the same
    columns (period, pending) across its batches."""
    from imx.render import scorecard

    monkeypatch.setattr(scorecard, "ALL_BATCH", 7)
    rows = _many_rows(120, seed=5)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True)
    render_scorecard(fake_results(rows), sample_model(), console, show_all=True)
    text = buffer.getvalue()
    body = text[text.index("worst:") :]
    for category in ("Timeliness", "Cycle Time", "Efficiency", "Quality", "Other"):
        assert body.count(category) == 1
    for row in rows:
        if row["site"] is not None:
            assert f"site S1/{row['site']}" in text
    assert "more result rows" not in text
    if width == 140:
        headers = [line.split() for line in text.splitlines() if "95% CI" in line]
        assert len(headers) > 5 and all("period" in h and "pend." in h for h in headers)
