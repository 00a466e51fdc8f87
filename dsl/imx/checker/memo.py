"""Incremental checking: a step of the check (the schema, one metric, one variant, one example) in →
its result and diagnostics, kept and replayed while what the step reads is unchanged.

The driver runs every step of a check through :meth:`Memo.step`, with what the step reads: the
declarations it checks (their text and tree) and the checked results it depends on (the schema
info, the metric ids, an example's metric facts). When all of them are as they were at the last
check, the step's result is reused and its diagnostics are replayed into the sink at the point
the step would have reported them, so the sorted diagnostics and the model are those of a full
check. A declaration that only moved (an edit above it in its file) is reused too: its
diagnostics are moved with it, by the distance its text moved; a diagnostic pointing outside the
declarations a step read cannot be moved, and such a step is checked again. Without a memo
(``imx check``) every step runs.

>>> memo = Memo()
>>> memo.rechecked
[]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from imx.checker.context import Ctx
from imx.diagnostics import Diagnostic, Fix, Label
from imx.source import Span
from imx.syntax import ast as A

V = TypeVar("V")


@dataclass(frozen=True)
class Read:
    """A declaration a step reads: its file, tree and text (the source between its span's ends)."""

    file: str
    node: A.Node
    text: str

    @property
    def start(self) -> int:
        return self.node.span.start


def read(file: str, node: A.Node, source: str | None) -> Read:
    """What a step reads of ``node`` in ``file`` whose whole text is ``source``."""
    span = node.span
    return Read(file, node, source[span.start : span.end] if source is not None else "")


@dataclass(frozen=True)
class Moves:
    """How far each declaration a kept step read has moved since it was checked."""

    places: tuple[tuple[str, int, int, int], ...]  # (file, old start, old end, distance)

    @property
    def any(self) -> bool:
        return any(d for *_, d in self.places)

    def span(self, file: str, span: Span) -> Span | None:
        """``span`` of ``file`` where it is now, or None if no declaration read holds it."""
        for f, start, end, distance in self.places:
            if f == file and start <= span.start and span.end <= end:
                return Span(span.start + distance, span.end + distance)
        return None

    def diagnostic(self, d: Diagnostic) -> Diagnostic | None:
        """``d`` where its declarations are now; None if a span of it lies outside them."""
        span = self.span(d.file, d.span)
        labels: list[Label] = []
        fixes: list[Fix] = []
        for label in d.labels:
            at = self.span(label.file, label.span)
            if at is None:
                return None
            labels.append(dataclasses.replace(label, span=at))
        for fix in d.fixes:
            at = self.span(d.file, fix.span)
            if at is None:
                return None
            fixes.append(dataclasses.replace(fix, span=at))
        if span is None:
            return None
        return dataclasses.replace(d, span=span, labels=tuple(labels), fixes=tuple(fixes))


@dataclass(frozen=True)
class _Kept:
    reads: tuple[Read, ...]
    depends: tuple[object, ...]
    value: object
    diagnostics: tuple[Diagnostic, ...]


@dataclass
class Memo:
    """The steps of the last check of one project, by what they read; ``rechecked`` names the
    steps the last check ran anew (the others were reused)."""

    _kept: dict[Hashable, _Kept] = field(default_factory=dict)
    _next: dict[Hashable, _Kept] = field(default_factory=dict)
    rechecked: list[str] = field(default_factory=list)

    def begin(self) -> None:
        self._next = {}
        self.rechecked = []

    def commit(self) -> None:
        """Keep this check's steps (and only them) for the next check."""
        self._kept, self._next = self._next, {}

    def step(
        self,
        ctx: Ctx,
        name: str,
        reads: Sequence[Read],
        depends: tuple[object, ...],
        compute: Callable[[], V],
        moved: Callable[[V, Moves], V | None] | None = None,
    ) -> V:
        """The result of ``compute()``, its diagnostics reported to ``ctx``; reused (and its
        diagnostics replayed, moved with its declarations) when ``reads`` hold the same texts and
        trees and ``depends`` equals what it was. ``moved`` places a reused result holding spans
        where its declarations are now, or None if it cannot (a result without spans needs none)."""
        reads = tuple(reads)
        key = (name, tuple((r.file, r.text) for r in reads))
        kept = self._kept.get(key)
        if kept is not None and kept.depends == depends and _same_trees(kept.reads, reads):
            moves = Moves(
                tuple(
                    (r.file, old.start, old.node.span.end, r.start - old.start)
                    for old, r in zip(kept.reads, reads, strict=True)
                )
            )
            diagnostics = _moved_all(kept.diagnostics, moves)
            value: V | None = kept.value  # type: ignore[assignment]
            if moves.any and moved is not None and diagnostics is not None:
                value = moved(kept.value, moves)  # type: ignore[arg-type]
            if diagnostics is not None and value is not None:
                ctx.sink.extend(diagnostics)
                self._next[key] = _Kept(reads, depends, value, diagnostics)
                return value
        before = len(ctx.sink.items)
        value = compute()
        diagnostics = tuple(ctx.sink.items[before:])
        self._next[key] = _Kept(reads, depends, value, diagnostics)
        self.rechecked.append(name)
        return value


def _same_trees(old: Sequence[Read], new: Sequence[Read]) -> bool:
    """The same trees, spans aside (a tree kept by the parse cache is the same object)."""
    return all(a.node is b.node or a.node == b.node for a, b in zip(old, new, strict=True))


def _moved_all(diagnostics: Sequence[Diagnostic], moves: Moves) -> tuple[Diagnostic, ...] | None:
    if not moves.any:
        return tuple(diagnostics)
    out = [moves.diagnostic(d) for d in diagnostics]
    return None if any(d is None for d in out) else tuple(d for d in out if d is not None)


__all__ = ["Memo", "Moves", "Read", "read"]
