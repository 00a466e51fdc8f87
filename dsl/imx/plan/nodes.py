"""Plan vocabulary: the core unit-row expression language (IR) and the plan's frozen nodes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from imx import model as m

# ------------------------------------------------------------------------------------ core IR

LitValue = float | int | str | bool | dt.datetime | dt.date | None


@dataclass(frozen=True)
class Col:
    """A column of the current unit row (a key, fact, attribute or earlier unit value)."""

    name: str


@dataclass(frozen=True)
class Lit:
    """A typed literal; ``type`` is one of double, bigint, text, boolean, timestamp, date."""

    value: LitValue
    type: str


@dataclass(frozen=True)
class Call:
    """A call of one of :data:`FUNCTIONS`."""

    fn: str
    args: tuple[IR, ...]


@dataclass(frozen=True)
class Case:
    """The first ``when`` whose condition is true (unknown is not true), else ``default``."""

    whens: tuple[tuple[IR, IR], ...]
    default: IR


IR = Col | Lit | Call | Case

FUNCTIONS = frozenset(
    {
        "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge",  # three-valued (rule 6)
        "add", "sub", "mul", "div", "neg",  # null-propagating; x / 0 is null
        "is_null", "to_text", "to_double",
        "least", "greatest",  # earliest / latest of timestamps; nulls are skipped
        "micros_between",  # exact elapsed microseconds from a to b (bigint)
        "business_days",  # rule 4, in the unit's calendar (column ``cal``)
        "period_month", "period_quarter", "period_year",  # UTC period keys
        "label",  # unit keys joined with "/" (for finding examples)
        "now",  # the data cut when none is given (printed SQL only)
    }
)  # fmt: skip

AGGREGATES = frozenset({"count", "sum", "min", "max", "quantile", "km", "examples"})
MICROS = {m.TimeUnit.HOURS: 3_600_000_000.0, m.TimeUnit.DAYS: 86_400_000_000.0}
BASE = "base"
MIXED = "mixed"
CONFLICT = "!"  # the layer of a unit two equally specific variants match (rule 28)
ALL_LEVEL = "__all__"  # internal whole-grain branch feeding run-time findings
OUTSIDE, NEGATIVE, NULL_VALUE = "outside-measure", "negative-duration", "null-value"
CUT, CUT_PERIOD = "imx_cut", "imx_cut_pk"  # a series unit row's cut and its period key (or null)
TRUE, FALSE = Lit(True, "boolean"), Lit(False, "boolean")


def call(fn: str, *args: IR) -> Call:
    assert fn in FUNCTIONS, fn
    return Call(fn, args)


def text(value: str | None) -> Lit:
    return Lit(value, "text")


# --------------------------------------------------------------------------------- plan nodes


class PlanError(Exception):
    """The model cannot be planned as asked (a level finer than the unit, an unknown attribute…)."""


@dataclass(frozen=True)
class FactSpec:
    """One per-unit aggregate of the event rows, over the rows of ``event`` (all rows for
    ``min``) for which ``filter`` (IR over the event row's own columns) is true (rule 14):

    - ``first`` / ``last``: the earliest / latest time; ``count``: the number of rows;
    - ``min``: the least non-null value of the events column ``column``;
    - ``attr_first`` / ``attr_last``: ``column`` of the rows at the ``first`` / ``last`` time,
      the least non-null one (rule 15);
    - ``distinct``: the number of distinct non-null values of ``column``; ``distinct_day``: of
      the rows' local dates in the time zone ``zone`` (rule 16).
    """

    name: str
    kind: str
    event: str | None = None
    column: str | None = None
    filter: IR | None = None
    zone: str | None = None


@dataclass(frozen=True)
class DimJoin:
    """A dimension table left-joined on its key columns (all of them unit keys)."""

    table: str
    keys: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]  # (unit column name, table column)


KM_TOLERANCE = 1e-9
"""Rule 21's S(t) ≤ 1 − q is read as S(t) ≤ 1 − q + KM_TOLERANCE, so that a curve landing exactly
on the level (S = 0.5 after 2 of 4 events) reaches it whether an engine multiplies the factors
or adds their logarithms."""


@dataclass(frozen=True)
class Agg:
    fn: str
    arg: IR | None = None  # None: count rows
    filter: IR | None = None
    q: float | None = None  # for quantile and km
    shared: tuple[float, ...] = ()  # quantile: every q read of the same values and filter
    event: IR | None = None  # km (rule 21): the rows of ``filter`` that are events, else censored


@dataclass(frozen=True)
class Branch:
    """One GROUP BY over the unit rows: a metric at one level, overall or per period."""

    metric: int
    level: str
    group: tuple[tuple[str, IR], ...]  # output column ("study", "site", "grp") → unit expression
    period: IR | None = None
    cumulative: bool = False
    where: IR | None = None  # only the unit rows for which this holds (a series' overall rows)


@dataclass(frozen=True)
class Layer:
    label: str
    metric: m.ResolvedMetric
    selector: tuple[m.SelectorTerm, ...] = ()


@dataclass(frozen=True)
class UnitRows:
    """A metric's unit rows (semantics rule 29): the units ``keep`` holds, and each column of
    the unit-row contract (``imx.plan.contract.unit_columns``) as (name, type, IR over the grain's
    unit row). Planned only when a run asks for unit rows."""

    keep: IR
    columns: tuple[tuple[str, str, IR], ...]


@dataclass(frozen=True)
class MetricPlan:
    id: str
    prefix: str
    kind: str  # rate | ratio | duration | count | value
    layers: tuple[Layer, ...]  # the base first
    reasons: tuple[str, ...]
    stats: tuple[str, ...]  # summary statistics; the first is the value
    scale: float  # raw unit values are divided by this (microseconds → hours/days)
    ratio_scale: float
    period_grain: str | None
    levels: tuple[str, ...]
    aggs: tuple[tuple[str, Agg | None], ...]  # raw column → aggregate (None: null)
    units: UnitRows | None = None  # the unit rows, when asked for
    version: str | None = None  # the metric's version (rule 27); None: unversioned

    def layer(self, label: str | None) -> Layer:
        return next((x for x in self.layers if x.label == label), self.layers[0])


@dataclass(frozen=True)
class GrainPlan:
    unit: m.UnitDef
    keys: tuple[tuple[str, str], ...]  # (unit column, events column)
    events_table: str
    event_column: str
    time_column: str
    facts: tuple[FactSpec, ...]
    dims: tuple[DimJoin, ...]
    stages: tuple[tuple[tuple[str, IR], ...], ...]  # business-day joins follow stage 0
    bd_args: tuple[IR, ...]  # timestamp expressions needing a calendar index
    metrics: tuple[MetricPlan, ...]
    branches: tuple[Branch, ...]
    series: str | None = None  # a unit row per unit and cut of this grain's period ends (rule 18)


@dataclass(frozen=True)
class Plan:
    as_of: dt.datetime | None
    calendars: tuple[m.CalendarDef, ...]
    grains: tuple[GrainPlan, ...]
    raw_columns: tuple[tuple[str, str], ...]  # (name, type) of every raw aggregate row
    literals: tuple[dt.datetime, ...] = field(default=())  # timestamp constants (calendar range)
    zone: str = "UTC"  # the default calendar's time zone, in which series periods end (rule 18)

    def metric(self, metric_id: str) -> MetricPlan:
        return next(p for g in self.grains for p in g.metrics if p.id == metric_id)

    def calendar(self, name: str | None) -> m.CalendarDef | None:
        return next((c for c in self.calendars if c.name == name), None)


def utc(value: dt.datetime) -> dt.datetime:
    """An aware UTC instant (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)
