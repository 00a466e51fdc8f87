"""Model + run options + as_of → Plan: metrics grouped by grain, unit columns, branches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from imx import model as m
from imx.plan.contract import (
    EXAMPLE,
    GROUP_COLUMNS,
    by_names,
    raw_columns,
    reason_column,
    stat_column,
)
from imx.plan.lower import (
    BUILTIN,
    NULL_INT,
    NULL_TEXT,
    Grain,
    Lower,
    Measure,
    and_,
    lower_measure,
    not_null,
    or_,
    stat_quantile,
    summary_stats,
)
from imx.plan.nodes import (
    ALL_LEVEL,
    BASE,
    CONFLICT,
    CUT_PERIOD,
    FALSE,
    IR,
    NEGATIVE,
    TRUE,
    Agg,
    Branch,
    Call,
    Case,
    Col,
    DimJoin,
    GrainPlan,
    Layer,
    Lit,
    MetricPlan,
    Plan,
    PlanError,
    UnitRows,
    call,
    text,
)  # fmt: skip
from imx.plan.units import unit_rows, unit_value

# ------------------------------------------------------------------------------- entry point


def build_plan(
    model: m.Model,
    metric_ids: tuple[str, ...] | None = None,
    levels: tuple[str, ...] | None = None,
    period: str | None = None,
    as_of: dt.datetime | None = None,
    units: str | None = None,
) -> Plan:
    """Plan the selected metrics (all by default), grouped by grain in model order; with
    ``units`` (``population``, ``all`` for units outside it too, ``explain`` for all with what
    ``imx why`` narrates) their unit rows as well."""
    metrics = list(_chosen(model, metric_ids))
    if units not in (None, *UNIT_CHOICES):
        raise PlanError(f"unknown choice of unit rows {units!r}")
    grains = build_grains(model, tuple(metrics), levels, period, as_of, units)
    n_reasons = max((len(p.reasons) for g in grains for p in g.metrics), default=0)
    n_stats = max((len(p.stats) for g in grains for p in g.metrics), default=0)
    literals = tuple(sorted(_timestamp_literals(grains)))
    default = model.schema.default_calendar
    zone = default.timezone if default is not None else "UTC"
    columns = raw_columns(n_reasons, n_stats)
    return Plan(as_of, model.schema.calendars, grains, columns, literals, zone)


def _chosen(model: m.Model, refs: tuple[str, ...] | None) -> tuple[m.Metric, ...]:
    """The versions ``refs`` name (``XFER-OT``: its current one, ``XFER-OT@2014``: that one;
    rule 27), one per metric id, in model order; every current version when None."""
    missing = [r for r in refs or () if model.metric(r) is None]
    if missing:
        raise PlanError(f"unknown metric(s): {', '.join(sorted(missing))}")
    chosen = model.chosen(refs).metrics
    ids = [x.id for x in chosen]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        keys = [x.key for x in chosen if x.id == twice[0]]
        raise PlanError(
            f"a run evaluates one version of each metric: {' and '.join(keys)} are both "
            f"{twice[0]} (compare versions with imx diff)"
        )
    return chosen


def _timestamp_literals(grains: tuple[GrainPlan, ...]) -> set[dt.datetime]:
    found: set[dt.datetime] = set()

    def walk(e: IR) -> None:
        if isinstance(e, Lit) and isinstance(e.value, dt.datetime):
            found.add(e.value)
        elif isinstance(e, Call):
            for a in e.args:
                walk(a)
        elif isinstance(e, Case):
            for c, v in e.whens:
                walk(c)
                walk(v)
            walk(e.default)

    for g in grains:
        for stage in g.stages:
            for _, e in stage:
                walk(e)
    return found


# --------------------------------------------------------------------------- metrics → columns


def _fold(fn: str, args: list[IR]) -> IR:
    out = args[0]
    for a in args[1:]:
        out = call(fn, out, a)
    return out


def _selector(g: Grain, terms: tuple[m.SelectorTerm, ...]) -> IR:
    tests = [or_(*(call("eq", _selected(g, t), text(v)) for v in t.values)) for t in terms]
    return and_(*tests) if tests else TRUE


def _selected(g: Grain, term: m.SelectorTerm) -> IR:
    """The value a selector term reads per unit: a study or site attribute, or an attribute of
    the unit (rule 28), computed like any fact."""
    if term.table != m.UNIT_SOURCE:
        return g.attr(term.table, term.column)
    found = g.unit.attribute(term.column)
    if found is None:
        raise PlanError(f"unit {g.unit.name!r} has no attribute {term.column!r}")
    return Lower(g)(found.expr)[0]


def conflict_label(a: str, b: str) -> str:
    """The layer of a unit that two equally specific variants match, none more specific
    (rule 28): never a variant's name, and before every name in code-point order, so a group
    holding such a unit has it as its least layer (``layer_min``)."""
    return f"{CONFLICT}{a}+{b}"


def _may_tie(a: tuple[m.SelectorTerm, ...], b: tuple[m.SelectorTerm, ...]) -> bool:
    """Whether two selectors of one size may both match a unit: not when a name both read
    has no value in common (a tie the selectors tell is a check error, ``variant-overlap``)."""
    if len(a) != len(b):
        return False
    values_a = {t.column: set(t.values) for t in a}
    return all(not values_a.get(t.column, set(t.values)).isdisjoint(t.values) for t in b)


def _layer_column(g: Grain, layers: tuple[Layer, ...]) -> IR:
    """Rules 12 and 28: the most specific matching variant (the most selector terms) when it is
    the only match of its specificity, else base when none matches; two equally specific
    matches with none more specific give :func:`conflict_label`, which stops the run once the
    engine is done (:func:`imx.evaluation.evaluate`)."""
    if len(layers) == 1:
        return text(BASE)
    matches = [(_selector(g, layer.selector), layer) for layer in layers[1:]]

    def none_above(size: int) -> list[IR]:
        """That no variant with more selector terms matches (a null test counts as no match)."""
        above = [x for x, o in matches if len(o.selector) > size]
        if not above:
            return []
        count = _fold("add", [Case(((x, Lit(1, "bigint")),), Lit(0, "bigint")) for x in above])
        return [call("eq", count, Lit(0, "bigint"))]

    tests = {layer.label: x for x, layer in matches}
    whens = [
        (and_(*none_above(len(a.selector)), tests[a.label], tests[b.label]), text(label))
        for a, b, label in _ties(layers)
    ]
    whens += [(and_(*none_above(len(la.selector)), xa), text(la.label)) for xa, la in matches]
    return Case(tuple(whens), text(BASE))


def _ties(layers: tuple[Layer, ...]) -> list[tuple[Layer, Layer, str]]:
    """The pairs of variants that may tie (rule 28), each with its :func:`conflict_label`."""
    variants = layers[1:]
    return [
        (a, b, conflict_label(a.label, b.label))
        for i, a in enumerate(variants)
        for b in variants[i + 1 :]
        if _may_tie(a.selector, b.selector)
    ]


def _by_layer(layer: Col, values: dict[str, IR]) -> IR:
    base = values[BASE]
    others = tuple((call("eq", layer, text(k)), v) for k, v in values.items() if k != BASE)
    others = tuple(w for w in others if w[1] != base)
    return Case(others, base) if others else base


@dataclass
class _MetricColumns:
    plan: MetricPlan
    stage0: list[tuple[str, IR]]
    stage1: list[tuple[str, IR]]
    stage2: list[tuple[str, IR]]
    branches: list[Branch]


def _exclusions(low: Lower, metric: m.ResolvedMetric, reasons: list[str]) -> IR:
    whens = []
    for ex in metric.excludes:
        if ex.reason not in reasons:
            reasons.append(ex.reason)
        whens.append((low(ex.condition)[0], Lit(reasons.index(ex.reason), "bigint")))
    return Case(tuple(whens), NULL_INT) if whens else NULL_INT


def _unit_values(
    g: Grain, p: str, layers: tuple[Layer, ...]
) -> tuple[dict[str, IR], Measure, list[str]]:
    """The stage-1 columns of one metric (pop, uex, raw, val), each chosen by layer."""
    low, layer = Lower(g), Col(f"{p}_layer")
    reasons: list[str] = []
    cols: dict[str, dict[str, IR]] = {"pop": {}, "uex": {}, "raw": {}, "val": {}}
    km = any(m.km_statistic(s) for x in layers for s in x.metric.summary)
    builtins: set[str] = set()
    measures = []
    for x in layers:
        where = [low(w)[0] for w in x.metric.where]
        cols["pop"][x.label] = Case(((and_(*where), TRUE),), FALSE) if where else TRUE
        cols["uex"][x.label] = _exclusions(low, x.metric, reasons)
        measure = lower_measure(low, x.metric.measure, censored=km)
        cols["raw"][x.label], cols["val"][x.label] = measure.raw, measure.val
        if measure.so_far is not None:  # the censoring time of open units (rule 21)
            cols.setdefault("cen", {})[x.label] = measure.so_far
        builtins.update(measure.builtins)
        measures.append(measure)
    reasons.extend(BUILTIN[b] for b in BUILTIN if b in builtins)
    values = {f"{p}_{k}": _by_layer(layer, v) for k, v in cols.items()}
    return values, measures[0], reasons


def _final_columns(p: str, reasons: list[str]) -> list[tuple[str, IR]]:
    """Stage 2: the exclusion reason index and the state of population units left in."""
    pop, uex, raw = Col(f"{p}_pop"), Col(f"{p}_uex"), Col(f"{p}_raw")
    builtin = [(tok, reasons.index(r)) for tok, r in BUILTIN.items() if r in reasons]
    excl = Case(
        ((call("not", pop), NULL_INT), (not_null(uex), uex))
        + tuple((call("eq", raw, text(tok)), Lit(k, "bigint")) for tok, k in builtin),
        NULL_INT,
    )
    left_out = [call("not", pop), not_null(uex)] + [call("eq", raw, text(t)) for t, _ in builtin]
    state = Case(((or_(*left_out), NULL_TEXT),), raw)
    return [(f"{p}_excl", excl), (f"{p}_state", state)]


# ------------------------------------------------------------------ aggregates, levels, periods

DEFAULT_LEVELS = ("site", "study", "portfolio")
UNIT_CHOICES = ("population", "all", "explain")  # explain: all, with what imx why narrates


def _aggregates(
    p: str, reasons: list[str], stats: tuple[str, ...], ties: tuple[str, ...] = ()
) -> tuple[tuple[str, Agg], ...]:
    """A metric's aggregates; with ``ties`` (the layers of units two equally specific variants
    match), the least labels of such units, ``!/`` before each, lead the example column."""
    state, excl, val = Col(f"{p}_state"), Col(f"{p}_excl"), Col(f"{p}_val")
    closed = call("eq", state, text("closed"))
    aggs = [
        ("layer_min", Agg("min", Col(f"{p}_layer"))),
        ("layer_max", Agg("max", Col(f"{p}_layer"))),
        ("n_pop", Agg("count", filter=Col(f"{p}_pop"))),
    ]
    aggs += [
        (reason_column(k), Agg("count", filter=call("eq", excl, Lit(k, "bigint"))))
        for k in range(len(reasons))
    ]
    aggs += [
        (s, Agg("count", filter=call("eq", state, text(s))))
        for s in ("met", "missed", "pending", "open")
    ]
    aggs += [("n_val", Agg("count", filter=closed)), ("v_sum", Agg("sum", val, closed))]
    plain = [s for s in stats if not m.km_statistic(s)]
    quantiles = tuple(q for q in map(stat_quantile, plain) if q is not None)
    for k, name in enumerate(stats):
        q = stat_quantile(name)
        if m.km_statistic(name):
            aggs.append((stat_column(k), _km(p, q)))
        elif q is not None:  # an engine may compute the metric's quantiles from one state
            aggs.append((stat_column(k), Agg("quantile", val, closed, q, quantiles)))
    flagged: list[IR] = []
    if NEGATIVE in reasons:
        flagged.append(call("eq", excl, Lit(reasons.index(NEGATIVE), "bigint")))
    label: IR = Col("label")
    if ties:
        tied = or_(*(call("eq", Col(f"{p}_layer"), text(t)) for t in ties))
        flagged.append(tied)
        label = Case(((tied, call("label", text(CONFLICT), label)),), label)
    if flagged:
        aggs.append((EXAMPLE, Agg("examples", label, or_(*flagged))))
    return tuple(aggs)


def _km(p: str, q: float | None) -> Agg:
    """Rule 21: the Kaplan–Meier ``q`` of closed units (events at their value) and open ones
    (censored at their value to the data cut)."""
    state = Col(f"{p}_state")
    is_open = call("eq", state, text("open"))
    time = Case(((is_open, Col(f"{p}_cen")),), Col(f"{p}_val"))
    kept = or_(call("eq", state, text("closed")), is_open)
    return Agg("km", time, kept, q, event=call("eq", state, text("closed")))


def _by_source(g: Grain, name: str, metric: m.ResolvedMetric) -> str | None:
    """Where a ``by`` name lives for this grain (the table the checker found, else a key of the
    unit, a unit attribute, a study, site or event column, in that order); None when the unit
    cannot be grouped by it (a key the unit lacks, another unit's attribute: the level is
    skipped, as ``site`` is for a study-grain metric)."""
    for level in metric.levels:
        if name in level.attributes and len(level.tables) == len(level.attributes):
            return level.tables[level.attributes.index(name)]
    if name in g.unit.keys:
        return m.SchemaDef.EVENTS_TABLE
    if g.unit.attribute(name) is not None:
        return m.UNIT_SOURCE
    if any(u.attribute(name) is not None for u in g.schema.units):
        return None  # an attribute of another unit
    for table in ("studies", "sites", m.SchemaDef.EVENTS_TABLE):
        tdef = g.schema.table(table)
        column = tdef.column(name) if tdef is not None else None
        if column is not None:
            return None if column.key else table  # a key the unit lacks is finer than it
    raise PlanError(f"level by:{name}: no key, unit attribute, study, site or event column")


def by_choices(schema: m.SchemaDef, unit: m.UnitDef) -> tuple[str, ...]:
    """The names ``by:NAME`` may group metrics of ``unit`` by: its keys, its attributes, the
    study and site attributes joined to it, and the events' plain columns (the least value of
    each unit's events), in that order."""
    out = dict.fromkeys((*unit.keys, *(a.name for a in unit.attributes)))
    plain = (m.ColumnType.TIMESTAMP, m.ColumnType.EVENT)
    for table in ("studies", "sites", m.SchemaDef.EVENTS_TABLE):
        tdef = schema.table(table)
        if tdef is None or not all(k in unit.keys for k in tdef.keys):
            continue
        out.update(dict.fromkeys(c.name for c in tdef.columns if not c.key and c.type not in plain))
    return tuple(out)


