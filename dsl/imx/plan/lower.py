"""model.Expr and measures → core IR over one unit row (rules 2, 4, 5, 6, 8, 9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from imx import model as m
from imx.plan.nodes import (
    CUT,
    FALSE,
    IR,
    MICROS,
    NEGATIVE,
    NULL_VALUE,
    OUTSIDE,
    Case,
    Col,
    FactSpec,
    Lit,
    PlanError,
    call,
    text,
    utc,
)  # fmt: skip

# ----------------------------------------------------------------------- lowering: model → IR

_LIT_TYPES = {
    m.Type.BOOLEAN: "boolean", m.Type.NUMBER: "double", m.Type.TIMESTAMP: "timestamp",
    m.Type.TEXT: "text", m.Type.EVENT_KIND: "text", m.Type.DATE: "date",
    m.Type.DURATION: "double", m.Type.ERROR: "text",
}  # fmt: skip
_KINDS = {
    "boolean": "bool", "double": "num", "bigint": "num", "timestamp": "ts", "text": "text",
    "date": "date",
}  # fmt: skip
NULL_BOOL, NULL_TEXT, NULL_INT = Lit(None, "boolean"), text(None), Lit(None, "bigint")


def and_(*args: IR) -> IR:
    return args[0] if len(args) == 1 else call("and", *args)


def or_(*args: IR) -> IR:
    return args[0] if len(args) == 1 else call("or", *args)


def not_null(e: IR) -> IR:
    return call("not", call("is_null", e))


class Grain:
    """Collects the facts, joins and business-day arguments one grain's expressions need."""

    def __init__(
        self,
        schema: m.SchemaDef,
        unit: m.UnitDef,
        as_of: dt.datetime | None,
        series: str | None = None,
    ) -> None:
        self.schema = schema
        self.unit = unit
        self.series = series  # a series grain: each unit row has its cut, `as_of` reads it
        self.as_of: IR = call("now") if as_of is None else Lit(utc(as_of), "timestamp")
        if series is not None:
            self.as_of = Col(CUT)
        self.keys = tuple((f"k{i}", k) for i, k in enumerate(unit.keys))
        self.facts: dict[tuple[str, str | None, str | None, IR | None, str | None], FactSpec] = {}
        self.dims: dict[str, dict[str, str]] = {}
        self.bd: list[IR] = []

    def key(self, column: str) -> Col | None:
        return next((Col(n) for n, k in self.keys if k == column), None)

    def fact(
        self,
        kind: str,
        event: str | None = None,
        column: str | None = None,
        filter: IR | None = None,
        zone: str | None = None,
    ) -> Col:
        key = (kind, event, column, filter, zone)
        found = self.facts.get(key)
        if found is None:
            found = FactSpec(f"f{len(self.facts)}", kind, event, column, filter, zone)
            self.facts[key] = found
        return Col(found.name)

    def distinct_days(self, event: str, filter: IR | None) -> IR:
        """Distinct local dates of the rows (rule 16), in the zone of the unit's calendar
        (column ``cal``, from the first stage on): one fact per time zone of the calendars."""
        calendars = self.schema.calendars
        zones = sorted({c.timezone for c in calendars}) or ["UTC"]
        if len(zones) == 1:
            return self.fact("distinct_day", event, filter=filter, zone=zones[0])
        whens = tuple(
            (
                call("eq", Col("cal"), text(c.name)),
                self.fact("distinct_day", event, filter=filter, zone=c.timezone),
            )
            for c in calendars
        )
        return Case(whens, NULL_INT)

    def joinable(self, table: str) -> bool:
        tdef = self.schema.table(table)
        return tdef is not None and all(k in self.unit.keys for k in tdef.keys)

    def attr(self, table: str, column: str) -> Col:
        if table == m.SchemaDef.EVENTS_TABLE:
            return self.key(column) or self.fact("min", column=column)
        if not self.joinable(table):
            raise PlanError(f"{table}.{column} cannot be joined to unit {self.unit.name!r}")
        cols = self.dims.setdefault(table, {})
        name = cols.setdefault(column, f"a{sum(len(c) for c in self.dims.values())}")
        return Col(name)

    def business_days(self, a: IR, b: IR) -> IR:
        if not self.schema.calendars:
            raise PlanError("business_days needs a calendar declaration")
        for arg in (a, b):
            if arg not in self.bd:
                self.bd.append(arg)
        return call("business_days", a, b)

    def elapsed(self, unit: m.TimeUnit, a: IR, b: IR) -> IR:
        """Elapsed time from a to b as a number in ``unit`` (fractional for hours and days)."""
        if unit is m.TimeUnit.BUSINESS_DAYS:
            return self.business_days(a, b)
        return call("div", call("micros_between", a, b), Lit(MICROS[unit], "double"))

    def raw_elapsed(self, unit: m.TimeUnit, a: IR, b: IR) -> IR:
        """Elapsed time in raw units: integer microseconds, or whole business days."""
        if unit is m.TimeUnit.BUSINESS_DAYS:
            return self.business_days(a, b)
        return call("micros_between", a, b)


