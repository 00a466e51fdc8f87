"""A resolved metric in → what it reads (events, tables, columns) and where it measures (spans).

>>> from imx import model as m
>>> span = measured_span(m.DurationMeasure(m.Fact("first", "a"), m.Fact("first", "b"), m.TimeUnit.DAYS))
>>> span.starts, span.ends
(('a',), ('b',))
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from imx import model as m

SPAN_CATEGORIES = ("cycle_time", "timeliness")


def walk(expr: m.Expr) -> Iterator[m.Expr]:
    """Every sub-expression of ``expr``, itself first."""
    yield expr
    children: tuple[m.Expr, ...] = ()
    if isinstance(expr, m.Elapsed):
        children = (expr.start, expr.end)
    elif isinstance(expr, m.Extreme):
        children = expr.args
    elif isinstance(expr, m.Not | m.Negate):
        children = (expr.operand,)
    elif isinstance(expr, m.BoolOp):
        children = expr.operands
    elif isinstance(expr, m.Compare | m.Arith):
        children = (expr.left, expr.right)
    elif isinstance(expr, m.Within):
        children = (expr.target, expr.anchor)
    for child in children:
        yield from walk(child)


def measure_exprs(measure: m.Measure) -> tuple[m.Expr, ...]:
    """The expressions a measure is made of."""
    if isinstance(measure, m.RateMeasure):
        return (measure.condition,)
    if isinstance(measure, m.DurationMeasure):
        return (measure.start, measure.end)
    return (measure.amount,)


def metric_exprs(metric: m.ResolvedMetric) -> tuple[m.Expr, ...]:
    """Every expression a resolved metric evaluates: where, exclusions, measure and period."""
    exprs = [*metric.where, *(e.condition for e in metric.excludes)]
    exprs.extend(measure_exprs(metric.measure))
    if metric.period is not None:
        exprs.append(metric.period.by)
    return tuple(exprs)


def events_of(expr: m.Expr) -> tuple[str, ...]:
    """Event names ``expr`` mentions, in the order written, each once."""
    names: list[str] = []
    for node in walk(expr):
        if isinstance(node, m.Fact | m.EventConst):
            names.append(node.event)
        elif isinstance(node, m.FirstOf):
            names.extend(node.events)
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class DataNeeds:
    """The events, tables and columns a metric reads."""

    events: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]  # (table, column)
    calendar: bool  # business days: the sites' calendar column and the declared calendars


def data_needs(metric: m.Metric) -> DataNeeds:
    """What a metric (with all its variants) reads from the event log and dimension tables."""
    layers = [metric.base, *(v.resolved for v in metric.variants)]
    events: list[str] = []
    columns: list[tuple[str, str]] = []
    calendar = False
    for layer in layers:
        columns.extend((m.SchemaDef.EVENTS_TABLE, key) for key in layer.unit.keys)
        measure = layer.measure
        if isinstance(measure, m.DurationMeasure):
            calendar = calendar or measure.unit is m.TimeUnit.BUSINESS_DAYS
        for expr in metric_exprs(layer):
            events.extend(events_of(expr))
            for node in walk(expr):
                if isinstance(node, m.Attr):
                    columns.append((node.table, node.column))
                calendar = calendar or _business(node)
        if layer.calendar_table and calendar:
            columns.append((layer.calendar_table, "calendar"))
    columns[:0] = [(m.SchemaDef.EVENTS_TABLE, "event"), (m.SchemaDef.EVENTS_TABLE, "at")]
    for variant in metric.variants:
        columns.extend((t.table, t.column) for t in variant.selector if t.table != m.UNIT_SOURCE)
        for term in variant.selector:  # a unit attribute: what its expression reads
            attribute = metric.base.unit.attribute(term.column)
            if term.table == m.UNIT_SOURCE and attribute is not None:
                events.extend(events_of(attribute.expr))
                columns.extend(_columns_read(attribute.expr))
    return DataNeeds(tuple(dict.fromkeys(events)), tuple(dict.fromkeys(columns)), calendar)


def _columns_read(expr: m.Expr) -> list[tuple[str, str]]:
    """The (table, column) pairs an expression reads: dimension attributes and event columns."""
    out: list[tuple[str, str]] = []
    for node in walk(expr):
        if isinstance(node, m.Attr):
            out.append((node.table, node.column))
        elif isinstance(node, m.AttributeOf):
            out.append((m.SchemaDef.EVENTS_TABLE, node.column))
    return out


def _business(node: m.Expr) -> bool:
    if isinstance(node, m.Elapsed):
        return node.unit is m.TimeUnit.BUSINESS_DAYS
    if isinstance(node, m.Within):
        return node.window.unit is m.TimeUnit.BUSINESS_DAYS
    return False


@dataclass(frozen=True)
class MeasuredSpan:
    """Where in the workflow a metric measures: from its start events to its end events.

    ``to_data_cut`` is true when the span ends at the data cut (``as_of``), not at an event.
    """

    starts: tuple[str, ...]
    ends: tuple[str, ...]
    to_data_cut: bool = False


def measured_span(measure: m.Measure) -> MeasuredSpan | None:
    """The span a measure draws: duration start → end, ``within`` anchor → target, or elapsed time."""
    if isinstance(measure, m.DurationMeasure):
        return _span(measure.start, measure.end)
    pairs: list[tuple[m.Expr, m.Expr]] = []
    for expr in measure_exprs(measure):
        for node in walk(expr):
            if isinstance(node, m.Within):
                pairs.append((node.anchor, node.target))
            elif isinstance(node, m.Elapsed):
                pairs.append((node.start, node.end))
    spans = [s for s in (_span(a, b) for a, b in pairs) if s is not None]
    if not spans:
        return None
    starts = tuple(dict.fromkeys(e for s in spans for e in s.starts))
    ends = tuple(dict.fromkeys(e for s in spans for e in s.ends))
    return MeasuredSpan(starts, ends, any(s.to_data_cut for s in spans))


def _span(start: m.Expr, end: m.Expr) -> MeasuredSpan | None:
    starts = events_of(start)
    ends = events_of(end)
    to_cut = any(isinstance(n, m.AsOf) for n in walk(end))
    if not starts or not (ends or to_cut):
        return None
    return MeasuredSpan(starts, ends, to_cut)
