"""`imx check --fix`: a checked project in → its files rewritten with the diagnostics' fixes.

A fix is attached to a diagnostic only where it is certain (see ``imx.diagnostics.Fix``); this
applies them to the files named on the command line (never to an imported standard-library file),
and refuses to write a file that would not parse afterwards, leaving it as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from imx import messages as M
from imx.checker import CheckResult
from imx.diagnostics import DiagnosticSink, Fix, apply_fixes
from imx.project import expand
from imx.syntax.parser import parse

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class FixOutcome:
    """What ``--fix`` did: a line per file fixed or refused, and how many fixes were written."""

    lines: tuple[str, ...]
    applied: int
    refused: int


def fix_project(paths: Sequence[str], result: CheckResult) -> FixOutcome:
    """Apply the fixes of ``result``'s diagnostics to the files under ``paths``."""
    named = {display for _, display in expand(paths, DiagnosticSink())}
    by_file: dict[str, list[Fix]] = defaultdict(list)
    for diag in result.diagnostics:
        if diag.fixes and diag.file in named and diag.file in result.sources:
            by_file[diag.file].extend(diag.fixes[:1])  # the first fix of each diagnostic
    lines: list[str] = []
    applied = refused = 0
    for file in sorted(by_file):
        text, count = apply_fixes(result.sources[file].text, by_file[file])
        after = parse(text, file)
        if after.module is None or any(d.is_error for d in after.diagnostics):
            lines.append(M.FIX_REFUSED.format(file, count))
            refused += 1
            continue
        problem = _write(Path(file), text)
        if problem is not None:
            lines.append(M.FIX_UNWRITABLE.format(file, problem))
            refused += 1
            continue
        lines.append(M.FIX_APPLIED.format(count, file))
        applied += count
    return FixOutcome(tuple(lines), applied, refused)


def _write(path: Path, text: str) -> str | None:
    """Replace the file's text in one step (a temporary file renamed over it), keeping a BOM."""
    tmp: str | None = None
    try:
        bom = path.read_bytes().startswith(_BOM)
        mode = path.stat().st_mode & 0o7777
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write((_BOM if bom else b"") + text.encode("utf-8"))
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        return str(exc.strerror or exc)
    return None
