"""Plan → one sqlglot expression tree per grain (one scan of the events table), printed per dialect.

Each grain compiles to a chain of CTEs: ``imx_facts`` (the only read of the events table: one GROUP
BY of the unit keys with conditional aggregates), ``imx_dims`` (dimension joins), ``imx_s0``,
``imx_bd`` (calendar-table joins for business days), ``imx_s1``, ``imx_units`` (unit values for
every metric), then one ``UNION ALL`` branch per metric × level × period mode over ``imx_units``.
A series grain (rule 18) reads the events once too, into facts per unit and period of its events
(``imx_buckets``), rolled up to date (``imx_runs``) and joined to the generated cuts table
``imx_cuts``: its ``imx_facts`` has a row per unit and cut.
:func:`compile_steps` gives the same per grain in steps for engines: the unit rows, then each
metric's branches reading them as a table; there a series grain whose facts roll up reads its
``first`` facts and its units' first events from the unit rows of the plain grain of its unit
that ran before it (``imx_shared<i>``, :class:`_Share`) instead of grouping the events again.
The imx-function → SQL mapping is the table :data:`FUNCTIONS` plus per-dialect overrides in
:data:`DIALECT_FUNCTIONS`. DuckDB and Spark are executed by the test suite (``imx.dialects.TESTED_DIALECTS``);
the other dialects are printed by sqlglot's transpiler and untested.

>>> from imx.sql import DIALECTS
>>> DIALECTS[0]
'duckdb'
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlglot.expressions as exp

from imx.calendars import CALENDAR_TABLE, CUTS_TABLE
from imx.dialects import DIALECTS
from imx.model import Model
from imx.plan import (
    ALL_LEVEL,
    BASE,
    BY_RANK,
    CUT,
    CUT_PERIOD,
    EXAMPLES,
    IR,
    KM_TOLERANCE,
    LEVEL_RANK,
    MIXED,
    OTHER_RANK,
    RESULT_ORDER,
    VARIANT,
    Agg,
    Branch,
    Call,
    Case,
    Col,
    FactSpec,
    GrainPlan,
    Lit,
    MetricPlan,
    OrderKey,
    Plan,
    PlanError,
    build_plan,
    stat_quantile,
)

SQL_TYPES = {
    "double": "DOUBLE",
    "bigint": "BIGINT",
    "text": "TEXT",
    "texts": "ARRAY<TEXT>",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMPTZ",
    "date": "DATE",
}
PERIOD = "imx_period"
BUCKET, NEXT = "imx_b", "imx_next"  # a series unit's period of events, and its next one
_ROLLING: dict[str, type[exp.AggFunc]] = {
    "first": exp.Min,
    "last": exp.Max,
    "count": exp.Sum,
    "min": exp.Min,
}  # a fact to date from its values per period
UNITS = "imx_units"  # the unit rows of a grain: the CTE, or the table of an engine's steps
KM_COLUMNS = tuple(f"imx_km_{c}" for c in ("t", "e", "n", "d", "r", "ls", "z"))
"""The Kaplan–Meier columns of a branch's unit rows (:meth:`_Compiler.km_rows`): time, event,
at risk, events at the time, row number among them, running log survival, survival zero."""
KM_T = KM_COLUMNS[0]

Builder = Callable[[Sequence[exp.Expr]], exp.Expr]


def _p(e: exp.Expr) -> exp.Expr:
    atomic = (exp.Column, exp.Literal, exp.Cast, exp.Func, exp.Null, exp.Boolean, exp.Paren)
    return e if isinstance(e, atomic) else exp.Paren(this=e)


def _bin(cls: type[exp.Binary]) -> Builder:
    return lambda a: cls(this=_p(a[0]), expression=_p(a[1]))


def _chain(cls: type[exp.Connector]) -> Builder:
    def build(args: Sequence[exp.Expr]) -> exp.Expr:
        out = _p(args[0])
        for a in args[1:]:
            out = cls(this=out, expression=_p(a))
        return exp.Paren(this=out)

    return build


def _cast(e: exp.Expr, type_: str) -> exp.Expr:
    return exp.Cast(this=e, to=exp.DataType.build(SQL_TYPES.get(type_, type_)))


def _num(value: float | int, type_: str) -> exp.Expr:
    return _cast(exp.Literal.number(repr(value)), type_)


def _utc_part(part: str, ts: exp.Expr, zone: str = "UTC") -> exp.Expr:
    local = exp.AtTimeZone(this=_p(ts), zone=exp.Literal.string(zone))
    return _cast(exp.Extract(this=exp.var(part), expression=local), "bigint")


def _period(*parts: tuple[str, int], zone: str = "UTC") -> Builder:
    def build(a: Sequence[exp.Expr]) -> exp.Expr:
        out: exp.Expr | None = None
        for part, factor in parts:
            term = _utc_part(part, a[0], zone)
            term = exp.Mul(this=term, expression=_num(factor, "bigint")) if factor != 1 else term
            out = term if out is None else exp.Add(this=out, expression=term)
        assert out is not None
        return exp.Paren(this=out)

    return build


_PERIOD_PARTS = {
    "month": (("YEAR", 100), ("MONTH", 1)),
    "quarter": (("YEAR", 10), ("QUARTER", 1)),
    "year": (("YEAR", 1),),
}


def period_key(grain: str, ts: exp.Expr, zone: str) -> exp.Expr:
    """The period key (``yyyymm``, ``yyyyq``, ``yyyy``) of an instant in ``zone``."""
    return _period(*_PERIOD_PARTS[grain], zone=zone)([ts])


def _label(a: Sequence[exp.Expr]) -> exp.Expr:
    out = _cast(a[0], "text")
    for x in a[1:]:
        out = exp.DPipe(
            this=exp.DPipe(this=out, expression=exp.Literal.string("/")),
            expression=_cast(x, "text"),
        )
    return out


FUNCTIONS: dict[str, Builder] = {
    "and": _chain(exp.And),
    "or": _chain(exp.Or),
    "not": lambda a: exp.Not(this=_p(a[0])),
    "eq": _bin(exp.EQ),
    "ne": _bin(exp.NEQ),
    "lt": _bin(exp.LT),
    "le": _bin(exp.LTE),
    "gt": _bin(exp.GT),
    "ge": _bin(exp.GTE),
    "add": _bin(exp.Add),
    "sub": _bin(exp.Sub),
    "mul": _bin(exp.Mul),
    "div": lambda a: exp.Div(
        this=_cast(a[0], "double"),
        expression=exp.Nullif(this=_cast(a[1], "double"), expression=_num(0.0, "double")),
    ),
    "neg": lambda a: exp.Neg(this=_p(a[0])),
    "least": lambda a: exp.Least(this=a[0], expressions=list(a[1:]), ignore_nulls=True),
    "greatest": lambda a: exp.Greatest(this=a[0], expressions=list(a[1:]), ignore_nulls=True),
    "is_null": lambda a: exp.Is(this=_p(a[0]), expression=exp.Null()),
    "to_text": lambda a: _cast(a[0], "text"),
    "to_double": lambda a: _cast(a[0], "double"),
    "micros_between": lambda a: exp.TimestampDiff(
        this=a[1], expression=a[0], unit=exp.var("MICROSECOND")
    ),
    "period_month": _period(*_PERIOD_PARTS["month"]),
    "period_quarter": _period(*_PERIOD_PARTS["quarter"]),
    "period_year": _period(*_PERIOD_PARTS["year"]),
    "label": _label,
    "now": lambda a: exp.CurrentTimestamp(),
    "quantile": lambda a: exp.PercentileCont(this=a[0], expression=a[1]),
}
"""The imx core functions in ANSI-ish sqlglot form; ``business_days`` is compiled from joins.
``quantile(x, q)`` is the aggregate: linear interpolation between order statistics (rule 9)."""


def _unix_micros_between(a: Sequence[exp.Expr]) -> exp.Expr:
    return exp.Sub(this=exp.UnixMicros(this=a[1]), expression=exp.UnixMicros(this=a[0]))


DIALECT_FUNCTIONS: dict[str, dict[str, Builder]] = {
    # DuckDB: several quantiles of the same values from one state (a list), then each one
    "duckdb": {
        "micros_between": _unix_micros_between,
        "quantiles": lambda a: exp.PercentileCont(
            this=a[0], expression=exp.Array(expressions=a[1:])
        ),
    },
    "postgres": {
        "examples": lambda a: a[0],  # marks the dialect without an array sort: _examples_sorted
        "micros_between": lambda a: _cast(
            exp.Mul(
                this=exp.Extract(
                    this=exp.var("EPOCH"), expression=exp.Sub(this=a[1], expression=a[0])
                ),
                expression=exp.Literal.number(1_000_000),
            ),
            "bigint",
        ),
    },
    # Spark: UNIX_MICROS; PERCENTILE is linear interpolation like quantile_cont; a session time
    # zone of UTC makes CAST(FROM_UTC_TIMESTAMP(t, zone) AS DATE) the local date (engines/spark.py).
    "spark": {
        "micros_between": _unix_micros_between,
        "quantile": lambda a: exp.Quantile(this=a[0], quantile=a[1]),
    },
    "snowflake": {},
    "bigquery": {},
    "trino": {},
}
"""Per-dialect overrides of :data:`FUNCTIONS`."""


def _aggregate(
    agg: Agg, arg: exp.Expr | None, where: exp.Expr | None, functions: Mapping[str, Builder]
) -> exp.Expr:
    """One aggregate; a quantile that shares its values with others is read from their list
    (``quantiles``) where the dialect has one: the engine then sorts the values once."""
    shared = agg.fn == "quantile" and len(agg.shared) > 1 and "quantiles" in functions
    if agg.fn == "examples":
        return (_examples_sorted if "examples" in functions else _examples)(arg, where)
    match agg.fn:
        case "count":
            out: exp.Expr = exp.Count(this=exp.Star())
        case "sum":
            out = exp.Sum(this=arg)
        case "min":
            out = exp.Min(this=arg)
        case "max":
            out = exp.Max(this=arg)
        case "quantile":
            assert agg.q is not None
            assert arg is not None
            if shared:
                out = functions["quantiles"]([arg, *(_num(q, "double") for q in agg.shared)])
            else:
                out = functions["quantile"]([arg, _num(agg.q, "double")])
        case _:
            raise PlanError(f"unknown aggregate {agg.fn!r}")
    if where is not None:
        out = exp.Filter(this=out, expression=exp.Where(this=where))
    if shared:  # this quantile's place in the list (DuckDB lists count from 1)
        index = exp.Literal.number(agg.shared.index(agg.q) + 1)
        return exp.Bracket(this=exp.Paren(this=out), expressions=[index])
    return out


def _examples(arg: exp.Expr | None, where: exp.Expr | None) -> exp.Expr:
    """The least :data:`~imx.plan.contract.EXAMPLES` distinct values of ``arg`` where ``where``
    holds, in order (a CASE, not a FILTER: the distinct-list aggregate of some dialects has one of
    its own); NULL or an empty list when there are none."""
    assert arg is not None
    chosen = exp.Case(ifs=[exp.If(this=where, true=arg)]) if where is not None else arg
    return exp.ArraySlice(
        this=exp.ArraySort(this=exp.ArrayUniqueAgg(this=chosen), nulls_first=exp.true()),
        start=exp.Literal.number(1),
        end=exp.Literal.number(EXAMPLES),
        is_length=True,
    )


def _examples_sorted(arg: exp.Expr | None, where: exp.Expr | None) -> exp.Expr:
    """:func:`_examples` where no array sort function exists (PostgreSQL): the distinct values
    aggregated in order."""
    assert arg is not None
    chosen = exp.Case(ifs=[exp.If(this=where, true=arg)]) if where is not None else arg
    ordered = exp.Order(
        this=exp.Distinct(expressions=[chosen]), expressions=[exp.Ordered(this=chosen.copy())]
    )
    given = exp.Not(this=exp.Is(this=chosen.copy(), expression=exp.Null()))
    found = exp.Filter(this=exp.ArrayAgg(this=ordered), expression=exp.Where(this=given))
    first = exp.Slice(this=exp.Literal.number(1), expression=exp.Literal.number(EXAMPLES))
    return exp.Bracket(this=exp.Paren(this=found), expressions=[first])


def _first_in_order(value: exp.Expr, keys: Sequence[exp.Ordered], rows: exp.Expr) -> exp.Expr:
    """The ``value`` of the first of ``rows`` in the order of ``keys`` (an ordered array
    aggregate: for a dialect without the least of structs, PostgreSQL)."""
    found = exp.Filter(
        this=exp.ArrayAgg(this=exp.Order(this=value, expressions=list(keys))),
        expression=exp.Where(this=rows),
    )
    return exp.Bracket(this=exp.Paren(this=found), expressions=[exp.Literal.number(1)], offset=1)


class _Compiler:
    """IR → sqlglot expressions for one dialect and one grain."""

    def __init__(
        self, plan: Plan, grain: GrainPlan, dialect: str, share: _Share | None = None
    ) -> None:
        if dialect not in DIALECTS:
            raise PlanError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
        self.plan, self.grain, self.dialect = plan, grain, dialect
        self.share = share or _Share()
        self.functions = {**FUNCTIONS, **DIALECT_FUNCTIONS[dialect]}
        self.slots = {arg: f"b{i}" for i, arg in enumerate(grain.bd_args)}

    def col(self, name: str, table: str | None = None) -> exp.Column:
        return exp.column(name, table=table, quoted=True, copy=False)

    def ir(self, e: IR, table: str | None = None) -> exp.Expr:
        match e:
            case Col():
                return self.col(e.name, table)
            case Lit():
                return self.lit(e)
            case Case():
                ifs = [exp.If(this=self.ir(c, table), true=self.ir(v, table)) for c, v in e.whens]
                return exp.Case(ifs=ifs, default=self.ir(e.default, table))
            case Call(fn="business_days"):
                start, end = (self.col(self.slots[x], table) for x in e.args)
                return exp.Paren(this=exp.Sub(this=end, expression=start))
            case Call():
                return self.functions[e.fn]([self.ir(a, table) for a in e.args])
        raise PlanError(f"cannot compile {e!r}")

    def lit(self, e: Lit) -> exp.Expr:
        v = e.value
        if v is None:
            return _cast(exp.Null(), e.type)
        if isinstance(v, bool):
            return exp.Boolean(this=v)
        if isinstance(v, float | int):
            return _num(v, e.type)
        if isinstance(v, dt.datetime | dt.date):
            return _cast(
                exp.Literal.string(
                    v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v.isoformat()
                ),
                e.type,
            )
        return exp.Literal.string(v)

    def star(self, table: str) -> exp.Expr:
        return exp.Column(this=exp.Star(), table=exp.to_identifier(table, quoted=True, copy=False))

    # ------------------------------------------------------------------------------ CTEs

    def facts(
        self, facts: Sequence[FactSpec] | None = None, rows: exp.Expr | None = None
    ) -> exp.Select:
        """The only read of the events table: every fact of every metric of the grain (and
        those a series grain of its unit reads from it, :class:`_Share`), or only ``facts``
        over only the events ``rows``."""
        g = self.grain
        cols = [exp.alias_(self.col(k, "e"), n, quoted=True, copy=False) for n, k in g.keys]
        for f in (*g.facts, *self.share.extra) if facts is None else facts:
            cols.append(exp.alias_(self.fact(f), f.name, quoted=True, copy=False))
        keys = [self.col(k, "e") for _, k in g.keys]
        keyed: list[exp.Expr] = [
            exp.Not(this=exp.Is(this=self.col(k, "e"), expression=exp.Null())) for _, k in g.keys
        ]
        keyed += [rows] if rows is not None else []
        q = exp.select(*cols).from_(_table(g.events_table, "e"), copy=False)
        if keyed:  # a row without one of the unit's keys (an optional key) is in none of its units
            q = q.where(_chain(exp.And)(keyed), copy=False)
        return q.group_by(*keys, copy=False)

    def fact_rows(self, f: FactSpec) -> exp.Expr:
        """The rows a fact reads: those of its event for which its filter holds (rule 14)."""
        assert f.event is not None
        g = self.grain
        when = exp.EQ(this=self.col(g.event_column, "e"), expression=exp.Literal.string(f.event))
        return when if f.filter is None else _chain(exp.And)([when, self.ir(f.filter, "e")])

    def fact(self, f: FactSpec) -> exp.Expr:
        """One fact's aggregate over the rows of ``e`` (rules 2, 14, 15, 16)."""
        if f.kind == "min":
            assert f.column is not None
            return exp.Min(this=self.col(f.column, "e"))
        time = self.col(self.grain.time_column, "e")
        rows = self.fact_rows(f)
        if f.kind in ("distinct", "distinct_day"):
            value = self.col(f.column, "e") if f.column is not None else self.day(time, f.zone)
            chosen = exp.Case(ifs=[exp.If(this=rows, true=value)])
            return exp.Count(this=exp.Distinct(expressions=[chosen]))
        if f.kind in ("attr_first", "attr_last"):
            return self.attribute_of(f, time, rows)
        found = {"first": exp.Min(this=time), "last": exp.Max(this=time)}.get(f.kind)
        agg = found if found is not None else exp.Count(this=exp.Star())
        return exp.Filter(this=agg, expression=exp.Where(this=rows))

    def attribute_of(self, f: FactSpec, time: exp.Expr, rows: exp.Expr) -> exp.Expr:
        """Rule 15 as one aggregate of the same scan: the least of (instant, value is null,
        value) over the rows, its instant negated for ``last``, then its value: the row at the
        fact's instant, a non-null value before a null, the smallest of those."""
        assert f.column is not None
        value = self.col(f.column, "e")
        if self.dialect == "postgres":
            keys = [
                exp.Ordered(this=time, desc=f.kind == "attr_last"),
                exp.Ordered(this=exp.Is(this=value.copy(), expression=exp.Null())),
                exp.Ordered(this=value.copy()),
            ]
            return _first_in_order(value.copy(), keys, rows)
        micros: exp.Expr = exp.UnixMicros(this=time)
        if f.kind == "attr_last":
            micros = exp.Sub(this=exp.Literal.number(0), expression=micros)
        parts = (("t", micros), ("n", exp.Is(this=value.copy(), expression=exp.Null())))
        fields = [*parts, ("v", value)]
        struct = exp.Struct(
            expressions=[exp.PropertyEQ(this=exp.to_identifier(k), expression=x) for k, x in fields]
        )
        least = exp.Filter(this=exp.Min(this=struct), expression=exp.Where(this=rows))
        return exp.Dot(this=exp.Paren(this=least), expression=exp.to_identifier("v", quoted=True))

    @staticmethod
    def day(ts: exp.Expr, zone: str | None) -> exp.Expr:
        """The local date of an instant in ``zone``."""
        return _cast(exp.AtTimeZone(this=_p(ts), zone=exp.Literal.string(zone or "UTC")), "date")

    # ------------------------------------------------------------------- series (rule 18)

    def series_facts(self) -> list[tuple[str, exp.Select]]:
        """A series grain's facts per unit and cut (rule 18), in one scan of the events: each
        unit's facts per period of its events (``imx_buckets``), rolled up to date per period
        (``imx_runs``, window aggregates), then joined to the cuts whose period each run spans
        (``imx_facts``: a row per unit and cut at or after its first event). A fact that cannot
        be rolled up is read from the events joined to the cuts on ``at <= cut`` instead. When
        every fact is a ``first`` (``has E`` is ``first E`` not null in a series), the unit's
        facts over all its events give them at each cut: no facts per period are needed.
        A series grain that shares the unit rows of the plain grain of its unit (:class:`_Share`)
        reads its ``first`` facts and each unit's first event from them, and groups by unit and
        period only the events of its other facts."""
        if self.share.reuse is not None:
            return self.shared_facts()
        if all(f.kind == "first" for f in self.grain.facts):
            return [("imx_firsts", self.firsts()), ("imx_facts", self.firsts_at_cuts())]
        if any(f.kind not in _ROLLING for f in self.grain.facts):
            return [("imx_facts", self.facts_at_cuts())]
        return [
            ("imx_buckets", self.buckets()),
            ("imx_runs", self.runs()),
            ("imx_facts", self.runs_at_cuts()),
        ]

    def firsts(self) -> exp.Select:
        """The unit's facts over all its events, and its first event (``imx_b``)."""
        at = exp.Min(this=self.col(self.grain.time_column, "e"))
        return self.facts().select(exp.alias_(at, BUCKET, quoted=True), append=True, copy=False)

    def shared_facts(self) -> list[tuple[str, exp.Select]]:
        """The series facts of :meth:`series_facts` from the plain grain's shared unit rows:
        its firsts at each cut as in :meth:`firsts_at_cuts`, its other facts rolled up to date
        from the buckets of only their events, left-joined (a unit without such an event yet
        has a count of 0 and a null ``last``/``min``)."""
        reuse, g = self.share.reuse, self.grain
        assert reuse is not None and self.share.table is not None
        firsts = [f for f in g.facts if f.kind == "first"]
        rolled = [f for f in g.facts if f.kind != "first"]
        cols: list[exp.Expr] = [self.col(n) for n, _ in g.keys]
        cols += [exp.alias_(self.col(c), n, quoted=True, copy=False) for n, c in reuse]
        cols.append(exp.alias_(self.col(FIRST_EVENT), BUCKET, quoted=True, copy=False))
        shared = exp.select(*cols).from_(_table(self.share.table), copy=False)
        at_cuts = self.firsts_at_cuts(firsts)
        if not rolled:
            return [("imx_firsts", shared), ("imx_facts", at_cuts)]
        events = {f.event for f in rolled}
        rows = None
        if None not in events:  # a `min` reads every event: then the scan cannot be narrowed
            names = sorted(e for e in events if e is not None)
            rows = exp.In(
                this=self.col(g.event_column, "e"),
                expressions=[exp.Literal.string(e) for e in names],
            )
        return [
            ("imx_firsts", shared),
            ("imx_buckets", self.buckets(rolled, rows)),
            ("imx_runs", self.runs(rolled)),
            ("imx_facts", self.with_runs(at_cuts, rolled)),
        ]

    def with_runs(self, at_cuts: exp.Select, rolled: Sequence[FactSpec]) -> exp.Select:
        """``at_cuts`` (alias ``r``, cuts ``c``) joined to each unit's run (``imx_runs``) whose
        buckets span the cut's, if any."""
        keys = [n for n, _ in self.grain.keys]
        bucket = self.col("bucket", "c")
        spans = [
            exp.LTE(this=self.col(BUCKET, "u"), expression=bucket.copy()),
            exp.or_(
                exp.Is(this=self.col(NEXT, "u"), expression=exp.Null()),
                exp.LT(this=bucket.copy(), expression=self.col(NEXT, "u")),
            ),
        ]
        on = [exp.EQ(this=self.col(k, "u"), expression=self.col(k, "r")) for k in keys] + spans
        q = at_cuts.join(_table("imx_runs", "u"), on=exp.and_(*on), join_type="left", copy=False)
        for f in rolled:
            value: exp.Expr = self.col(f.name, "u")
            if f.kind == "count":
                value = exp.Coalesce(this=value, expressions=[_num(0, "bigint")])
            q = q.select(
                exp.alias_(value, f.name, quoted=True, copy=False), append=True, copy=False
            )
        return q

    def firsts_at_cuts(self, facts: Sequence[FactSpec] | None = None) -> exp.Select:
        """A row per unit and cut at or after its first event; a first after the cut is null."""
        g, cut = self.grain, self.col("cut", "c")
        cols: list[exp.Expr] = [self.col(n, "r") for n, _ in g.keys]
        for f in g.facts if facts is None else facts:
            seen = exp.LTE(this=self.col(f.name, "r"), expression=cut.copy())
            first = exp.Case(ifs=[exp.If(this=seen, true=self.col(f.name, "r"))])
            cols.append(exp.alias_(first, f.name, quoted=True, copy=False))
        on = self.cuts_on(exp.GTE(this=cut, expression=self.col(BUCKET, "r")))
        q = exp.select(*cols, *self.cut_columns()).from_(_table("imx_firsts", "r"), copy=False)
        return q.join(_table(CUTS_TABLE, "c"), on=on, join_type="inner", copy=False)

    def buckets(
        self, facts: Sequence[FactSpec] | None = None, rows: exp.Expr | None = None
    ) -> exp.Select:
        g = self.grain
        assert g.series is not None
        bucket = period_key(g.series, self.col(g.time_column, "e"), self.plan.zone)
        q = self.facts(facts, rows)
        q = q.select(exp.alias_(bucket, BUCKET, quoted=True), append=True, copy=False)
        return q.group_by(bucket.copy(), copy=False)

    def runs(self, facts: Sequence[FactSpec] | None = None) -> exp.Select:
        """Each unit's facts to date at each of its buckets, and the next bucket it has."""
        keys = [n for n, _ in self.grain.keys]

        def over(agg: exp.Expr, frame: bool = True) -> exp.Expr:
            order = exp.Order(expressions=[exp.Ordered(this=self.col(BUCKET))])
            spec = exp.WindowSpec(
                kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"
            )
            partition = [self.col(k) for k in keys]
            return exp.Window(
                this=agg, partition_by=partition, order=order, spec=spec if frame else None
            )

        cols: list[exp.Expr] = [self.col(k) for k in [*keys, BUCKET]]
        cols.append(exp.alias_(over(exp.Lead(this=self.col(BUCKET)), False), NEXT, quoted=True))
        for f in self.grain.facts if facts is None else facts:
            rolled = over(_ROLLING[f.kind](this=self.col(f.name)))
            rolled = _cast(rolled, "bigint") if f.kind == "count" else rolled
            cols.append(exp.alias_(rolled, f.name, quoted=True, copy=False))
        return exp.select(*cols).from_(_table("imx_buckets"), copy=False)

    def cuts_on(self, extra: exp.Expr) -> exp.Expr:
        assert self.grain.series is not None
        grain = exp.EQ(
            this=self.col("grain", "c"), expression=exp.Literal.string(self.grain.series)
        )
        return exp.and_(grain, extra)

    def runs_at_cuts(self) -> exp.Select:
        g = self.grain
        bucket = self.col("bucket", "c")
        before_next = exp.or_(
            exp.Is(this=self.col(NEXT, "r"), expression=exp.Null()),
            exp.LT(this=bucket.copy(), expression=self.col(NEXT, "r")),
        )
        on = self.cuts_on(
            exp.and_(exp.GTE(this=bucket, expression=self.col(BUCKET, "r")), before_next)
        )
        cols = [self.col(n, "r") for n, _ in g.keys] + [self.col(f.name, "r") for f in g.facts]
        q = exp.select(*cols, *self.cut_columns()).from_(_table("imx_runs", "r"), copy=False)
        return q.join(_table(CUTS_TABLE, "c"), on=on, join_type="inner", copy=False)

    def cut_columns(self) -> list[exp.Expr]:
        return [
            exp.alias_(self.col("pk", "c"), CUT_PERIOD, quoted=True),
            exp.alias_(self.col("cut", "c"), CUT, quoted=True),
        ]

    def facts_at_cuts(self) -> exp.Select:
        """Rule 18 as written: the events joined to the cuts on ``at <= cut``, grouped by unit
        and cut."""
        at = self.col(self.grain.time_column, "e")
        on = self.cuts_on(exp.LTE(this=at, expression=self.col("cut", "c")))
        q = self.facts().join(_table(CUTS_TABLE, "c"), on=on, join_type="inner", copy=False)
        q = q.select(*self.cut_columns(), append=True, copy=False)
        return q.group_by(self.col("pk", "c"), self.col("cut", "c"), copy=False)

    # ------------------------------------------------------------------------------ dims

    def dims(self) -> exp.Select:
        q = exp.select(self.star("f")).from_(_table("imx_facts", "f"), copy=False)
        unit = {k: n for n, k in self.grain.keys}
        for i, d in enumerate(self.grain.dims):
            alias = f"d{i}"
            on = [
                exp.EQ(this=self.col(k, alias), expression=self.col(unit[k], "f")) for k in d.keys
            ]
            q = q.join(_table(d.table, alias), on=exp.and_(*on), join_type="left", copy=False)
            cols = [
                exp.alias_(self.col(c, alias), n, quoted=True, copy=False) for n, c in d.columns
            ]
            q = q.select(*cols, append=True, copy=False)
        return q

    def stage(self, columns: tuple[tuple[str, IR], ...], source: str) -> exp.Select:
        cols = [exp.alias_(self.ir(e), n, quoted=True, copy=False) for n, e in columns]
        return exp.select(exp.Star(), *cols).from_(_table(source), copy=False)

    def business_day_joins(self, source: str) -> exp.Select:
        """One calendar-table join per timestamp used in business_days: idx of its local date."""
        q = exp.select(self.star("s")).from_(_table(source, "s"), copy=False)
        for arg, slot in self.slots.items():
            alias = f"c_{slot}"
            day = self.local_date(self.ir(arg, "s"), self.col("cal", "s"))
            on = exp.and_(
                exp.EQ(this=self.col("calendar", alias), expression=self.col("cal", "s")),
                exp.EQ(this=self.col("date", alias), expression=day),
            )
            q = q.join(_table(CALENDAR_TABLE, alias), on=on, join_type="left", copy=False)
            q = q.select(
                exp.alias_(self.col("idx", alias), slot, quoted=True, copy=False),
                append=True,
                copy=False,
            )
        return q

    def local_date(self, ts: exp.Expr, cal: exp.Expr) -> exp.Expr:
        def day(zone: str) -> exp.Expr:
            return self.day(ts, zone)

        cals = self.plan.calendars
        if len(cals) == 1:
            return day(cals[0].timezone)
        ifs = [
            exp.If(
                this=exp.EQ(this=cal, expression=exp.Literal.string(c.name)), true=day(c.timezone)
            )
            for c in cals
        ]
        return exp.Case(ifs=ifs, default=_cast(exp.Null(), "date"))

    # -------------------------------------------------------------------------- branches

    def branch(self, b: Branch) -> exp.Select:
        mp = self.grain.metrics[b.metric]
        group = [self.ir(e) for _, e in b.group]
        period = self.col(PERIOD) if b.cumulative else (self.ir(b.period) if b.period else None)
        cols = [
            exp.alias_(self.raw_value(mp, b, n, t, period), n, quoted=True, copy=False)
            for n, t in self.plan.raw_columns
        ]
        keys = group + ([period] if period is not None else [])
        km = next((a for _, a in mp.aggs if a is not None and a.fn == "km"), None)
        if km is not None:  # the aggregates read the Kaplan–Meier columns of each unit row
            rows = self.branch_rows(b, exp.select(exp.Star()))
            source = self.km_rows(rows, km, [k.copy() for k in keys])
            q = exp.select(*cols).from_(source, copy=False)
            return q.group_by(*keys, copy=False) if keys else q
        q = self.branch_rows(b, exp.select(*cols))
        return q.group_by(*keys, copy=False) if keys else q

    def branch_rows(self, b: Branch, q: exp.Select) -> exp.Select:
        """``q`` over the unit rows of branch ``b``: joined to the periods each one counts in
        (cumulative), or those with a period, and only those its ``where`` keeps."""
        q = q.from_(_table(UNITS), copy=False)
        if b.period is not None and b.cumulative:
            q = q.join(
                self.periods(b.period),
                on=exp.LTE(this=self.ir(b.period), expression=self.col(PERIOD)),
            )
        elif b.period is not None:
            q = q.where(
                exp.Not(this=exp.Is(this=self.ir(b.period), expression=exp.Null())), copy=False
            )
        if b.where is not None:
            q = q.where(self.ir(b.where), copy=False)
        return q

    def km_rows(self, rows: exp.Select, agg: Agg, keys: list[exp.Expr]) -> exp.Expr:
        """Rule 21 over window functions: each unit row of a group with its time (null when
        ``agg.filter`` leaves it out) and event flag, the number at risk at its time (the rows at
        or after it: events at a tie come first, the censored are still at risk) and the events
        at it; then the running sum over distinct times of log(1 − d/n), and whether a time had
        all at risk as events (S = 0 from there on)."""
        assert agg.arg is not None and agg.filter is not None and agg.event is not None
        kept, event = self.ir(agg.filter), self.ir(agg.event)
        one, zero = exp.Literal.number(1), exp.Literal.number(0)
        flag = exp.Case(ifs=[exp.If(this=_and2(kept.copy(), event), true=one)]).else_(zero)
        first = rows.select(
            exp.alias_(exp.Case(ifs=[exp.If(this=kept, true=self.ir(agg.arg))]), KM_T, quoted=True),
            exp.alias_(flag, KM_COLUMNS[1], quoted=True),
            copy=False,
        )
        t, e, n, d, r = (self.col(c) for c in KM_COLUMNS[:5])
        ties = [*keys, t]
        second = exp.select(
            exp.Star(),
            _km_window(exp.Count(this=t.copy()), keys, True, KM_COLUMNS[2]),
            _km_window(exp.Sum(this=e), ties, None, KM_COLUMNS[3]),
            _km_window(exp.RowNumber(), ties, False, KM_COLUMNS[4]),
        ).from_(_subquery(first, "imx_km0"), copy=False)
        some = exp.GT(this=d.copy(), expression=zero.copy())
        ratio = exp.Div(this=_cast(d.copy(), "double"), expression=_cast(n.copy(), "double"))
        log = exp.Ln(this=exp.Sub(this=_num(1.0, "double"), expression=ratio))
        first_of_time = exp.EQ(this=r, expression=one.copy())
        step = _and2(_and2(first_of_time, some), exp.LT(this=d.copy(), expression=n.copy()))
        logs = exp.Case(ifs=[exp.If(this=step, true=log)]).else_(_num(0.0, "double"))
        all_at_risk = _and2(some.copy(), exp.EQ(this=d.copy(), expression=n.copy()))
        gone = exp.Case(ifs=[exp.If(this=all_at_risk, true=one.copy())]).else_(zero.copy())
        third = exp.select(
            exp.Star(),
            _km_window(exp.Sum(this=logs), keys, False, KM_COLUMNS[5]),
            _km_window(exp.Max(this=gone), keys, False, KM_COLUMNS[6]),
        ).from_(_subquery(second, "imx_km1"), copy=False)
        return _subquery(third, "imx_km2")

    def km_value(self, agg: Agg) -> exp.Expr:
        """The least event time whose survival reached 1 − q (rule 21, :data:`KM_TOLERANCE`)."""
        assert agg.q is not None
        t, e, _, _, _, ls, z = (self.col(c) for c in KM_COLUMNS)
        level = math.log(1.0 - agg.q + KM_TOLERANCE)
        reached = exp.Or(
            this=exp.EQ(this=z, expression=exp.Literal.number(1)),
            expression=exp.LTE(this=ls, expression=_num(level, "double")),
        )
        where = _and2(exp.EQ(this=e, expression=exp.Literal.number(1)), exp.Paren(this=reached))
        return exp.Filter(this=exp.Min(this=t), expression=exp.Where(this=where))

    def periods(self, pk: IR) -> exp.Expr:
        q = (
            exp.select(exp.alias_(self.ir(pk), PERIOD, quoted=True, copy=False))
            .distinct(copy=False)
            .from_(_table(UNITS), copy=False)
        )
        q = q.where(exp.Not(this=exp.Is(this=self.ir(pk), expression=exp.Null())), copy=False)
        return exp.Subquery(
            this=q, alias=exp.TableAlias(this=exp.to_identifier("imx_p", quoted=True, copy=False))
        )

    def raw_value(
        self, mp: MetricPlan, b: Branch, name: str, type_: str, period: exp.Expr | None
    ) -> exp.Expr:
        group, aggs = dict(b.group), dict(mp.aggs)
        if name == "metric":
            return exp.Literal.string(mp.id)
        if name == "level":
            return exp.Literal.string(b.level)
        if name in group:
            return self.ir(group[name])
        if name == "period" and period is not None:
            return period
        if name in aggs:
            agg = aggs[name]
            assert agg is not None
            if agg.fn == "km":
                return _cast(self.km_value(agg), type_)
            arg = self.ir(agg.arg) if agg.arg is not None else None
            where = self.ir(agg.filter) if agg.filter is not None else None
            return _cast(_aggregate(agg, arg, where, self.functions), type_)
        return _cast(exp.Null(), type_)

    def ctes(self) -> list[tuple[str, exp.Select]]:
        """The CTE chain up to ``imx_units``, the grain's unit rows."""
        facts = self.series_facts() if self.grain.series else [("imx_facts", self.facts())]
        ctes: list[tuple[str, exp.Select]] = [*facts, ("imx_dims", self.dims())]
        stages = self.grain.stages
        for i, stage in enumerate(stages):
            name = UNITS if i == len(stages) - 1 else f"imx_s{i}"
            ctes.append((name, self.stage(stage, ctes[-1][0])))
            if i == 0 and self.slots:
                ctes.append(("imx_bd", self.business_day_joins(name)))
        return ctes

    def tree(self) -> exp.Select:
        """The grain's whole query: CTE chain, then the UNION ALL of its branches."""
        union = union_all([self.branch(b) for b in self.grain.branches])
        alias = exp.TableAlias(this=exp.to_identifier("imx_raw", quoted=True, copy=False))
        q = exp.select(exp.Star()).from_(exp.Subquery(this=union, alias=alias), copy=False)
        materialize = self.dialect in ("duckdb", "postgres")
        for name, cte in self.ctes():
            q = q.with_(
                exp.to_identifier(name, quoted=True, copy=False),
                as_=cte,
                materialized=materialize and name == UNITS or None,
                copy=False,
            )
        return q

    def steps(self) -> GrainSteps:
        """The same query in two steps: the unit rows (only the columns the branches read),
        then each metric's branches over them; and the unit rows' columns that series grains of
        the unit read (:class:`_Share`)."""
        branches: dict[int, list[exp.Expr]] = {}
        for b in self.grain.branches:
            branches.setdefault(b.metric, []).append(self.branch(b))
        metrics = tuple((self.grain.metrics[i].id, union_all(bs)) for i, bs in branches.items())
        rows = tuple((mp.id, self.unit_rows(mp)) for mp in self.grain.metrics if mp.units)
        queries = [q for _, q in metrics + rows]
        read = {c.name for q in queries for c in q.find_all(exp.Column)} - {PERIOD, *KM_COLUMNS}
        shared = None
        if self.share.keep and self.share.table is not None:
            kept = [n for n, _ in self.grain.keys] + list(self.share.keep)
            read |= set(kept)
            select = exp.select(*(self.col(n) for n in kept)).from_(_table(UNITS), copy=False)
            shared = (self.share.table, select)
        units = exp.select(*(self.col(n) for n in sorted(read))) if read else exp.select("1")
        units = units.from_(_table(UNITS), copy=False)
        for name, cte in self.ctes():
            units = units.with_(
                exp.to_identifier(name, quoted=True, copy=False), as_=cte, copy=False
            )
        return GrainSteps(units, metrics, rows, shared)

    def unit_rows(self, mp: MetricPlan) -> exp.Select:
        """A metric's unit rows (semantics rule 29): one per unit it keeps, read from the same
        unit rows as its aggregates, each column cast to the type the contract declares."""
        assert mp.units is not None
        cols = [
            exp.alias_(_cast(self.ir(e), type_), name, quoted=True, copy=False)
            for name, type_, e in mp.units.columns
        ]
        q = exp.select(*cols).from_(_table(UNITS), copy=False)
        keep = mp.units.keep
        return q if keep == Lit(True, "boolean") else q.where(self.ir(keep), copy=False)


