"""The root of every expected failure: ``ImxError(message, hints)``; the CLI maps it to exit 2
(a :class:`RunFailed`, a finding, to exit 1).

Each stage raises its own subclass, so a caller can catch one kind or all of them, and an
exception that is not an ``ImxError`` is a bug in imx (exit 3, said plainly):

>>> err = DataError("no such file: `events.csv`", ["pass --data DIR"])
>>> isinstance(err, ImxError), err.message, err.hints
(True, 'no such file: `events.csv`', ('pass --data DIR',))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imx.diagnostics import Diagnostic


class ImxError(Exception):
    """An expected failure, worded for the user: what went wrong, and hints on what to do."""

    exit_code = 2  # what `imx` exits with when it stops on this failure

    def __init__(self, message: str, hints: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hints = tuple(hints)


class UsageError(ImxError):
    """A mistake in how imx was called or in what it was pointed at."""


class DataError(ImxError):
    """A problem with the user's data that stops a run: missing file or column, wrong type."""


class OutputError(ImxError):
    """An output path imx cannot write (unknown extension, unwritable folder)."""


class EngineUnavailable(ImxError):
    """An engine's optional dependency (pyspark, Java) is missing; the message says what to do."""


class RunFailed(ImxError):
    """A run that the specs and data, both readable, do not allow: units (of studies, of sites)
    matched by two equally specific variants of a metric and no more specific one (semantics
    rule 28). A finding, so `imx` exits 1."""

    exit_code = 1


class ResultsFileError(ImxError):
    """A results file that cannot be read, or is not one that ``imx run --out`` wrote."""


class ProjectError(ImxError):
    """A project with errors was used where a checked model is needed; ``diagnostics`` says why."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = next((d for d in self.diagnostics if d.is_error), None)
        detail = f": {first.file}: [{first.code}] {first.message}" if first else ""
        super().__init__(f"{sum(d.is_error for d in self.diagnostics)} error(s){detail}")