class Lower:
    """model.Expr → (IR, kind); kind is bool, num, ts, text, date or dur:<time unit>."""

    def __init__(self, grain: Grain) -> None:
        self.g = grain

    def __call__(self, e: m.Expr) -> tuple[IR, str]:
        g = self.g
        match e:
            case m.Const():
                return self.const(e)
            case m.DurationConst():
                return Lit(float(e.amount), "double"), f"const:{e.unit.value}"
            case m.Fact(kind="first" | "last"):
                return g.fact(e.kind, e.event, filter=row_filter(e.filter)), "ts"
            case m.Fact(kind="count"):
                return g.fact("count", e.event, filter=row_filter(e.filter)), "num"
            case m.Fact(kind="has") if g.series is not None:  # a series reads first facts
                return not_null(g.fact("first", e.event, filter=row_filter(e.filter))), "bool"
            case m.Fact(kind="has"):
                count = g.fact("count", e.event, filter=row_filter(e.filter))
                return call("gt", count, Lit(0, "bigint")), "bool"
            case m.AttributeOf():
                kind, cond = f"attr_{e.fact.kind}", row_filter(e.fact.filter)
                return g.fact(kind, e.fact.event, e.column, cond), _KINDS[_LIT_TYPES[e.type]]
            case m.CountDistinct(column=m.DAY):
                return g.distinct_days(e.event, row_filter(e.filter)), "num"
            case m.CountDistinct():
                return g.fact("distinct", e.event, e.column, row_filter(e.filter)), "num"
            case m.UnitAttr():
                found = g.unit.attribute(e.name)
                if found is None:
                    raise PlanError(f"unit {g.unit.name!r} has no attribute {e.name!r}")
                return self(found.expr)
            case m.FirstOf():
                return self.first_of(e.events, e.filters), "text"
            case m.EventConst():
                return text(e.event), "text"
            case m.AsOf():
                return g.as_of, "ts"
            case m.Attr():
                return g.attr(e.table, e.column), _KINDS[_LIT_TYPES[e.type]]
            case m.Elapsed():
                a, b = self(e.start)[0], self(e.end)[0]
                return g.elapsed(e.unit, a, b), f"dur:{e.unit.value}"
            case m.Extreme():
                fn = "least" if e.kind == "earliest" else "greatest"
                return call(fn, *(self(a)[0] for a in e.args)), "ts"
            case m.Not():
                return call("not", self(e.operand)[0]), "bool"
            case m.BoolOp():
                return call(e.op, *(self(x)[0] for x in e.operands)), "bool"
            case m.Compare():
                return self.compare(e), "bool"
            case m.Arith():
                (left, lk), (right, rk) = self(e.left), self(e.right)
                return call(_ARITH[e.op], left, right), lk if lk == rk else "num"
            case m.Negate():
                operand, kind = self(e.operand)
                return call("neg", operand), kind
            case m.Within():
                return self.within_bool(e), "bool"
        raise PlanError(f"cannot evaluate expression {e!r}")

    @staticmethod
    def const(e: m.Const) -> tuple[IR, str]:
        v = e.value
        if isinstance(v, bool):
            lit = Lit(v, "boolean")
        elif v is None or isinstance(v, str):
            lit = Lit(v, _LIT_TYPES[e.type])
        elif isinstance(v, dt.datetime):
            lit = Lit(utc(v), "timestamp")
        elif isinstance(v, dt.date):
            lit = Lit(v, "date")
        else:
            lit = Lit(float(v), "double")
        return lit, _KINDS[lit.type]

    def compare(self, e: m.Compare) -> IR:
        """A comparison; a fixed amount (``48 hours``) is converted to the other side's unit."""
        (left, lk), (right, rk) = self(e.left), self(e.right)
        if lk.startswith("dur:") and rk.startswith("const:") and lk[4:] != rk[6:]:
            right = _convert(right, rk[6:], lk[4:])
        elif rk.startswith("dur:") and lk.startswith("const:") and rk[4:] != lk[6:]:
            left = _convert(left, lk[6:], rk[4:])
        return call(_COMPARE[e.op], left, right)

    def first_of(self, events: tuple[str, ...], filters: tuple[m.Expr | None, ...] = ()) -> IR:
        conds = [row_filter(f) for f in filters] or [None] * len(events)
        times = [self.g.fact("first", ev, filter=c) for ev, c in zip(events, conds, strict=True)]
        whens: list[tuple[IR, IR]] = []
        for i, (ev, t) in enumerate(zip(events, times, strict=True)):
            beats = [
                or_(call("is_null", u), call("lt" if j < i else "le", t, u))
                for j, u in enumerate(times)
                if j != i
            ]
            whens.append((and_(not_null(t), *beats), text(ev)))
        return Case(tuple(whens), NULL_TEXT)

    def within_parts(self, e: m.Within) -> tuple[IR, IR, IR, IR, IR]:
        """(anchor, target, d(target) ≤ W, d(as_of) > W) for rule 5, plus W."""
        anchor, target = self(e.anchor)[0], self(e.target)[0]
        w = Lit(float(e.window.amount), "double")
        d_target = self.g.elapsed(e.window.unit, anchor, target)
        d_cut = self.g.elapsed(e.window.unit, anchor, self.g.as_of)
        return anchor, target, call("le", d_target, w), call("gt", d_cut, w), w

    def within_bool(self, e: m.Within) -> IR:
        """Nested ``within``: met → true, missed → false, pending or no anchor → unknown."""
        anchor, target, target_ok, cut_late, _ = self.within_parts(e)
        return Case(
            (
                (call("is_null", anchor), NULL_BOOL),
                (not_null(target), target_ok),
                (cut_late, FALSE),
            ),
            NULL_BOOL,
        )


