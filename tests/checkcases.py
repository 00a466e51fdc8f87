"""Corpus checker cases: `.imx` files (or folders) with inline expectations → expected diagnostics.

A trailing comment on the line where a diagnostic starts names it: ``# E: [unknown-event]`` for an
error, ``# W: [missing-companion]`` for a warning; several codes may share a line. A case file is one
project; a folder under ``tests/cases/check/`` is one project made of all its files. Cases may
``import stdlib.schema``, which resolves to ``tests/fixtures/check_stdlib/`` (the tour's schema).
"""

from __future__ import annotations

import re
from pathlib import Path

from imx.checker import CheckResult, check_paths
from imx.diagnostics import Severity

ROOT = Path(__file__).resolve().parent
CASES = ROOT / "cases" / "check"
STDLIB = ROOT / "fixtures" / "check_stdlib"
MARK = re.compile(r"#\s*([EW]):\s*((?:\[[a-z0-9-]+\]\s*)+)")
CODE = re.compile(r"\[([a-z0-9-]+)\]")
SEVERITY = {"E": "error", "W": "warning"}

Expectation = tuple[str, int, str, str]  # (file name, line, severity, code)


def case_paths() -> list[Path]:
    """Every case: top-level ``*.imx`` files and folders, sorted."""
    return sorted(p for p in CASES.iterdir() if p.suffix == ".imx" or p.is_dir())


def files_of(case: Path) -> list[Path]:
    return sorted(case.rglob("*.imx")) if case.is_dir() else [case]


def expected(case: Path) -> set[Expectation]:
    """The diagnostics a case's inline comments announce."""
    found: set[Expectation] = set()
    for path in files_of(case):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for mark in MARK.finditer(line):
                for code in CODE.findall(mark.group(2)):
                    found.add((path.name, number, SEVERITY[mark.group(1)], code))
    return found


def run(case: Path) -> CheckResult:
    return check_paths([case], stdlib_root=STDLIB)


def actual(result: CheckResult) -> set[Expectation]:
    """The (file name, line, severity, code) of each error and warning of a check."""
    found: set[Expectation] = set()
    for d in result.diagnostics:
        if d.severity is Severity.NOTE:
            continue
        source = result.sources.get(d.file)
        line = source.position(d.span.start).line if source else 0
        found.add((Path(d.file).name, line, d.severity.value, d.code))
    return found
