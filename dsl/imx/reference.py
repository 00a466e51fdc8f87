"""Plan + Arrow tables → raw aggregates in pure Python: the semantic oracle beside the SQL engine.

It interprets the same plan as ``sql.py`` compiles, row by row. Null handling and SQL's
three-valued logic (rule 6) live in one small table, :data:`HELPERS`; quantiles use linear
interpolation between order statistics (numpy's default definition, DuckDB's ``quantile_cont``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import operator
import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from imx.calendars import business_days, period_ends
from imx.plan import (
    CUT,
    CUT_PERIOD,
    EXAMPLES,
    IR,
    KM_TOLERANCE,
    Agg,
    Branch,
    Call,
    Case,
    Col,
    FactSpec,
    GrainPlan,
    Lit,
    MetricPlan,
    Plan,
    PlanError,
    order_keys,
    raw_schema,
    sort_by_keys,
    unit_schema,
)

Value = Any  # None, bool, int, float, str, datetime, date
Row = dict[str, Value]


def _and(*xs: Value) -> Value:
    return False if any(x is False for x in xs) else (None if any(x is None for x in xs) else True)


def _or(*xs: Value) -> Value:
    return True if any(x is True for x in xs) else (None if any(x is None for x in xs) else False)


def _strict(fn: Callable[..., Value]) -> Callable[..., Value]:
    """Null in, null out: the SQL rule for comparisons and arithmetic."""
    return lambda *xs: None if any(x is None for x in xs) else fn(*xs)


def _to_text(x: Value) -> str:
    return ("true" if x else "false") if isinstance(x, bool) else str(x)


def _period(grain: str) -> Callable[[dt.datetime], int]:
    def key(ts: dt.datetime) -> int:
        u = ts.astimezone(dt.UTC)
        return {"month": u.year * 100 + u.month, "quarter": u.year * 10 + (u.month + 2) // 3}.get(
            grain, u.year
        )

    return key


HELPERS: dict[str, Callable[..., Value]] = {
    "and": _and,
    "or": _or,
    "not": _strict(operator.not_),
    "eq": _strict(operator.eq),
    "ne": _strict(operator.ne),
    "lt": _strict(operator.lt),
    "le": _strict(operator.le),
    "gt": _strict(operator.gt),
    "ge": _strict(operator.ge),
    "add": _strict(operator.add),
    "sub": _strict(operator.sub),
    "mul": _strict(operator.mul),
    "div": _strict(lambda a, b: None if b == 0 else float(a) / float(b)),
    "neg": _strict(operator.neg),
    "least": lambda *xs: min((x for x in xs if x is not None), default=None),
    "greatest": lambda *xs: max((x for x in xs if x is not None), default=None),
    "is_null": lambda x: x is None,
    "to_text": _strict(_to_text),
    "to_double": _strict(float),
    "micros_between": _strict(lambda a, b: (b - a) // dt.timedelta(microseconds=1)),
    "period_month": _strict(_period("month")),
    "period_quarter": _strict(_period("quarter")),
    "period_year": _strict(_period("year")),
    "label": _strict(lambda *keys: "/".join(keys)),
}
"""Every core function; SQL's null and three-valued logic (rule 6) is decided here, once."""


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default method).

    >>> quantile([1, 2, 4], 0.9)
    3.6
    """
    xs = sorted(values)
    h = (len(xs) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return float(xs[lo]) + (float(xs[hi]) - float(xs[lo])) * (h - lo)


def kaplan_meier(units: Iterable[tuple[float, bool]], q: float) -> float | None:
    """Rule 21: the smallest time t whose product-limit survival S(t) is at most 1 − q, of
    (time, event) pairs (False: censored at that time); at a tie the events come first (those
    censored at t are still at risk at t); None when the curve never gets there.

    >>> kaplan_meier([(1, True), (2, False), (3, True), (4, True)], 0.5)
    3.0
    """
    pairs = sorted(units)
    at_risk, survival, target = len(pairs), 1.0, 1.0 - q + KM_TOLERANCE
    for t, group in itertools.groupby(pairs, key=lambda u: u[0]):
        flags = [event for _, event in group]
        events = sum(flags)
        if events:
            survival = 0.0 if events == at_risk else survival * (1.0 - events / at_risk)
            if survival <= target:
                return float(t)
        at_risk -= len(flags)
    return None


class _Evaluator:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def __call__(self, e: IR, row: Row) -> Value:
        match e:
            case Col():
                return row[e.name]
            case Lit():
                return e.value
            case Case():
                for cond, value in e.whens:
                    if self(cond, row) is True:
                        return self(value, row)
                return self(e.default, row)
            case Call(fn="business_days"):
                a, b = (self(x, row) for x in e.args)
                cal = self.plan.calendar(row["cal"])
                return None if a is None or b is None or cal is None else business_days(a, b, cal)
            case Call(fn="now"):
                raise PlanError("the reference evaluator needs an as_of instant")
            case Call():
                return HELPERS[e.fn](*(self(x, row) for x in e.args))
        raise PlanError(f"cannot evaluate {e!r}")

    # ------------------------------------------------------------------------------- units

    def units(self, grain: GrainPlan, tables: Mapping[str, pa.Table]) -> list[Row]:
        """One row per unit (in a series grain: per unit and cut, rule 18 as written: for each
        cut, the units of the events up to it, evaluated with that cut as ``as_of``)."""
        if grain.series is None:
            return self.units_at(grain, tables, {})
        events = tables[grain.events_table]
        times = [t for t in events.column(grain.time_column).to_pylist() if t is not None]
        if self.plan.as_of is None:
            raise PlanError("the reference evaluator needs an as_of instant")
        as_of = self.plan.as_of
        first = min(times) if times else None
        ends = period_ends(grain.series, self.plan.zone, first, as_of) if first else []
        rows: list[Row] = []
        for pk, cut in [*ends, (None, as_of)]:
            at = events[grain.time_column]
            late = pc.greater(at, pa.scalar(cut, at.type))
            kept = events.filter(pc.invert(pc.fill_null(late, False)))
            rows += self.units_at(
                grain, {**tables, grain.events_table: kept}, {CUT: cut, CUT_PERIOD: pk}
            )
        return rows

    def units_at(self, grain: GrainPlan, tables: Mapping[str, pa.Table], cut: Row) -> list[Row]:
        """One row per unit: keys, facts, the cut (a series), dimension attributes, then every
        stage's columns."""
        rows = [
            self.facts(grain, key, evs) | cut for key, evs in _group_events(grain, tables).items()
        ]
        for join in grain.dims:
            index = _index(tables.get(join.table), join.keys)
            unit_cols = {k: n for n, k in grain.keys}
            for row in rows:
                found = index.get(tuple(row[unit_cols[k]] for k in join.keys), {})
                row.update({n: found.get(c) for n, c in join.columns})
        for stage in grain.stages:
            for row in rows:
                row.update({name: self(e, row) for name, e in stage})
        return rows

    def facts(self, grain: GrainPlan, key: tuple[Value, ...], events: list[Row]) -> Row:
        row: Row = {n: k for (n, _), k in zip(grain.keys, key, strict=True)}
        for f in grain.facts:
            row[f.name] = self.fact(grain, f, events)
        return row

    def fact(self, grain: GrainPlan, f: FactSpec, events: list[Row]) -> Value:
        """One fact of a unit from its event rows, as :class:`imx.plan.FactSpec` defines it."""
        if f.kind == "min":
            return min((x for e in events if (x := e[f.column or ""]) is not None), default=None)
        ev, at = grain.event_column, grain.time_column
        rows = [
            e
            for e in events
            if e[ev] == f.event and (f.filter is None or self(f.filter, e) is True)
        ]  # rule 14: a filter that is unknown (a null attribute) leaves the row out
        if f.kind == "count":
            return len(rows)
        if f.kind == "distinct":
            return len({x for e in rows if (x := e[f.column or ""]) is not None})
        if f.kind == "distinct_day":
            zone = zoneinfo.ZoneInfo(f.zone or "UTC")
            return len({e[at].astimezone(zone).date() for e in rows})
        if not rows:
            return None
        pick = min if f.kind in ("first", "attr_first") else max
        when = pick(e[at] for e in rows)
        if f.kind in ("first", "last"):
            return when
        # rule 15: the smallest non-null value among the rows at the fact's instant
        return min(
            (x for e in rows if e[at] == when and (x := e[f.column or ""]) is not None),
            default=None,
        )

    # --------------------------------------------------------------------------- aggregates

    def branch(
        self, grain: GrainPlan, b: Branch, units: list[Row], periods: list[int]
    ) -> list[Row]:
        """One GROUP BY: a group per distinct key (exactly one group when there are no keys)."""
        groups: dict[tuple[Value, ...], list[Row]] = {}
        for u in units:
            if b.where is not None and self(b.where, u) is not True:
                continue
            keys = tuple(self(e, u) for _, e in b.group)
            pk = self(b.period, u) if b.period is not None else None
            if b.period is None:
                groups.setdefault(keys, []).append(u)
            elif pk is not None:
                for p in [q for q in periods if pk <= q] if b.cumulative else [pk]:
                    groups.setdefault(keys + (p,), []).append(u)
        if not b.group and b.period is None and not groups:
            groups[()] = []
        return [self.raw_row(grain, b, k, members) for k, members in groups.items()]

    def raw_row(self, grain: GrainPlan, b: Branch, key: tuple[Value, ...], units: list[Row]) -> Row:
        mp = grain.metrics[b.metric]
        out: Row = {name: None for name, _ in self.plan.raw_columns}
        out.update(metric=mp.id, level=b.level)
        out.update({n: v for (n, _), v in zip(b.group, key, strict=False)})
        if b.period is not None:
            out["period"] = key[-1]
        for name, agg in mp.aggs:
            if agg is not None:
                out[name] = self.aggregate(agg, units)
        types = dict(self.plan.raw_columns)
        return {
            n: float(v) if types[n] == "double" and v is not None else v for n, v in out.items()
        }

    def unit_rows(self, mp: MetricPlan, units: Sequence[Row]) -> pa.Table:
        """A metric's unit rows: its columns' IR on each unit its ``keep`` holds."""
        assert mp.units is not None
        kept = [u for u in units if self(mp.units.keep, u) is True]
        rows = [{name: self(e, u) for name, _, e in mp.units.columns} for u in kept]
        return pa.Table.from_pylist(rows, schema=unit_schema(mp))

    def aggregate(self, agg: Agg, units: Iterable[Row]) -> Value:
        chosen = [u for u in units if agg.filter is None or self(agg.filter, u) is True]
        if agg.fn == "count":
            return len(chosen)
        values = [v for u in chosen if agg.arg is not None and (v := self(agg.arg, u)) is not None]
        if not values:
            return None
        if agg.fn == "quantile":
            assert agg.q is not None
            return quantile(values, agg.q)
        if agg.fn == "km":
            assert agg.q is not None and agg.arg is not None and agg.event is not None
            arg, event = agg.arg, agg.event
            pairs = [(v, self(event, u) is True) for u in chosen if (v := self(arg, u)) is not None]
            return kaplan_meier(pairs, agg.q)
        if agg.fn == "examples":
            return sorted(set(values))[:EXAMPLES]
        if agg.fn == "sum":
            return sum(values)
        return min(values) if agg.fn == "min" else max(values)


