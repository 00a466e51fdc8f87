"""Syntax trees in → every declaration and use of a name, by symbol (for hover, go to, rename).

A name's role is read from where it stands in the tree (the field of the node holding it), so a
node added to the grammar is walked without change here, its names simply not indexed until a
row below says what they are. A bare name in an expression is a param of its metric if one is
declared, else an event, a column, a unit attribute or a calendar; the cells of an example
table's ``event`` column are events too, so renaming an event keeps the examples right. Every
version of a metric is one symbol, its id: ``XFER-OT@2014`` uses ``XFER-OT`` (rule 27).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from imx.source import Span
from imx.syntax import ast as A

EVENT_CELL = "event cell"  # the field under which an example table's event cells are indexed
# (node type, field) → the kind of symbol a name there declares.
_DEFINES = {
    ("MetricDecl", "name"): "metric",
    ("VariantDecl", "name"): "variant",
    ("EventDef", "name"): "event",
    ("TableDecl", "name"): "table",
    ("Column", "name"): "column",
    ("UnitDecl", "name"): "unit",
    ("CalendarDecl", "name"): "calendar",
    ("CsfDecl", "name"): "csf",
    ("MetricSetDecl", "name"): "metricset",
    ("ParamClause", "name"): "param",
    ("UnitAttributeDecl", "name"): "attribute",
}
# (node type, field) → the kind of symbol a name there uses.
_USES = {
    ("VariantDecl", "base"): "metric",
    ("CompanionClause", "metrics"): "metric",
    ("KpisField", "metrics"): "metric",
    ("MetricsField", "metrics"): "metric",
    ("ExampleDecl", "metric"): "metric",
    ("CsfsField", "csfs"): "csf",
    ("EventFact", "event"): "event",
    ("FilteredName", "name"): "event",
    ("CountDistinct", "event"): "event",
    ("ExampleTable", EVENT_CELL): "event",  # a cell of an example's `event` column
    ("PerClause", "unit"): "unit",
    ("LevelName", "name"): "unit",
    ("UnitDecl", "columns"): "column",
    ("SelectorEq", "column"): "column",
    ("SelectorIn", "column"): "column",
    ("LevelBy", "attributes"): "column",
    ("AttributeOf", "attribute"): "column",
    ("CountDistinct", "attribute"): "column",
    ("FilterCompare", "column"): "column",
    ("FilterIn", "column"): "column",
    ("ExampleTable", "table"): "table",
    ("ExampleVariantField", "variant"): "variant",
    ("NameRef", "name"): "name",  # resolved against the declarations: param, event or column
}
RENAMABLE = frozenset(
    {"metric", "variant", "event", "unit", "csf", "metricset", "param", "calendar", "attribute"}
)


@dataclass(frozen=True)
class Symbol:
    """What a name stands for: its kind and a key unique in the project (``QC-FPR``,
    ``QC-FPR/oncology`` for a variant, ``QC-FPR.window`` for a param)."""

    kind: str
    key: str

    @property
    def name(self) -> str:
        """The name as written in the source (the last part of the key)."""
        if self.kind == "variant":
            return self.key.partition("/")[2]
        if self.kind == "param":
            return self.key.partition(".")[2]
        return self.key


@dataclass(frozen=True)
class Occurrence:
    """A name in a file: its symbol, where it is written, and the declaring node if it declares."""

    symbol: Symbol
    file: str
    span: Span
    decl: A.Node | None = None

    @property
    def is_def(self) -> bool:
        return self.decl is not None


@dataclass(frozen=True)
class _Raw:
    """A name found in a tree, before it is resolved against the project's declarations."""

    owner: A.Node
    field: str
    name: A.Name
    metric: str | None  # the enclosing metric (a variant's base)
    example: str | None  # the metric of the enclosing example


@dataclass
class Index:
    """Every occurrence of every indexed name, by file and by symbol."""

    by_file: dict[str, list[Occurrence]] = field(default_factory=dict)
    by_symbol: dict[Symbol, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))

    def at(self, file: str, offset: int) -> Occurrence | None:
        """The occurrence whose name holds ``offset`` (its end included: the cursor after a word)."""
        for occ in self.by_file.get(file, ()):
            if occ.span.start <= offset <= occ.span.end:
                return occ
        return None

    def definitions(self, symbol: Symbol) -> list[Occurrence]:
        return [o for o in self.by_symbol.get(symbol, ()) if o.is_def]

    def references(self, symbol: Symbol) -> list[Occurrence]:
        return list(self.by_symbol.get(symbol, ()))

    def declared(self, kind: str) -> list[Symbol]:
        """The symbols of one kind that are declared somewhere, in the order first met."""
        return [
            s
            for s, occs in self.by_symbol.items()
            if s.kind == kind and any(o.is_def for o in occs)
        ]


def build_index(modules: Iterable[A.Module]) -> Index:
    """Index the names of every module (each module's walk is cached on the module object)."""
    mods = list(modules)
    raws = {m.path: _walk(m) for m in mods}
    known = _declarations(raws.values())
    index = Index()
    for path, found in raws.items():
        occs = [o for raw in found if (o := _resolve(raw, path, known)) is not None]
        occs.sort(key=lambda o: (o.span.start, o.span.end))
        index.by_file[path] = occs
        for occ in occs:
            index.by_symbol[occ.symbol].append(occ)
    return index


