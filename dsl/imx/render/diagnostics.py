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


def _located(
    diag_file: str, span: Span, sources: Mapping[str, SourceFile]
) -> dict[str, int | None]:
    """1-based line and column of a span; None for a file that was never read (a path that
    does not exist has no line 1 to point at)."""
    source = sources.get(diag_file)
    if source is None:
        return {"line": None, "column": None, "end_line": None, "end_column": None}
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
        at = f":{pos['line']}:{pos['column']}" if pos["line"] is not None else ""
        where = visible(f"  --> {diag.file}{at}")
        console.print(Text(where, style="blue"))
        source = sources.get(diag.file)
        if source is not None and source.text:
            for line in _snippet(source, diag.span, style):
                console.print(line)
        for label in diag.labels:
            lpos = _located(label.file, label.span, sources)
            lat = f":{lpos['line']}:{lpos['column']}" if lpos["line"] is not None else ""
            note = f"  note: {label.message} ({label.file}{lat})"
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
    source = sources.get(file)
    if source is None:  # a file never read: the location names the file alone
        return {}
    start = source.position(span.start)
    end = source.position(max(span.start, span.end))
    return {
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": max(end.column, start.column),
    }


def _physical(file: str, span: Span, sources: Mapping[str, SourceFile]) -> dict[str, Any]:
    region = _region(file, span, sources)
    return {"artifactLocation": {"uri": file}, **({"region": region} if region else {})}


def _sarif_rules() -> list[dict[str, Any]]:
    """Every registered code as a SARIF rule: its name, summary, the meaning its section of the
    diagnostics page gives (``imx.code_docs``), that page's address and its default level."""
    from imx.code_docs import code_doc, help_uri

    rules = []
    for code in all_codes():
        doc = code_doc(code.name)
        full = f"{doc.section}: {doc.meaning}" + (f"\n\n{doc.intro}" if doc.intro else "")
        uri = help_uri(code.name)
        rules.append(
            {
                "id": code.name,
                "name": code.name,
                "shortDescription": {"text": code.summary},
                "fullDescription": {"text": full},
                "helpUri": uri,
                "help": {
                    "text": full,
                    "markdown": f"{full}\n\n[Diagnostics: {doc.section}]({uri})",
                },
                "defaultConfiguration": {"level": _SARIF_LEVEL[code.severity]},
            }
        )
    return rules


def _sarif_result(
    diag: Diagnostic, sources: Mapping[str, SourceFile], index: Mapping[str, int]
) -> dict[str, Any]:
    text = diag.message + "".join(f"\nhint: {h}" for h in diag.hints)
    markdown = diag.message + "".join(f"\n- hint: {h}" for h in diag.hints)
    result: dict[str, Any] = {
        "ruleId": diag.code,
        "ruleIndex": index[diag.code],
        "level": _SARIF_LEVEL[diag.severity],
        "message": {"text": text, "markdown": markdown},
        "locations": [{"physicalLocation": _physical(diag.file, diag.span, sources)}],
    }
    if diag.labels:
        result["relatedLocations"] = [
            {
                "id": i,
                "message": {"text": lb.message},
                "physicalLocation": _physical(lb.file, lb.span, sources),
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
