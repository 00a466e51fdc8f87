"""Variants: a variant declaration and its checked base in → a merged model.Variant out.

A selector term names a study attribute (a column of ``studies``), a site attribute (a column
of ``sites`` that is not a key of ``studies``) or an attribute declared on the base metric's unit
(semantics rule 28). Each name must be exactly one of them: a name that is two is reported
(``selector-ambiguous``), as is a site attribute on a metric whose unit spans several sites, a
value that is not text, and an unknown name (with did-you-mean over all three kinds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from imx import messages as M
from imx import model as m
from imx.checker.context import Decl, Reporter
from imx.checker.fields import MEASURES, MODED, Fields, Sourced, gather
from imx.checker.levels import joinable
from imx.checker.metrics import PROVENANCE_NAMES, Resolver, make_param
from imx.checker.names import unknown, unknown_as
from imx.checker.schema import value_type
from imx.checker.types import Env, Param, kind_words
from imx.diagnostics import Label
from imx.source import Span
from imx.syntax import ast as A

ALLOWED = ("param", "bands", "target", "min_n", "where", "exclude", "doc", "rationale")
CHANGES_MEASURE = (*MEASURES, "per")
SELECTOR_TABLES = ("studies", "sites")  # then the unit's attributes


@dataclass(frozen=True)
class BaseInfo:
    """What a variant needs of its base metric."""

    decl: Decl[A.MetricDecl]
    fields: Fields
    params: dict[str, Param]


@dataclass(frozen=True)
class Checked:
    """A checked variant and where its selector was written (for overlap reports)."""

    variant: m.Variant
    file: str
    span: Span


def check_variant(decl: Decl[A.VariantDecl], base: BaseInfo, resolver: Resolver) -> Checked:
    """Check one variant's selector and fields, then merge it onto its base."""
    node = decl.node
    rep = resolver.ctx.at(decl.file)
    name = node.name.text
    owner = ("variant", name)
    own = _allowed_fields(gather(node.fields, name, rep, owner), node, base, rep)
    params = _merge_params(own, base, rep)
    merged = _merge(base.fields, own)
    resolved = resolver.resolve(
        base.decl.node.name.text, _title(base), merged, Env(resolver.info, params)
    )
    selector = _selector(node.selector, resolved.unit, resolver, rep)
    rationale = _rationale(own)
    if rationale is None:
        rep.report(
            M.VARIANT_NO_RATIONALE.format(name, node.base.text),
            node.name.span,
            hints=['say why the studies it selects differ: rationale "…"'],
        )
    overrides = tuple(dict.fromkeys(PROVENANCE_NAMES.get(f, f) for f in own if f != "rationale"))
    variant = m.Variant(name, node.base.text, selector, rationale, overrides, resolved)
    span = node.selector[0].span.cover(node.selector[-1].span) if node.selector else node.span
    return Checked(variant, decl.file, span)


def _title(base: BaseInfo) -> str | None:
    title = base.decl.node.title
    return title.value if title else None


def _rationale(own: Fields) -> str | None:
    items = own.get("rationale")
    if not items:
        return None
    clause = items[0].clause
    return clause.text.value if isinstance(clause, A.RationaleClause) else None


def _selector(
    terms: Sequence[A.SelectorTerm], unit: m.UnitDef, resolver: Resolver, rep: Reporter
) -> tuple[m.SelectorTerm, ...]:
    out: list[m.SelectorTerm] = []
    for term in terms:
        source = _source(term.column, unit, resolver.info.schema, rep)
        values = (term.value,) if isinstance(term, A.SelectorEq) else term.values
        out.append(m.SelectorTerm(term.column.text, tuple(v.value for v in values), source))
    return tuple(out)


_SOURCE_WORDS = {"studies": "a study attribute", "sites": "a site attribute"}
_TEXT = (m.Type.TEXT, m.Type.EVENT_KIND)


def selector_names(schema: m.SchemaDef, unit: m.UnitDef) -> dict[str, list[str]]:
    """Every name a selector of a metric of ``unit`` may use, with where it is: ``studies``,
    ``sites`` (a column that is not a key of ``studies``) and :data:`imx.model.UNIT_SOURCE`
    (an attribute of the unit); a name with two places is ambiguous."""
    found: dict[str, list[str]] = {}
    studies = schema.table("studies")
    study_keys = set(studies.keys) if studies else set()
    for table in SELECTOR_TABLES:
        tdef = schema.table(table)
        for column in tdef.columns if tdef else ():
            if table == "studies" or column.name not in study_keys:
                found.setdefault(column.name, []).append(table)
    for attribute in unit.attributes:
        found.setdefault(attribute.name, []).append(m.UNIT_SOURCE)
    return found