@dataclass(frozen=True)
class GrainSteps:
    """A grain's query as steps an engine runs one after another: ``units`` computes the unit
    rows (the one scan of the events table), to be kept as the table ``imx_units``; each of
    ``metrics`` (metric id, the UNION ALL of its branches) reads only that table. An engine
    that runs them holds one metric's aggregation at a time instead of the whole grain's.
    ``unit_rows`` (metric id, its unit rows' query over the same table) is there for the metrics
    planned with unit rows. ``shared`` (a table name, its query over the unit rows) is there
    for a plain grain whose unit has a series grain after it (:class:`_Share`): the engine keeps
    that table for the rest of the run."""

    units: exp.Select
    metrics: tuple[tuple[str, exp.Expr], ...]
    unit_rows: tuple[tuple[str, exp.Select], ...] = ()
    shared: tuple[str, exp.Select] | None = None


SHARED = "imx_shared"  # a plain grain's unit rows that a series grain reads, and its grain index
FIRST_EVENT = "imx_first_event"  # in them: each unit's first event


@dataclass(frozen=True)
class _Share:
    """What a series grain reads from the plain grain of the same unit (same keys and events)
    that runs before it, instead of grouping the unit's events again: ``table`` holds the plain
    grain's unit rows' keys, its ``first`` facts that the series grain has (``reuse``: series
    fact name, plain column), and each unit's first event (:data:`FIRST_EVENT`). A first at a
    cut is the unit's first when that is at or before the cut (rule 18), and a unit has rows
    from its first event's cut on. The plain grain computes the series' firsts it lacks as
    ``extra`` facts, and keeps the columns ``keep`` in ``table``."""

    table: str | None = None
    reuse: tuple[tuple[str, str], ...] | None = None  # a series grain's
    extra: tuple[FactSpec, ...] = ()  # a plain grain's
    keep: tuple[str, ...] = ()  # a plain grain's


