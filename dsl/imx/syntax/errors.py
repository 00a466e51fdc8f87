"""Turn Lark parse failures into syntax diagnostics in human words, matched by example."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from imx import messages as M
from imx.diagnostics import Diagnostic, did_you_mean, replacement_fix
from imx.messages import Message
from imx.source import SourceFile, Span, char_end, line_end


class Mistake(NamedTuple):
    """A common mistake: its message (which carries its code), a hint and example inputs."""

    message: Message
    hint: str
    examples: tuple[str, ...]

    @property
    def code(self) -> str:
        return self.message.code.name


# A table of common mistakes. A failure that stops the parser in the same state on the same kind of
# token as an example gets that example's words. The test suite parses every example and checks that
# it maps back to its own entry.
MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        M.DOUBLE_EQUALS,
        "compare with a single `=`",
        (
            "metric A {\n    rate first_of(a, b) == a\n}\n",
            "metric A {\n    where count a == 2\n}\n",
        ),
    ),
    Mistake(
        M.UNQUOTED_TITLE,
        'write the title as a string: metric XFER-CT "Image transfer cycle time" { … }',
        (
            "metric A Image transfer {\n}\n",
            "csf a Images reach {\n}\n",
            "table events One row {\n}\n",
        ),
    ),
    Mistake(
        M.ONE_FIELD_PER_LINE,
        "put a line break before the next field",
        (
            'metric A { category quality question "q" }\n',
            "metric A {\n    category quality per timepoint\n}\n",
        ),
    ),
    Mistake(
        M.MISSING_DIRECTION,
        "write `bands higher_is_better { … }`, `lower_is_better` or `two_sided`",
        ("metric A {\n    bands { green >= 90%, red }\n}\n",),
    ),
    Mistake(
        M.MISSING_COMMA,
        "write `a, b`, not `a b`",
        (
            "csf a {\n    kpis A B\n}\n",
            "metric A {\n    summary median p90\n}\n",
            "unit site = study site\n",
        ),
    ),
    Mistake(
        M.WITHIN_NEEDS_OF,
        "write `first B within 3 business_days of first A`",
        ("metric A {\n    rate first b within 3 days\n}\n",),
    ),
    Mistake(
        M.DURATION_NEEDS_UNIT,
        "write `duration from first A to first B in business_days` (or days, hours)",
        ("metric A {\n    duration from first a to first b\n}\n",),
    ),
    Mistake(
        M.UNCLOSED_BRACE,
        "add the closing `}`",
        ("metric A {\n    category quality\n", "metric A {\n"),
    ),
)

_KIND_WORDS = {
    "NAME": "a name",
    "STRING": "a quoted string",
    "NUMBER": "a number",
    "PERCENT": "a percentage",
    "DATE": "a date (2026-01-31)",
    "DATETIME": "a timestamp (2026-03-11T00:00Z)",
    "_NL": "a line break",
    "CELL": "a table cell",
    "CMP_OP": "a comparison (<=, >=, <, >, !=)",
    "EQ": "`=`",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "MODE": "`replace` or `extend`",
    "$END": "the end of the file",
}


def field_keywords() -> tuple[str, ...]:
    """The keywords that begin a metric's fields, in grammar order (imx.syntax.vocabulary)."""
    from imx.syntax.vocabulary import vocabulary  # it reads the grammar through the parser

    return vocabulary().clauses


@functools.cache
def _examples(lark: Lark) -> dict[int, list[str]]:
    return {i: list(m.examples) for i, m in enumerate(MISTAKES)}


def _words(lark: Lark, names: Iterable[str]) -> list[str]:
    out = set()
    for name in names:
        if name in _KIND_WORDS:
            out.add(_KIND_WORDS[name])
            continue
        try:
            pattern = lark.get_terminal(name).pattern
        except KeyError:
            out.add(name.lower())
            continue
        out.add(f"`{pattern.value}`" if isinstance(pattern, PatternStr) else name.lower())
    return sorted(out)


def _expected_hint(lark: Lark, names: Iterable[str]) -> list[str]:
    words = _words(lark, names)
    if not words:
        return []
    if len(words) > 8:
        return ["expected one of: " + ", ".join(words[:8]) + ", …"]
    return [
        "expected " + (" or ".join(words) if len(words) <= 2 else "one of: " + ", ".join(words))
    ]