def _where(source: str, unit: m.UnitDef) -> str:
    return _SOURCE_WORDS.get(source, f"an attribute of unit `{unit.name}`")


def _source(name: A.Name, unit: m.UnitDef, schema: m.SchemaDef, rep: Reporter) -> str:
    """Where one selector name lives (reported when it is nowhere, or in two places)."""
    known = selector_names(schema, unit)
    places = known.get(name.text, [])
    if not places:
        _unknown_selector(name, unit, schema, known, rep)
        return "studies"
    if len(places) > 1:
        words = " and ".join(_where(p, unit) for p in places)
        rep.report(
            M.SELECTOR_AMBIGUOUS.format(name.text, words),
            name.span,
            hints=[_ambiguous_hint(name.text, places, unit)],
        )
        return places[0]
    source = places[0]
    if source != m.UNIT_SOURCE and unit.keys and not joinable(schema, source, unit):
        tdef = schema.table(source)
        keys = ", ".join(tdef.keys) if tdef else source
        msg = M.SELECTOR_FINER_THAN_UNIT.format(name.text, _where(source, unit), unit.name, source)
        rep.report(msg, name.span, hints=[f"select on a study attribute, or measure per a unit "
                                          f"with the keys {keys}"])  # fmt: skip
    kind = _kind(name.text, source, unit, schema)
    if kind not in _TEXT and kind is not m.Type.ERROR:
        msg = M.SELECTOR_TYPE.format(name.text, _KIND_WORDS.get(kind, kind.value))
        rep.report(msg, name.span, hints=[_TYPE_HINT])
    return source


_KIND_WORDS = {
    m.Type.NUMBER: "numbers",
    m.Type.BOOLEAN: "booleans",
    m.Type.TIMESTAMP: "instants",
    m.Type.DATE: "dates",
    m.Type.DURATION: "durations",
}
_TYPE_HINT = "a selector compares text: select on a text attribute (a unit attribute may name one)"


def _kind(name: str, source: str, unit: m.UnitDef, schema: m.SchemaDef) -> m.Type:
    if source == m.UNIT_SOURCE:
        attribute = unit.attribute(name)
        return attribute.type if attribute else m.Type.ERROR
    tdef = schema.table(source)
    column = tdef.column(name) if tdef else None
    return value_type(column) if column else m.Type.ERROR


def _ambiguous_hint(name: str, places: list[str], unit: m.UnitDef) -> str:
    if m.UNIT_SOURCE in places:
        return (
            f"rename the attribute of unit `{unit.name}` (e.g. `{unit.name}_{name}`): a selector"
            " name must be one study attribute, site attribute or unit attribute"
        )
    return (
        f"rename one of the columns (e.g. `site_{name}` in `sites`): a selector name must be"
        " one study attribute, site attribute or unit attribute"
    )


def _unknown_selector(
    name: A.Name,
    unit: m.UnitDef,
    schema: m.SchemaDef,
    known: dict[str, list[str]],
    rep: Reporter,
) -> None:
    owners = [u.name for u in schema.units if u.attribute(name.text) is not None]
    if owners and unit.keys and name.text not in rep.unparsed:
        hint = (
            f"`{name.text}` is an attribute of unit `{owners[0]}`, not of `{unit.name}`, the"
            f" metric's unit: declare it on unit `{unit.name}` too to select by it"
        )
        msg = M.UNKNOWN_COLUMN.format("selector attribute", name.text)
        rep.report(msg, name.span, hints=[hint])
        return
    plural = "study, site and unit attributes"
    unknown(rep, M.UNKNOWN_COLUMN, "selector attribute", name, known, plural)


def _allowed_fields(own: Fields, node: A.VariantDecl, base: BaseInfo, rep: Reporter) -> Fields:
    """Keep the fields a variant may set; report the others."""
    kept: Fields = {}
    for name, items in own.items():
        first = items[0]
        if name in CHANGES_MEASURE:
            what = "the measure" if name in MEASURES else "the unit (`per`)"
            msg = M.VARIANT_CHANGES_MEASURE.format(node.name.text, what, node.base.text)
            rep.report(
                msg,
                first.clause.span,
                hints=["declare a separate metric instead"],
            )
        elif name not in ALLOWED:
            rep.report(
                M.VARIANT_FIELD_NOT_ALLOWED.format(name),
                first.clause.span,
                hints=[_ALLOWED_HINT],
            )
        else:
            kept[name] = [s for s in items if _mode_ok(s, name, rep)]
    return kept