def _shares(plan: Plan) -> list[_Share]:
    """Each grain's :class:`_Share`: a series grain whose facts roll up (:data:`_ROLLING`) and
    a plain grain of the same unit before it share."""
    shares = [_Share() for _ in plan.grains]
    for j, g in enumerate(plan.grains):
        same = (g.unit.name, g.keys, g.events_table, g.event_column, g.time_column)
        plain = [
            i
            for i, p in enumerate(plan.grains[:j])
            if p.series is None
            and (p.unit.name, p.keys, p.events_table, p.event_column, p.time_column) == same
        ]
        if g.series is None or not plain or any(f.kind not in _ROLLING for f in g.facts):
            continue
        i = plain[0]
        share = shares[i]
        extra = list(share.extra) or [FactSpec(FIRST_EVENT, "min", column=g.time_column)]
        named = {_spec(f): f.name for f in (*plan.grains[i].facts, *extra)}
        reuse = []
        for f in g.facts:
            if f.kind != "first":
                continue
            if _spec(f) not in named:
                extra.append(FactSpec(f"{SHARED}_f{len(extra)}", "first", f.event, filter=f.filter))
                named[_spec(f)] = extra[-1].name
            reuse.append((f.name, named[_spec(f)]))
        keep = tuple(dict.fromkeys([*share.keep, FIRST_EVENT, *(c for _, c in reuse)]))
        shares[i] = _Share(f"{SHARED}{i}", None, tuple(extra), keep)
        shares[j] = _Share(f"{SHARED}{i}", tuple(reuse))
    return shares