def _by_value(g: Grain, name: str, metric: m.ResolvedMetric) -> IR | None:
    """One ``by`` name's value per unit as text (null stays null: rule 17's own group)."""
    source = _by_source(g, name, metric)
    attribute = g.unit.attribute(name)
    if source == m.UNIT_SOURCE and attribute is not None:
        return call("to_text", Lower(g)(attribute.expr)[0])
    if source is None or (source != m.SchemaDef.EVENTS_TABLE and not g.joinable(source)):
        return None
    return call("to_text", g.attr(source, name))


def _grouped_by(label: str, metric: m.ResolvedMetric) -> tuple[str, ...]:
    """The names a ``by`` level groups by: the metric's own level of that label, else the
    label's names (``--level by:vendor+therapeutic_area``)."""
    declared = next((x for x in metric.levels if x.label == label), None)
    return declared.attributes if declared is not None else by_names(label)


def _level_group(
    g: Grain, label: str, metric: m.ResolvedMetric
) -> tuple[tuple[str, IR], ...] | None:
    """The group keys of one level, or None when the level is finer than the unit (skipped)."""
    if label == "portfolio":
        return ()
    if label in ("site", "study"):
        tdef = g.schema.table("sites" if label == "site" else "studies")
        keys = tdef.keys if tdef else ("study", "site")[: 2 if label == "site" else 1]
        cols = [g.key(k) for k in (keys[0], keys[-1])[: 2 if label == "site" else 1]]
        if any(c is None for c in cols):
            return None
        names = ("study", "site")
        return tuple((n, call("to_text", c)) for n, c in zip(names, cols, strict=False) if c)
    if label.startswith("by:"):
        values = [_by_value(g, name, metric) for name in _grouped_by(label, metric)]
        if any(v is None for v in values) or len(values) > len(GROUP_COLUMNS):
            return None
        return tuple((c, v) for c, v in zip(GROUP_COLUMNS, values, strict=False) if v is not None)
    raise PlanError(f"unknown level {label!r}")


