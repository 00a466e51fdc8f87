"""The check stage: a loaded project (syntax trees) in → a checked Model plus all diagnostics out.

>>> result = check_paths([])
>>> result.model is not None, result.diagnostics
(True, ())
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from imx import messages as M
from imx.checker.context import Ctx
from imx.checker.driver import build_model
from imx.checker.memo import Memo
from imx.diagnostics import Diagnostic, Severity
from imx.model import Model
from imx.project import Project, load_sources
from imx.source import NO_SPAN, SourceFile

INTERNAL_HINT = "this is a bug in imx, not in your files: please report it with the files checked"


@dataclass(frozen=True)
class CheckResult:
    """The model (``None`` when any error was found), every diagnostic, and the sources read."""

    model: Model | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, SourceFile]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)


def check(project: Project, memo: Memo | None = None) -> CheckResult:
    """Check a loaded project: resolve names, type expressions, merge variants, build the model.

    Loading and syntax diagnostics of the project are included; an unexpected failure inside
    the checker is reported as ``internal-error``, never raised. An editor passes the ``memo``
    of its last check, so only the steps an edit can affect run again (``checker/memo.py``);
    the result is the same as without one.
    """
    ctx = Ctx(unparsed=frozenset(n for module in project.modules for n in module.unparsed))
    ctx.sink.extend(project.diagnostics)
    model: Model | None
    try:
        model = build_model(project, ctx, memo)
        if memo is not None:
            memo.commit()
    except Exception as exc:  # noqa: BLE001 - any checker fault becomes a diagnostic
        file = project.files[0] if project.files else "<project>"
        detail = f"{type(exc).__name__}: {exc}"
        ctx.sink.report(M.INTERNAL_ERROR.format(detail), file, NO_SPAN, hints=[INTERNAL_HINT])
        model = None
    if ctx.sink.has_errors:
        model = None
    return CheckResult(model, tuple(ctx.sink.sorted()), dict(project.sources))


def check_paths(paths: Sequence[str | Path], *, stdlib_root: Path | None = None) -> CheckResult:
    """Load the ``.imx`` files under ``paths`` (and the stdlib files they import), then check."""
    with rare_collections():
        return check(load_sources(paths, stdlib_root=stdlib_root))


@contextlib.contextmanager
def rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely while syntax trees and the model are built.

    They are many small, long-lived, acyclic objects (freed by reference counting); with the
    default thresholds the collector rescans all of them again and again, which cost a third of
    the time of checking a large project.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


__all__ = ["CheckResult", "Memo", "check", "check_paths", "rare_collections"]