def _spec(f: FactSpec) -> tuple[object, ...]:
    return (f.kind, f.event, f.column, f.filter, f.zone)


def _km_window(f: exp.Expr, part: list[exp.Expr], desc: bool | None, name: str) -> exp.Expr:
    """``f`` over the rows of ``part`` (copied), ordered by the Kaplan–Meier time (``desc``: from
    the longest; None: unordered), nulls last, aliased ``name``."""
    order = None
    if desc is not None:
        key = exp.column(KM_T, quoted=True)
        order = exp.Order(expressions=[exp.Ordered(this=key, desc=desc, nulls_first=False)])
    window = exp.Window(this=f, partition_by=[k.copy() for k in part], order=order)
    return exp.alias_(window, name, quoted=True)


def _and2(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    return exp.And(this=a, expression=b)


def _subquery(q: exp.Expr, alias: str) -> exp.Subquery:
    return exp.Subquery(
        this=q, alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True, copy=False))
    )


def union_all(selects: Sequence[exp.Expr]) -> exp.Expr:
    """``selects`` joined by UNION ALL (not copied)."""
    union = selects[0]
    for other in selects[1:]:
        union = exp.union(union, other, distinct=False, copy=False)
    return union


def in_result_order(query: exp.Expr, metric_ids: Sequence[str]) -> exp.Select:
    """``query`` (raw rows of the metrics ``metric_ids``, in plan order) ordered by
    :data:`imx.plan.RESULT_ORDER`, so that finalize finds its rows in order (it checks)."""
    alias = exp.TableAlias(this=exp.to_identifier("imx_raw", quoted=True, copy=False))
    q = exp.select(exp.Star()).from_(exp.Subquery(this=query, alias=alias), copy=False)
    keys = [exp.Ordered(this=_order_key(k, metric_ids), nulls_first=True) for k in RESULT_ORDER]
    return q.order_by(*keys, copy=False)


