"""The keywords of imx, derived from the grammar (grammar/imx.lark) and sorted by the role they play.

The grammar is the one list of keywords: the scanner decides keywords from its terminals, and the
parser's recovery, the syntax hints and the Pygments lexer take their word lists from here, so a
keyword added to the grammar reaches all of them.

>>> v = vocabulary()
>>> "metric" in v.declarations, "rate" in v.clauses, "within" in v.others
(True, True, True)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lark import Lark
from lark.lexer import PatternStr

from imx.syntax.parser import grammar_parser

# Rules whose alternatives each begin with the keyword of a field inside a block.
_CLAUSE_RULES = frozenset({"clause"})
_FIELD_RULES = frozenset(
    {
        "clause",
        "moded_clause",
        "calendar_field",
        "csf_field",
        "set_field",
        "example_field",
        "version",
        "supersedes",
    }
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD_CHOICE = re.compile(r"\(\?:([A-Za-z_][A-Za-z0-9_]*(?:\|[A-Za-z_][A-Za-z0-9_]*)*)\)")


@dataclass(frozen=True)
class Vocabulary:
    """Every keyword of the grammar, once, in the first role that fits it."""

    declarations: tuple[str, ...]  # begin a top-level item: `metric`, `schema`, …
    clauses: tuple[str, ...]  # begin a metric or variant field: `rate`, `where`, …
    fields: tuple[str, ...]  # begin any other field of a block: `kpis`, `weekend`, `replace`, …
    others: tuple[str, ...]  # the rest: `within`, `and`, `first`, `key`, `cumulative`, …

    @property
    def keywords(self) -> frozenset[str]:
        return frozenset((*self.declarations, *self.clauses, *self.fields, *self.others))


def terminal_words(lark: Lark, name: str) -> tuple[str, ...]:
    """The words a terminal stands for: ``metric`` for METRIC, ``replace``/``extend`` for MODE."""
    pattern = lark.get_terminal(name).pattern
    if isinstance(pattern, PatternStr):
        return (pattern.value,) if _WORD.fullmatch(pattern.value) else ()
    choice = _WORD_CHOICE.fullmatch(pattern.value)
    return tuple(choice.group(1).split("|")) if choice else ()


def _leading(lark: Lark, origins: Iterable[str]) -> list[str]:
    """The keywords that begin the alternatives of the rules named ``origins``."""
    wanted = frozenset(origins)
    found: list[str] = []
    for rule in lark.rules:
        if rule.origin.name in wanted and rule.expansion and rule.expansion[0].is_term:
            found.extend(terminal_words(lark, rule.expansion[0].name))
    return found


def _items(lark: Lark) -> list[str]:
    """The rules a top-level item can be (the alternatives of ``_item``)."""
    return [
        r.expansion[0].name
        for r in lark.rules
        if r.origin.name == "_item" and len(r.expansion) == 1
    ]


@functools.cache
def vocabulary() -> Vocabulary:
    """The grammar's keywords by role (computed once from the shared parser)."""
    lark = grammar_parser()
    roles: list[list[str]] = [
        _leading(lark, _items(lark)),
        _leading(lark, _CLAUSE_RULES),
        _leading(lark, _FIELD_RULES),
        [w for t in lark.terminals for w in terminal_words(lark, t.name)],
    ]
    seen: set[str] = set()
    out: list[tuple[str, ...]] = []
    for words in roles:
        kept = [w for w in dict.fromkeys(words) if w not in seen]
        seen.update(kept)
        out.append(tuple(kept))
    return Vocabulary(*out)
