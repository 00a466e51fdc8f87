"""Render diagnostics for people (underlined source lines) and for tools (JSON, SARIF 2.1.0)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from imx import __version__
from imx.codes import all_codes
from imx.diagnostics import Diagnostic, Fix, Severity
from imx.render.text import visible
from imx.source import SourceFile, Span

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.NOTE: "bold cyan"}


def _located(diag_file: str, span: Span, sources: Mapping[str, SourceFile]) -> dict[str, int]:
    source = sources.get(diag_file)
    if source is None:
        return {"line": 1, "column": 1, "end_line": 1, "end_column": 1}
    start = source.position(span.start)
    end = source.position(max(span.start, span.end))
    return {
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
    }


def _snippet(source: SourceFile, span: Span, caret_style: str) -> list[Text]:
    start = source.position(span.start)
    end = source.position(max(span.start, span.end))
    line_text = source.line_text(start.line).expandtabs(1)
    last = end.column if end.line == start.line else len(line_text) + 1
    # Control characters in the line are shown escaped; the carets follow the shown text.
    before = visible(line_text[: start.column - 1])
    width = max(1, len(visible(line_text[start.column - 1 : last - 1])))
    gutter = " " * len(str(start.line))
    out = [Text(f"{gutter} |", style="blue")]
    out.append(Text.assemble((f"{start.line} | ", "blue"), visible(line_text)))
    out.append(
        Text.assemble((f"{gutter} | ", "blue"), " " * len(before), ("^" * width, caret_style))
    )
    return out


def render_text(
    diagnostics: Sequence[Diagnostic], sources: Mapping[str, SourceFile], console: Console
) -> None:
    """Print each diagnostic with its location, the source line underlined, labels and hints."""
    for diag in diagnostics:
        style = _STYLE[diag.severity]
        pos = _located(diag.file, diag.span, sources)
        console.print(
            Text.assemble(
                (f"{diag.severity.value}[{diag.code}]", style),
                ": ",
                (visible(diag.message), "bold"),
            )
        )
        where = visible(f"  --> {diag.file}:{pos['line']}:{pos['column']}")
        console.print(Text(where, style="blue"))
        source = sources.get(diag.file)
        if source is not None and source.text:
            for line in _snippet(source, diag.span, style):
                console.print(line)
        for label in diag.labels:
            lpos = _located(label.file, label.span, sources)
            note = f"  note: {label.message} ({label.file}:{lpos['line']}:{lpos['column']})"
            console.print(Text(visible(note)))
        for hint in diag.hints:
            console.print(Text.assemble(("  = hint: ", "cyan"), visible(hint)))
        console.print()


def summary_line(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """``2 errors, 1 warning in 3 files`` (or ``no problems found in 3 files``)."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    noun = "file" if files == 1 else "files"
    if not errors and not warnings:
        return f"no problems found in {files} {noun}"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{', '.join(parts)} in {files} {noun}"


def to_json(diagnostics: Sequence[Diagnostic], sources: Mapping[str, SourceFile]) -> str:
    """One JSON object per diagnostic, in a list, with 1-based lines and columns (an end column is
    one past the last character), labels, hints and fixes (each a title, a range and its
    replacement)."""
    items = []
    for diag in diagnostics:
        item: dict[str, Any] = {
            "code": diag.code,
            "severity": diag.severity.value,
            "message": diag.message,
            "file": diag.file,
        }
        item.update(_located(diag.file, diag.span, sources))
        item["hints"] = list(diag.hints)
        item["labels"] = [
            {"message": lb.message, "file": lb.file, **_located(lb.file, lb.span, sources)}
            for lb in diag.labels
        ]
        item["fixes"] = [
            {
                "title": fix.title,
                "replacement": fix.replacement,
                **_located(diag.file, fix.span, sources),
            }
            for fix in diag.fixes
        ]
        items.append(item)
    return json.dumps(items, indent=2, ensure_ascii=False)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _region(file: str, span: Span, sources: Mapping[str, SourceFile]) -> dict[str, int]:
    pos = _located(file, span, sources)
    return {
        "startLine": pos["line"],
        "startColumn": pos["column"],
        "endLine": pos["end_line"],
        "endColumn": max(pos["end_column"], pos["column"]),
    }


def _sarif_rules() -> list[dict[str, Any]]:
    """Every registered code as a SARIF rule: its name, summary and default level."""
    return [
        {
            "id": code.name,
            "name": code.name,
            "shortDescription": {"text": code.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[code.severity]},
        }
        for code in all_codes()
    ]


def _sarif_result(
    diag: Diagnostic, sources: Mapping[str, SourceFile], index: Mapping[str, int]
) -> dict[str, Any]:
    text = diag.message + "".join(f"\nhint: {h}" for h in diag.hints)
    result: dict[str, Any] = {
        "ruleId": diag.code,
        "ruleIndex": index[diag.code],
        "level": _SARIF_LEVEL[diag.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": diag.file},
                    "region": _region(diag.file, diag.span, sources),
                }
            }
        ],
    }
    if diag.labels:
        result["relatedLocations"] = [
            {
                "id": i,
                "message": {"text": lb.message},
                "physicalLocation": {
                    "artifactLocation": {"uri": lb.file},
                    "region": _region(lb.file, lb.span, sources),
                },
            }
            for i, lb in enumerate(diag.labels)
        ]
    if diag.fixes:
        result["fixes"] = [_sarif_fix(diag.file, fix, sources) for fix in diag.fixes]
    return result


def _sarif_fix(file: str, fix: Fix, sources: Mapping[str, SourceFile]) -> dict[str, Any]:
    """A SARIF fix: one replacement in the diagnostic's file (an empty region inserts)."""
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": file},
                "replacements": [
                    {
                        "deletedRegion": _region(file, fix.span, sources),
                        "insertedContent": {"text": fix.replacement},
                    }
                ],
            }
        ],
    }


def to_sarif(diagnostics: Sequence[Diagnostic], sources: Mapping[str, SourceFile]) -> str:
    """A SARIF 2.1.0 log with one run of the ``imx`` tool; its rules are every registered code."""
    rules = _sarif_rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "imx",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": [_sarif_result(d, sources, index) for d in diagnostics],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)