def _period(
    g: Grain, metric: m.ResolvedMetric, requested: str | None
) -> tuple[str | None, IR | None, bool]:
    """The metric's period grain, its unit period key and whether it is cumulative; in a series
    grain, the period of the unit row's cut (null for the data cut's own rows, rule 18)."""
    if g.series is not None:
        return g.series, Col(CUT_PERIOD), False
    if metric.period is None:
        return None, None, False
    grain = _grain(requested or metric.period.grain)
    return grain, call(f"period_{grain}", Lower(g)(metric.period.by)[0]), metric.period.cumulative


def _grain(grain: str) -> str:
    if grain not in ("month", "quarter", "year"):
        raise PlanError(f"unknown period {grain!r}")
    return grain


def _plan_units(
    g: Grain,
    p: str,
    layers: tuple[Layer, ...],
    reasons: list[str],
    groups: list[tuple[str, tuple[tuple[str, IR], ...] | None]],
    units: str,
) -> UnitRows:
    """The metric's unit rows (semantics rule 29) over the columns its aggregates read."""
    base, everyone, explain = layers[0].metric, units != "population", units == "explain"
    place = _level_group(g, "site", base) or _level_group(g, "study", base) or ()
    by = {
        name: e
        for x, gr in groups
        if gr and x.startswith("by:")
        for name, (_, e) in zip(_grouped_by(x, base), gr, strict=True)
    }
    values = {x.label: unit_value(Lower(g), x.metric.measure) for x in layers}
    value = _by_layer(Col(f"{p}_layer"), values)
    return unit_rows(g, p, layers, reasons, place, tuple(by.items()), value, everyone, explain)


