"""An analysis and a cursor in → hover text, definitions, references, renames and the outline.

Every answer is read from the index of the project's trees (so it works in a file with errors),
and a metric's hover adds its resolved definition from the last model checked without errors,
field by field with the layer (base or variant) that set it, as ``imx explain`` prints it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from lsprotocol import types as L

from imx import model as m
from imx.lsp.index import RENAMABLE, Occurrence, Symbol
from imx.lsp.positions import Lines
from imx.lsp.workspace import Analysis
from imx.render.explain import explain_rows
from imx.source import Span
from imx.spec_text import selector_text
from imx.syntax import ast as A

LinesOf = Callable[[str], Lines]  # a file's line index
_METRIC_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def uri_of(file: str) -> str:
    return Path(file).as_uri()


def location(lines_of: LinesOf, file: str, span: Span) -> L.Location:
    return L.Location(uri_of(file), lines_of(file).range(span))


# ---------------------------------------------------------------------------------- hover
def hover(analysis: Analysis, lines_of: LinesOf, file: str, offset: int) -> L.Hover | None:
    """What the name under the cursor is: its declaration summed up in Markdown."""
    occ = analysis.index.at(file, offset)
    if occ is None:
        return None
    parts = _describe(analysis, occ.symbol)
    if not parts:
        return None
    content = L.MarkupContent(L.MarkupKind.Markdown, "\n\n".join(parts))
    return L.Hover(content, lines_of(file).range(occ.span))


def _describe(analysis: Analysis, symbol: Symbol) -> list[str]:
    decls = [o.decl for o in analysis.index.definitions(symbol) if o.decl is not None]
    if not decls:
        return [f"`{symbol.name}`: no {symbol.kind} of this name is declared"]
    decl = decls[0]
    if isinstance(decl, A.MetricDecl):
        return _metric(analysis, _current(analysis, decls))
    if isinstance(decl, A.VariantDecl):
        return _variant(analysis, decl)
    if isinstance(decl, A.Column):
        return [_column(analysis, c) for c in decls if isinstance(c, A.Column)]
    if isinstance(decl, A.UnitDecl):
        keys = ", ".join(c.text for c in decl.columns)
        return [f"**unit** `{decl.name.text}`", f"keys: {keys}"]
    if isinstance(decl, A.ParamClause):
        return _param(analysis, symbol, decl)
    return _titled(symbol.kind, decl)


def _titled(kind: str, decl: A.Node) -> list[str]:
    name = getattr(decl, "name", None)
    title = getattr(decl, "title", None)
    head = f"**{kind}** `{name.text if isinstance(name, A.Name) else ''}`"
    parts = [head + (f" — {title.value}" if isinstance(title, A.Str) else "")]
    if isinstance(decl, A.CsfDecl):
        parts += [
            f"kpis: {', '.join(n.text for f in decl.fields if isinstance(f, A.KpisField) for n in f.metrics)}"
        ]
    if isinstance(decl, A.TableDecl):
        parts += [f"columns: {', '.join(c.name.text for c in decl.columns)}"]
    return parts


def _metric(analysis: Analysis, decl: A.MetricDecl) -> list[str]:
    title = f" — {decl.title.value}" if decl.title else ""
    key = decl.name.text if decl.version is None else f"{decl.name.text}@{decl.version.value}"
    parts = [f"**metric** `{key}`{title}"]
    for f in decl.fields:
        if isinstance(f, A.QuestionClause):
            parts.append(f"*{f.text.value}*")
    for f in decl.fields:
        if isinstance(f, A.DocClause):
            parts.append(f.text.value.strip())
    metric = analysis.model.metric(key) if analysis.model else None  # this version (rule 27)
    if metric is not None:
        parts.append(_rows_block(metric.base))
        for v in metric.variants:
            sets = ", ".join(v.overrides) or "nothing"
            parts.append(f"variant `{v.name}` for {selector_text(v)}: sets {sets}")
    return parts


def _current(analysis: Analysis, decls: list[A.Node]) -> A.MetricDecl:
    """Of a metric's declarations (one per version), the current version's (rule 27)."""
    found = [d for d in decls if isinstance(d, A.MetricDecl)]
    current = analysis.model.metric(found[0].name.text) if analysis.model else None
    version = current.version if current is not None else None
    return next((d for d in found if d.version and d.version.value == version), found[0])


def _rows_block(resolved: m.ResolvedMetric) -> str:
    layers = dict(resolved.provenance)
    width = max(len(k) for k, _ in explain_rows(resolved))
    lines = []
    for key, value in explain_rows(resolved):
        layer = layers.get(key, "base")
        lines.append(f"{key.ljust(width)}  {value}" + (f"   ← {layer}" if layer != "base" else ""))
    return "```\n" + "\n".join(lines) + "\n```"


def _variant(analysis: Analysis, decl: A.VariantDecl) -> list[str]:
    parts = [f"**variant** `{decl.name.text}` of `{decl.base.text}`"]
    metric = analysis.model.metric(decl.base.text) if analysis.model else None
    chosen = (
        next((v for v in metric.variants if v.name == decl.name.text), None) if metric else None
    )
    if chosen is not None:
        parts.append(
            f"for {selector_text(chosen)}; sets {', '.join(chosen.overrides) or 'nothing'}"
        )
        if chosen.rationale:
            parts.append(chosen.rationale)
        parts.append(_rows_block(chosen.resolved))
    return parts


def _column(analysis: Analysis, col: A.Column) -> str:
    flags = "".join(f" {f.text}" for f in col.flags)
    table = _table_of(analysis, col)
    where = f"`{table}.{col.name.text}`" if table else f"`{col.name.text}`"
    return f"**column** {where}: {col.type.text}{flags}"


def _table_of(analysis: Analysis, col: A.Column) -> str | None:
    for module in analysis.project.modules:
        for item in module.items:
            if isinstance(item, A.TableDecl) and any(c is col for c in item.columns):
                return item.name.text
    return None


def _param(analysis: Analysis, symbol: Symbol, decl: A.ParamClause) -> list[str]:
    metric, _, name = symbol.key.partition(".")
    occ = analysis.index.definitions(symbol)[0]
    written = analysis.texts.get(occ.file, "")[decl.value.span.start : decl.value.span.end]
    parts = [f"**param** `{name}` of `{metric}` = `{written}`"]
    if isinstance(decl.value, A.DurationLit):
        parts.append(f"a duration in {decl.value.unit.text}")
    elif isinstance(decl.value, A.PercentLit):
        parts.append("a percentage")
    return parts


# ------------------------------------------------------------------------- go to, references
def definition(analysis: Analysis, lines_of: LinesOf, file: str, offset: int) -> list[L.Location]:
    occ = analysis.index.at(file, offset)
    if occ is None:
        return []
    return [location(lines_of, o.file, o.span) for o in analysis.index.definitions(occ.symbol)]


def references(
    analysis: Analysis, lines_of: LinesOf, file: str, offset: int, *, declaration: bool
) -> list[L.Location]:
    occ = analysis.index.at(file, offset)
    if occ is None:
        return []
    found = [o for o in analysis.index.references(occ.symbol) if declaration or not o.is_def]
    return [location(lines_of, o.file, o.span) for o in found]


# ---------------------------------------------------------------------------------- rename
class RenameRefused(Exception):
    """A rename that cannot be made (its message is shown to the author)."""


def prepare_rename(analysis: Analysis, file: str, offset: int) -> Occurrence:
    """The occurrence a rename at ``offset`` would start from, or why there is none."""
    occ = analysis.index.at(file, offset)
    if occ is None:
        raise RenameRefused("no renamable name here")
    if occ.symbol.kind not in RENAMABLE:
        raise RenameRefused(f"a {occ.symbol.kind} cannot be renamed here")
    if not analysis.index.definitions(occ.symbol):
        raise RenameRefused(f"`{occ.symbol.name}` is not declared in this project")
    imported = [
        o.file for o in analysis.index.references(occ.symbol) if analysis.is_imported(o.file)
    ]
    if imported:
        raise RenameRefused(f"`{occ.symbol.name}` is used in an imported file: {imported[0]}")
    return occ


def rename(
    analysis: Analysis, lines_of: LinesOf, file: str, offset: int, new_name: str
) -> L.WorkspaceEdit:
    """Every occurrence of the symbol under the cursor renamed, in every file of the project."""
    occ = prepare_rename(analysis, file, offset)
    pattern = _METRIC_ID if occ.symbol.kind in ("metric", "csf", "metricset") else _NAME
    if not pattern.match(new_name):
        raise RenameRefused(f"`{new_name}` is not a valid {occ.symbol.kind} name")
    clash = Symbol(occ.symbol.kind, occ.symbol.key[: -len(occ.symbol.name)] + new_name)
    if clash != occ.symbol and analysis.index.definitions(clash):
        raise RenameRefused(f"a {occ.symbol.kind} `{new_name}` is already declared")
    changes: dict[str, list[L.TextEdit]] = {}
    for o in analysis.index.references(occ.symbol):
        edit = L.TextEdit(lines_of(o.file).range(o.span), new_name)
        changes.setdefault(uri_of(o.file), []).append(edit)
    return L.WorkspaceEdit(changes=changes)


# --------------------------------------------------------------------------------- outline
_SYMBOL_KINDS: dict[type, L.SymbolKind] = {
    A.Schema: L.SymbolKind.Namespace,
    A.EventsDecl: L.SymbolKind.Enum,
    A.TableDecl: L.SymbolKind.Struct,
    A.UnitDecl: L.SymbolKind.Class,
    A.CalendarDecl: L.SymbolKind.Object,
    A.MetricDecl: L.SymbolKind.Function,
    A.VariantDecl: L.SymbolKind.Method,
    A.CsfDecl: L.SymbolKind.Interface,
    A.MetricSetDecl: L.SymbolKind.Package,
    A.ExampleDecl: L.SymbolKind.Event,
    A.Import: L.SymbolKind.Module,
}


def document_symbols(module: A.Module, lines: Lines) -> list[L.DocumentSymbol]:
    """The outline of a file: each declaration, with the events, columns and params inside it."""
    return [s for item in module.items if (s := _item_symbol(item, lines)) is not None]


def _item_symbol(item: A.Node, lines: Lines) -> L.DocumentSymbol | None:
    kind = _SYMBOL_KINDS.get(type(item))
    if kind is None:
        return None
    name, at = _item_name(item)
    detail = getattr(item, "title", None)
    children = [
        L.DocumentSymbol(n.text, k, lines.range(span), lines.range(n.span))
        for n, k, span in _children(item)
    ]
    return L.DocumentSymbol(
        name=name or type(item).__name__,
        kind=kind,
        range=lines.range(item.span),
        selection_range=lines.range(at),
        detail=detail.value if isinstance(detail, A.Str) else None,
        children=children or None,
    )


def _item_name(item: A.Node) -> tuple[str, Span]:
    if isinstance(item, A.VariantDecl):
        return f"{item.base.text} / {item.name.text}", item.name.span
    if isinstance(item, A.ExampleDecl):
        return f"example {item.title.value}", item.title.span
    if isinstance(item, A.Import):
        return f"import {item.dotted}", item.span
    if isinstance(item, A.EventsDecl):
        return "events", item.span
    name = getattr(item, "name", None)
    return (name.text, name.span) if isinstance(name, A.Name) else ("", item.span)


def _children(item: A.Node) -> Sequence[tuple[A.Name, L.SymbolKind, Span]]:
    if isinstance(item, A.EventsDecl):
        return [(e.name, L.SymbolKind.EnumMember, e.span) for e in item.events]
    if isinstance(item, A.TableDecl):
        return [(c.name, L.SymbolKind.Field, c.span) for c in item.columns]
    if isinstance(item, A.MetricDecl | A.VariantDecl):
        params = [f.clause if isinstance(f, A.ModedClause) else f for f in item.fields]
        return [
            (p.name, L.SymbolKind.Constant, p.span) for p in params if isinstance(p, A.ParamClause)
        ]
    return []
