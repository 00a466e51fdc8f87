"""One vocabulary: every list of imx keywords is derived from the grammar or held to it here.

The grammar (grammar/imx.lark) is the one list. The scanner decides keywords from its terminals;
imx.syntax.vocabulary sorts them by role for the parser's recovery, the syntax hints and the
Pygments lexer. The tables that name a field's keyword per syntax node (the formatter's, the
checker's) are checked against the text of real files, so a keyword added to the grammar and
missed by any of them fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from pygments import lex
from pygments.token import Keyword, Name, Operator, _TokenType

from imx import _resources, lexer
from imx.checker.fields import FIELD_NAMES
from imx.checker.sets import _WORDS as SET_WORDS
from imx.syntax import ast as A
from imx.syntax import errors
from imx.syntax import parser as P
from imx.syntax.fmt import _FIELDS as FMT_FIELDS
from imx.syntax.parser import grammar_parser, parse
from imx.syntax.vocabulary import terminal_words, vocabulary

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted(
    [
        *(ROOT / "stdlib_metrics").rglob("*.imx"),
        *(ROOT / "tests" / "cases" / "fmt").glob("*.imx"),
    ]
)


def _grammar_text_keywords() -> set[str]:
    """Every quoted word in the grammar file, read as text: a second, independent reading."""
    text = re.sub(r"//[^\n]*", "", _resources.grammar_text())
    return set(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"', text))


def test_the_vocabulary_is_every_keyword_of_the_grammar_once() -> None:
    v = vocabulary()
    roles = [*v.declarations, *v.clauses, *v.fields, *v.others]
    assert len(roles) == len(set(roles)), "a keyword in two roles"
    assert v.keywords == _grammar_text_keywords()
    lark = grammar_parser()
    from_terminals = {w for t in lark.terminals for w in terminal_words(lark, t.name)}
    assert v.keywords == from_terminals


def test_roles_follow_the_grammar() -> None:
    v = vocabulary()
    assert {"metric", "variant", "schema", "import", "example"} <= set(v.declarations)
    assert {"rate", "where", "bands", "history"} <= set(v.clauses)
    assert {"replace", "extend", "kpis", "weekend", "as_of"} <= set(v.fields)
    assert {"within", "and", "not", "first", "key", "cumulative"} <= set(v.others)


def _lexer_words() -> dict[str, _TokenType]:
    """Each word of a ``words(...)`` rule of the Pygments lexer and the token type it gets."""
    found: dict[str, _TokenType] = {}
    for pattern, token, *_ in lexer.ImxLexer.tokens["root"]:
        for word in getattr(pattern, "words", ()):
            found.setdefault(word, token)
    return found


def test_the_pygments_lexer_highlights_exactly_the_grammar_keywords() -> None:
    words = _lexer_words()
    keywords = {w for w, t in words.items() if t in Keyword or t in Operator.Word}
    assert keywords == vocabulary().keywords
    v = vocabulary()
    for word in v.keywords:
        tokens = [t for t, value in lex(f"{word} ", lexer.ImxLexer()) if value == word]
        assert tokens and (tokens[0] in Keyword or tokens[0] in Operator.Word), word
    assert all(words[w] in Keyword.Declaration for w in v.declarations)
    assert set(lexer._NAMED) <= set(v.declarations)


def test_the_lexer_builtins_are_names_the_checker_knows() -> None:
    builtins = {w for w, t in _lexer_words().items() if t in Name.Builtin}
    assert {"business_days", "earliest", "first_of", "median", "two_sided"} <= builtins
    assert not builtins & vocabulary().keywords


def test_the_unknown_field_hint_lists_the_grammar_clauses() -> None:
    assert errors.field_keywords() == vocabulary().clauses
    result = parse("metric A {\n    rat has a\n}\n", "a.imx")
    assert [d.code for d in result.diagnostics] == ["unknown-field"]
    assert "rate" in " ".join(result.diagnostics[0].hints)


def test_recovery_restarts_at_every_declaration_keyword() -> None:
    for word in vocabulary().declarations:
        text = f"metric A {{\n    where\n}}\n{word}"
        starts = [m.start() for m in P._top_level().finditer(text)]
        assert starts[-1] == text.index(word, len("metric")), word


# ------------------------------------------------------------------------------ keyword tables


def _field_nodes(node: Any) -> Iterator[A.Node]:
    """Every node below ``node`` whose type a keyword table may name."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for f in fields(current):
            value = getattr(current, f.name)
            if isinstance(value, A.Node):
                stack.append(value)
            elif isinstance(value, tuple):
                stack.extend(v for v in value if isinstance(v, A.Node))


def _written_keywords() -> dict[type, set[str]]:
    """For each node type, the first word of its text in every file of the corpus."""
    seen: dict[type, set[str]] = {}
    for path in CORPUS:
        text = path.read_text(encoding="utf-8")
        module = parse(text, str(path)).module
        assert module is not None
        for node in _field_nodes(module):
            if isinstance(node, A.ModedClause):
                continue
            word = re.match(r"[a-z_]+", text[node.span.start :])
            if word:
                seen.setdefault(type(node), set()).add(word.group())
    return seen


@pytest.mark.parametrize(
    "table",
    [FMT_FIELDS, FIELD_NAMES, SET_WORDS],
    ids=["fmt._FIELDS", "checker.fields.FIELD_NAMES", "checker.sets._WORDS"],
)
def test_keyword_tables_name_the_keyword_written_in_the_source(table: dict[type, Any]) -> None:
    written = _written_keywords()
    for node_type, entry in table.items():
        keyword = entry[0] if isinstance(entry, tuple) else entry
        assert keyword in vocabulary().keywords, (node_type, keyword)
        if node_type in written:
            assert written[node_type] == {keyword}, (node_type, written[node_type])


def test_every_metric_clause_of_the_grammar_has_a_field_name() -> None:
    assert set(FIELD_NAMES.values()) == set(vocabulary().clauses)
    fmt_words = {entry[0] for entry in FMT_FIELDS.values()}
    assert set(vocabulary().clauses) <= fmt_words


def test_the_corpus_covers_the_keyword_tables() -> None:
    written = _written_keywords()
    tables = [*FMT_FIELDS, *FIELD_NAMES, *SET_WORDS]
    missing = sorted({t.__name__ for t in tables if t not in written})
    assert missing == []


def test_the_checkers_lists_of_fields_name_grammar_clauses() -> None:
    from imx.checker import fields as F
    from imx.checker import variants as V

    clauses = set(vocabulary().clauses)
    for name, words in [
        ("fields.MEASURES", F.MEASURES),
        ("fields.REPEATABLE", F.REPEATABLE),
        ("fields.MODED", F.MODED),
        ("variants.ALLOWED", V.ALLOWED),
        ("variants.CHANGES_MEASURE", V.CHANGES_MEASURE),
    ]:
        assert set(words) <= clauses, (name, set(words) - clauses)


def test_the_language_reference_lists_the_keywords_by_role() -> None:
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): tuple(re.findall(r"`([a-z_]+)`", m.group(2)))
        for m in re.finditer(r"^\| ([a-z ,]+) \| (`.*`) \|$", text, re.M)
    }
    v = vocabulary()
    assert rows == {
        "start a definition": v.declarations,
        "start a field of a metric or variant": v.clauses,
        "other fields, versions and modes": v.fields,
        "join the parts of a field": v.others,
    }