def chosen_levels(metric: m.Metric, levels: tuple[str, ...] | None) -> tuple[str, ...]:
    """The levels a metric is aggregated at: its own (declared, or site, study and portfolio)
    when none is asked; else each level asked that it has, and each asked for it by name
    (``ESC-RATE:portfolio``), which it gets even when it does not declare it."""
    own = tuple(x.label for x in metric.base.levels) or DEFAULT_LEVELS
    if levels is None:
        return own
    names = (metric.id, metric.key)  # `XFER-OT:portfolio`, `XFER-OT@2014:portfolio`
    named = [x.partition(":")[2] for x in levels if x.partition(":")[0] in names]
    return tuple(dict.fromkeys([x for x in levels if x in own] + named))


def _plan_metric(
    g: Grain,
    i: int,
    metric: m.Metric,
    levels: tuple[str, ...] | None,
    period: str | None,
    units: str | None = None,
) -> _MetricColumns:
    p = f"m{i}"
    layers = (Layer(BASE, metric.base),) + tuple(
        Layer(v.name, v.resolved, v.selector) for v in metric.variants
    )
    stage0 = [(f"{p}_layer", _layer_column(g, layers))]
    values, measure, reasons = _unit_values(g, p, layers)
    grain, pk, cumulative = _period(g, metric.base, period)
    stage1 = list(values.items()) + ([(f"{p}_pk", pk)] if pk is not None else [])
    stats = summary_stats(metric.base, measure.kind)
    groups = [(x, _level_group(g, x, metric.base)) for x in chosen_levels(metric, levels)]
    overall = call("is_null", Col(CUT_PERIOD)) if g.series else None  # a series' data-cut rows
    branches = [Branch(i, ALL_LEVEL, (), where=overall)]
    for label, group in groups:
        if group is None:
            continue
        branches.append(Branch(i, label, group, where=overall))
        if pk is not None:
            branches.append(Branch(i, label, group, Col(f"{p}_pk"), cumulative))
    plan = MetricPlan(
        metric.id, p, measure.kind, layers, tuple(reasons), stats, measure.scale,
        measure.ratio_scale, grain, tuple(x for x, gr in groups if gr is not None),
        _aggregates(p, reasons, stats, tuple(t for _, _, t in _ties(layers))),
        _plan_units(g, p, layers, reasons, groups, units) if units else None,
        metric.base.version,
    )  # fmt: skip
    return _MetricColumns(plan, stage0, stage1, _final_columns(p, reasons), branches)


