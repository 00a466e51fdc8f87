"""Machine-applicable fixes: attached where certain, rendered in JSON and SARIF, applied by --fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imx import messages as M
from imx.checker import CheckResult, check_paths
from imx.cli import main
from imx.cli_fix import fix_project
from imx.diagnostics import Diagnostic, Fix
from imx.source import Span

MISSPELT = """\
import stdlib.schema

metric X-1 "x" {
    categry quality
}

metric X-2 "y" {
    category quality
    per timepont
    rate has qc_pased and first qc_passed < first qc_failed
    bands higher_is_beter { green >= 90%, red }
    companion X-3
}

metric X-4 "z" {
    category quality
    per timepoint
    rate has qc_passed
}
"""


def _write(tmp_path: Path, text: str = MISSPELT) -> Path:
    path = tmp_path / "m.imx"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_fix_is_attached_only_where_one_name_is_close(tmp_path: Path) -> None:
    path = _write(tmp_path)
    result = check_paths([path])
    fixes = {d.code: [f.replacement for f in d.fixes] for d in result.diagnostics}
    assert fixes["unknown-field"] == ["category"]
    assert fixes["unknown-unit"] == ["timepoint"]
    assert fixes["unknown-event"] == ["qc_passed"]  # qc_failed is far behind: the hint names one
    assert fixes["unknown-direction"] == ["higher_is_better"]
    assert fixes["unknown-metric"] == []  # the hint names two, neither is certain
    for d in result.diagnostics:  # a fix is exactly what the did-you-mean names
        if d.fixes:
            assert d.hints == (f"did you mean `{d.fixes[0].replacement}`?",)
    for d in result.diagnostics:
        for fix in d.fixes:  # a fix replaces exactly the word the diagnostic points at
            assert fix.span == d.span


def test_json_carries_fixes_with_ranges(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path)
    assert main(["check", "--format", "json", str(path)]) == 1
    items = json.loads(capsys.readouterr().out)
    unit = next(i for i in items if i["code"] == "unknown-unit")
    assert unit["fixes"] == [
        {
            "title": "replace with `timepoint`",
            "replacement": "timepoint",
            "line": 9,
            "column": 9,
            "end_line": 9,
            "end_column": 17,
        }
    ]
    assert next(i for i in items if i["code"] == "unknown-metric")["fixes"] == []


def test_sarif_carries_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path)
    assert main(["check", "--format", "sarif", str(path)]) == 1
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    unit = next(r for r in results if r["ruleId"] == "unknown-unit")
    (fix,) = unit["fixes"]
    assert fix["description"]["text"] == "replace with `timepoint`"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == str(path)
    (rep,) = change["replacements"]
    assert rep["deletedRegion"] == {"startLine": 9, "startColumn": 9, "endLine": 9, "endColumn": 17}
    assert rep["insertedContent"] == {"text": "timepoint"}
    assert "fixes" not in next(r for r in results if r["ruleId"] == "unknown-metric")


def test_check_fix_rewrites_and_reports_what_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, MISSPELT.replace("\n", "\r\n"))
    assert main(["check", "--fix", "--format", "json", str(path)]) == 1
    out = capsys.readouterr()
    text = path.read_bytes().decode("utf-8")
    assert "    category quality\r\n}" in text and "per timepoint\r\n" in text
    assert "has qc_passed and" in text and "higher_is_better {" in text
    assert "companion X-3" in text  # uncertain: left alone
    assert M.FIX_APPLIED.format(4, str(path)) in out.err
    left = {i["code"] for i in json.loads(out.out)}
    assert not left & {"unknown-field", "unknown-unit", "unknown-event", "unknown-direction"}
    assert "unknown-metric" in left


def test_check_fix_keeps_a_byte_order_mark_and_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "m.imx"
    path.write_bytes(b"\xef\xbb\xbf" + MISSPELT.encode("utf-8"))
    path.chmod(0o640)
    main(["check", "--fix", str(path)])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "per timepoint" in path.read_text(encoding="utf-8-sig")
    assert path.stat().st_mode & 0o777 == 0o640


def test_check_fix_refuses_to_write_a_file_that_would_not_parse(tmp_path: Path) -> None:
    path = _write(tmp_path)
    result = check_paths([path])
    # A fix that breaks the syntax: the whole outcome is refused and the file is untouched.
    diag = next(d for d in result.diagnostics if d.code == "unknown-unit")
    broken = Diagnostic(diag.finding, diag.file, diag.span, fixes=(Fix("t", diag.span, "{"),))
    crafted = CheckResult(None, (broken,), result.sources)
    outcome = fix_project([str(path)], crafted)
    assert outcome.applied == 0 and outcome.refused == 1
    assert outcome.lines == (M.FIX_REFUSED.format(str(path), 1),)
    assert path.read_text(encoding="utf-8") == MISSPELT


def test_check_fix_never_touches_an_imported_file(tmp_path: Path) -> None:
    path = _write(tmp_path)
    result = check_paths([path])
    stdlib_file = next(f for f in result.sources if f != str(path))
    diag = result.diagnostics[0]
    foreign = Diagnostic(diag.finding, stdlib_file, Span(0, 1), fixes=(Fix("t", Span(0, 1), "x"),))
    outcome = fix_project([str(path)], CheckResult(None, (foreign,), result.sources))
    assert outcome == type(outcome)((), 0, 0)


def test_overlapping_fixes_apply_the_first_only() -> None:
    from imx.diagnostics import apply_fixes

    fixes = [Fix("a", Span(0, 3), "AAA"), Fix("b", Span(2, 5), "BBB"), Fix("c", Span(5, 6), "C")]
    assert apply_fixes("abcdef", fixes) == ("AAAdeC", 2)
