"""Reporting levels: one entry of a metric's ``levels`` in → a model.Level out (semantics rule 17).

``site``, ``study`` and ``portfolio`` are named levels. ``by X`` groups the metric's units by X:
a key of its unit (``by reader`` on ``per read``), an attribute declared on the unit, or a study
or site attribute joined to it; ``by X and Y`` crosses two of them. A name the unit cannot be
grouped by is reported where it is written: a key or attribute of a finer grain (``by reader`` on
``per timepoint``: one timepoint has several readers), a name that is nowhere, three names
crossed, a unit attribute whose values are instants or durations.
"""

from __future__ import annotations

from imx import messages as M
from imx import model as m
from imx.checker.context import Reporter
from imx.checker.schema import SchemaInfo
from imx.diagnostics import available, did_you_mean
from imx.syntax import ast as A

LEVEL_NAMES = ("site", "study", "portfolio")
EVENTS = m.SchemaDef.EVENTS_TABLE
GROUPABLE = (m.Type.TEXT, m.Type.NUMBER, m.Type.BOOLEAN, m.Type.EVENT_KIND, m.Type.ERROR)
_TYPE_WORDS = {
    m.Type.TIMESTAMP: "a timestamp",
    m.Type.DATE: "a date",
    m.Type.DURATION: "a duration",
}


def joinable(schema: m.SchemaDef, table: str, unit: m.UnitDef) -> bool:
    """Whether each unit of ``unit`` has one row of ``table`` (its keys are among the unit's)."""
    tdef = schema.table(table)
    return tdef is not None and all(k in unit.keys for k in tdef.keys)


def by_names(unit: m.UnitDef, info: SchemaInfo) -> dict[str, str]:
    """What ``by`` may name for a metric of ``unit``, each with where it lives: ``events`` for
    a key of the unit, :data:`imx.model.UNIT_SOURCE` for a unit attribute, else the study or
    site table (first found wins, in that order). Kept per unit on ``info``: every level of
    every metric asks."""
    key = (unit.keys, tuple(a.name for a in unit.attributes))
    found = info.by_names.get(key)
    if found is None:
        found = info.by_names[key] = _by_names(unit, info)
    return found


def _by_names(unit: m.UnitDef, info: SchemaInfo) -> dict[str, str]:
    out: dict[str, str] = dict.fromkeys(unit.keys, EVENTS)
    for attribute in unit.attributes:
        out.setdefault(attribute.name, m.UNIT_SOURCE)
    for name, (table, _) in info.attributes.items():
        if joinable(info.schema, table, unit):
            out.setdefault(name, table)
    return out


def check_level(level: A.Level, unit: m.UnitDef, info: SchemaInfo, rep: Reporter) -> m.Level | None:
    """The model level of one ``levels`` entry, or None (reported) when it cannot be one."""
    if isinstance(level, A.LevelName):
        return _named(level.name, unit, info, rep)
    names = level.attributes
    if len(names) > 2:
        rep.report(M.CROSSED_TOO_MANY.format(len(names)), names[2].span, hints=[_CROSS_HINT])
        return None
    if len(names) == 2 and names[0].text == names[1].text:
        rep.report(M.CROSSED_WITH_ITSELF.format(names[1].text), names[1].span)
        return None
    found = [_by_name(name, unit, info, rep) for name in names]
    tables = tuple(t for t in found if t is not None)
    if len(tables) != len(names):
        return None
    return m.Level("by", tuple(name.text for name in names), tables)


_CROSS_HINT = "write each crossing as its own level: `by vendor and therapeutic_area, by reader`"


def _named(name: A.Name, unit: m.UnitDef, info: SchemaInfo, rep: Reporter) -> m.Level | None:
    if name.text in LEVEL_NAMES:
        return m.Level(name.text)
    if name.text in by_names(unit, info):
        hints = [f"did you mean `by {name.text}`?"]
    else:
        hints = did_you_mean(name.text, LEVEL_NAMES) or [
            "levels are site, study, portfolio, or `by` a key or attribute of the unit, or a"
            " study or site attribute"
        ]
    rep.report(M.UNKNOWN_LEVEL.format("level", name.text), name.span, hints=hints)
    return None


def _by_name(name: A.Name, unit: m.UnitDef, info: SchemaInfo, rep: Reporter) -> str | None:
    """Where one ``by`` name lives, or None (reported unless the unit is itself unknown)."""
    known = by_names(unit, info)
    source = known.get(name.text)
    attribute = unit.attribute(name.text)
    if source == m.UNIT_SOURCE and attribute is not None and attribute.type not in GROUPABLE:
        word = _TYPE_WORDS.get(attribute.type, attribute.type.value)
        rep.report(M.LEVEL_TYPE.format(name.text, word), name.span, hints=[_TYPE_HINT])
        return None
    if source is not None or not unit.keys:  # an unknown unit is reported once, at `per`
        return source
    finer = _finer(name.text, unit, info)
    if finer is not None:
        msg = M.LEVEL_FINER_THAN_UNIT.format(unit.name, name.text, unit.name)
        rep.report(msg, name.span, hints=[finer])
        return None
    hints = did_you_mean(name.text, known) or available("keys and attributes", known)
    coarser = [u.name for u in info.schema.units if u.attribute(name.text) is not None]
    events = info.schema.table(EVENTS)
    if coarser:
        hints = [
            f"`{name.text}` is an attribute of unit `{coarser[0]}`: declare it on unit"
            f" `{unit.name}` too to group its units by it"
        ]
    elif events is not None and events.column(name.text) is not None:
        hints = [
            f"`{name.text}` is a column of events, which a unit may hold several values of:"
            f" declare a unit attribute, e.g. `unit {unit.name} = … {{ {name.text} ="
            f" {name.text} of first EVENT }}`"
        ]
    msg = M.UNKNOWN_COLUMN.format("key or attribute", name.text)
    rep.report(msg, name.span, hints=hints)
    return None


_TYPE_HINT = "group by a text, number or boolean; to group by time, use `period`"


def _finer(name: str, unit: m.UnitDef, info: SchemaInfo) -> str | None:
    """Why ``name`` is finer than ``unit``, as a hint; None if it is not a key or attribute."""
    owners = [
        u
        for u in info.schema.units
        if name in u.keys or (u.attribute(name) is not None and not set(u.keys) <= set(unit.keys))
    ]
    if owners:  # the finest-but-one: a unit with this one's keys and the name, else the smallest
        u = min(owners, key=lambda x: (not set(unit.keys) <= set(x.keys), len(x.keys)))
        return f"`{name}` belongs to unit `{u.name}` ({', '.join(u.keys)}): measure `per {u.name}`"
    events = info.schema.table(EVENTS)
    if events is not None and name in events.keys:
        return f"`{name}` is a key of events that unit `{unit.name}` does not have"
    found = info.attribute(name)
    if found is not None:
        table = info.schema.table(found[0])
        keys = ", ".join(table.keys) if table else ""
        return f"`{name}` is an attribute of {found[0]}, one per {keys}: measure per a unit with those keys"
    return None
