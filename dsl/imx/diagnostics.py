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
    "Fix",
    "Label",
    "Severity",
    "apply_fixes",
    "available",
    "did_you_mean",
    "replacement_fix",
]


@dataclass(frozen=True)
class Label:
    """A secondary place that explains a diagnostic (``first defined here``)."""

    file: str
    span: Span
    message: str


@dataclass(frozen=True)
class Fix:
    """A machine-applicable edit of the diagnostic's file: ``span`` becomes ``replacement``.

    A fix is attached only where it is certain (a did-you-mean naming a single name), so a tool
    may apply it unasked (``imx check --fix``); an insertion is an empty span.
    """

    title: str
    span: Span
    replacement: str


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
    fixes: tuple[Fix, ...] = ()

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
        fixes: Iterable[Fix] = (),
    ) -> None:
        diagnostic = Diagnostic(message, file, span, tuple(labels), tuple(hints), tuple(fixes))
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)


RUNNER_UP = 0.1  # a second suggestion only if it is about as close as the best


def did_you_mean(name: str, candidates: Iterable[str]) -> list[str]:
    """A hint naming the closest candidate to a misspelt ``name``, and a second one only when it
    is nearly as close (difflib's ratio within ``RUNNER_UP``): never a list of weak guesses.

    >>> did_you_mean("images_recieved", ["images_received", "images_incomplete", "qc_passed"])
    ['did you mean `images_received`?']
    >>> did_you_mean("vendr", ["vendor", "calendar"])
    ['did you mean `vendor`?']
    >>> did_you_mean("lower_is_beter", ["higher_is_better", "lower_is_better"])
    ['did you mean `lower_is_better`?']
    >>> did_you_mean("Q-3", ["Q-1", "Q-2"])
    ['did you mean `Q-1` or `Q-2`?']
    """
    close = _best(name, _closest(name, candidates))
    if not close:
        return []
    return ["did you mean " + " or ".join(f"`{c}`" for c in close) + "?"]


def replacement_fix(name: str, span: Span, candidates: Iterable[str]) -> tuple[Fix, ...]:
    """The fix of a misspelt ``name`` at ``span``: only when the did-you-mean names one candidate
    (no other is nearly as close), so the hint and the fix always agree.

    >>> replacement_fix("images_recieved", Span(4, 19), ["images_received", "qc_passed"])
    (Fix(title='replace with `images_received`', span=Span(start=4, end=19), replacement='images_received'),)
    >>> replacement_fix("Q-3", Span(0, 3), ["Q-1", "Q-2"])
    ()
    """
    close = _best(name, _closest(name, candidates))
    if len(close) != 1 or close[0] == name:
        return ()
    return (Fix(f"replace with `{close[0]}`", span, close[0]),)


def _best(name: str, close: list[str]) -> list[str]:
    """The best of ``close`` (in order of similarity), and the next if it is about as close."""

    def ratio(candidate: str) -> float:
        matcher = difflib.SequenceMatcher(None, candidate.lower(), name.lower())
        return matcher.ratio()

    scored = sorted(((ratio(c), i, c) for i, c in enumerate(close)), key=lambda t: (-t[0], t[2]))
    return [c for r, _, c in scored[:2] if r >= scored[0][0] - RUNNER_UP]


def _closest(name: str, candidates: Iterable[str]) -> list[str]:
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        close = [lowered[m] for m in difflib.get_close_matches(name.lower(), lowered, n=3)]
    return close


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


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """``text`` with ``fixes`` applied, and how many were; a fix overlapping an earlier one is left.

    >>> apply_fixes("per timepont", [Fix("t", Span(4, 12), "timepoint")])
    ('per timepoint', 1)
    """
    kept: list[Fix] = []
    for fix in sorted(set(fixes), key=lambda f: (f.span.start, f.span.end)):
        if kept and fix.span.start < kept[-1].span.end:
            continue
        kept.append(fix)
    out = text
    for fix in reversed(kept):
        out = out[: fix.span.start] + fix.replacement + out[fix.span.end :]
    return out, len(kept)
