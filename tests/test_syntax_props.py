"""Property tests: grammar-generated and mutated inputs never crash the parser or the formatter.

(a) Inputs generated from the grammar (``hypothesis.extra.lark.from_lark``) yield a module or
diagnostics whose spans lie inside the text; for those that parse, the formatter preserves meaning
and comments and is idempotent. (b) Corpus files with random edits never make ``parse`` raise.
(c) Either kind of input reads alike with CRLF or lone-CR line ends.
Run longer with ``HYPOTHESIS_PROFILE=deep``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import assume, given, note
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from imx import _resources
from imx.syntax.fmt import format_source
from imx.syntax.parser import ParseResult, _InlineBuilder, grammar_parser, parse

CASES = Path(__file__).parent / "cases"
STDLIB = Path(__file__).parent.parent / "stdlib_metrics"
ASCII = st.characters(codec="ascii", categories=["L", "N", "P", "S", "Zs"])

SPACE = st.sampled_from([" ", " ", " ", "  ", "\t"])
NAMES = st.sampled_from(
    ["a", "scan_acquired", "XFER-CT", "timepoint", "site", "median", "p90", "green", "x_1", "v"]
)


# grammar_parser() is loaded from Lark's on-disk cache, which keeps no grammar to generate from:
# build the same grammar afresh for generation; parsing still goes through imx's own parser.
GRAMMAR = Lark(_resources.grammar_text(), parser="lalr", lexer="contextual", start="start")


def _regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True, alphabet=ASCII)


def _padded(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A token with whitespace around it: from_lark puts ignored whitespace only now and then."""
    return st.tuples(SPACE, strategy, SPACE).map("".join)


def _value_terminals() -> dict[str, st.SearchStrategy[str]]:
    strings = st.sampled_from(
        ['"t"', '""', '"with \\" quote"', '"tab\\t# not a comment"', '"""doc\n  text\n"""', '"é"']
    )
    return {
        "NAME": NAMES | _regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}(-[A-Z0-9]{1,3})?"),
        "STRING": strings | _regex(r'"[a-z #\\.]{0,8}"').filter(lambda s: not s.endswith('\\"')),
        "NUMBER": st.sampled_from(["0", "2", "10", "007", "2.50"]),
        "PERCENT": st.sampled_from(["90%", "12.5%", "0%"]),
        "DATE": st.sampled_from(["2026-01-01", "2026-12-25"]),
        "DATETIME": st.sampled_from(["2026-03-11T00:00Z", "2026-03-02T10:00:30.5+01:00"]),
        "CELL": st.sampled_from(["S1", "001", "a b", "2026-03-02T10:00Z", "-", "x.y"]),
        "MODE": st.sampled_from(["replace", "extend"]),
        "CMP_OP": st.sampled_from(["<=", ">=", "!=", "<", ">"]),
        "ADD_OP": st.sampled_from(["+", "-"]),
        "MUL_OP": st.sampled_from(["*", "/"]),
    }


def _terminals() -> dict[str, st.SearchStrategy[str]]:
    """An explicit strategy for every terminal of the grammar, each padded with spaces."""
    explicit = {name: _padded(s) for name, s in _value_terminals().items()}
    for term in GRAMMAR.terminals:
        if isinstance(term.pattern, PatternStr):
            explicit[term.name] = _padded(st.just(term.pattern.value))
    explicit["_NL"] = st.sampled_from(["\n", "\n", "\n\n    ", "  # note\n", "\n# whole line\n  "])
    explicit["COMMENT"] = st.just("")  # a comment mid-line would swallow the rest of the line
    explicit["WS_INLINE"] = SPACE
    return explicit


PROGRAMS = from_lark(GRAMMAR, start="start", explicit=_terminals())


def _check_spans(result: ParseResult, text: str) -> None:
    assert result.module is not None or result.diagnostics
    for d in result.diagnostics:
        assert 0 <= d.span.start <= d.span.end <= len(text), (d, len(text))


def _comments(result: ParseResult) -> Counter[str]:
    assert result.module is not None
    return Counter(c.text.rstrip() for c in result.module.comments)


@given(PROGRAMS)
def test_generated_programs_parse_and_format_faithfully(text: str) -> None:
    result = parse(text, "gen.imx")
    _check_spans(result, text)
    if result.diagnostics:
        assert format_source(text, "gen.imx").text is None
        return
    out = format_source(text, "gen.imx").text
    assert out is not None
    note(out)
    again = parse(out, "gen.imx")
    assert again.diagnostics == ()
    assert again.module == result.module
    assert _comments(again) == _comments(result)
    assert format_source(out, "gen.imx").text == out