# ---------------------------------------------------------------------------------- grains


def _calendar_column(g: Grain, table: str) -> IR:
    """The unit's calendar: the site's when it names a declared calendar, else the default."""
    default = g.schema.default_calendar
    if default is None:
        return NULL_TEXT
    tdef = g.schema.table(table)
    if tdef is None or tdef.column("calendar") is None or not g.joinable(table):
        return text(default.name)
    named = g.attr(table, "calendar")
    known = or_(*(call("eq", named, text(c.name)) for c in g.schema.calendars))
    return Case(((known, named),), text(default.name))


def _events_columns(schema: m.SchemaDef) -> tuple[str, str]:
    tdef = schema.table(m.SchemaDef.EVENTS_TABLE)
    cols = tdef.columns if tdef else ()
    event = next((c.name for c in cols if c.type is m.ColumnType.EVENT), "event")
    time = next((c.name for c in cols if c.type is m.ColumnType.TIMESTAMP), "at")
    return event, time


def _plan_grain(
    schema: m.SchemaDef,
    metrics: list[m.Metric],
    levels: tuple[str, ...] | None,
    period: str | None,
    as_of: dt.datetime | None,
    units: str | None = None,
    series: str | None = None,
) -> GrainPlan:
    g = Grain(schema, metrics[0].base.unit, as_of, series)
    parts = [_plan_metric(g, i, x, levels, period, units) for i, x in enumerate(metrics)]
    stage0 = [("cal", _calendar_column(g, metrics[0].base.calendar_table))]
    stage1: list[tuple[str, IR]] = [("label", call("label", *(Col(n) for n, _ in g.keys)))]
    stage2: list[tuple[str, IR]] = []
    for part in parts:
        stage0 += part.stage0
        stage1 += part.stage1
        stage2 += part.stage2
    dims = tuple(
        DimJoin(t, _table_keys(schema, t), tuple((n, c) for c, n in cols.items()))
        for t, cols in g.dims.items()
    )
    event, time = _events_columns(schema)
    return GrainPlan(
        g.unit, g.keys, m.SchemaDef.EVENTS_TABLE, event, time, tuple(g.facts.values()), dims,
        (tuple(stage0), tuple(stage1), tuple(stage2)), tuple(g.bd),
        tuple(x.plan for x in parts), tuple(b for x in parts for b in x.branches), series,
    )  # fmt: skip


def _table_keys(schema: m.SchemaDef, table: str) -> tuple[str, ...]:
    tdef = schema.table(table)
    return tdef.keys if tdef else ()


def build_grains(
    model: m.Model,
    metrics: tuple[m.Metric, ...],
    levels: tuple[str, ...] | None,
    period: str | None,
    as_of: dt.datetime | None,
    units: str | None = None,
) -> tuple[GrainPlan, ...]:
    """Group the metrics by unit of analysis and series grain (in model order) and plan each
    group; ``period`` also sets the grain of a series."""
    by_unit: dict[tuple[str, str | None], list[m.Metric]] = {}
    for metric in metrics:
        series = _grain(period or metric.base.series) if metric.base.series else None
        by_unit.setdefault((metric.base.unit.name, series), []).append(metric)
    return tuple(
        _plan_grain(model.schema, ms, levels, period, as_of, units, series)
        for (_, series), ms in by_unit.items()
    )
