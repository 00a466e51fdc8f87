"""Unit attributes: the ``{ name = EXPR }`` block of a unit declaration in → typed
``model.UnitAttribute`` values on the schema's units out (semantics rule 17).

An attribute's expression is typed like a metric's (facts, filtered facts, attributes of events,
study and site attributes, ``as_of``) and may use the attributes declared before it in the same
unit, so attributes never form a cycle. An attribute may not be named like a key column of the
events table, a study or site attribute, an event or ``as_of``: each of those already means
something in an expression or a ``by`` level. It may share its name with a non-key column of the
events table (``modality = modality of first scan_acquired``), which an expression reads only
through ``of`` or a filter.
"""

from __future__ import annotations

from dataclasses import replace

from imx import messages as M
from imx import model as m
from imx.checker.context import Ctx, Decl, Reporter
from imx.checker.names import Symbols
from imx.checker.schema import EVENTS, SchemaInfo
from imx.checker.types import AS_OF, WORDS, Env, Typer
from imx.syntax import ast as A

T = m.Type


def check_unit_attributes(symbols: Symbols, info: SchemaInfo, ctx: Ctx) -> SchemaInfo:
    """The schema info with each unit's attributes checked and typed (errors reported)."""
    units: list[m.UnitDef] = []
    for unit in info.schema.units:
        decl = symbols.units.get(unit.name)
        if decl is None or not decl.node.attributes:
            units.append(unit)
            continue
        units.append(_unit(decl, unit, info, ctx.at(decl.file)))
    return replace(info, schema=replace(info.schema, units=tuple(units)))


def _taken(info: SchemaInfo) -> dict[str, str]:
    """Names a unit attribute may not take, each with what it already is."""
    taken: dict[str, str] = {AS_OF: "the data cut `as_of`"}
    taken.update({e: "an event" for e in info.events})
    taken.update({a: f"an attribute of `{t}`" for a, (t, _) in info.attributes.items()})
    events = info.schema.table(EVENTS)
    for column in events.columns if events is not None else ():
        if column.key:
            taken[column.name] = "a key column of `events`"
    return taken


def _unit(decl: Decl[A.UnitDecl], unit: m.UnitDef, info: SchemaInfo, rep: Reporter) -> m.UnitDef:
    taken = _taken(info)
    declared = [a.name.text for a in decl.node.attributes]
    attrs: list[m.UnitAttribute] = []
    seen: dict[str, A.UnitAttributeDecl] = {}
    for i, node in enumerate(decl.node.attributes):
        name = node.name.text
        first = seen.get(name)
        if first is not None:
            msg = M.DUPLICATE_FIELD.format(name, "unit", unit.name)
            rep.report(
                msg, node.name.span, labels=[rep.label(first.name.span, M.FIRST_DEFINED_HERE)]
            )
            continue
        seen[name] = node
        clash = taken.get(name)
        if clash is not None:
            hint = f"rename the attribute: `{name}` already names {clash}"
            rep.report(M.UNIT_ATTRIBUTE_NAME.format(name, clash), node.name.span, hints=[hint])
        later = {
            n: f"`{n}` is declared at or after this attribute: an attribute uses only those "
            "declared before it"
            for n in declared[i:]
        }
        env = Env(info, unit=replace(unit, attributes=tuple(attrs)), elsewhere=later)
        t = Typer(rep, env).infer(node.expr)
        if t.type is T.ERROR:
            continue
        if t.type is T.DURATION:
            text = M.UNIT_ATTRIBUTE_TYPE.format(name, WORDS[t.type])
            hint = "measure the duration in the metric that needs it, from the facts"
            rep.report(text, node.expr.span, hints=[hint])
            continue
        attrs.append(m.UnitAttribute(name, t.expr, t.type))
    return replace(unit, attributes=tuple(attrs))
