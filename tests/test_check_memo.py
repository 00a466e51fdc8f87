"""Incremental checking (checker/memo.py), as the language server uses it after each edit.

The property: for random edits of standard-library files, one after another, the check that
reuses the steps of the previous one (``check(project, memo)``) gives exactly the diagnostics
and the model of a full check of the same texts. And it is incremental: an edit of one metric's
body checks that metric and what depends on it again, not the others.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imx import model as m
from imx.checker import CheckResult, Memo, check, rare_collections
from imx.project import load_sources
from imx.syntax.parser import ParseResult, parse

ROOT = Path(__file__).resolve().parent.parent / "stdlib_metrics"
FILES = sorted(p.resolve() for p in ROOT.rglob("*.imx"))
TEXTS = {p: p.read_text(encoding="utf-8") for p in FILES}
QUALITY = ROOT.resolve() / "quality.imx"
PIECES = (
    " ",
    "\n",
    "x",
    "1",
    "0",
    "%",
    "#",
    '"',
    "{",
    "}",
    "(",
    ",",
    "and ",
    " 2 days",
    "has qc_passed",
    "min_n 5\n",
    "metric ",
    "QC-FPR",
    "scan_acquired",
    "site",
)

_parsed: dict[str, tuple[str, ParseResult]] = {}


def _parser(text: str, path: str) -> ParseResult:
    """The server's parse cache: a file's tree is kept (the same object) while its text is."""
    hit = _parsed.get(path)
    if hit is not None and hit[0] == text:
        return hit[1]
    result = parse(text, path)
    _parsed[path] = (text, result)
    return result


def _check(texts: dict[Path, str], memo: Memo | None) -> CheckResult:
    with rare_collections():
        project = load_sources([str(p) for p in FILES], overlay=texts, parser=_parser)
        return check(project, memo)


def _same(incremental: CheckResult, full: CheckResult) -> None:
    assert incremental.diagnostics == full.diagnostics
    assert incremental.model == full.model


_MEMO = Memo()  # one memo for every example, as a server keeps one through any edits


@st.composite
def _edit(draw: st.DrawFn, texts: dict[Path, str]) -> tuple[Path, str]:
    path = draw(st.sampled_from(FILES))
    text = texts[path]
    at = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(["insert", "delete", "replace", "word"]))
    if kind == "insert":
        return path, text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
    if kind == "delete":
        return path, text[:at] + text[at + draw(st.integers(1, 40)) :]
    if kind == "replace":
        piece = draw(st.sampled_from(PIECES))
        return path, text[:at] + piece + text[at + len(piece) :]
    words = sorted(set(text.split()))  # a word of the file where another stood: a misspelling
    old, new = draw(st.sampled_from(words)), draw(st.sampled_from(words))
    where = text.find(old, at)
    if where < 0:
        return path, text
    return path, text[:where] + new + text[where + len(old) :]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_check_equals_full_check(data: st.DataObject) -> None:
    texts = dict(TEXTS)
    _check(texts, _MEMO)  # the memo starts from the library as it is (or after the last example)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        path, text = data.draw(_edit(texts), label="edit")
        texts[path] = text
        _same(_check(texts, _MEMO), _check(texts, None))


def _metric(model: m.Model | None, metric_id: str) -> m.Metric:
    assert model is not None
    return next(x for x in model.metrics if x.id == metric_id)


def test_an_edit_of_a_metric_body_checks_that_metric_and_its_variants_again() -> None:
    memo = Memo()
    before = _check(dict(TEXTS), memo)
    assert len(memo.rechecked) > 100  # the first check runs every step
    text = TEXTS[QUALITY]
    longer = text.replace("min_n    20", "min_n    200", 1)  # QC-FPR's, the file's first metric
    after = _check({**TEXTS, QUALITY: longer}, memo)
    variants = [f"variant QC-FPR/{v.name}" for v in _metric(before.model, "QC-FPR").variants]
    assert variants  # the stdlib has a variant of QC-FPR: it reads its base, so it is checked
    assert memo.rechecked == ["metric QC-FPR", *variants]
    _same(after, _check({**TEXTS, QUALITY: longer}, None))
    assert _metric(after.model, "QC-FPR").base.min_n == 200


def test_an_edit_that_changes_a_metrics_bands_checks_its_examples_again() -> None:
    memo = Memo()
    _check(dict(TEXTS), memo)
    text = TEXTS[QUALITY]
    renamed = text.replace(
        "{ green >= 90%, amber >= 80%, red }", "{ green >= 90%, amber >= 80%, rouge }", 1
    )
    after = _check({**TEXTS, QUALITY: renamed}, memo)
    examples = [s for s in memo.rechecked if s.startswith("example QC-FPR ")]
    assert examples, memo.rechecked  # an example may expect a band by name: the names changed
    assert not [s for s in memo.rechecked if s.startswith("metric ") and s != "metric QC-FPR"]
    _same(after, _check({**TEXTS, QUALITY: renamed}, None))


def test_an_edit_of_the_schema_checks_every_metric_again() -> None:
    memo = Memo()
    _check(dict(TEXTS), memo)
    schema = ROOT.resolve() / "schema.imx"
    edited = TEXTS[schema].replace("events {", "\nevents {", 1)  # only moves what follows it
    _check({**TEXTS, schema: edited}, memo)
    assert memo.rechecked == []  # the same declarations, moved: nothing is checked again
    misspelt = TEXTS[schema].replace("    scan_acquired ", "    scan_aquired ", 1)
    after = _check({**TEXTS, schema: misspelt}, memo)
    assert "schema" in memo.rechecked
    assert "metric QC-FPR" in memo.rechecked  # every metric reads the schema
    _same(after, _check({**TEXTS, schema: misspelt}, None))


def test_an_edit_elsewhere_in_the_file_moves_the_diagnostics_of_a_kept_metric() -> None:
    memo = Memo()
    broken = TEXTS[QUALITY].replace("has qc_passed", "has qc_pased", 1)
    first = _check({**TEXTS, QUALITY: broken}, memo)
    assert [d.code for d in first.diagnostics] == ["unknown-event"]
    moved = "# a comment above every metric\n" + broken  # nothing changes but the places
    after = _check({**TEXTS, QUALITY: moved}, memo)
    assert memo.rechecked == []
    _same(after, _check({**TEXTS, QUALITY: moved}, None))
    shift = len("# a comment above every metric\n")
    assert after.diagnostics[0].span.start == first.diagnostics[0].span.start + shift
