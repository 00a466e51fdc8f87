"""Parsing an edited file: its last parse and the new text in → the parse of the new text, the
same as ``parse(text)``, with only the top-level items the edit touched parsed again.

A file is cut into chunks where a declaration keyword starts a line (the cut the parser's own
recovery makes). A chunk before the edit is the same text at the same place: its items are kept.
A chunk after it is the same text moved by the edit's length: its items are kept, their spans
moved (but ``NO_SPAN``, which marks a node without text). The chunks between are parsed alone,
what comes before each blanked so its offsets are the file's. When the last parse had a syntax
error, when the edit put in or took out a quote or a backslash (either can open or close a string
that runs across the cuts), when a new chunk does not parse on its own, or when an item of the
last parse does not lie inside one chunk, the whole file is parsed instead, so a file with an
error reads exactly as ``parse`` reads it.

>>> first = parse("unit site = study, site\\nunit study = study\\n", "a.imx")
>>> again = reparse(first, "unit site = study, site\\nunit trial = study\\n", "a.imx")
>>> [item.name.text for item in again.module.items]
['site', 'trial']
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

from imx.source import SourceFile, Span
from imx.syntax import ast as A
from imx.syntax.parser import ParseResult, _blank, _top_level, parse


def reparse(previous: ParseResult | None, text: str, path: str) -> ParseResult:
    """The parse of ``text`` (``path``'s new text), reusing ``previous`` (its last parse)."""
    old = previous.module if previous is not None else None
    if previous is None or old is None or previous.diagnostics or old.unparsed:
        return parse(text, path)
    before = previous.source.text
    if before == text:
        return previous
    head = _common(before, text, lambda a, n: a[:n])
    room = min(len(before), len(text)) - head
    tail = min(_common(before, text, lambda a, n: a[len(a) - n :]), room)
    moved = len(text) - len(before)
    if _relexes(before[head : len(before) - tail]) or _relexes(text[head : len(text) - tail]):
        return parse(text, path)
    old_chunks = _chunks(before)
    kept = _by_chunk(old, old_chunks)
    if kept is None:
        return parse(text, path)
    items: list[A.Item] = []
    comments: list[A.Comment] = []
    for lo, hi in _chunks(text):
        if hi <= head and (lo, hi) in kept:  # before the edit: the same text at the same place
            chunk_items, chunk_comments = kept[(lo, hi)]
        elif lo >= len(text) - tail and (lo - moved, hi - moved) in kept:  # after it: moved
            was_items, was_comments = kept[(lo - moved, hi - moved)]
            chunk_items, chunk_comments = _moved(was_items, moved), _moved(was_comments, moved)
        else:
            # the chunk where it is in the file, what comes before it blanked (line ends kept)
            result = parse(_blank(text[:lo]) + text[lo:hi], path)
            if result.module is None or result.diagnostics:
                return parse(text, path)
            chunk_items, chunk_comments = result.module.items, result.module.comments
        items.extend(chunk_items)
        comments.extend(chunk_comments)
    module = A.Module(path, tuple(items), tuple(comments), (), span=Span(0, len(text)))
    return ParseResult(SourceFile(path, text), module, ())


def _relexes(changed: str) -> bool:
    """Whether text an edit put in or took out can change how the text after it is read across
    lines: a quote may open or close a string (a triple-quoted one runs over lines, and over the
    cuts between chunks), a backslash may escape a closing quote."""
    return '"' in changed or "\\" in changed


def _common(a: str, b: str, part: Callable[[str, int], str]) -> int:
    """The length of the longest common ``part`` (prefix or suffix) of ``a`` and ``b``, found by
    halving (each comparison runs at C speed)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if part(a, mid) == part(b, mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


@functools.lru_cache(maxsize=4)  # a file's new text is the next edit's old one
def _chunks(text: str) -> list[tuple[int, int]]:
    """Where the file is cut: from each declaration keyword at a line's start to the next."""
    starts = [m.start() for m in _top_level().finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def _by_chunk(
    module: A.Module, chunks: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], tuple[tuple[A.Item, ...], tuple[A.Comment, ...]]] | None:
    """The items and comments of each chunk; None if one of them crosses a cut."""
    out: dict[tuple[int, int], tuple[list[A.Item], list[A.Comment]]] = {c: ([], []) for c in chunks}
    for kind, nodes in ((0, module.items), (1, module.comments)):
        at = 0
        for node in nodes:
            while at < len(chunks) and node.span.start >= chunks[at][1]:
                at += 1
            if at == len(chunks) or node.span.end > chunks[at][1]:
                return None
            out[chunks[at]][kind].append(node)  # type: ignore[arg-type]
    return {c: (tuple(items), tuple(comments)) for c, (items, comments) in out.items()}


N = TypeVar("N", bound=A.Node)


def _moved(nodes: tuple[N, ...], distance: int) -> tuple[N, ...]:
    """Copies of ``nodes`` with every span moved by ``distance``."""
    return tuple(_move(node, distance) for node in nodes)  # type: ignore[misc]


_STAY = frozenset({str, bool, int, Decimal, type(None)})  # values without spans


_NODES: set[type] = set()  # the node classes met so far


def _is_node(kind: type) -> bool:
    if dataclasses.is_dataclass(kind):
        _NODES.add(kind)
        return True
    return False


def _move(value: object, distance: int) -> object:
    """``value`` with its spans moved (the most frequent kinds first: it runs on every node)."""
    kind = type(value)
    if kind is Span:  # NO_SPAN marks a node with no text (an empty cell): it stays
        span: Span = value  # type: ignore[assignment]
        if not (span.start or span.end):  # Span(0, 0), NO_SPAN
            return span
        return Span(span.start + distance, span.end + distance)
    if kind is tuple:
        return tuple(
            [x if type(x) in _STAY else _move(x, distance) for x in value]  # type: ignore[attr-defined]
        )
    if kind in _NODES or (kind not in _STAY and _is_node(kind)):  # a node: its fields moved
        copy = object.__new__(kind)
        object.__setattr__(
            copy,
            "__dict__",
            {k: v if type(v) in _STAY else _move(v, distance) for k, v in value.__dict__.items()},
        )
        return copy
    return value


__all__ = ["reparse"]