def _order_key(key: OrderKey, metric_ids: Sequence[str]) -> exp.Expr:
    """One key of :data:`imx.plan.RESULT_ORDER` over raw rows (as ``imx.plan.order_keys``)."""
    column = exp.column(key.raw, quoted=True)
    if key.rank == "metric":
        whole = (_equals(exp.column("level", quoted=True), ALL_LEVEL), len(metric_ids))
        return _case([whole, *((_equals(column, i), k) for k, i in enumerate(metric_ids))])
    if key.rank == "level":
        by = exp.StartsWith(this=column, expression=exp.Literal.string("by"))
        named = [(_equals(column, name), rank) for name, rank in LEVEL_RANK.items()]
        return _case([*named, (by, BY_RANK)], exp.Literal.number(OTHER_RANK))
    if key.raw == VARIANT:
        low, high = exp.column("layer_min", quoted=True), exp.column("layer_max", quoted=True)
        none = exp.If(this=exp.Is(this=low, expression=exp.Null()), true=exp.Literal.string(BASE))
        one = exp.If(this=exp.EQ(this=low, expression=high), true=low.copy())
        return exp.Case(ifs=[none, one], default=exp.Literal.string(MIXED))
    return column


def _equals(column: exp.Expr, value: str) -> exp.Expr:
    return exp.EQ(this=column.copy(), expression=exp.Literal.string(value))


