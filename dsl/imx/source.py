"""Source files and spans: text plus offsets in, line and column positions out."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

_NEWLINE = re.compile("\n")


@dataclass(frozen=True, order=True)
class Span:
    """A half-open range of character offsets ``[start, end)`` in one source file.

    >>> Span(3, 7).length
    4
    """

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start

    def cover(self, other: Span) -> Span:
        """The smallest span holding both spans.

        >>> Span(1, 3).cover(Span(5, 9))
        Span(start=1, end=9)
        """
        return Span(min(self.start, other.start), max(self.end, other.end))


NO_SPAN = Span(0, 0)


@dataclass(frozen=True)
class Position:
    """A 1-based line and column."""

    line: int
    column: int


@dataclass(frozen=True)
class SourceFile:
    """One file's text with a line index for turning offsets into positions.

    >>> src = SourceFile("a.imx", "ab\\ncd")
    >>> src.position(4)
    Position(line=2, column=2)
    """

    path: str
    text: str
    _line_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(self.text))
        object.__setattr__(self, "_line_starts", tuple(starts))

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        return cls(str(path), path.read_text(encoding="utf-8"))

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return Position(line + 1, offset - self._line_starts[line] + 1)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline."""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self._line_starts)
