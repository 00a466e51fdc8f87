"""`imx units` and `imx run --units`, driven through ``imx.cli.main`` on the evaluation corpus.

The rate_within case (tests/cases/eval/rate_within.imx) has 12 timepoints of XFER-OT at its cut:
6 met, 3 missed, 2 pending and 1 cancelled (excluded), and one outside the population (2002,
received without an acquisition); its header says why each one is.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import test_corpus_eval as corpus
from imx.cli import main

RATE = corpus.BY_NAME["rate_within"]
AS_OF = "2026-03-11T00:00Z"
DATA = ["--data", str(RATE.data), "--as-of", AS_OF, "--no-color"]
UNITS = ["units", "XFER-OT", str(RATE.spec), *DATA]
RUN = ["run", str(RATE.spec), *DATA]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_units_prints_the_units_worst_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(UNITS) == 0
    out = capsys.readouterr().out
    assert "XFER-OT: 12 unit(s): 3 missed, 2 pending, 1 excluded, 6 met" in out
    lines = [x for x in out.splitlines() if x.startswith("│ S")]
    outcomes = [o for x in lines for o in ("missed", "pending", "exclude", "met") if o in x]
    assert outcomes == ["missed"] * 3 + ["pending"] * 2 + ["exclude"] + ["met"] * 6


def test_units_all_adds_the_units_outside_the_population(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([*UNITS, "--all", "--outcome", "outside"]) == 0
    out = capsys.readouterr().out
    assert "XFER-OT: 1 unit(s): 1 outside" in out and "S1/002/2002/BL" in out.replace("\n", "")


def test_units_out_writes_every_row_the_filters_keep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "late.csv"
    argv = [*UNITS, "--outcome", "missed", "--outcome", "pending", "--out", str(out)]
    assert main(argv) == 0
    assert f"wrote {out}" in capsys.readouterr().out.replace("\n", "")
    rows = _rows(out)
    assert [r["outcome"] for r in rows] == ["missed"] * 3 + ["pending"] * 2
    assert {"study", "site", "subject", "timepoint", "value", "first scan_acquired"} <= set(rows[0])
    stamp = json.loads((tmp_path / "late.stamp.json").read_text(encoding="utf-8"))
    assert stamp["as_of"].startswith("2026-03-11T00:00:00")
    for suffix in (".json", ".parquet"):
        again = tmp_path / f"late{suffix}"
        assert main([*argv[:-1], str(again)]) == 0
        found = (
            json.loads(again.read_text(encoding="utf-8"))["units"]
            if suffix == ".json"
            else pq.read_table(again).to_pylist()
        )
        assert [r["outcome"] for r in found] == ["missed"] * 3 + ["pending"] * 2


def test_units_filters_by_study_and_site(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*UNITS, "--study", "S1", "--site", "001"]) == 0
    out = capsys.readouterr().out
    assert "XFER-OT: " in out
    assert all(x.startswith("│ S1/001/") for x in out.splitlines() if x.startswith("│ S"))


def test_the_terminal_shows_a_few_rows_and_counts_the_rest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("imx.render.units.SHOWN", 5)
    assert main(UNITS) == 0
    out = capsys.readouterr().out
    assert "… and 7 more unit row(s)" in out.replace("\n", " ")
    assert len([x for x in out.splitlines() if x.startswith("│ S")]) == 5


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--study", "S9"], "no unit has study `S9`"),
        (["--site", "01"], "did you mean `001`"),
        (["--outcome", "mised"], "did you mean `missed`"),
        (["--out", "units.html"], "unknown format `.html`"),
    ],
)
def test_units_refuses_what_matches_nothing(
    extra: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*UNITS, *extra]) == 2
    assert said in capsys.readouterr().err.replace("\n", " ")


def test_an_unknown_metric_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "XFER-0T", str(RATE.spec), *DATA]) == 2
    assert "XFER-OT" in capsys.readouterr().err


def test_run_units_writes_each_metric_the_same_bytes_each_time(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert main([*RUN, "--units", str(first)]) == 0
    assert main([*RUN, "--units", str(second)]) == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == ["XFER-OT.parquet", "units.stamp.json"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    table = pq.read_table(first / "XFER-OT.parquet")
    assert table.num_rows == 12
    assert json.loads(table.schema.metadata[b"imx.stamp"])["as_of"].startswith("2026-03-11")


def test_run_units_with_a_report_writes_the_same_files(tmp_path: Path) -> None:
    """Written as each metric's rows come, or after the run when the HTML report holds them:
    the same bytes either way."""
    streamed, held = tmp_path / "streamed", tmp_path / "held"
    assert main([*RUN, "--units", str(streamed)]) == 0
    report = tmp_path / "report.html"
    assert main([*RUN, "--units", str(held), "--out", str(report)]) == 0
    assert report.is_file()
    for path in streamed.iterdir():
        assert path.read_bytes() == (held / path.name).read_bytes(), path.name


def test_run_units_holds_no_unit_rows_while_it_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each metric's unit rows are written as they come, not kept in the results (the whole
    library's at 10M events would not fit the memory target)."""
    import imx.cli as cli

    seen: list[dict[str, object]] = []
    real = cli._evaluate

    def spy(*args: Any, **kwargs: Any) -> Any:
        results = real(*args, **kwargs)
        seen.append(dict(results.units))
        return results

    monkeypatch.setattr(cli, "_evaluate", spy)
    assert main([*RUN, "--units", str(tmp_path / "u")]) == 0
    assert seen == [{}]
    assert (tmp_path / "u" / "XFER-OT.parquet").is_file()


def test_run_units_into_a_file_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    assert main([*RUN, "--units", str(taken)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