def _case(whens: Iterable[tuple[exp.Expr, int]], default: exp.Expr | None = None) -> exp.Case:
    ifs = [exp.If(this=cond, true=exp.Literal.number(rank)) for cond, rank in whens]
    return exp.Case(ifs=ifs, default=default)


def _table(name: str, alias: str | None = None) -> exp.Table:
    table = exp.Table(this=exp.to_identifier(name, quoted=True, copy=False))
    if alias:
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True, copy=False)))
    return table


def compile_plan(plan: Plan, dialect: str = "duckdb") -> list[exp.Select]:
    """One sqlglot tree per grain of the plan."""
    return [_Compiler(plan, grain, dialect).tree() for grain in plan.grains]


def compile_steps(plan: Plan, dialect: str = "duckdb") -> list[GrainSteps]:
    """The same queries as :func:`compile_plan`, per grain in steps (:class:`GrainSteps`); a
    series grain reads what the plain grain of its unit computed (:class:`_Share`)."""
    shares = _shares(plan)
    return [
        _Compiler(plan, g, dialect, s).steps() for g, s in zip(plan.grains, shares, strict=True)
    ]


def render(tree: exp.Expr, dialect: str = "duckdb", pretty: bool = False) -> str:
    """Print a compiled tree for a dialect, every identifier quoted."""
    return str(tree.sql(dialect=dialect, identify=True, pretty=pretty))


