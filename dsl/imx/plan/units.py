"""A metric's unit rows as IR over its grain's unit row: keys, outcome, reason, value and facts.

Every column reads the same unit columns the aggregates read (``m<i>_pop``, ``m<i>_excl``,
``m<i>_state``, ``m<i>_layer``, ``m<i>_pk``), so grouping unit rows by a result row's key gives
back its numerator, denominator, pending, excluded and open (semantics rule 29). The facts are
the expressions the metric reads (its measure, ``where``, exclusions and period), each named by
its text as written (:func:`imx.spec_text.expr_text`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from imx import model as m
from imx.plan.contract import PLACE, UNIT_HEAD, unit_names
from imx.plan.lower import NULL_INT, NULL_TEXT, Grain, Lower, lower_measure, not_null
from imx.plan.nodes import (
    IR,
    NEGATIVE,
    TRUE,
    Case,
    Col,
    Layer,
    Lit,
    UnitRows,
    call,
    text,
)  # fmt: skip
from imx.spec_text import expr_text

NULL_DOUBLE = Lit(None, "double")
WHY_CALENDAR = "calendar (imx why)"  # the unit's calendar, in unit rows planned to explain
_FACT_TYPES = {"bool": "boolean", "num": "double", "ts": "timestamp", "text": "text"}
_FACT_TYPES |= {"date": "date"}
_LEAVES = (m.Fact, m.FirstOf, m.Attr, m.Elapsed, m.Extreme)


def unit_value(low: Lower, measure: m.Measure) -> IR:
    """A unit's value in the metric's unit: a duration (to the data cut while open), the time
    from a ``within``'s anchor to its target (to the cut while pending), or the amount."""
    g = low.g
    match measure:
        case m.RateMeasure(condition=m.Within() as w):
            anchor, target = low(w.anchor)[0], low(w.target)[0]
            done = g.elapsed(w.window.unit, anchor, target)
            return Case(((not_null(target), done),), g.elapsed(w.window.unit, anchor, g.as_of))
        case m.RateMeasure():
            return NULL_DOUBLE
        case m.DurationMeasure():
            start, end = low(measure.start)[0], low(measure.end)[0]
            so_far = g.elapsed(measure.unit, start, g.as_of)
            return Case(((call("is_null", end), so_far),), g.elapsed(measure.unit, start, end))
    return lower_measure(low, measure).val


def _children(e: m.Expr) -> tuple[m.Expr, ...]:
    match e:
        case m.Elapsed():
            return (e.start, e.end)
        case m.Extreme():
            return e.args
        case m.Not() | m.Negate():
            return (e.operand,)
        case m.BoolOp():
            return e.operands
        case m.Compare() | m.Arith():
            return (e.left, e.right)
        case m.Within():
            return (e.target, e.anchor)
    return ()


def _facts(e: m.Expr) -> Iterator[m.Expr]:
    """The facts of ``e``, inner ones first, left to right."""
    for child in _children(e):
        yield from _facts(child)
    if isinstance(e, _LEAVES):
        yield e


def _measure_exprs(measure: m.Measure) -> tuple[m.Expr, ...]:
    match measure:
        case m.RateMeasure():
            return (measure.condition,)
        case m.DurationMeasure():
            return (measure.start, measure.end)
        case m.RatioMeasure() | m.CountMeasure() | m.ValueMeasure():
            return (measure.amount,)
    return ()


def read_facts(metric: m.ResolvedMetric) -> Iterator[m.Expr]:
    """Every fact a metric (one layer) reads: measure, ``where``, exclusions, period."""
    exprs = [*_measure_exprs(metric.measure), *metric.where]
    exprs += [x.condition for x in metric.excludes]
    exprs += [metric.period.by] if metric.period is not None else []
    for e in exprs:
        yield from _facts(e)


def _fact_type(e: m.Expr, kind: str) -> str:
    if isinstance(e, m.Fact) and e.kind == "count":
        return "bigint"
    if kind == "dur:business_days":
        return "bigint"
    return "double" if kind.startswith("dur:") else _FACT_TYPES.get(kind, "text")