def _group_events(
    grain: GrainPlan, tables: Mapping[str, pa.Table]
) -> dict[tuple[Value, ...], list[Row]]:
    events = tables[grain.events_table]
    wanted = {k for _, k in grain.keys} | {grain.event_column, grain.time_column}
    wanted |= {f.column for f in grain.facts if f.column}
    wanted |= {c for f in grain.facts if f.filter is not None for c in _columns(f.filter)}
    rows = events.select([c for c in events.column_names if c in wanted]).to_pylist()
    groups: dict[tuple[Value, ...], list[Row]] = {}
    for row in rows:
        key = tuple(row[k] for _, k in grain.keys)
        if None not in key:  # a row without one of the unit's keys is in none of its units
            groups.setdefault(key, []).append(row)
    return groups


def _columns(e: IR) -> set[str]:
    """The columns an expression reads."""
    match e:
        case Col():
            return {e.name}
        case Call():
            return {c for a in e.args for c in _columns(a)}
        case Case():
            parts = [_columns(x) for w in e.whens for x in w] + [_columns(e.default)]
            return set().union(*parts)
    return set()


def _index(table: pa.Table | None, keys: tuple[str, ...]) -> dict[tuple[Value, ...], Row]:
    if table is None:
        return {}
    return {tuple(r[k] for k in keys): r for r in table.to_pylist()}


def run(
    plan: Plan,
    tables: Mapping[str, pa.Table],
    units_to: Callable[[str, pa.Table], None] | None = None,
) -> pa.Table:
    """Every grain's raw aggregates, with the same columns, types and order
    (:data:`imx.plan.RESULT_ORDER`) as the DuckDB engine's; the unit rows of the metrics planned
    with them go to ``units_to`` (metric id, rows), from the same unit rows."""
    ev = _Evaluator(plan)
    rows: list[Row] = []
    for grain in plan.grains:
        units = ev.units(grain, tables)
        for mp in grain.metrics:
            if units_to is not None and mp.units is not None:
                units_to(mp.id, ev.unit_rows(mp, units))
        for b in grain.branches:
            periods: list[int] = []
            if b.period is not None and b.cumulative:
                periods = sorted({p for u in units if (p := ev(b.period, u)) is not None})
            rows.extend(ev.branch(grain, b, units, periods))
    raw = pa.Table.from_pylist(rows, schema=raw_schema(plan))
    metric_ids = [mp.id for g in plan.grains for mp in g.metrics]
    return sort_by_keys(raw, order_keys(raw, metric_ids))
