"""Highlighting for imx: one table of token rules in → a Pygments lexer and a TextMate grammar out.

The Pygments lexer (registered by entry point) colours the handbook and the docs; the TextMate
grammar (``editors/vscode/syntaxes/imx.tmLanguage.json``, written by ``python -m imx.lexer``)
colours editors. Both are made from the rules below, and every keyword in them comes from the
grammar (``imx.syntax.vocabulary``), by the role it plays there; the built-in names are those the
checker knows (functions, time units, band directions, statistics). A keyword added to the
grammar reaches the lexer, the editor and completion at once; a test holds the committed
TextMate file to this module's output.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, ClassVar

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
    _TokenType,
)

from imx.checker.metrics import STATISTICS
from imx.checker.types import FUNCTIONS, TIME_UNITS
from imx.model import Direction
from imx.source import LINE_CHAR
from imx.syntax.vocabulary import vocabulary

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
NAME = r"[A-Za-z_][\w]*(?:-[\w]+)*"


def _words(words: tuple[str, ...]) -> str:
    """``(?:longest|long|l)\\b``: a word of ``words``, longest first, ending at a word boundary."""
    return "(?:" + "|".join(sorted(words, key=lambda w: (-len(w), w))) + r")\b"


@dataclass(frozen=True)
class Rule:
    """One token rule: a regex (the same in Python and Oniguruma) and its class in each tool.

    A rule with ``groups`` colours its regex's groups one by one; a rule with ``end`` is a block
    that may span lines (TextMate reads a line at a time, Pygments the whole text).
    """

    regex: str
    token: _TokenType | tuple[_TokenType, ...]
    scope: str | tuple[str, ...]
    end: str | None = None
    words: tuple[str, ...] = ()  # a rule of whole words: the regex is ``_words(words)``


def _word_rule(words: tuple[str, ...], token: _TokenType, scope: str) -> Rule:
    return Rule(_words(words), token, scope, words=words)


RULES: tuple[Rule, ...] = (
    Rule(r"\s+", Whitespace, ""),
    Rule("#" + LINE_CHAR + "*", Comment.Single, "comment.line.number-sign.imx"),
    Rule('"""', String.Doc, "string.quoted.triple.imx", end='"""'),
    Rule(r'"(?:[^"\\\n]|\\.)*"', String.Double, "string.quoted.double.imx"),
    Rule(
        r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?",
        Number.Other,
        "constant.numeric.date.imx",
    ),
    Rule(r"\d+(?:\.\d+)?%?", Number, "constant.numeric.imx"),
    Rule(
        rf"({'|'.join(_NAMED)})(\s+)({NAME})",
        (Keyword.Declaration, Whitespace, Name.Class),
        ("keyword.other.declaration.imx", "", "entity.name.type.imx"),
    ),
    Rule(NAME + r"@\w+(?:[.\-]\w+)*", Name, "variable.other.imx"),  # `XFER-OT@2014` (rule 27)
    _word_rule(_DECLARATIONS, Keyword.Declaration, "keyword.other.declaration.imx"),
    _word_rule(_FIELDS, Keyword, "keyword.control.field.imx"),
    _word_rule(_OPERATORS, Operator.Word, "keyword.operator.word.imx"),
    _word_rule(_BUILTINS, Name.Builtin, "support.function.builtin.imx"),
    Rule(r"<=|>=|!=|<|>|=|\.\.|[+\-*/]", Operator, "keyword.operator.imx"),
    Rule(r"[{}(),|.\[\]]", Punctuation, "punctuation.imx"),
    Rule(NAME, Name, "variable.other.imx"),
)
_TRIPLE_BODY = r'(?:[^"\\]|\\.|"(?!""))*'


def _pygments_rules() -> list[object]:
    out: list[object] = []
    for rule in RULES:
        regex: object = rule.regex + _TRIPLE_BODY + rule.end if rule.end else rule.regex
        if rule.words:  # Pygments' own word rule (tests read its words)
            regex = words(rule.words, suffix=r"\b")
        # a token type is itself a tuple: the rule colours groups when its scopes are several
        token = bygroups(*rule.token) if isinstance(rule.scope, tuple) else rule.token
        out.append((regex, token))
    out.append((r".", Text))
    return out


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

    tokens: ClassVar[dict[str, list[object]]] = {"root": _pygments_rules()}


def _textmate_pattern(rule: Rule) -> dict[str, Any]:
    if rule.end is not None:
        escape = {"match": r"\\.", "name": "constant.character.escape.imx"}
        return {"begin": rule.regex, "end": rule.end, "name": rule.scope, "patterns": [escape]}
    if isinstance(rule.scope, tuple):
        captures = {str(i): {"name": s} for i, s in enumerate(rule.scope, 1) if s}
        return {"match": rule.regex, "captures": captures}
    return {"match": rule.regex, "name": rule.scope}


def textmate_grammar() -> dict[str, Any]:
    """The TextMate grammar of imx, from the same rules as the Pygments lexer.

    >>> grammar = textmate_grammar()
    >>> grammar["scopeName"], grammar["patterns"][0]["name"]
    ('source.imx', 'comment.line.number-sign.imx')
    """
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "imx",
        "scopeName": "source.imx",
        "fileTypes": ["imx"],
        "comment": "Generated by `python -m imx.lexer` from the imx grammar: do not edit.",
        "patterns": [_textmate_pattern(r) for r in RULES if r.scope],
    }


def textmate_json() -> str:
    return json.dumps(textmate_grammar(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m imx.lexer [FILE]: write the TextMate grammar
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as out:
            out.write(textmate_json())
    else:
        sys.stdout.write(textmate_json())