_ALLOWED_HINT = (
    "a variant may set param, bands, target, min_n, replace/extend where or "
    "exclude, doc and rationale"
)


def _mode_ok(s: Sourced, name: str, rep: Reporter) -> bool:
    if name in MODED and s.mode is None:
        rep.report(
            M.VARIANT_WHERE_MODE.format(name),
            s.clause.span,
            hints=[
                f"write `replace {name} …` to drop the base's, or `extend {name} …` to add to them"
            ],
        )
        return False
    if name not in MODED and s.mode is not None:
        rep.report(
            M.MODE_NOT_ALLOWED.format(s.mode, f"front of `{name}`"),
            s.clause.span,
            hints=["only `where` and `exclude` are stated as replace or extend"],
        )
        return False
    return True


def _merge_params(own: Fields, base: BaseInfo, rep: Reporter) -> dict[str, Param]:
    params = dict(base.params)
    for s in own.get("param", []):
        clause = s.clause
        assert isinstance(clause, A.ParamClause)
        first = base.params.get(clause.name.text)
        if first is None:
            msg = M.NO_SUCH_PARAM.format(
                "the base metric", base.decl.node.name.text, "param", clause.name.text
            )
            unknown_as(rep, msg, clause.name, base.params, "params of the base metric")
            continue
        param = make_param(clause, s.file, rep)
        if param is None:
            continue
        if param.kind != first.kind:
            msg = M.PARAM_UNIT_MISMATCH.format(
                param.name, kind_words(param.kind), kind_words(first.kind)
            )
            labels = [Label(first.file, first.span, "the base metric's param")]
            rep.report(msg, clause.value.span, labels=labels)
            continue
        params[param.name] = param
    return params


def _merge(base: Fields, own: Fields) -> Fields:
    """The base's fields with the variant's laid over them (where/exclude by their mode)."""
    merged: Fields = {k: list(v) for k, v in base.items()}
    for name, items in own.items():
        if name == "param":
            names = {s.clause.name.text for s in items if isinstance(s.clause, A.ParamClause)}
            kept = [s for s in merged.get("param", []) if _param_name(s) not in names]
            merged["param"] = kept + items
        elif name in MODED:
            replace = [s for s in items if s.mode == "replace"]
            extend = [s for s in items if s.mode == "extend"]
            start = [] if replace else merged.get(name, [])
            merged[name] = start + replace + extend
        elif name != "rationale":
            merged[name] = items
    return merged


def _param_name(s: Sourced) -> str | None:
    return s.clause.name.text if isinstance(s.clause, A.ParamClause) else None


def check_overlaps(checked: Sequence[Checked], resolver: Resolver) -> None:
    """Report two equally specific variants of one metric (as many selector terms) whose
    selectors can both match the same study, site or unit: rule 28 could not choose between
    them. Of two variants of different specificity the more specific wins, so they may overlap."""
    for i, later in enumerate(checked):
        for earlier in checked[:i]:
            a, b = later.variant.selector, earlier.variant.selector
            if later.variant.base == earlier.variant.base and len(a) == len(b) and _overlap(a, b):
                rep = resolver.ctx.at(later.file)
                v, w = later.variant, earlier.variant
                what = _judged(a, b)
                words = M.BOTH_MATCH_HERE.format(_PLURAL[what])
                label = resolver.ctx.at(earlier.file).label(earlier.span, words)
                rep.report(
                    M.VARIANT_OVERLAP.format(w.name, v.name, v.base, what),
                    later.span,
                    labels=[label],
                    hints=[
                        "make the selectors exclusive, or one more specific (another selector "
                        f"term): a {what} is evaluated under its most specific variant"
                    ],
                )


_PLURAL = {"study": "studies", "site": "sites", "unit": "units"}


def _judged(a: Sequence[m.SelectorTerm], b: Sequence[m.SelectorTerm]) -> str:
    """What two selectors choose a variant for: a unit when either reads a unit attribute, else
    a site when either reads a site attribute, else a study."""
    tables = {t.table for t in (*a, *b)}
    return "unit" if m.UNIT_SOURCE in tables else "site" if "sites" in tables else "study"


def _overlap(a: Sequence[m.SelectorTerm], b: Sequence[m.SelectorTerm]) -> bool:
    """Decidable overlap: the selectors share a column and every shared column's values meet."""
    values_a = _by_column(a)
    values_b = _by_column(b)
    shared = values_a.keys() & values_b.keys()
    return bool(shared) and all(values_a[c] & values_b[c] for c in shared)


def _by_column(terms: Sequence[m.SelectorTerm]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in terms:
        out[t.column] = out[t.column] & set(t.values) if t.column in out else set(t.values)
    return out