_WALKED: dict[int, tuple[A.Module, tuple[_Raw, ...]]] = {}  # by the tree's identity


def _walk(module: A.Module) -> tuple[_Raw, ...]:
    """The names of a module, walked once per tree (an unchanged file keeps its tree)."""
    hit = _WALKED.get(id(module))
    if hit is not None and hit[0] is module:
        return hit[1]
    if len(_WALKED) > 256:
        _WALKED.clear()
    found = tuple(_names(module))
    _WALKED[id(module)] = (module, found)
    return found


def _names(module: A.Module) -> Iterator[_Raw]:
    """Every name under ``module`` with its owner node and field, found without recursion."""
    stack: list[tuple[object, str | None, str | None]] = [(module, None, None)]
    while stack:
        node, metric, example = stack.pop()
        if isinstance(node, tuple | list):
            stack.extend((n, metric, example) for n in node)
            continue
        if not dataclasses.is_dataclass(node) or isinstance(node, type | A.Name):
            continue
        metric, example = _context(node, metric, example)
        if isinstance(node, A.ExampleTable):
            yield from _event_cells(node, metric, example)
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            names = value if isinstance(value, tuple) else (value,)
            for item in names:
                if isinstance(item, A.Name):
                    item = _metric_id(item)
                    yield _Raw(node, f.name, item, metric, example)  # type: ignore[arg-type]
                elif item is not None and not isinstance(item, str | bool | int):
                    stack.append((item, metric, example))


def _metric_id(name: A.Name) -> A.Name:
    """A reference to one version, ``XFER-OT@2014``, as the metric's id it uses (the span of
    the id alone, so a rename keeps ``@2014``); every version of a metric is one symbol."""
    metric_id, at, _ = name.text.partition("@")
    if not at:
        return name
    return A.Name(metric_id, span=Span(name.span.start, name.span.start + len(metric_id)))


def _event_cells(table: A.ExampleTable, metric: str | None, example: str | None) -> Iterator[_Raw]:
    """The cells of an example table's ``event`` column, each as the event name it holds."""
    if not table.rows:
        return
    header = [c.text for c in table.rows[0].cells]
    if "event" not in header:
        return
    at = header.index("event")
    for row in table.rows[1:]:
        if at < len(row.cells) and row.cells[at].text:
            cell = row.cells[at]
            yield _Raw(table, EVENT_CELL, A.Name(cell.text, span=cell.span), metric, example)


def _context(
    node: object, metric: str | None, example: str | None
) -> tuple[str | None, str | None]:
    if isinstance(node, A.MetricDecl):
        return node.name.text, None
    if isinstance(node, A.VariantDecl):
        return node.base.text.partition("@")[0], None
    if isinstance(node, A.ExampleDecl):
        return None, node.metric.text.partition("@")[0]
    return metric, example


@dataclass(frozen=True)
class _Known:
    names: dict[str, frozenset[str]]  # kind → declared names (params as METRIC.NAME)


def _declarations(raws: Iterable[tuple[_Raw, ...]]) -> _Known:
    found: dict[str, set[str]] = defaultdict(set)
    for group in raws:
        for raw in group:
            kind = _DEFINES.get((type(raw.owner).__name__, raw.field))
            if kind is not None:
                found[kind].add(_key(kind, raw))
    return _Known({k: frozenset(v) for k, v in found.items()})


def _key(kind: str, raw: _Raw) -> str:
    if kind == "variant":
        base = raw.owner.base.text if isinstance(raw.owner, A.VariantDecl) else raw.example
        return f"{base}/{raw.name.text}"
    if kind == "param":
        return f"{raw.metric}.{raw.name.text}"
    return raw.name.text


def _resolve(raw: _Raw, file: str, known: _Known) -> Occurrence | None:
    owner = type(raw.owner).__name__
    kind = _DEFINES.get((owner, raw.field))
    if kind is not None:
        return Occurrence(Symbol(kind, _key(kind, raw)), file, raw.name.span, raw.owner)
    kind = _USES.get((owner, raw.field))
    if kind == "name":
        kind = _bare_name(raw, known)
    elif kind == "unit" and raw.name.text not in known.names.get("unit", ()):
        kind = None  # `levels portfolio`: a level that is not a unit
    elif kind == "column":
        kind = _declared_as(raw.name.text, known, ("column", "attribute"))
    if kind is None:
        return None
    return Occurrence(Symbol(kind, _key(kind, raw)), file, raw.name.span)


def _bare_name(raw: _Raw, known: _Known) -> str | None:
    if f"{raw.metric}.{raw.name.text}" in known.names.get("param", ()):
        return "param"
    return _declared_as(raw.name.text, known, ("event", "column", "attribute", "calendar"))


def _declared_as(text: str, known: _Known, kinds: tuple[str, ...]) -> str | None:
    """The first of ``kinds`` that declares ``text`` (a name of no kind is not indexed)."""
    return next((k for k in kinds if text in known.names.get(k, ())), None)
