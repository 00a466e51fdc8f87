"""The command line as a user meets it: exit codes, output formats, messages for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from imx.cli import main

CLEAN = """\
schema s
events {
    a "A"
    b "B"
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
}
unit timepoint = study, site, subject, timepoint

metric Q-1 "A quality metric" {
    category  quality
    question  "How often does b follow a?"
    per       timepoint
    where     has a
    rate      has b
    bands     higher_is_better { green >= 90%, amber >= 80%, red }
}
"""


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _write(tmp_path: Path, text: str, name: str = "m.imx") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_clean_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(_write(tmp_path, CLEAN)), "--no-color"]) == 0
    assert "no problems found in 1 file" in capsys.readouterr().out


def test_check_error_exits_one_with_location_and_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, CLEAN.replace("rate      has b", "rate      has bb"))
    assert main(["check", str(path), "--no-color"]) == 1
    out = capsys.readouterr().out
    assert "error[unknown-event]" in out
    assert f"{path}:{_line_of(CLEAN, 'rate      has b')}:" in out
    assert "^^" in out


def test_check_json_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, CLEAN.replace("has a\n", "has aa\n"))
    assert main(["check", str(path), "--format", "json"]) == 1
    items = json.loads(capsys.readouterr().out)
    item = next(i for i in items if i["code"] == "unknown-event")
    assert {
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "hints",
    } <= set(item)
    assert (item["line"], item["severity"]) == (_line_of(CLEAN, "where     has a"), "error")
    assert item["end_column"] - item["column"] == len("aa")


def test_check_sarif_is_2_1_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, CLEAN.replace("per       timepoint", "per       timepiont"))
    assert main(["check", str(path), "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"
    result = log["runs"][0]["results"][0]
    assert result["ruleId"] == "unknown-unit"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == _line_of(CLEAN, "per       timepoint")


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    text = CLEAN.replace("category  quality", "category  timeliness")
    path = _write(tmp_path, text)
    assert main(["check", str(path), "--no-color"]) == 0
    assert main(["check", str(path), "--no-color", "--strict"]) == 1


def test_missing_path_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(tmp_path / "nope.imx"), "--no-color"])
    assert code == 2  # a path given that does not exist is a usage error, as for fmt
    captured = capsys.readouterr()
    assert f"no such file or folder: `{tmp_path / 'nope.imx'}`" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_usage_error_exits_two() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "imx.cli", "check", "--format", "xml", "a.imx"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


def test_fmt_check_and_rewrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = CLEAN.replace("    category  quality", "  category quality   # why")
    path = _write(tmp_path, messy)
    assert main(["fmt", "--check", str(path), "--no-color"]) == 1
    assert path.read_text() == messy
    assert main(["fmt", str(path), "--no-color"]) == 0
    assert "# why" in path.read_text()
    assert main(["fmt", "--check", str(path), "--no-color"]) == 0


def test_fmt_refuses_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = "metric A {\n    category quality\n"
    path = _write(tmp_path, broken)
    assert main(["fmt", str(path), "--no-color"]) == 1
    assert path.read_text() == broken
    assert "never closed" in capsys.readouterr().out


def test_run_rejects_unknown_metric_and_level_as_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, CLEAN)
    data = tmp_path / "data"
    data.mkdir()
    (data / "events.csv").write_text(
        "study,site,subject,timepoint,event,at\nS1,001,1,BL,a,2026-03-02T10:00Z\n"
    )
    (data / "studies.csv").write_text("study,therapeutic_area\nS1,oncology\n")
    (data / "sites.csv").write_text("study,site\nS1,001\n")
    assert main(["run", str(path), "--data", str(data), "--metric", "Q-2", "--no-color"]) == 2
    assert "did you mean `Q-1`?" in capsys.readouterr().err
    assert main(["run", str(path), "--data", str(data), "--level", "area", "--no-color"]) == 2
    assert "by:therapeutic_area" in capsys.readouterr().err
    assert main(["run", str(path), "--data", str(data), "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "Q-1" in out and "as of 2026-03-02T10:00" in out


LEVELS_BY = Path(__file__).parent / "cases" / "eval" / "levels_by"


def test_run_levels_by_a_key_and_crossed_with_a_none_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--level by:reader` and `--level by:vendor+therapeutic_area` (rule 17): the scorecard, the
    HTML report and the handbook's heading name each group, a null value as `(none)`; the results
    file keeps it null, the crossed level's second value in `group2`."""
    from imx.render.handbook.scores import read_results, where_label

    spec, as_of = f"{LEVELS_BY}.imx", "2026-03-31T00:00Z"
    argv = ["run", spec, "--data", str(LEVELS_BY), "--as-of", as_of, "--no-color"]
    argv += ["--level", "by:reader", "--level", "by:vendor+therapeutic_area"]
    for out in ("r.json", "r.html"):
        assert main([*argv, "--out", str(tmp_path / out)]) == 0
    shown = capsys.readouterr().out
    assert "reader R1" in shown and "READ-OT [mixed]  reader R2" in shown
    assert "vendor (none) × therapeutic_area oncology" in shown
    assert "vendor acme × therapeutic_area neurology" in shown
    rows = [
        r
        for r in json.loads((tmp_path / "r.json").read_text())["results"]
        if r["metric"] == "READ-OT"
    ]
    crossed = [r for r in rows if r["level"] == "by:vendor+therapeutic_area"]
    assert [(r["group"], r["group2"]) for r in crossed] == [
        (None, "oncology"), ("acme", "neurology"), ("acme", "oncology"),
    ]  # fmt: skip
    assert [r["group"] for r in rows if r["level"] == "by:reader"] == ["R1", "R2", "R3"]
    from html import unescape

    html = unescape((tmp_path / "r.html").read_text())
    assert "<td>vendor (none) × therapeutic_area oncology</td>" in html
    assert "<td>reader R3</td>" in html
    table = read_results(tmp_path / "r.json").to_pylist()
    labels = [
        where_label(r) for r in table if r["level"].startswith("by:") and r["metric"] == "READ-OT"
    ]
    assert labels[:4] == [
        "reader R1", "reader R2", "reader R3", "vendor (none) × therapeutic_area oncology",
    ]  # fmt: skip
