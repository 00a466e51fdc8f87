"""Two checked models in → their differences, entity by entity and field by field, each classed.

The one owner of which fields of the model a review compares and of the class of each change
(:data:`CLASSES`): ``method`` (which units count, how they are measured, which result rows
exist), ``threshold`` (bands, target, ``min_n``) or ``wording`` (titles, questions, docs, reasons
and the metadata no result depends on). Checked models are compared, never texts, so comments
and layout never count. An entity is added, removed, renamed (the same definition under a new
id) or changed; a param change names the expressions it changed instead of listing them again.

>>> from imx import model as m
>>> old = m.Model(m.SchemaDef("s", None, None, (), (), (), ()), ())
>>> new = m.Model(m.SchemaDef("s", "Events", None, (), (), (), ()), ())
>>> [(c.kind, c.key, c.status, [(f.field, f.cls.value) for f in c.fields])
...  for c in diff_models(old, new).changes]
[('schema', 's', 'changed', [('title', 'wording')])]
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any

from imx import model as m


class Class(enum.Enum):
    """What a change is: the order is the order of weight (a method change weighs most)."""

    METHOD = "method"
    THRESHOLD = "threshold"
    WORDING = "wording"


METHOD, THRESHOLD, WORDING = Class.METHOD, Class.THRESHOLD, Class.WORDING
IDENTITY = "identity"  # the entity's key: entities are paired by it, never compared as a field
PARTS = "parts"  # entities of their own kind, compared one by one
IGNORED = "ignored"  # not part of a definition (where it was written, in-spec tests)
OVERLAY = "overlay"  # a variant's merged metric: only the fields the variant sets are compared
Role = Class | str

CLASSES: Mapping[type, Mapping[str, Role]] = {
    m.Model: {
        "schema": PARTS,
        "metrics": PARTS,
        "csfs": PARTS,
        "metricsets": PARTS,
        "examples": IGNORED,  # tests of the definitions (`imx test`), not definitions
        "files": IGNORED,
        "other_versions": PARTS,  # superseded and retired versions, each keyed `ID@V`
    },
    m.SchemaDef: {
        "name": IDENTITY,
        "title": WORDING,
        "version": WORDING,
        "events": PARTS,
        "tables": PARTS,
        "units": PARTS,
        "calendars": PARTS,
    },
    m.EventDef: {"name": IDENTITY, "title": WORDING, "order": WORDING},
    m.TableDef: {"name": IDENTITY, "title": WORDING, "columns": METHOD},
    m.UnitDef: {"name": IDENTITY, "keys": METHOD, "attributes": METHOD},
    m.CalendarDef: {
        "name": IDENTITY,
        "title": WORDING,
        "default": METHOD,
        "weekend": METHOD,
        "holidays": METHOD,
        "timezone": METHOD,
        "country": METHOD,
    },
    m.Metric: {"base": PARTS, "variants": PARTS, "origin": IGNORED},
    m.ResolvedMetric: {
        "id": IDENTITY,
        "title": WORDING,
        "category": WORDING,
        "question": WORDING,
        "unit": METHOD,
        "where": METHOD,
        "excludes": METHOD,
        "measure": METHOD,
        "summary": METHOD,
        "value_unit": METHOD,
        "target": THRESHOLD,
        "bands": THRESHOLD,
        "min_n": THRESHOLD,
        "levels": METHOD,
        "period": METHOD,
        "companions": WORDING,
        "status": WORDING,  # but retiring a version is method (_class_of)
        "since": WORDING,
        "doc": WORDING,
        "params": METHOD,
        "calendar_table": METHOD,
        "series": METHOD,
        "provenance": IGNORED,  # which layer set each field: read to compare a variant's own
        "version": IDENTITY,  # part of the key, `XFER-OT@2014`: a new label alone is a rename
        "supersedes": WORDING,  # the chain of versions: which one it replaces, no result moves
    },
    m.Variant: {
        "name": IDENTITY,
        "base": IDENTITY,
        "selector": METHOD,
        "rationale": WORDING,
        "overrides": IGNORED,  # the fields it sets: the same as its layer in `provenance`
        "resolved": OVERLAY,
    },
    m.Csf: {
        "name": IDENTITY,
        "title": WORDING,
        "question": WORDING,
        "kpis": METHOD,
        "doc": WORDING,
    },
    m.MetricSet: {
        "name": IDENTITY,
        "title": WORDING,
        "version": WORDING,
        "metrics": METHOD,
        "csfs": METHOD,
        "doc": WORDING,
    },
}
# Parts of a compared value that are wording: a change only there is a wording change.
NESTED_WORDING: Mapping[type, tuple[str, ...]] = {
    m.Exclusion: ("reason",),
    m.ColumnDef: ("title",),
}
UNORDERED = frozenset({"where", "levels", "companions", "kpis", "metrics", "csfs", "selector"})
REFERENCES = {"companions": "metric", "kpis": "metric", "metrics": "metric", "csfs": "csf"}
RETIRED = "retired"  # the status of a version no reference and no default run takes
EXPRESSION_FIELDS = ("unit", "where", "excludes", "measure", "period")  # may hold a param's value


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new model value (``None``: absent on that side); ``affects`` names
    the fields a param change changed (shown with it, not again on their own)."""

    field: str  # a model field name; a param is ``params.NAME``
    cls: Class
    old: Any
    new: Any
    affects: tuple[str, ...] = ()
    note: str | None = None  # e.g. a variant field inherited from the base on one side


