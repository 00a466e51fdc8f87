"""Source text → Lark tokens, fast: one compiled regex per mode, keywords resolved by parser state.

Lark's contextual lexer tries each parser state's own terminals; that is exact but costs about ten
times a plain regex scan. This scanner cuts the text with one regex (a second one inside example
tables, where cells are free text) and then decides a lexeme's terminal from the terminals the
parser accepts in its current state, exactly as the contextual lexer would: a keyword where the
grammar expects one, a plain name elsewhere (so a column may be called ``key`` or ``events``).
Decisions are cached per (state, lexeme).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer, LexerState, PatternStr, Token

from imx import source
from imx.source import line_ends

# The scanner's regexes are built from the grammar's own terminals (one definition of a string, a
# comment, a line end, a number): these are the terminals each mode cuts, in the order tried.
_MAIN_TERMINALS = (
    "_NL", "COMMENT", "WS_INLINE", "STRING", "DATETIME", "DATE", "PERCENT", "NUMBER", "METRIC_REF",
)  # fmt: skip
_TABLE_TERMINALS = ("_NL", "COMMENT", "WS_INLINE")
# Punctuation and operators: every grammar terminal that is not a word (tests hold the two to
# each other), longest first.
OPERATORS = r"<=|>=|!=|\.\.|[<>=+\-*/{}(),.|\[\]]"
_GROUP_NAMES = {"WS_INLINE": "WS"}


def _compile(patterns: dict[str, str], names: tuple[str, ...], tail: list[str]) -> re.Pattern[str]:
    """One regex: blanks, then the first of ``names`` (then ``tail``) that matches, else BAD."""
    groups = [f"(?P<{_GROUP_NAMES.get(n, n)}>{patterns[n]})" for n in names]
    groups.extend(tail)
    groups.append(r"(?P<BAD>[\s\S])")
    return re.compile(f"(?:{patterns['WS_INLINE']})?(?:{'|'.join(groups)})")


def build_modes(patterns: dict[str, str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The main regex and the one inside example tables (cells are free text between ``|``)."""
    main = _compile(
        patterns,
        _MAIN_TERMINALS,
        [f"(?P<WORD>{patterns['NAME']})", f"(?P<OP>{OPERATORS})"],
    )
    table = _compile(
        patterns, _TABLE_TERMINALS, [r"(?P<OP>[|{}])", f"(?P<CELL>{patterns['CELL']})"]
    )
    return main, table


_SKIP = frozenset({"WS", "COMMENT"})
_FIXED = frozenset({"_NL", "STRING", "DATETIME", "DATE", "PERCENT", "NUMBER", "METRIC_REF", "CELL"})
_MULTILINE = frozenset({"_NL", "STRING"})


class Scanner(Lexer):
    """A Lark lexer (pass the class as ``Lark(lexer=Scanner)``) for the imx grammar."""

    __future_interface__ = 2  # lex(lexer_state, parser_state): the parser state is needed

    def __init__(self, conf: Any) -> None:
        self._terminals = list(conf.terminals)
        self._ignore = frozenset(conf.ignore)
        regexes = {t.name: t.pattern.to_regexp() for t in self._terminals}
        self._patterns = {name: re.compile(regex) for name, regex in regexes.items()}
        self._main, self._table = build_modes(regexes)
        # Keywords (string patterns) win over names; then the higher priority wins; then any
        # named terminal over a plain NAME, so that a tie never depends on set order.
        self._rank = {
            t.name: (isinstance(t.pattern, PatternStr), t.priority, t.name != "NAME")
            for t in self._terminals
        }
        self._modes: dict[int, tuple[re.Pattern[str], frozenset[str]]] = {}
        self._decided: dict[tuple[int, str], str] = {}

    def _decide(self, names: frozenset[str] | None, lexeme: str) -> str | None:
        pool = self._rank if names is None else names
        fits = [n for n in pool if n in self._patterns and self._patterns[n].fullmatch(lexeme)]
        fits = [n for n in fits if n not in self._ignore]
        return max(fits, key=self._rank.__getitem__) if fits else None

    def _terminal(self, state: int, accepts: frozenset[str], lexeme: str) -> str:
        # Not acceptable here: name it as the whole grammar would, so the parser can say what
        # it expected instead. A word no terminal takes is a NAME the parser rejects.
        found = self._decide(accepts, lexeme) or self._decide(None, lexeme) or "NAME"
        self._decided[(state, lexeme)] = found
        return found

    def _mode(self, parser_state: Any) -> tuple[re.Pattern[str], frozenset[str]]:
        """The regex and the acceptable terminals of the parser's current state."""
        accepts = frozenset(parser_state.parse_conf.parse_table.states[parser_state.position])
        found = (self._table if "CELL" in accepts else self._main, accepts)
        self._modes[parser_state.position] = found
        return found

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        text = lexer_state.text.text
        pos, end = lexer_state.text.start, lexer_state.text.end
        line, line_start = 1 + line_ends(text, 0, pos), source.line_start(text, pos)
        modes, decided, stack = self._modes, self._decided, parser_state.state_stack
        while pos < end:
            state = stack[-1]  # the parser's current state (kept up to date as tokens are fed)
            mode = modes.get(state) or self._mode(parser_state)
            match = mode[0].match(text, pos, end)
            assert match is not None  # BAD matches any character
            kind = match.lastgroup
            assert kind is not None
            pos, stop = match.start(kind), match.end()
            if kind in _SKIP:
                pos = stop
                continue
            if kind == "BAD":
                raise self._bad(text, pos, line, line_start, mode[1], lexer_state, parser_state)
            lexeme = match.group(kind)
            token = str.__new__(Token, lexeme)
            token.value, token.start_pos, token.end_pos = lexeme, pos, stop
            token.line, token.column = line, pos - line_start + 1
            if kind in _FIXED:
                token.type = kind
            else:
                token.type = decided.get((state, lexeme)) or self._terminal(state, mode[1], lexeme)
            if kind in _MULTILINE and ("\n" in lexeme or "\r" in lexeme):
                line += line_ends(lexeme)
                line_start = source.line_start(text, stop, pos)
            token.end_line, token.end_column = line, stop - line_start + 1
            lexer_state.last_token = token
            yield token
            pos = stop

    @staticmethod
    def _bad(
        text: str,
        pos: int,
        line: int,
        line_start: int,
        accepts: frozenset[str],
        lexer_state: LexerState,
        parser_state: Any,
    ) -> UnexpectedCharacters:
        last = lexer_state.last_token
        return UnexpectedCharacters(  # type: ignore[no-untyped-call]
            text,
            pos,
            line,
            pos - line_start + 1,
            allowed=accepts,
            state=parser_state,
            token_history=[last] if last else None,
        )