def _corpus() -> list[str]:
    files = sorted(CASES.rglob("*.imx"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    return texts or ["metric A {\n    where has a\n}\n"]


CORPUS = _corpus()
TOKENS = [
    "{",
    "}",
    "(",
    ")",
    ",",
    '"',
    '"""',
    "#",
    "|",
    "=",
    "..",
    "\n",
    " ",
    "-",
    "%",
    "not",
    "of",
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "token", "swap", "cut"]))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif kind == "insert":
            text = text[:at] + draw(st.text(min_size=1, max_size=3)) + text[at:]
        elif kind == "token":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        elif kind == "swap" and at + 1 < len(text):
            text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
        elif kind == "cut":
            text = text[:at]
    return text


@given(mutated())
def test_mutated_corpus_files_never_crash_the_parser(text: str) -> None:
    result = parse(text, "mutant.imx")
    _check_spans(result, text)
    out = format_source(text, "mutant.imx").text
    if out is not None:  # a mutant that still parses must still format faithfully
        again = parse(out, "mutant.imx")
        assert again.module == result.module
        assert _comments(again) == _comments(result)
        assert format_source(out, "mutant.imx").text == out


def _reading(result: ParseResult) -> list[tuple[str, str, tuple[int, int], tuple[int, int]]]:
    """Each diagnostic as a reader sees it: code, message, and where it starts and ends."""
    out = []
    for d in result.diagnostics:
        start, end = result.source.position(d.span.start), result.source.position(d.span.end)
        message = d.message.replace("\r\n", "\n").replace("\r", "\n")
        out.append((d.code, message, (start.line, start.column), (end.line, end.column)))
    return out


@given(PROGRAMS | mutated(), st.sampled_from(["\r\n", "\r"]))
def test_every_line_end_reads_alike(text: str, end: str) -> None:
    """The same text with CRLF or lone-CR line ends: the same tree, comments and diagnostics."""
    assume("\r" not in text)
    lf, other = parse(text, "a.imx"), parse(text.replace("\n", end), "a.imx")
    assert other.module == lf.module
    if lf.module is not None:
        assert _comments(other) == _comments(lf)
    assert _reading(other) == _reading(lf)
    formatted = format_source(text, "a.imx").text
    assert format_source(text.replace("\n", end), "a.imx").text == formatted


# The fast scanner (imx.syntax.scanner) must read exactly what Lark's own contextual lexer reads.
REFERENCE = Lark(
    _resources.grammar_text(),
    parser="lalr",
    lexer="contextual",
    keep_all_tokens=True,
    maybe_placeholders=True,
    transformer=_InlineBuilder(),
)


def _outline(value: object) -> list[tuple[str, object]]:
    """Every node of a tree with its span, so that equal trees must also agree on positions."""
    found: list[tuple[str, object]] = []
    if hasattr(value, "__dataclass_fields__"):
        found.append((type(value).__name__, getattr(value, "span", None)))
        for name in value.__dataclass_fields__:
            found += _outline(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            found += _outline(item)
    return found


def _read(lark: Lark, text: str) -> object:
    try:
        items = lark.parse(text)
    except UnexpectedInput:
        return "syntax error"
    return (items, _outline(items))


KEYWORDS = sorted(
    (t.pattern.value for t in GRAMMAR.terminals if isinstance(t.pattern, PatternStr)),
    key=len,
    reverse=True,
)


def _glued_keyword(text: str) -> bool:
    """Where the scanner rejects the text, did Lark read a keyword glued to a word (`schemas`)?

    Lark's contextual lexer matches a keyword as a prefix where no name is expected, so it reads
    `schemas "x"` as `schema s "x"`; imx's scanner reads whole words and reports the mistake.
    """
    try:
        grammar_parser().parse(text)
    except UnexpectedToken as exc:
        word = str(exc.token)
        return any(word.startswith(k) and word != k and k.isidentifier() for k in KEYWORDS)
    except UnexpectedInput:
        return False
    return False


@given(PROGRAMS | mutated())
def test_scanner_reads_what_the_contextual_lexer_reads(text: str) -> None:
    ours, lark = _read(grammar_parser(), text), _read(REFERENCE, text)
    if ours == "syntax error" and lark != ours and _glued_keyword(text):
        return
    assert ours == lark


def test_corpus_parses_in_one_pass() -> None:
    """No corpus file needs the item-by-item recovery (which would hide a scanner fault), except
    a case that expects a syntax error on purpose (its recovery is what it tests)."""
    valid = [text for text in CORPUS if "# E: [syntax-error]" not in text]
    assert len(valid) < len(CORPUS) and valid
    for text in valid + [p.read_text() for p in STDLIB.rglob("*.imx")]:
        assert _read(grammar_parser(), text) == _read(REFERENCE, text) != "syntax error"


def test_grammar_has_no_conflicts_or_colliding_terminals() -> None:
    """Lark's strict mode rejects shift/reduce conflicts and regex collisions (needs interegular)."""
    Lark(_resources.grammar_text(), parser="lalr", lexer="contextual", strict=True)