_COMPARE = {"=": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


def row_filter(e: m.Expr | None) -> IR | None:
    """An event filter (rule 14) → IR over the event row's own columns (``Col`` names a column of
    the events table); None for none. Unknown (a null attribute) leaves the row out."""
    match e:
        case None:
            return None
        case m.RowAttr():
            return Col(e.column)
        case m.Const():
            return Lower.const(e)[0]
        case m.Compare():
            return call(_COMPARE[e.op], _row(e.left), _row(e.right))
        case m.In():
            operand = _row(e.operand)
            return or_(*(call("eq", operand, Lower.const(v)[0]) for v in e.values))
        case m.BoolOp():
            return call(e.op, *(_row(x) for x in e.operands))
        case m.Not():
            return call("not", _row(e.operand))
    raise PlanError(f"cannot filter event rows on {e!r}")


def _row(e: m.Expr) -> IR:
    out = row_filter(e)
    assert out is not None
    return out


_ARITH = {"+": "add", "-": "sub", "*": "mul", "/": "div"}


def _convert(e: IR, unit: str, to: str) -> IR:
    factors = {"hours": 1.0, "days": 24.0}
    if unit not in factors or to not in factors:
        raise PlanError(f"cannot compare {unit} with {to}")
    return call("mul", e, Lit(factors[unit] / factors[to], "double"))


# ------------------------------------------------------------------- lowering: measures → states

BUILTIN = {"outside": OUTSIDE, "negative": NEGATIVE, "nullval": NULL_VALUE}
_STATS = {"median": 0.5, "min": 0.0, "max": 1.0}


@dataclass(frozen=True)
class Measure:
    kind: str
    raw: IR  # met/missed/pending/open/closed or a built-in token (outside/negative/nullval)
    val: IR
    builtins: tuple[str, ...]
    scale: float = 1.0
    ratio_scale: float = 1.0
    so_far: IR | None = None  # a duration's raw value to the data cut (open units, rule 21)


def _within_rate(low: Lower, w: m.Within) -> Measure:
    """Rule 5 at the top of a rate: met / missed / pending, or set aside (no anchor, negative)."""
    anchor, target, target_ok, cut_late, _ = low.within_parts(w)
    raw = Case(
        (
            (call("is_null", anchor), text("outside")),
            (call("lt", target, anchor), text("negative")),
            (target_ok, text("met")),
            (not_null(target), text("missed")),
            (cut_late, text("missed")),
        ),
        text("pending"),
    )
    return Measure("rate", raw, Lit(None, "double"), ("outside", "negative"))


def lower_measure(low: Lower, measure: m.Measure, censored: bool = False) -> Measure:
    """A measure → the unit's raw state and value (rules 5, 6, 8, 9); with ``censored``, a
    duration's value to the data cut too (its open units' censoring time, rule 21)."""
    match measure:
        case m.RateMeasure(condition=m.Within() as w):
            return _within_rate(low, w)
        case m.RateMeasure():
            c = low(measure.condition)[0]
            raw = Case(((c, text("met")), (call("not", c), text("missed"))), text("pending"))
            return Measure("rate", raw, Lit(None, "double"), ())
        case m.DurationMeasure():
            start, end = low(measure.start)[0], low(measure.end)[0]
            raw = Case(
                (
                    (call("is_null", start), text("outside")),
                    (call("is_null", end), text("open")),
                    (call("lt", end, start), text("negative")),
                ),
                text("closed"),
            )
            val = low.g.raw_elapsed(measure.unit, start, end)
            scale = MICROS.get(measure.unit, 1.0)
            so_far = low.g.raw_elapsed(measure.unit, start, low.g.as_of) if censored else None
            return Measure("duration", raw, val, ("outside", "negative"), scale, so_far=so_far)
        case m.RatioMeasure() | m.CountMeasure() | m.ValueMeasure():
            kind = {m.RatioMeasure: "ratio", m.CountMeasure: "count"}.get(type(measure), "value")
            amount, akind = low(measure.amount)
            scale = float(measure.scale) if isinstance(measure, m.RatioMeasure) else 1.0
            if akind == "bool":
                val = Case(((amount, Lit(1.0, "double")),), Lit(0.0, "double"))
                return Measure(kind, text("closed"), val, (), ratio_scale=scale)
            raw = Case(((call("is_null", amount), text("nullval")),), text("closed"))
            val = call("to_double", amount)
            return Measure(kind, raw, val, ("nullval",), ratio_scale=scale)
    raise PlanError(f"unknown measure {measure!r}")


def stat_quantile(name: str) -> float | None:
    """The quantile a summary statistic reads (``median`` 0.5, ``p90`` 0.9, ``km_p90`` 0.9 of
    the Kaplan–Meier curve); None for ``mean``."""
    km = m.km_statistic(name)
    if km is not None:
        q = stat_quantile(km)
        if q is None or km in ("min", "max"):
            raise PlanError(f"unknown summary statistic {name!r}")
        return q
    if name in _STATS:
        return _STATS[name]
    if name in ("mean", "avg"):
        return None
    if name.startswith("p"):
        try:
            q = float(name[1:]) / 100
        except ValueError:
            q = -1.0
        if 0.0 <= q <= 1.0:
            return q
    raise PlanError(f"unknown summary statistic {name!r}")


def summary_stats(metric: m.ResolvedMetric, kind: str) -> tuple[str, ...]:
    if kind not in ("duration", "value"):
        return ()
    stats = list(metric.summary or ("median",))
    if metric.target and metric.target.stat and metric.target.stat not in stats:
        stats.append(metric.target.stat)
    for name in stats:
        stat_quantile(name)
    return tuple(stats)