def describe(exc: UnexpectedInput, source: SourceFile, lark: Lark) -> Diagnostic:
    """A located syntax diagnostic for a parse failure, worded from the mistakes table if it fits."""
    span = _span_of(exc, source)
    if source.text[span.start : span.start + 1] == '"' and _unclosed_string(source, span.start):
        return Diagnostic(
            M.UNCLOSED_STRING,
            source.path,
            span,
            hints=('end the string with `"` on the same line, or use """ … """ for several lines',),
        )
    if isinstance(exc, UnexpectedToken) and exc.token.type == "NAME":
        expected = set(exc.accepts or exc.expected)
        if {"CATEGORY", "RATE"} <= expected:
            word = str(exc.token)
            fields = field_keywords()
            hints = did_you_mean(word, fields) or ["fields: " + ", ".join(fields)]
            return Diagnostic(
                M.UNKNOWN_FIELD.format(word),
                source.path,
                span,
                hints=tuple(hints),
                fixes=replacement_fix(word, span, fields),
            )
    number = _number_mistake(exc, source, span)
    if number is not None:
        return number
    matched = exc.match_examples(lark.parse, _examples(lark), use_accepts=True)
    if matched is not None:
        mistake = MISTAKES[matched]
        return Diagnostic(mistake.message, source.path, span, hints=(mistake.hint,))
    return Diagnostic(
        _generic_message(exc, source),
        source.path,
        span,
        hints=tuple(_expected_hint(lark, _expected(exc))),
    )


_EXPONENT_BEFORE = re.compile(r"(?<![\w.])[0-9]+(?:\.[0-9]+)?[eE][0-9]+\Z")
NO_SIGN_HINT = (
    "params, bounds, targets and min_n are written without a sign; a window counts forward"
)


def _number_mistake(exc: UnexpectedInput, source: SourceFile, span: Span) -> Diagnostic | None:
    """A number with an exponent (``1e400``), or a `-` where only a literal may stand."""
    end = span.end if isinstance(exc, UnexpectedToken) else span.start
    found = _EXPONENT_BEFORE.search(source.text, 0, end)
    if found is not None:
        where = Span(found.start(), found.end())
        message = M.NUMBER_EXPONENT.format(found.group())
        return Diagnostic(message, source.path, where, hints=("write it out: 1e3 is 1000",))
    if (
        isinstance(exc, UnexpectedToken)
        and str(exc.token) == "-"
        and "NUMBER" in _expected(exc)
        and "LPAR" not in _expected(exc)
    ):
        return Diagnostic(M.NEGATIVE_LITERAL, source.path, span, hints=(NO_SIGN_HINT,))
    return None


def _unclosed_string(source: SourceFile, start: int) -> bool:
    line = source.text[start : line_end(source.text, start)]
    return line.count('"') % 2 == 1 and not line.startswith('"""')


def _expected(exc: UnexpectedInput) -> set[str]:
    if isinstance(exc, UnexpectedToken):
        return set(exc.accepts or exc.expected)
    if isinstance(exc, UnexpectedCharacters):
        return set(exc.allowed or ())
    if isinstance(exc, UnexpectedEOF):
        return set(exc.expected)
    return set()


def _generic_message(exc: UnexpectedInput, source: SourceFile) -> Message:
    if isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    ):
        return M.ENDS_EARLY
    if isinstance(exc, UnexpectedToken):
        tok = str(exc.token)
        if exc.token.type == "_NL":
            return M.LINE_ENDS_EARLY
        return M.UNEXPECTED_TOKEN.format(tok)
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        ch = source.text[pos] if pos < len(source.text) else ""
        if ch == '"':
            return M.STRING_NEVER_CLOSED
        return M.UNEXPECTED_CHARACTER.format(ch)
    return M.UNREADABLE_TEXT


def _span_of(exc: UnexpectedInput, source: SourceFile) -> Span:
    if isinstance(exc, UnexpectedToken) and exc.token.type not in ("$END",):
        tok = exc.token
        start = tok.start_pos if tok.start_pos is not None else 0
        end = tok.end_pos if tok.end_pos is not None else start + len(tok)
        if tok.type == "_NL":  # point at the end of the line, not the next one
            return Span(start, char_end(source.text, start))
        return Span(start, max(end, start + 1))
    pos = getattr(exc, "pos_in_stream", None)
    if pos is None or pos < 0:
        pos = len(source.text.rstrip())
    pos = min(pos, len(source.text))
    return Span(pos, char_end(source.text, pos))