def compile_sql(
    model: Model, metric_id: str, dialect: str = "duckdb", as_of: dt.datetime | None = None
) -> str:
    """The SQL computing one metric's raw aggregates (``CURRENT_TIMESTAMP`` as the cut if none).

    The query reads the schema's tables and the generated ``imx_calendar`` table
    (:func:`imx.calendars.calendar_table`), and for a series the ``imx_cuts`` table
    (:func:`imx.calendars.cuts_table`); run it with the session time zone irrelevant.
    """
    plan = build_plan(model, (metric_id,), as_of=as_of)
    return render(compile_plan(plan, dialect)[0], dialect, pretty=True)


# ------------------------------------------------------------------------- standalone scripts


def standalone_steps(
    plan: Plan, dialect: str, tables: Mapping[str, str], cut: exp.Expr
) -> tuple[exp.Expr, exp.Expr]:
    """The plan's one grain in two steps (:func:`compile_steps`), for a script of
    :mod:`imx.standalone`: its unit rows (to be kept as :data:`UNITS`), and its one metric's
    raw aggregates over them. They read each schema table under its name in ``tables``, and
    ``cut`` (a scalar subquery) as the data cut."""
    ((steps),) = compile_steps(plan, dialect)
    ((_, query),) = steps.metrics

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and not node.args.get("db") and node.name in tables:
            renamed = node.copy()
            renamed.set("this", exp.to_identifier(tables[node.name], quoted=True))
            return renamed
        if isinstance(node, exp.CurrentTimestamp):
            return cut.copy()
        return node

    return steps.units.transform(swap), query.transform(swap)


