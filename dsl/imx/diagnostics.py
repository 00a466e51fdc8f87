"""Diagnostics as data: a message with its code, a located span, labels and hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from imx.codes import Code, Severity
from imx.messages import Message
from imx.source import Span

__all__ = [
    "Code",
    "Diagnostic",
    "DiagnosticSink",
    "Label",
    "Severity",
    "available",
    "did_you_mean",
]


@dataclass(frozen=True)
class Label:
    """A secondary place that explains a diagnostic (``first defined here``)."""

    file: str
    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a project, located by file and span.

    It is made from a :class:`~imx.messages.Message`, which carries its code (a registered
    :class:`~imx.codes.Code`): a free string cannot be passed as a code.

    >>> from imx import messages as M
    >>> d = Diagnostic(M.UNUSED_PARAM.format("window"), "a.imx", Span(0, 1))
    >>> d.code, d.severity.value, d.message
    ('unused-param', 'warning', 'param `window` is never used')
    """

    finding: Message
    file: str
    span: Span
    labels: tuple[Label, ...] = ()
    hints: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.finding, Message):  # mypy rejects it; this stops untyped callers
            raise TypeError(f"a Diagnostic is made from a Message, not {self.finding!r}")

    @property
    def rule(self) -> Code:
        """The registered code of this diagnostic."""
        return self.finding.code

    @property
    def code(self) -> str:
        """The stable kebab-case name of the code (``unknown-event``)."""
        return self.finding.code.name

    @property
    def severity(self) -> Severity:
        return self.finding.code.severity

    @property
    def message(self) -> str:
        return self.finding.text

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.span.start, self.span.end, self.code)


@dataclass
class DiagnosticSink:
    """Collects the diagnostics of a stage; stages report and go on, never raise."""

    items: list[Diagnostic] = field(default_factory=list)

    def report(
        self,
        message: Message,
        file: str,
        span: Span,
        *,
        labels: Iterable[Label] = (),
        hints: Iterable[str] = (),
    ) -> None:
        self.items.append(Diagnostic(message, file, span, tuple(labels), tuple(hints)))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)


def did_you_mean(name: str, candidates: Iterable[str]) -> list[str]:
    """Hints naming the closest candidates to a misspelt ``name``.

    >>> did_you_mean("images_recieved", ["images_received", "qc_passed"])
    ['did you mean `images_received`?']
    """
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        close = [lowered[m] for m in difflib.get_close_matches(name.lower(), lowered, n=3)]
    if not close:
        return []
    return ["did you mean " + " or ".join(f"`{c}`" for c in close) + "?"]


def available(kind: str, candidates: Iterable[str], limit: int = 12) -> list[str]:
    """A hint listing what could have been written instead.

    >>> available("units", ["site", "study"])
    ['available units: site, study']
    """
    pool = sorted(set(candidates))
    if not pool:
        return [f"no {kind} are declared in this project"]
    shown = ", ".join(pool[:limit]) + (", …" if len(pool) > limit else "")
    return [f"available {kind}: {shown}"]
