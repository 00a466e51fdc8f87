"""Offsets in → LSP positions out, and back: 0-based lines and UTF-16 columns (the protocol's).

Lines end as everywhere in imx (``imx.source.LINE_END``: ``\\r\\n``, ``\\n`` or a lone ``\\r``), which
is also the protocol's rule, so a diagnostic's span lands on the same characters in an editor.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types as L

from imx.source import LINE_END, Span

_LINE_END = re.compile(LINE_END)


def _units(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (a character beyond U+FFFF counts two)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class Lines:
    """One text's line index.

    >>> lines = Lines("ab\\r\\nc😀d")
    >>> pos = lines.position(6)  # after the emoji: two UTF-16 units
    >>> (pos.line, pos.character), lines.offset(L.Position(1, 3))
    ((1, 3), 6)
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _LINE_END.finditer(text))]

    def position(self, offset: int) -> L.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return L.Position(line, _units(self.text[self.starts[line] : offset]))

    def range(self, span: Span) -> L.Range:
        return L.Range(self.position(span.start), self.position(max(span.start, span.end)))

    def offset(self, position: L.Position) -> int:
        """The offset of a client position; past a line's end (or the text's) it is clamped."""
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.line_end(position.line)
        units = 0
        for i in range(start, end):
            if units >= position.character:
                return i
            units += 2 if ord(self.text[i]) > 0xFFFF else 1
        return end

    def line_end(self, line: int) -> int:
        """The offset where ``line``'s end (or the text) begins."""
        start = self.starts[line]
        found = _LINE_END.search(self.text, start)
        return found.start() if found else len(self.text)

    def span(self, rng: L.Range) -> Span:
        return Span(self.offset(rng.start), self.offset(rng.end))
