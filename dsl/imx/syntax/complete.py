"""What the grammar accepts at a cursor: source text and an offset in → keywords and names out.

The parser is run over the text before the cursor and asked which terminals its state accepts
next, so the keywords offered by an editor are exactly those the grammar allows there (a field
keyword at the start of a metric's line, ``and``/``or``/``within`` after an operand, ``by`` in a
``levels`` list). A prefix that does not parse is retried from the start of its top-level item, then
with only the item's first line and the cursor's line (an earlier field is still broken); if
that fails too, the declarations are offered.

>>> sorted(expected_at('metric A "a" {\\n    rate has x ', 31).keywords)
['and', 'or', 'within']
>>> expected_at('metric A "a" {\\n    rate has ', 29).name
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark.exceptions import LarkError

from imx.syntax.parser import grammar_parser
from imx.syntax.vocabulary import terminal_words, vocabulary

_PARTIAL = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")
_ITEM_START = re.compile(r"^[A-Za-z_]", re.MULTILINE)


@dataclass(frozen=True)
class Expected:
    """The keywords the grammar accepts at a cursor, and whether a name may stand there."""

    keywords: frozenset[str]
    name: bool


def partial_word(text: str, offset: int) -> int:
    """Where the word being typed at ``offset`` begins (``offset`` itself when none is).

    >>> partial_word("rate has qc_pa", 14)
    9
    """
    found = _PARTIAL.search(text, 0, offset)
    return found.start() if found else offset


def expected_at(text: str, offset: int) -> Expected:
    """What may be written at ``offset``, the word being typed there left out."""
    prefix = text[: partial_word(text, offset)]
    found = _accepts(prefix)
    starts = [m.start() for m in _ITEM_START.finditer(prefix)]
    if found is None and starts:
        found = _accepts(prefix[starts[-1] :])
    if found is None and starts:  # an earlier line of the item is broken: skip to this line
        header = prefix[starts[-1] :].split("\n", 1)[0]
        line = prefix[prefix.rfind("\n") + 1 :]
        if header.rstrip().endswith("{") and "\n" in prefix[starts[-1] :]:
            found = _accepts(header + "\n" + line)
    if found is None:
        return Expected(frozenset(vocabulary().declarations), False)
    return found


def _accepts(prefix: str) -> Expected | None:
    lark = grammar_parser()
    try:
        interactive = lark.parse_interactive(prefix)
        interactive.exhaust_lexer()
        terminals = interactive.accepts()  # type: ignore[no-untyped-call]
    except LarkError:
        return None
    known = {t.name for t in lark.terminals}  # not ``$END``, the end of the input
    words = frozenset(w for t in terminals if t in known for w in terminal_words(lark, t))
    if not prefix.strip():
        words |= frozenset(vocabulary().declarations)
    return Expected(words, "NAME" in terminals)
