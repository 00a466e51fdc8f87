"""Checker context: diagnostics reported per file, and declarations tagged with their file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from imx.diagnostics import DiagnosticSink, Fix, Label
from imx.messages import Message
from imx.source import Span

T = TypeVar("T")


@dataclass(frozen=True)
class Decl(Generic[T]):
    """A syntax node together with the file it was written in."""

    file: str
    node: T


@dataclass
class Reporter:
    """Reports diagnostics for one file; a muted reporter drops them (used when re-checking a
    base metric's clauses under a variant, whose findings were already reported on the base)."""

    sink: DiagnosticSink
    file: str
    muted: bool = False
    reported: int = field(default=0)
    unparsed: frozenset[str] = frozenset()  # declared by items that did not parse

    def report(
        self,
        message: Message,
        span: Span,
        *,
        hints: Iterable[str] = (),
        labels: Iterable[Label] = (),
        fixes: Iterable[Fix] = (),
    ) -> None:
        """Report ``message`` (its code gives the severity) at ``span`` of this file."""
        self.reported += 1
        if not self.muted:
            self.sink.report(message, self.file, span, labels=labels, hints=hints, fixes=fixes)

    def label(self, span: Span, message: str) -> Label:
        return Label(self.file, span, message)


@dataclass
class Ctx:
    """The checker's shared state: one sink for the whole project."""

    sink: DiagnosticSink = field(default_factory=DiagnosticSink)
    unparsed: frozenset[str] = frozenset()  # names of items that did not parse (syntax errors)

    def at(self, file: str, *, muted: bool = False) -> Reporter:
        return Reporter(self.sink, file, muted, unparsed=self.unparsed)
