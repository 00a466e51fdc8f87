"""Source files and spans: text plus offsets in, line and column positions out."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

# The one line-end rule: "\r\n", "\n" and a lone "\r" each end a line, as Python's universal
# newlines and text editors read a file. The scanner, the grammar's newline, comment and string
# terminals (a test holds them to these patterns), spans, the parser's recovery and the formatter
# all use the patterns and helpers below; nothing else says what a line is.
LINE_END = r"(?:\r\n|\r|\n)"
LINE_CHAR = r"[^\r\n]"  # a character that does not end a line
_LINE_END = re.compile(LINE_END)


def line_ends(text: str, start: int = 0, end: int | None = None) -> int:
    """How many lines end in ``text[start:end]`` (a ``\\r\\n`` is one line end).

    >>> line_ends("a\\r\\nb\\rc\\nd")
    3
    """
    stop = len(text) if end is None else end
    count = text.count("\n", start, stop) + text.count("\r", start, stop)
    count -= text.count("\r\n", start, stop)
    if stop < len(text) and text.startswith("\r\n", stop - 1) and stop > start:
        count -= 1  # ``stop`` is inside a "\r\n": that line has not ended yet
    return count


def line_start(text: str, offset: int, lo: int = 0) -> int:
    """The offset where the line holding ``offset`` begins (searching back no further than ``lo``).

    >>> line_start("ab\\rcd", 4), line_start("ab\\r\\ncd", 3)
    (3, 0)
    """
    found = max(text.rfind("\n", lo, offset), text.rfind("\r", lo, offset))
    if found == offset - 1 >= 0 and text.startswith("\r\n", found):
        return line_start(text, found, lo)  # ``offset`` is the "\n" of a "\r\n"
    return found + 1 if found >= 0 else lo


def line_end(text: str, offset: int) -> int:
    """The offset of the line end at or after ``offset`` (the text's length on the last line).

    >>> line_end("ab\\rcd", 0), line_end("ab", 1)
    (2, 2)
    """
    found = _LINE_END.search(text, offset)
    return found.start() if found else len(text)


def char_end(text: str, offset: int) -> int:
    """The offset after the character at ``offset``; a ``\\r\\n`` is one character (one line end).

    >>> char_end("a\\r\\nb", 1), char_end("a\\nb", 1), char_end("ab", 2)
    (3, 2, 2)
    """
    if offset >= len(text):
        return len(text)
    return offset + (2 if text.startswith("\r\n", offset) else 1)


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their ends (``str.split`` on every line end).

    >>> split_lines("a\\r\\nb\\rc\\n")
    ['a', 'b', 'c', '']
    """
    return _LINE_END.split(text)


def read_text(path: Path) -> str:
    """A file's text, decoded as UTF-8 with its line ends as they are (no newline translation).

    A leading byte-order mark (some Windows editors write one) is not part of the text.
    """
    return decode_text(path.read_bytes())


def decode_text(data: bytes) -> str:
    """A file's bytes as text: UTF-8, a leading byte-order mark dropped (UnicodeDecodeError if not).

    >>> decode_text(b"\\xef\\xbb\\xbfmetric")
    'metric'
    """
    return data.decode("utf-8-sig")


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
        starts.extend(m.end() for m in _LINE_END.finditer(self.text))
        object.__setattr__(self, "_line_starts", tuple(starts))

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        return cls(str(path), read_text(path))

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return Position(line + 1, offset - self._line_starts[line] + 1)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line end."""
        start = self._line_starts[line - 1]
        return self.text[start : line_end(self.text, start)]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)
