"""An analysis and a cursor or range in → completions, the formatted file and code actions.

Keywords offered are those the grammar accepts at the cursor (``imx.syntax.complete``); names
are the project's declarations of the kind the place asks for (events after ``has``, units
after ``per``, metrics after ``companion``). Code actions apply a diagnostic's fixes, each name a
did-you-mean offers, a companion a speed metric lacks, and a field a metric must have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lsprotocol import types as L

from imx.checker.bands import DIRECTIONS
from imx.checker.metrics import CATEGORIES, GRAINS, STATUSES
from imx.checker.types import FUNCTIONS
from imx.diagnostics import Diagnostic
from imx.lsp.index import Index, Symbol
from imx.lsp.navigate import LinesOf, uri_of
from imx.lsp.positions import Lines
from imx.lsp.workspace import Analysis
from imx.source import Span
from imx.syntax import ast as A
from imx.syntax.complete import expected_at, partial_word
from imx.syntax.fmt import format_source
from imx.syntax.vocabulary import vocabulary

_K = L.CompletionItemKind
_WORD_BEFORE = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*|[,=(|])\s*\Z")
_EVENT_WORDS = frozenset({"has", "first", "last", "count"})
_SNIPPETS = {
    "metric": (
        'metric ${1:ID} "${2:Title}" {\n'
        "    category ${3|" + ",".join(CATEGORIES) + "|}\n"
        '    question "${4:What does it answer?}"\n'
        "    per      ${5:unit}\n"
        "    where    ${6:has event}\n"
        "    rate     ${7:condition}\n"
        "    target   >= ${8:90}%\n"
        "}\n"
    ),
    "variant": (
        'variant ${1:name} of ${2:METRIC} for ${3:therapeutic_area} = "${4:oncology}" {\n'
        "    ${5:bands higher_is_better { green >= 90%, amber >= 80%, red }}\n"
        '    rationale "${6:why this area differs}"\n'
        "}\n"
    ),
    "example": (
        'example "${1:what it shows}" for ${2:METRIC} {\n'
        "    as_of ${3:2026-01-31T00:00Z}\n"
        "    events {\n"
        "        study | site | event | at\n"
        "        ${4:S1    | 001  | name  | 2026-01-02T15:00Z}\n"
        "    }\n"
        "    expect ${5:value = 50%}\n"
        "}\n"
    ),
}


# ------------------------------------------------------------------------------ completion
def completion(analysis: Analysis, file: str, text: str, offset: int) -> L.CompletionList:
    """Keywords the grammar accepts at ``offset``, the names that fit there, and snippets."""
    expected = expected_at(text, offset)
    items = [L.CompletionItem(k, kind=_K.Keyword) for k in sorted(expected.keywords)]
    if expected.keywords & set(vocabulary().declarations):
        items += [
            L.CompletionItem(
                f"{word} …",
                kind=_K.Snippet,
                insert_text=body,
                insert_text_format=L.InsertTextFormat.Snippet,
                filter_text=word,
                detail=f"a new {word}",
            )
            for word, body in _SNIPPETS.items()
        ]
    if expected.name:
        items += _names(analysis.index, file, text, offset)
    return L.CompletionList(is_incomplete=False, items=items)


def _names(index: Index, file: str, text: str, offset: int) -> list[L.CompletionItem]:
    start = partial_word(text, offset)
    before = _WORD_BEFORE.search(text, 0, start)
    word = before.group(1) if before else ""
    clause = _clause_word(text, start)
    if word in _EVENT_WORDS:
        return _declared(index, "event", _K.EnumMember)
    if clause in ("companion", "kpis", "metrics") or word == "of" or clause == "example":
        return _declared(index, "metric", _K.Function)
    if clause == "csfs":
        return _declared(index, "csf", _K.Interface)
    if word == "per" or clause == "levels":
        return _declared(index, "unit", _K.Class) + _choices(("portfolio",))
    fixed = {"category": CATEGORIES, "status": STATUSES, "period": GRAINS, "bands": DIRECTIONS}
    if clause in fixed and word == clause:
        return _choices(fixed[clause])
    if word == "by" or clause in ("variant", "unit"):
        return _declared(index, "column", _K.Field)
    metric = _enclosing_metric(index, file, start)
    params = [s for s in index.declared("param") if s.key.startswith(f"{metric}.")]
    return (
        _declared(index, "event", _K.EnumMember)
        + [L.CompletionItem(s.name, kind=_K.Variable, detail="param") for s in params]
        + [L.CompletionItem(f, kind=_K.Function, detail="function") for f in FUNCTIONS]
    )


def _clause_word(text: str, offset: int) -> str:
    """The first word of the line holding ``offset`` (the clause or declaration keyword)."""
    line = text[:offset].splitlines()[-1] if text[:offset].strip() else ""
    found = re.match(r"\s*([A-Za-z_]+)", line)
    return found.group(1) if found else ""


def _declared(index: Index, kind: str, item_kind: L.CompletionItemKind) -> list[L.CompletionItem]:
    return [L.CompletionItem(s.name, kind=item_kind, detail=kind) for s in index.declared(kind)]


def _choices(words: Iterable[str]) -> list[L.CompletionItem]:
    return [L.CompletionItem(w, kind=_K.Value) for w in words]


def _enclosing_metric(index: Index, file: str, offset: int) -> str | None:
    found = None
    for occ in index.by_file.get(file, ()):
        if occ.span.start > offset:
            break
        if isinstance(occ.decl, A.MetricDecl):
            found = occ.symbol.key
        elif isinstance(occ.decl, A.VariantDecl):
            found = occ.decl.base.text
    return found


# ------------------------------------------------------------------------------ formatting
def formatting(text: str, lines: Lines, file: str) -> list[L.TextEdit]:
    """The whole file in the canonical layout (``imx fmt``); nothing if it does not parse."""
    result = format_source(text, file)
    if result.text is None or result.text == text:
        return []
    return [L.TextEdit(lines.range(Span(0, len(text))), result.text)]


# ---------------------------------------------------------------------------- code actions
def code_actions(
    analysis: Analysis, lines_of: LinesOf, file: str, span: Span
) -> list[L.CodeAction]:
    """Quick fixes for the diagnostics that touch ``span`` of ``file``."""
    actions: list[L.CodeAction] = []
    for diag in analysis.diagnostics_of(file):
        if diag.span.start <= span.end and span.start <= diag.span.end:
            actions += _actions_for(analysis, lines_of, diag)
    return actions


def _actions_for(analysis: Analysis, lines_of: LinesOf, diag: Diagnostic) -> list[L.CodeAction]:
    lines = lines_of(diag.file)
    found = [_action(diag, lines, f.title, f.span, f.replacement, True) for f in diag.fixes]
    fixed = {f.replacement for f in diag.fixes}
    for name in _suggested(diag):
        if name not in fixed:
            found.append(_action(diag, lines, f"replace with `{name}`", diag.span, name, False))
    if diag.code == "missing-companion":
        found += _companions(analysis, lines, diag)
    if diag.code == "missing-field":
        found += _missing_field(analysis, lines, diag)
    return found


def _action(
    diag: Diagnostic, lines: Lines, title: str, span: Span, text: str, preferred: bool
) -> L.CodeAction:
    edit = L.WorkspaceEdit(changes={uri_of(diag.file): [L.TextEdit(lines.range(span), text)]})
    return L.CodeAction(
        title=title,
        kind=L.CodeActionKind.QuickFix,
        diagnostics=[to_lsp(diag, lines_for=lambda _: lines)],
        is_preferred=preferred or None,
        edit=edit,
    )


def _suggested(diag: Diagnostic) -> list[str]:
    """The names a did-you-mean hint offers (```a`` or ``b``?)."""
    return [
        name
        for hint in diag.hints
        if hint.startswith("did you mean ")
        for name in re.findall(r"`([^`]+)`", hint)
    ]


def _metric_at(analysis: Analysis, diag: Diagnostic) -> A.MetricDecl | None:
    module = analysis.module(diag.file)
    for item in module.items if module else ():
        if isinstance(item, A.MetricDecl) and item.name.span == diag.span:
            return item
    return None


def _insert_field(
    analysis: Analysis, lines: Lines, diag: Diagnostic, title: str, line: str
) -> L.CodeAction | None:
    """An action inserting ``line`` as the last field of the metric the diagnostic names."""
    metric = _metric_at(analysis, diag)
    if metric is None:
        return None
    text = analysis.texts[diag.file]
    brace = text.rfind("}", metric.span.start, metric.span.end)
    if brace < 0:
        return None
    at = lines.starts[lines.position(brace).line]
    inside = text[at:brace].strip() == ""
    insert = f"    {line}\n" if inside else f"\n    {line}\n"
    return _action(
        diag, lines, title, Span(at if inside else brace, at if inside else brace), insert, False
    )


def _companions(analysis: Analysis, lines: Lines, diag: Diagnostic) -> list[L.CodeAction]:
    model = analysis.model
    quality = [mt.id for mt in model.metrics if mt.base.category == "quality"] if model else []
    made = (
        _insert_field(analysis, lines, diag, f"add `companion {q}`", f"companion {q}")
        for q in quality[:5]
    )
    return [a for a in made if a is not None]


def _missing_field(analysis: Analysis, lines: Lines, diag: Diagnostic) -> list[L.CodeAction]:
    field = diag.message.rsplit("`", 2)[-2] if diag.message.count("`") >= 2 else ""
    values: dict[str, Iterable[str]] = {
        "category": CATEGORIES,
        "per": [s.name for s in analysis.index.declared("unit")][:5],
        "summary": ("median",),
    }
    made = (
        _insert_field(analysis, lines, diag, f"add `{field} {v}`", f"{field} {v}")
        for v in values.get(field, ())
    )
    return [a for a in made if a is not None]


# ----------------------------------------------------------------------------- diagnostics
_SEVERITY = {
    "error": L.DiagnosticSeverity.Error,
    "warning": L.DiagnosticSeverity.Warning,
    "note": L.DiagnosticSeverity.Information,
}


def to_lsp(diag: Diagnostic, lines_for: LinesOf) -> L.Diagnostic:
    """An imx diagnostic as the protocol's: same code, range, message; hints appended; labels as
    related information; fixes in ``data`` (ranges as the protocol counts them)."""
    lines = lines_for(diag.file)
    message = diag.message + "".join(f"\nhint: {h}" for h in diag.hints)
    related = [
        L.DiagnosticRelatedInformation(
            L.Location(uri_of(lb.file), lines_for(lb.file).range(lb.span)), lb.message
        )
        for lb in diag.labels
    ]
    fixes = [
        {"title": f.title, "range": _range_json(lines.range(f.span)), "replacement": f.replacement}
        for f in diag.fixes
    ]
    return L.Diagnostic(
        range=lines.range(diag.span),
        message=message,
        severity=_SEVERITY[diag.severity.value],
        code=diag.code,
        source="imx",
        related_information=related or None,
        data={"fixes": fixes} if fixes else None,
    )


def _range_json(rng: L.Range) -> dict[str, dict[str, int]]:
    return {
        "start": {"line": rng.start.line, "character": rng.start.character},
        "end": {"line": rng.end.line, "character": rng.end.character},
    }


__all__ = ["Symbol", "code_actions", "completion", "formatting", "to_lsp"]
