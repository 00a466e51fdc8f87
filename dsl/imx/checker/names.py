"""Symbol tables: a project's modules in → declarations by kind and name (duplicates reported)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from imx import messages as M
from imx.checker.context import Ctx, Decl, Reporter
from imx.diagnostics import Label, available, did_you_mean, replacement_fix
from imx.source import Span
from imx.syntax import ast as A

T = TypeVar("T")


@dataclass
class Symbols:
    """Every declaration of the project, keyed by name per kind (first definition wins)."""

    schemas: list[Decl[A.Schema]] = field(default_factory=list)
    events: dict[str, Decl[A.EventDef]] = field(default_factory=dict)
    tables: dict[str, Decl[A.TableDecl]] = field(default_factory=dict)
    units: dict[str, Decl[A.UnitDecl]] = field(default_factory=dict)
    calendars: dict[str, Decl[A.CalendarDecl]] = field(default_factory=dict)
    metrics: dict[str, Decl[A.MetricDecl]] = field(default_factory=dict)  # by metric_key
    variants: list[Decl[A.VariantDecl]] = field(default_factory=list)
    csfs: dict[str, Decl[A.CsfDecl]] = field(default_factory=dict)
    metricsets: dict[str, Decl[A.MetricSetDecl]] = field(default_factory=dict)
    examples: list[Decl[A.ExampleDecl]] = field(default_factory=list)


def collect(modules: Iterable[A.Module], ctx: Ctx) -> Symbols:
    """Gather declarations from all files; a second definition of a name is reported."""
    symbols = Symbols()
    for module in modules:
        rep = ctx.at(module.path)
        for item in module.items:
            _add_item(symbols, rep, item)
    return symbols


def _add_item(s: Symbols, rep: Reporter, item: A.Item) -> None:
    file = rep.file
    if isinstance(item, A.Schema):
        if s.schemas:
            _duplicate(rep, "schema", item.name, s.schemas[0].file, s.schemas[0].node.name.span)
        s.schemas.append(Decl(file, item))
    elif isinstance(item, A.EventsDecl):
        for event in item.events:
            _define(s.events, rep, "event", event.name, event)
    elif isinstance(item, A.TableDecl):
        _define(s.tables, rep, "table", item.name, item)
    elif isinstance(item, A.UnitDecl):
        _define(s.units, rep, "unit", item.name, item)
    elif isinstance(item, A.CalendarDecl):
        _define(s.calendars, rep, "calendar", item.name, item)
    elif isinstance(item, A.MetricDecl):  # one entry per version: `XFER-OT@2014` (rule 27)
        version = item.version.value if item.version is not None else None
        _define(s.metrics, rep, "metric", item.name, item, metric_key(item.name.text, version))
    elif isinstance(item, A.VariantDecl):
        s.variants.append(Decl(file, item))
    elif isinstance(item, A.CsfDecl):
        _define(s.csfs, rep, "csf", item.name, item)
    elif isinstance(item, A.MetricSetDecl):
        _define(s.metricsets, rep, "metricset", item.name, item)
    elif isinstance(item, A.ExampleDecl):
        s.examples.append(Decl(file, item))


def metric_key(metric_id: str, version: str | None) -> str:
    """How a version of a metric is named: ``XFER-OT@2014``, or its id when it has none.

    >>> metric_key("XFER-OT", "2014"), metric_key("XFER-OT", None)
    ('XFER-OT@2014', 'XFER-OT')
    """
    return metric_id if version is None else f"{metric_id}@{version}"


def _define(
    table: dict[str, Decl[T]],
    rep: Reporter,
    kind: str,
    name: A.Name,
    node: T,
    key: str | None = None,
) -> None:
    key = name.text if key is None else key
    first = table.get(key)
    if first is None:
        table[key] = Decl(rep.file, node)
        return
    first_name = getattr(first.node, "name", None)
    first_span = first_name.span if isinstance(first_name, A.Name) else Span(0, 0)
    _duplicate(rep, kind, name, first.file, first_span, key)


def _duplicate(
    rep: Reporter,
    kind: str,
    name: A.Name,
    first_file: str,
    first_span: Span,
    key: str | None = None,
) -> None:
    rep.report(
        M.DUPLICATE_DEFINITION.format(kind, key or name.text),
        name.span,
        labels=[_label(first_file, first_span)],
        hints=[
            f"each version of a {kind} is declared once: give this one a version of its own"
            if key and "@" in key
            else f"names of {kind}s must be unique across all files of the project"
        ],
    )


def _label(file: str, span: Span) -> Label:
    return Label(file, span, M.FIRST_DEFINED_HERE)


def unknown(
    rep: Reporter,
    message: M.Message,
    kind: str,
    name: A.Name,
    candidates: Iterable[str],
    plural: str = "",
) -> None:
    """Report an unknown name (``message`` worded with ``kind`` and the name) with a
    did-you-mean hint, else the list of what exists."""
    unknown_as(rep, message.format(kind, name.text), name, candidates, plural or f"{kind}s")


def unknown_as(
    rep: Reporter, message: M.Message, name: A.Name, candidates: Iterable[str], plural: str
) -> None:
    """Report ``message`` about an unknown name with a did-you-mean hint, else ``plural``; not
    for the name of an item whose syntax error is already reported."""
    if name.text in rep.unparsed:
        return
    pool = sorted(set(candidates))
    hints = did_you_mean(name.text, pool) or available(plural, pool)
    rep.report(message, name.span, hints=hints, fixes=replacement_fix(name.text, name.span, pool))


def resolve(
    rep: Reporter, table: dict[str, Decl[T]], message: M.Message, kind: str, name: A.Name
) -> Decl[T] | None:
    """Look a name up; report ``message`` (``unknown <kind> `name```) when it is not declared."""
    found = table.get(name.text)
    if found is None:
        unknown(rep, message, kind, name, table)
    return found
