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

_DECLARATIONS = (
    "schema",
    "events",
    "table",
    "unit",
    "calendar",
    "metric",
    "variant",
    "csf",
    "metricset",
    "example",
    "import",
)
_FIELDS = (
    "category",
    "question",
    "per",
    "where",
    "exclude",
    "rate",
    "ratio",
    "duration",
    "count",
    "value",
    "summary",
    "param",
    "target",
    "bands",
    "min_n",
    "levels",
    "period",
    "companion",
    "status",
    "since",
    "doc",
    "rationale",
    "history",
    "kpis",
    "metrics",
    "csfs",
    "version",
    "weekend",
    "holidays",
    "timezone",
    "country",
    "as_of",
    "expect",
    "replace",
    "extend",
)
_OPERATORS = (
    "first",
    "last",
    "has",
    "not",
    "and",
    "or",
    "within",
    "of",
    "from",
    "to",
    "in",
    "by",
    "for",
    "key",
    "optional",
    "default",
    "cumulative",
)
_BUILTINS = (
    "first_of",
    "days",
    "hours",
    "business_days",
    "higher_is_better",
    "lower_is_better",
    "two_sided",
    "median",
    "mean",
    "min",
    "max",
)


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
            (r"#[^\n]*", Comment.Single),
            (r'"""(?:[^"\\]|\\.|"(?!""))*"""', String.Doc),
            (r'"(?:[^"\\\n]|\\.)*"', String.Double),
            (
                r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?",
                Number.Other,
            ),
            (r"\d+(\.\d+)?%?", Number),
            (
                r"(metric|variant|csf|metricset)(\s+)([A-Za-z_][\w]*(?:-[\w]+)*)",
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