def result_rows(plan: Plan, query: exp.Expr) -> exp.Select:
    """The result rows of the plan's one metric from its raw aggregates (``query``), in the
    order of results: its keys as ``imx run`` names them, the period's label, ``value``,
    ``numerator`` and ``denominator`` as :mod:`imx.results` computes them (rules 7-9)."""
    (mp,) = [mp for g in plan.grains for mp in g.metrics]
    raw = "imx_raw"

    def c(name: str) -> exp.Expr:
        return exp.column(name, table=raw, quoted=True)

    value, numerator, denominator = _measures(mp, c)
    period = _period_label(c("period"), mp.period_grain)
    variant = _order_key(OrderKey(VARIANT, VARIANT), [mp.id]).transform(
        lambda n: c(n.name) if isinstance(n, exp.Column) else n
    )
    items = [
        exp.alias_(e, name, quoted=True)
        for e, name in (
            (c("metric"), "metric"), (variant, "variant"), (c("level"), "level"),
            (c("study"), "study"), (c("site"), "site"), (c("grp"), "group"),
            (c("grp2"), "group2"), (period, "period"), (value, "value"),
            (numerator, "numerator"), (denominator, "denominator"),
        )
    ]  # fmt: skip
    alias = exp.TableAlias(this=exp.to_identifier(raw, quoted=True))
    q = exp.select(*items).from_(exp.Subquery(this=query, alias=alias), copy=False)
    q = q.where(exp.NEQ(this=c("level"), expression=exp.Literal.string(ALL_LEVEL)), copy=False)
    keys = [
        _order_key(k, [mp.id]).transform(lambda n: c(n.name) if isinstance(n, exp.Column) else n)
        for k in RESULT_ORDER
    ]
    return q.order_by(*[exp.Ordered(this=k, nulls_first=True) for k in keys], copy=False)


def _measures(mp: MetricPlan, c: Callable[[str], exp.Expr]) -> tuple[exp.Expr, exp.Expr, exp.Expr]:
    """A raw row's value, numerator and denominator by the metric's kind (``results._measured``)."""
    zero = exp.Literal.number(0)

    def per(num: exp.Expr, den: exp.Expr, scale: float = 1.0) -> exp.Expr:
        ratio = exp.Div(this=_cast(num, "double"), expression=_cast(den.copy(), "double"))
        scaled = ratio if scale == 1.0 else exp.Mul(this=ratio, expression=_num(scale, "double"))
        return exp.Case(ifs=[exp.If(this=exp.GT(this=den.copy(), expression=zero), true=scaled)])

    n_val, v_sum = c("n_val"), c("v_sum")
    if mp.kind == "rate":
        den = exp.Paren(this=exp.Add(this=c("met"), expression=c("missed")))
        return per(c("met"), den), _cast(c("met"), "double"), den.copy()
    total = exp.Coalesce(this=v_sum, expressions=[_num(0.0, "double")])
    if mp.kind == "count":
        return total, total.copy(), n_val
    if mp.kind == "ratio":
        return per(total, n_val, mp.ratio_scale), total.copy(), n_val.copy()
    none = _cast(exp.Null(), "double")
    if stat_quantile(mp.stats[0]) is None:  # a mean
        return per(v_sum, n_val, 1.0 / mp.scale), none, n_val.copy()
    first = exp.Div(this=c("st0"), expression=_num(mp.scale, "double"))
    return first, none.copy(), n_val.copy()


def _period_label(key: exp.Expr, grain: str | None) -> exp.Expr:
    """``202603`` → ``2026-03``, ``20261`` → ``2026-Q1``, ``2026`` (``results.period_label``)."""
    if grain is None:
        return _cast(exp.Null(), "text")
    if grain == "year":
        return _cast(key, "text")
    step, mark = (100, "-") if grain == "month" else (10, "-Q")
    year = _cast(exp.IntDiv(this=key.copy(), expression=exp.Literal.number(step)), "text")
    rest = exp.Mod(this=key.copy(), expression=exp.Literal.number(step))
    part = _cast(rest, "text")
    if grain == "month":  # two digits
        small = exp.LT(this=rest.copy(), expression=exp.Literal.number(10))
        part = exp.Case(
            ifs=[exp.If(this=small, true=exp.DPipe(this=exp.Literal.string("0"), expression=part))],
            default=part.copy(),
        )
    label = exp.DPipe(
        this=exp.DPipe(this=year, expression=exp.Literal.string(mark)), expression=part
    )
    return exp.Case(ifs=[exp.If(this=exp.Is(this=key.copy(), expression=exp.Null()),
                                true=_cast(exp.Null(), "text"))], default=label)  # fmt: skip


def cuts_rows(
    plan: Plan, periods: Mapping[str, Sequence[tuple[int, dt.datetime]]], first: exp.Expr,
    cut: exp.Expr,
) -> exp.Expr:  # fmt: skip
    """The cuts table (:func:`imx.calendars.cuts_table`) in SQL: for each series grain, its
    periods (``periods``: key and last microsecond, from :func:`imx.calendars.period_ends`)
    from that of the events' ``first`` time to that of the data ``cut``, the last one ending at
    the cut, then the overall row of the cut itself."""
    parts: list[exp.Expr] = []
    for grain, ends in sorted(periods.items()):
        name = exp.Literal.string(grain)
        rows = [
            exp.tuple_(exp.Literal.number(k), _cast(exp.Literal.string(e.isoformat()), "timestamp"))
            for k, e in ends
        ]
        alias = exp.TableAlias(
            this=exp.to_identifier("imx_p", quoted=True),
            columns=[exp.to_identifier(n, quoted=True) for n in ("pk", "end")],
        )
        values = exp.Values(expressions=rows, alias=alias)
        pk = exp.column("pk", table="imx_p", quoted=True)
        end = exp.column("end", table="imx_p", quoted=True)
        at_cut = period_key(grain, cut.copy(), plan.zone)
        inside = exp.and_(
            exp.GTE(this=pk.copy(), expression=period_key(grain, first.copy(), plan.zone)),
            exp.LTE(this=pk.copy(), expression=at_cut.copy()),
        )
        each = exp.select(
            exp.alias_(name, "grain", quoted=True), exp.alias_(_cast(pk, "bigint"), "pk", quoted=True),
            exp.alias_(exp.Least(this=end, expressions=[cut.copy()]), "cut", quoted=True),
            exp.alias_(_cast(pk.copy(), "bigint"), "bucket", quoted=True),
        ).from_(values).where(inside)  # fmt: skip
        overall = exp.select(
            exp.alias_(name.copy(), "grain", quoted=True),
            exp.alias_(_cast(exp.Null(), "bigint"), "pk", quoted=True),
            exp.alias_(cut.copy(), "cut", quoted=True),
            exp.alias_(_cast(at_cut, "bigint"), "bucket", quoted=True),
        )
        parts += [each, overall]
    return union_all(parts)