def _fact_columns(g: Grain, layers: Sequence[Layer], taken: set[str]) -> list[tuple[str, str, IR]]:
    """One column per distinct fact text over every layer, first appearance first; a text that
    names a column already taken (an attribute called ``reason``) gets `` (fact)`` added."""
    low, seen, out = Lower(g), set(), []
    for layer in layers:
        for e in read_facts(layer.metric):
            name = expr_text(e)
            if name in seen:
                continue
            seen.add(name)
            ir, kind = low(e)
            out.append((f"{name} (fact)" if name in taken else name, _fact_type(e, kind), ir))
    return out


def _condition_columns(g: Grain, layers: Sequence[Layer]) -> list[tuple[str, str, IR]]:
    """For ``imx why``: each ``where`` and exclusion condition of every layer, as a boolean
    column named ``where TEXT`` / ``exclude TEXT``, first appearance first."""
    low, out, seen = Lower(g), [], set()
    for layer in layers:
        conditions = [("where", e) for e in layer.metric.where]
        conditions += [("exclude", x.condition) for x in layer.metric.excludes]
        for word, e in conditions:
            name = f"{word} {expr_text(e)}"
            if name not in seen:
                seen.add(name)
                out.append((name, "boolean", low(e)[0]))
    return out


def _outcome(p: str, reasons: Sequence[str]) -> tuple[IR, IR]:
    """The unit's outcome and its reason's text, from the columns the aggregates count."""
    pop, excl, state = Col(f"{p}_pop"), Col(f"{p}_excl"), Col(f"{p}_state")
    whens: list[tuple[IR, IR]] = [(call("not", pop), text("outside"))]
    if NEGATIVE in reasons:
        negative = Lit(reasons.index(NEGATIVE), "bigint")
        whens.append((call("eq", excl, negative), text("negative")))
    whens += [
        (not_null(excl), text("excluded")),
        (call("eq", state, text("closed")), text("measured")),
    ]
    named = tuple((call("eq", excl, Lit(k, "bigint")), text(r)) for k, r in enumerate(reasons))
    return Case(tuple(whens), state), Case(named, NULL_TEXT) if named else NULL_TEXT


def unit_rows(
    g: Grain,
    p: str,
    layers: Sequence[Layer],
    reasons: Sequence[str],
    place: tuple[tuple[str, IR], ...],
    groups: Sequence[tuple[str, IR]],
    value: IR,
    everyone: bool,
    explain: bool = False,
) -> UnitRows:
    """The unit rows of metric ``m<p>``, columns in the contract's order (``unit_names``, then
    the facts, then the attributes of its ``by`` levels); ``place`` the unit's study and site.
    With ``explain``, the unit's calendar and each ``where`` and exclusion condition follow."""
    keys = tuple(k for _, k in g.keys)
    outcome, reason = _outcome(p, reasons)
    pk = Col(f"{p}_pk") if layers[0].metric.period is not None or g.series else NULL_INT
    fixed: dict[str, IR] = {k: call("to_text", Col(n)) for n, k in g.keys}
    found = dict(place)
    fixed |= {name: found.get(name, NULL_TEXT) for name in PLACE if name not in keys}
    fixed |= {"variant": Col(f"{p}_layer"), "period": pk, "outcome": outcome, "reason": reason}
    fixed["value"] = value
    types = dict(UNIT_HEAD)
    columns = [(n, types.get(n, "text"), fixed[n]) for n in unit_names(keys)]
    taken = {c[0] for c in columns} | {name for name, _ in groups}
    columns += _fact_columns(g, layers, taken)
    columns += [(name, "text", ir) for name, ir in groups if name not in fixed]
    if explain:  # what imx why narrates: the unit's calendar, each condition's truth
        columns += [(WHY_CALENDAR, "text", Col("cal")), *_condition_columns(g, layers)]
    return UnitRows(TRUE if everyone else Col(f"{p}_pop"), tuple(columns))