@dataclass(frozen=True)
class EntityChange:
    """An entity added, removed, renamed or changed; ``old``/``new`` are the model values. An
    added (removed) entity's ``fields`` are its definition, each from (to) nothing."""

    kind: str  # "metric", "variant", "csf", "metric set", "schema", "event", "table", ...
    key: str  # "XFER-OT" or "XFER-OT@2014" (a version), "XFER-OT/oncology" (a variant:
    # base/name), a csf's name
    status: str  # "added" | "removed" | "renamed" | "changed"
    old: Any
    new: Any
    fields: tuple[FieldChange, ...] = ()
    old_key: str | None = None  # for "renamed"
    current: bool = True  # a metric or variant: of a version a default run evaluates, on a side

    @property
    def classes(self) -> frozenset[Class]:
        """The classes of this change; adding, removing or re-selecting a definition is method."""
        if self.status in ("added", "removed"):
            return frozenset({WORDING if self.kind in ("event",) else METHOD})
        return frozenset(f.cls for f in self.fields) or frozenset({WORDING})

    @property
    def metric(self) -> str | None:
        """The metric a metric or variant change belongs to (its new id, without a version)."""
        if self.kind == "metric":
            return self.key.partition("@")[0]
        return self.key.partition("/")[0].partition("@")[0] if self.kind == "variant" else None


