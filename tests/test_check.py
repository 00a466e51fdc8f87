"""The checker against its corpus (inline expected diagnostics) and project loading."""

from __future__ import annotations

from pathlib import Path

import pytest

import imx.checker as check_module
from checkcases import CASES, STDLIB, actual, case_paths, expected, files_of, run
from imx.checker import check, check_paths
from imx.codes import all_codes
from imx.diagnostics import Severity
from imx.project import load_sources
from imx.syntax.errors import MISTAKES

# Codes that no corpus case can show, each with the test that exercises it instead.
NOT_IN_CORPUS = {
    **{m.code: "test_syntax_errors.py (the table's own examples)" for m in MISTAKES},
    "syntax-unclosed-string": "test_syntax_errors.py",
    "syntax-error": "test_syntax_errors.py",
    "unknown-field": "test_syntax_errors.py",
    "file-not-found": "test_missing_file_is_a_diagnostic",
    "file-unreadable": "test_non_utf8_file_is_unreadable",
    "internal-error": "test_internal_errors_are_reported_not_raised",
}


@pytest.mark.parametrize("case", case_paths(), ids=lambda p: p.name)
def test_case_reports_exactly_what_it_announces(case: Path) -> None:
    result = run(case)
    want, got = expected(case), actual(result)
    assert sorted(want - got) == [], "expected but not reported"
    assert sorted(got - want) == [], "reported but not expected"


@pytest.mark.parametrize("case", case_paths(), ids=lambda p: p.name)
def test_case_spans_lie_inside_their_files(case: Path) -> None:
    result = run(case)
    for d in result.diagnostics:
        text = result.sources[d.file].text
        assert 0 <= d.span.start <= d.span.end <= len(text), d
        for label in d.labels:
            assert label.span.end <= len(result.sources[label.file].text), label


def test_every_code_has_a_case() -> None:
    """Every registered code is announced by a corpus case, or is listed in NOT_IN_CORPUS."""
    registered = {c.name for c in all_codes()}
    assert sorted(set(NOT_IN_CORPUS) - registered) == []
    announced = {code for case in case_paths() for (_, _, _, code) in expected(case)}
    assert sorted(announced - registered) == [], "a case announces a code that does not exist"
    assert sorted(registered - announced - set(NOT_IN_CORPUS)) == []


def test_a_diagnostic_takes_a_message_with_its_code_not_a_free_string() -> None:
    from imx import messages as M
    from imx.diagnostics import Diagnostic
    from imx.source import Span

    d = Diagnostic(M.UNUSED_PARAM.format("w"), "a.imx", Span(0, 1))
    assert (d.code, d.severity, d.message) == ("unused-param", Severity.WARNING, d.finding.text)
    with pytest.raises(TypeError):
        Diagnostic("unused-param", "a.imx", Span(0, 1))  # type: ignore[arg-type]


def test_tour_checks_without_errors_and_gives_a_model() -> None:
    result = run(CASES / "tour.imx")
    assert result.errors == ()
    assert {d.code for d in result.warnings} == {"missing-companion"}
    assert result.model is not None


def test_errors_give_no_model_but_warnings_do() -> None:
    assert run(CASES / "types.imx").model is None
    warned = run(CASES / "tour.imx")
    assert warned.warnings and warned.model is not None


def test_hints_and_labels() -> None:
    result = run(CASES / "names.imx")
    event = next(d for d in result.diagnostics if d.code == "unknown-event")
    assert event.hints == ("did you mean `images_received`?",)
    dup = next(d for d in run(CASES / "duplicates").diagnostics if d.code == "duplicate-definition")
    assert dup.labels[0].message == "first defined here"
    assert dup.labels[0].file.endswith("first.imx")


# ------------------------------------------------------------------------------ project loading


def test_missing_file_is_a_diagnostic(tmp_path: Path) -> None:
    result = check_paths([tmp_path / "nope.imx"])
    assert [d.code for d in result.diagnostics] == ["file-not-found"]
    assert result.model is None


def test_non_utf8_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "latin1.imx"
    path.write_bytes(b'metric A "caf\xe9" {\n}\n')
    result = check_paths([path])
    assert [d.code for d in result.diagnostics] == ["file-unreadable"]


def test_folder_without_imx_files(tmp_path: Path) -> None:
    assert [d.code for d in check_paths([tmp_path]).diagnostics] == ["file-not-found"]


def test_folders_expand_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.imx").write_text("events {\n    z\n}\n")
    (tmp_path / "a.imx").write_text("events {\n    a\n}\n")
    (tmp_path / "notes.txt").write_text("ignored")
    project = load_sources([tmp_path])
    assert [Path(f).name for f in project.files] == ["a.imx", "z.imx"]
    again = load_sources([tmp_path, tmp_path / "a.imx"])
    assert len(again.files) == 2, "a file named twice loads once"


def test_stdlib_files_load_once_and_before_their_importers(tmp_path: Path) -> None:
    a = tmp_path / "a.imx"
    a.write_text("import stdlib.schema\nimport stdlib\n")
    b = tmp_path / "b.imx"
    b.write_text("import stdlib.schema\n")
    project = load_sources([a, b], stdlib_root=STDLIB)
    names = [Path(f).name for f in project.files]
    assert names == ["schema.imx", "a.imx", "b.imx"]
    assert project.imported == {str(STDLIB / "schema.imx")}


def test_import_of_the_shipped_stdlib_resolves(tmp_path: Path) -> None:
    path = tmp_path / "a.imx"
    path.write_text("import stdlib.schema\n")
    project = load_sources([path])
    assert [d.code for d in project.diagnostics] == []
    assert any(f.endswith("schema.imx") for f in project.imported)


def test_syntax_errors_are_kept_and_checking_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "a.imx"
    path.write_text("import stdlib.schema\nmetric A {\n    rate has\n}\nmetric B {\n}\n")
    result = check_paths([path], stdlib_root=STDLIB)
    codes = [d.code for d in result.diagnostics]
    assert any(c.startswith("syntax") for c in codes), codes
    assert result.model is None


def test_internal_errors_are_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(check_module, "build_model", broken)
    result = check(load_sources(files_of(CASES / "tour.imx")))
    assert [d.code for d in result.diagnostics if d.is_error] == ["internal-error"]
    assert "bug in imx" in result.diagnostics[-1].hints[0]
    assert result.diagnostics[-1].severity is Severity.ERROR
    assert result.model is None
