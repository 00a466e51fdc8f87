"""A Pygments lexer for imx: source text in, highlighting tokens out (registered by entry point)."""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from imx.checker.metrics import STATISTICS
from imx.checker.types import FUNCTIONS, TIME_UNITS
from imx.model import Direction
from imx.source import LINE_CHAR
from imx.syntax.vocabulary import vocabulary

# Every keyword comes from the grammar (imx.syntax.vocabulary), by the role it plays there; the
# built-in names are those the checker knows (functions, time units, band directions, statistics).
_VOCABULARY = vocabulary()
_DECLARATIONS = _VOCABULARY.declarations
_FIELDS = (*_VOCABULARY.clauses, *_VOCABULARY.fields)
_OPERATORS = _VOCABULARY.others
_BUILTINS = tuple(
    dict.fromkeys(
        (
            *FUNCTIONS,
            *TIME_UNITS,
            *(d.value for d in Direction),
            *(s for s in STATISTICS if s.isidentifier()),
        )
    )
)
# Declarations whose name is shown as a class name.
_NAMED = ("metric", "variant", "csf", "metricset")


class ImxLexer(RegexLexer):  # type: ignore[misc]
    """Highlights imx metric definitions.

    >>> from pygments import lex
    >>> [t for t, v in lex("metric A {}", ImxLexer()) if v == "metric"]
    [Token.Keyword.Declaration]
    """

    name = "imx"
    aliases: ClassVar[list[str]] = ["imx"]
    filenames: ClassVar[list[str]] = ["*.imx"]
    mimetypes: ClassVar[list[str]] = ["text/x-imx"]

    tokens: ClassVar[dict[str, list[object]]] = {
        "root": [
            (r"\s+", Whitespace),
            ("#" + LINE_CHAR + "*", Comment.Single),
            (r'"""(?:[^"\\]|\\.|"(?!""))*"""', String.Doc),
            (r'"(?:[^"\\\n]|\\.)*"', String.Double),
            (
                r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?",
                Number.Other,
            ),
            (r"\d+(\.\d+)?%?", Number),
            (
                rf"({'|'.join(_NAMED)})(\s+)([A-Za-z_][\w]*(?:-[\w]+)*)",
                bygroups(Keyword.Declaration, Whitespace, Name.Class),
            ),
            (words(_DECLARATIONS, suffix=r"\b"), Keyword.Declaration),
            (words(_FIELDS, suffix=r"\b"), Keyword),
            (words(_OPERATORS, suffix=r"\b"), Operator.Word),
            (words(_BUILTINS, suffix=r"\b"), Name.Builtin),
            (r"<=|>=|!=|<|>|=|\.\.|[+\-*/]", Operator),
            (r"[{}(),|.]", Punctuation),
            (r"[A-Za-z_][\w]*(?:-[\w]+)*", Name),
            (r".", Text),
        ]
    }