@dataclass(frozen=True)
class ModelDiff:
    changes: tuple[EntityChange, ...]
    renames: Mapping[str, Mapping[str, str]]  # kind → old key → new key
    # metric id → (old current version, new current version), for each versioned metric whose
    # current version (what references and default runs take, rule 27) moved; None: none
    current: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.changes

    def causes(self, metric: str, layers: tuple[str, ...]) -> frozenset[Class]:
        """What may have moved a result row of ``metric`` judged under ``layers`` (``base``, a
        variant's name, ``mixed``): the metric's own changes, those of its variants named (all
        of them for ``mixed``), and the schema's; never wording."""
        found: set[Class] = set()
        for c in self.changes:
            if c.kind in ("metric", "variant") and not c.current:
                continue  # a version no run took on either side (rule 27)
            if c.kind == "metric" and c.metric == metric:
                found |= c.classes
            elif c.kind == "variant" and c.metric == metric:
                name = c.key.partition("/")[2]
                if name in layers or "mixed" in layers:
                    found |= c.classes
            elif c.kind in SCHEMA_KINDS:
                found |= c.classes
        return frozenset(found - {WORDING})  # wording moves no result

    def evaluated(self, old: m.Model, new: m.Model) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The metrics (old ids, new ids) whose results a change may move: those with a method
        or threshold change of their own or of a variant, added or removed; every metric when
        the schema changed in method."""
        if any(c.kind in SCHEMA_KINDS and METHOD in c.classes for c in self.changes):
            return tuple(x.id for x in old.metrics), tuple(x.id for x in new.metrics)
        moving = {
            c.metric for c in self.changes if c.metric and c.current and c.classes - {WORDING}
        }
        names = self.renamed_ids
        olds = tuple(x.id for x in old.metrics if names.get(x.id, x.id) in moving)
        return olds, tuple(x.id for x in new.metrics if x.id in moving)

    @property
    def renamed_ids(self) -> dict[str, str]:
        """Old metric id → new id of each metric renamed (a new version label alone is no new
        id: ``XFER-OT`` → ``XFER-OT@2014`` keeps the id)."""
        pairs = self.renames.get("metric", {}).items()
        found = {o.partition("@")[0]: n.partition("@")[0] for o, n in pairs}
        return {o: n for o, n in found.items() if o != n}


SCHEMA_KINDS = ("schema", "event", "table", "unit", "calendar")


# ------------------------------------------------------------------------------ entities


@dataclass(frozen=True)
class _Entity:
    kind: str
    key: str
    value: Any
    current: bool = True  # a metric or variant of a version a default run evaluates


def _entities(model: m.Model, metric_names: Mapping[str, str]) -> Iterator[_Entity]:
    """Every entity of a model in review order: each metric version (``XFER-OT@2014``; an
    unversioned metric by its id) and its variants, CSFs, metric sets, then the schema and its
    parts. ``metric_names`` maps old keys to new (renames)."""
    current = {x.key for x in model.metrics}
    for metric in (*model.metrics, *model.other_versions):
        live = metric.key in current
        yield _Entity("metric", metric.key, metric.base, live)
        for v in metric.variants:
            name = metric_names.get(metric.key, metric.key)
            yield _Entity("variant", f"{name}/{v.name}", v, live)
    yield from (_Entity("csf", c.name, c) for c in model.csfs)
    yield from (_Entity("metric set", s.name, s) for s in model.metricsets)
    schema = model.schema
    yield _Entity("schema", schema.name, schema)
    yield from (_Entity("event", e.name, e) for e in schema.events)
    yield from (_Entity("table", t.name, t) for t in schema.tables)
    yield from (_Entity("unit", u.name, u) for u in schema.units)
    yield from (_Entity("calendar", c.name, c) for c in schema.calendars)


def _keyed(entities: Iterator[_Entity]) -> dict[tuple[str, str], _Entity]:
    return {(e.kind, e.key): e for e in entities}


# --------------------------------------------------------------------------- comparing values


def _role(value: Any, name: str) -> Role:
    """A field's role; a field :data:`CLASSES` does not know yet is compared as a method field,
    never ignored (and ``test_diff.py`` fails until it is classed)."""
    return CLASSES.get(type(value), {}).get(name, METHOD)


def _blank(value: Any, roles: Callable[[Any, str], bool]) -> Any:
    """``value`` with every nested field for which ``roles(owner, name)`` holds set to None."""
    if is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: None if roles(value, f.name) else _blank(getattr(value, f.name), roles)
            for f in fields(value)
        }
        return replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_blank(v, roles) for v in value)
    return value


def _nested_wording(owner: Any, name: str) -> bool:
    return name in NESTED_WORDING.get(type(owner), ())


def _canonical(value: Any, name: str) -> Any:
    """The value compared: a set-like field as a sorted tuple, so its order never counts; a
    metric's unit by its name and keys (its attributes are the schema's unit's, compared there,
    and a metric that reads one says so in its own expressions or levels)."""
    if name in UNORDERED and isinstance(value, tuple):
        return tuple(sorted(value, key=repr))
    if name == "unit" and isinstance(value, m.UnitDef):
        return (value.name, value.keys)
    return value


def _same(old: Any, new: Any, name: str) -> bool:
    return bool(_canonical(old, name) == _canonical(new, name))


def _class_of(role: Class, old: Any, new: Any, name: str) -> Class:
    """A method or threshold field whose values differ only in nested wording is wording; a
    status that retires a version or brings one back is method: it changes which version a
    reference and a default run take (rule 27)."""
    if name == "status" and RETIRED in (old, new):
        return METHOD
    if role is not WORDING and _same(
        _blank(old, _nested_wording), _blank(new, _nested_wording), name
    ):
        return WORDING
    return role


def _substitute(value: Any, mapping: Mapping[Any, Any]) -> Any:
    """``value`` with every part equal to a key of ``mapping`` replaced by its value."""
    if isinstance(value, Hashable) and not isinstance(value, bool) and value in mapping:
        return mapping[value]
    if is_dataclass(value) and not isinstance(value, type):
        parts = {f.name: _substitute(getattr(value, f.name), mapping) for f in fields(value)}
        return replace(value, **parts)
    if isinstance(value, tuple):
        return tuple(_substitute(v, mapping) for v in value)
    return value


# ----------------------------------------------------------------------------- fields


def _renamed_refs(name: str, value: Any, renames: Mapping[str, Mapping[str, str]]) -> Any:
    """An old reference list (companions, kpis, a set's metrics) under the new names."""
    kind = REFERENCES.get(name)
    if kind is None or not isinstance(value, tuple):
        return value
    names = dict(renames.get(kind, {}))
    if kind == "metric":  # `XFER-OT@2014` by its key; `XFER-OT` by its id (rule 27)
        ids = {_id(o): _id(n) for o, n in names.items()}
        names = {k: v for k, v in names.items() if "@" in k} | {
            o: n for o, n in ids.items() if o != n
        }
    return tuple(names.get(v, v) if isinstance(v, str) else v for v in value)


def _plain_fields(
    old: Any, new: Any, names: list[str], renames: Mapping[str, Mapping[str, str]]
) -> list[FieldChange]:
    """The changes of the named fields of two values of one type, params and overlays aside."""
    out: list[FieldChange] = []
    for name in names:
        role = _role(new, name)
        if not isinstance(role, Class):
            continue
        a, b = _renamed_refs(name, getattr(old, name), renames), getattr(new, name)
        if not _same(a, b, name):
            out.append(FieldChange(name, _class_of(role, a, b, name), a, b))
    return out


def _param_changes(
    old: m.ResolvedMetric, new: m.ResolvedMetric, names: set[str] | None = None
) -> list[FieldChange]:
    """One change per param added, removed or given a new value (``names``: only these)."""
    a, b = dict(old.params), dict(new.params)
    chosen = [n for n in dict.fromkeys([*a, *b]) if names is None or n in names]
    return [
        FieldChange(f"params.{n}", METHOD, a.get(n), b.get(n))
        for n in chosen
        if a.get(n) != b.get(n)
    ]


def _fold_params(changes: list[FieldChange], old: Any, new: Any) -> list[FieldChange]:
    """Expression fields whose change the param changes explain are named by those params
    (``affects``) instead of being listed again."""
    params = [c for c in changes if c.field.startswith("params.")]
    mapping = {c.old: c.new for c in params if c.old is not None and c.new is not None}
    if not mapping:
        return changes
    folded = [
        c.field
        for c in changes
        if c.field in EXPRESSION_FIELDS
        and _same(_substitute(getattr(old, c.field), mapping), getattr(new, c.field), c.field)
    ]
    return [
        replace(c, affects=tuple(folded)) if c in params else c
        for c in changes
        if c.field not in folded
    ]


def _metric_fields(
    old: m.ResolvedMetric, new: m.ResolvedMetric, renames: Mapping[str, Mapping[str, str]]
) -> list[FieldChange]:
    names = [f.name for f in fields(new) if f.name != "params"]
    changes = _plain_fields(old, new, names, renames)
    at = next((i for i, c in enumerate(changes) if c.field in ("target", "bands")), len(changes))
    changes[at:at] = _param_changes(old, new)  # params where they are written, before target
    return _fold_params(changes, old, new)


def _own(variant: m.Variant) -> set[str]:
    """The fields of its merged metric a variant sets (``params.window`` for a param)."""
    return {name for name, layer in variant.resolved.provenance if layer == variant.name}


def _variant_fields(
    old: m.Variant, new: m.Variant, renames: Mapping[str, Mapping[str, str]]
) -> list[FieldChange]:
    """A variant's selector and rationale, and the fields of its merged metric it sets on
    either side (a field it stopped or started setting: the inherited value on the other)."""
    names = [f.name for f in fields(new) if f.name not in ("resolved",)]
    changes = _plain_fields(old, new, names, renames)
    own = _own(old) | _own(new)
    metric_names = [f.name for f in fields(new.resolved) if f.name in own]
    params = {n.partition(".")[2] for n in own if n.startswith("params.")}
    inherited = _plain_fields(old.resolved, new.resolved, metric_names, renames)
    inherited += _param_changes(old.resolved, new.resolved, params)
    return changes + [_inheritance(c, _own(old), _own(new)) for c in inherited]


def _inheritance(change: FieldChange, old: set[str], new: set[str]) -> FieldChange:
    """A variant's field it set on one side only: the other side's value is the base's."""
    if change.field not in old:
        return replace(change, note="the old value is inherited from the base")
    if change.field not in new:
        return replace(change, note="the new value is inherited from the base")
    return change


def _definition_fields(value: Any) -> tuple[FieldChange, ...]:
    """An added entity's fields as changes from nothing (a variant: the fields it sets)."""
    if isinstance(value, m.Variant):
        own = _own(value)
        plain = [FieldChange(n, WORDING if n == "rationale" else METHOD, None, getattr(value, n))
                 for n in ("selector", "rationale")]  # fmt: skip
        names = [f.name for f in fields(value.resolved) if f.name in own or f.name == "params"]
        return tuple(plain + _fields_from_nothing(value.resolved, names, own))
    return tuple(_fields_from_nothing(value, [f.name for f in fields(value)]))


def _fields_from_nothing(
    value: Any, names: list[str], own: set[str] | None = None
) -> list[FieldChange]:
    """The named fields that are set, each as a change from nothing (params: those in ``own``)."""
    out = []
    for name in names:
        role = _role(value, name)
        if name == "params":
            params = [(k, v) for k, v in value.params if own is None or f"params.{k}" in own]
            out += [FieldChange(f"params.{k}", METHOD, None, v) for k, v in params]
        elif isinstance(role, Class) and getattr(value, name) not in (None, (), ""):
            out.append(FieldChange(name, role, None, getattr(value, name)))
    return out


def _field_changes(
    old: Any, new: Any, renames: Mapping[str, Mapping[str, str]]
) -> list[FieldChange]:
    if isinstance(new, m.ResolvedMetric):
        return _metric_fields(old, new, renames)
    if isinstance(new, m.Variant):
        return _variant_fields(old, new, renames)
    return _plain_fields(old, new, [f.name for f in fields(new)], renames)


# ----------------------------------------------------------------------------- renames


def _definition(value: Any) -> Any:
    """What must be equal for two entities to be one renamed: every method and threshold
    field (identity and wording blanked; a variant's base is compared through its key)."""

    def blank(owner: Any, name: str) -> bool:
        role = CLASSES.get(type(owner), {}).get(name)
        return role in (IDENTITY, WORDING, IGNORED) or _nested_wording(owner, name)

    return _blank(value, blank)


def _renames(
    old: dict[tuple[str, str], _Entity], new: dict[tuple[str, str], _Entity], kind: str
) -> dict[str, str]:
    """Old key → new key for each removed entity of ``kind`` whose definition an added one has."""
    gone = [e for k, e in old.items() if e.kind == kind and k not in new]
    came = [e for k, e in new.items() if e.kind == kind and k not in old]
    found: dict[str, str] = {}
    for e in gone:
        match = next((c for c in came if _definition(c.value) == _definition(e.value)), None)
        if match is not None:
            found[e.key] = match.key
            came.remove(match)
    if kind == "metric":  # one version of an id gone, one come: a new label, compared
        for e in [e for e in gone if e.key not in found]:
            same = [c for c in came if _id(c.key) == _id(e.key)]
            if len(same) == 1 and sum(_id(g.key) == _id(e.key) for g in gone) == 1:
                found[e.key] = same[0].key
                came.remove(same[0])
    return found


def _id(key: str) -> str:
    return key.partition("@")[0]


# ------------------------------------------------------------------------------ the diff


def _entity_changes(
    old: dict[tuple[str, str], _Entity],
    new: dict[tuple[str, str], _Entity],
    renames: Mapping[str, Mapping[str, str]],
) -> Iterator[EntityChange]:
    reverse = {(k, n): o for k, names in renames.items() for o, n in names.items()}
    for key, e in new.items():
        old_key = reverse.get(key)
        before = old.get((e.kind, old_key)) if old_key else old.get(key)
        if before is None:
            fields_ = _definition_fields(e.value)
            yield EntityChange(e.kind, e.key, "added", None, e.value, fields_, current=e.current)
            continue
        changed = tuple(_field_changes(before.value, e.value, renames))
        live = e.current or before.current
        if old_key is not None:
            yield EntityChange(
                e.kind, e.key, "renamed", before.value, e.value, changed, old_key, live
            )
        elif changed:
            yield EntityChange(e.kind, e.key, "changed", before.value, e.value, changed, None, live)
    renamed = {(k, o) for (k, _), o in reverse.items()}
    for key, e in old.items():
        if key not in new and key not in renamed:
            gone = tuple(_flipped(f) for f in _definition_fields(e.value))
            yield EntityChange(e.kind, e.key, "removed", e.value, None, gone, current=e.current)


def _flipped(change: FieldChange) -> FieldChange:
    return replace(change, old=change.new, new=change.old)


def version_changes(older: m.ResolvedMetric, newer: m.ResolvedMetric) -> EntityChange:
    """What changed from one version of a metric to the one that supersedes it, field by field
    and classed as :func:`diff_models` classes them (its lifecycle, ``status`` and
    ``supersedes``, left to the version history that lists them)."""
    lifecycle = ("status", "supersedes")
    found = [c for c in _metric_fields(older, newer, {}) if c.field not in lifecycle]
    return EntityChange("metric", newer.key, "changed", older, newer, tuple(found))


def diff_models(old: m.Model, new: m.Model) -> ModelDiff:
    """Every entity added, removed, renamed or changed from ``old`` to ``new``, field by field."""
    first = _keyed(_entities(old, {}))
    after = _keyed(_entities(new, {}))
    renames: dict[str, dict[str, str]] = {"metric": _renames(first, after, "metric")}
    first = _keyed(_entities(old, renames["metric"]))  # variants keyed under the new ids
    for kind in ("variant", "csf", "metric set", *SCHEMA_KINDS):
        renames[kind] = _renames(first, after, kind)
    renames = {k: v for k, v in renames.items() if v}
    changes = tuple(_entity_changes(first, after, renames))
    return ModelDiff(changes, renames, _current_moves(old, new, renames.get("metric", {})))


def _current_moves(
    old: m.Model, new: m.Model, renames: Mapping[str, str]
) -> dict[str, tuple[str | None, str | None]]:
    """Each versioned metric id on both sides whose current version is another one on the new
    side (an old key read under its new name when it was renamed)."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for metric_id in dict.fromkeys(x.id for x in (*new.metrics, *new.other_versions)):
        if not old.history(metric_id):
            continue  # a new metric: added, not moved
        before, after = old.metric(metric_id), new.metric(metric_id)
        a = renames.get(before.key, before.key) if before else None
        b = after.key if after else None
        versioned = any(x is not None and x.version is not None for x in (before, after))
        if versioned and a != b:
            found[metric_id] = (before.key if before else None, b)
    return found
