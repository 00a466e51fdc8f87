"""Parsing an edited file again (syntax/incremental.py) reads exactly as parsing it whole: for
random edits of standard-library files, one after another, the same items with the same spans,
the same comments and the same diagnostics; and a chunk the edit did not touch is not parsed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imx.source import Span
from imx.syntax import incremental
from imx.syntax.incremental import reparse
from imx.syntax.parser import ParseResult, parse

ROOT = Path(__file__).resolve().parent.parent / "stdlib_metrics"
FILES = sorted(ROOT.rglob("*.imx"))
TEXTS = {p: p.read_text(encoding="utf-8") for p in FILES}
PIECES = (" ", "\n", "x", "1", "#", '"', '"""', "{", "}", ",", "metric A {\n}\n", "\nmetric ")


def _spanned(value: object) -> object:
    """A tree as nested tuples that hold every span too (the trees' equality leaves spans out)."""
    if isinstance(value, tuple | list):
        return tuple(_spanned(x) for x in value)
    if isinstance(value, Span):
        return ("span", value.start, value.end)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(_spanned(v) for v in vars(value).values()))
    return value


def _same(a: ParseResult, b: ParseResult) -> None:
    assert a.source.text == b.source.text and a.source.path == b.source.path
    assert a.diagnostics == b.diagnostics
    assert a.module is not None and b.module is not None
    assert _spanned(a.module) == _spanned(b.module)
    assert (a.module.comments, a.module.unparsed) == (b.module.comments, b.module.unparsed)


@settings(deadline=None)
@given(st.data())
def test_reparse_reads_as_parse(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(FILES), label="file")
    text = TEXTS[path]
    last = parse(text, str(path))
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        at = data.draw(st.integers(0, len(text)), label="at")
        cut = data.draw(st.integers(0, 30), label="cut")
        piece = data.draw(st.sampled_from(("", *PIECES)), label="piece")
        text = text[:at] + piece + text[at + cut :]
        again = reparse(last, text, str(path))
        _same(again, parse(text, str(path)))
        last = again


def test_an_edit_parses_only_its_chunk_again(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "quality.imx"
    text = TEXTS[path]
    last = parse(text, str(path))
    edited = text.replace("min_n    20", "min_n    200", 1)  # the first metric's: the rest moves
    parsed: list[int] = []

    def counting(source: str, file: str) -> ParseResult:
        parsed.append(len(source.strip()))
        return parse(source, file)

    monkeypatch.setattr(incremental, "parse", counting)
    again = reparse(last, edited, str(path))
    _same(again, parse(edited, str(path)))
    assert len(parsed) == 1  # the one chunk the edit is in, alone
    assert parsed[0] < len(text) // 10


def test_a_quote_put_in_reads_the_rest_again() -> None:
    """Two triple quotes, typed one after another in an example's table, make one string across
    the cuts between chunks: the comments inside it are no longer comments."""
    path = ROOT / "examples" / "cycle_time.imx"
    text = TEXTS[path]
    last = parse(text, str(path))
    later = text.index("\n", len(text) // 2) + 1
    for at in (later, text.index("events {") + len("events {\n")):
        text = text[:at] + '"""' + text[at:]
        last = reparse(last, text, str(path))
        _same(last, parse(text, str(path)))
