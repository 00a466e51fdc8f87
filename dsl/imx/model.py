"""The checked project model: names resolved, expressions typed, params substituted, variants merged.

The checker (imx.checker) builds a :class:`Model` from syntax trees; the planner and both evaluators
consume it and never look at syntax again. Everything here is immutable and free of spans, except
``origin`` fields that let later stages point a finding back at the source.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, replace
from decimal import Decimal

from imx.source import Span


@dataclass(frozen=True)
class Origin:
    """Where a model element was written, for run-time findings."""

    file: str
    span: Span


# ------------------------------------------------------------------------------------ schema


class ColumnType(enum.Enum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"
    EVENT = "event"  # text restricted to the declared event names


@dataclass(frozen=True)
class ColumnDef:
    name: str
    type: ColumnType
    key: bool = False
    optional: bool = False
    title: str | None = None


@dataclass(frozen=True)
class TableDef:
    name: str
    title: str | None
    columns: tuple[ColumnDef, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    def column(self, name: str) -> ColumnDef | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class EventDef:
    name: str
    title: str | None
    order: int  # position in the schema's `events` block: the workflow order


@dataclass(frozen=True)
class UnitDef:
    """A unit of analysis: event rows grouped by these key columns of the events table, with the
    attributes declared on it (semantics rule 17), each computed per unit like any fact."""

    name: str
    keys: tuple[str, ...]
    attributes: tuple[UnitAttribute, ...] = ()

    def attribute(self, name: str) -> UnitAttribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True)
class UnitAttribute:
    """``name = EXPR`` declared on a unit: a value per unit (text, number, timestamp…)."""

    name: str
    expr: Expr
    type: Type


@dataclass(frozen=True)
class CalendarDef:
    name: str
    title: str | None
    default: bool
    weekend: frozenset[int]  # ISO weekday numbers, Monday = 1 … Sunday = 7
    holidays: frozenset[dt.date]
    timezone: str  # IANA zone name
    country: str | None = None  # ISO country code whose public holidays are added (holidays pkg)


@dataclass(frozen=True)
class SchemaDef:
    name: str
    title: str | None
    version: str | None
    events: tuple[EventDef, ...]
    tables: tuple[TableDef, ...]
    units: tuple[UnitDef, ...]
    calendars: tuple[CalendarDef, ...]

    EVENTS_TABLE = "events"

    def table(self, name: str) -> TableDef | None:
        return next((t for t in self.tables if t.name == name), None)

    def unit(self, name: str) -> UnitDef | None:
        return next((u for u in self.units if u.name == name), None)

    @property
    def event_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.events)

    @property
    def default_calendar(self) -> CalendarDef | None:
        flagged = [c for c in self.calendars if c.default]
        return flagged[0] if flagged else (self.calendars[0] if self.calendars else None)


# ---------------------------------------------------------------------------- typed expressions


class Type(enum.Enum):
    BOOLEAN = "boolean"
    NUMBER = "number"
    TIMESTAMP = "timestamp"
    DURATION = "duration"
    TEXT = "text"
    EVENT_KIND = "event kind"
    DATE = "date"
    ERROR = "error"  # a sub-expression that already has a diagnostic: never reported again


class TimeUnit(enum.Enum):
    HOURS = "hours"
    DAYS = "days"
    BUSINESS_DAYS = "business_days"


@dataclass(frozen=True)
class Const:
    """A typed literal. Percentages are fractions (90% -> 0.9); ``None`` is the null value."""

    value: Decimal | str | bool | dt.datetime | dt.date | None
    type: Type


@dataclass(frozen=True)
class DurationConst:
    """A fixed amount of time: ``3 business_days`` or ``48 hours`` (weeks become 7 days)."""

    amount: Decimal
    unit: TimeUnit


@dataclass(frozen=True)
class Fact:
    """``first E`` / ``last E`` (timestamp, null if none), ``count E`` (number), ``has E`` (boolean),
    over the unit's rows of E for which ``filter`` (an expression over :class:`RowAttr`) is true
    (semantics rule 14)."""

    kind: str
    event: str
    filter: Expr | None = None


@dataclass(frozen=True)
class RowAttr:
    """A column of the event row itself, inside an event filter (``modality`` in ``E[…]``)."""

    column: str
    type: Type


@dataclass(frozen=True)
class In:
    """``A in ("x", "y")`` inside an event filter: A equals one of the values (null: unknown)."""

    operand: Expr
    values: tuple[Const, ...]


@dataclass(frozen=True)
class AttributeOf:
    """``A of first E[…]`` / ``A of last E[…]``: column A of the row that defines the fact; among
    rows at that instant the smallest non-null value; null when the fact is (rule 15)."""

    column: str
    fact: Fact
    type: Type


DAY = "day"  # ``count distinct day of E``: the row's local date in the site's calendar zone


@dataclass(frozen=True)
class CountDistinct:
    """``count distinct A of E[…]``: distinct non-null values of column A over the unit's rows of
    E (rule 16); A is :data:`DAY` for the rows' local dates."""

    column: str
    event: str
    filter: Expr | None = None


@dataclass(frozen=True)
class UnitAttr:
    """A unit attribute used by name in a metric per that unit (its expression is the unit's)."""

    name: str
    type: Type


@dataclass(frozen=True)
class FirstOf:
    """The kind among ``events`` that occurs earliest in the unit; ties go to the earlier listed.
    ``filters`` (empty, or one per event, None for none) keep only rows where they hold."""

    events: tuple[str, ...]
    filters: tuple[Expr | None, ...] = ()


@dataclass(frozen=True)
class EventConst:
    """An event name used as a value, as in ``first_of(qc_passed, qc_failed) = qc_passed``."""

    event: str


@dataclass(frozen=True)
class AsOf:
    """The evaluation's data cut instant."""


@dataclass(frozen=True)
class Attr:
    """A study or site attribute joined from a dimension table by its key columns."""

    table: str
    column: str
    type: Type


@dataclass(frozen=True)
class Elapsed:
    """``hours(a, b)``, ``days(a, b)`` (exact, fractional) or ``business_days(a, b)`` (rule 4)."""

    unit: TimeUnit
    start: Expr
    end: Expr


@dataclass(frozen=True)
class Extreme:
    """``earliest(a, b, …)`` / ``latest(a, b, …)``: the earliest or latest of the timestamps that
    are present (nulls are skipped); null when none is."""

    kind: str  # "earliest" | "latest"
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Compare:
    op: str  # "=", "!=", "<", "<=", ">", ">="
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Arith:
    op: str  # "+", "-", "*", "/"
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Negate:
    operand: Expr


@dataclass(frozen=True)
class Within:
    """``target within window of anchor``: met / missed / pending, as semantics rule 5 says."""

    target: Expr
    window: DurationConst
    anchor: Expr


Expr = (
    Const
    | DurationConst
    | Fact
    | RowAttr
    | In
    | AttributeOf
    | CountDistinct
    | UnitAttr
    | FirstOf
    | EventConst
    | AsOf
    | Attr
    | Elapsed
    | Extreme
    | Not
    | BoolOp
    | Compare
    | Arith
    | Negate
    | Within
)


# --------------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class RateMeasure:
    condition: Expr


@dataclass(frozen=True)
class RatioMeasure:
    amount: Expr  # numeric per unit, summed over the population
    scale: Decimal  # "per 100 timepoints" -> 100


@dataclass(frozen=True)
class DurationMeasure:
    start: Expr
    end: Expr
    unit: TimeUnit


@dataclass(frozen=True)
class CountMeasure:
    """Number of population units where ``amount`` holds (boolean), or its sum (numeric)."""

    amount: Expr


@dataclass(frozen=True)
class ValueMeasure:
    amount: Expr  # numeric per unit, summarised by the metric's summary statistics


Measure = RateMeasure | RatioMeasure | DurationMeasure | CountMeasure | ValueMeasure


class Direction(enum.Enum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    TWO_SIDED = "two_sided"


@dataclass(frozen=True)
class BandDef:
    """One band; tested in order. ``op``/``bound`` for a comparison, ``low``/``high`` for a range
    (inclusive), all ``None`` for the catch-all."""

    name: str
    op: str | None = None
    bound: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def is_catch_all(self) -> bool:
        return self.op is None and self.low is None


@dataclass(frozen=True)
class Bands:
    direction: Direction
    bands: tuple[BandDef, ...]


@dataclass(frozen=True)
class Target:
    stat: str | None  # "median", "p90", or None for the metric's value
    op: str
    value: Decimal


@dataclass(frozen=True)
class Exclusion:
    condition: Expr
    reason: str


UNIT_SOURCE = "unit"  # where a ``by`` name lives when it is an attribute of the metric's unit


@dataclass(frozen=True)
class Level:
    """``site``, ``study``, ``portfolio``, or ``by`` one name or two crossed (semantics rule 17):
    ``by reader`` (a key of the unit), ``by modality`` (a unit attribute), ``by vendor`` (a study
    or site attribute), ``by vendor and therapeutic_area``."""

    kind: str  # "site" | "study" | "portfolio" | "by"
    attributes: tuple[str, ...] = ()  # for "by": the names grouped by, in order
    tables: tuple[str, ...] = ()  # for "by", per name: "studies", "sites", "events" (a unit
    # key) or UNIT_SOURCE (a unit attribute)

    @property
    def attribute(self) -> str | None:
        """The first name grouped by (None for the other levels)."""
        return self.attributes[0] if self.attributes else None

    @property
    def label(self) -> str:
        """``site``, ``study``, ``portfolio``, ``by:reader``, ``by:vendor+therapeutic_area``."""
        return "by:" + "+".join(self.attributes) if self.kind == "by" else self.kind


@dataclass(frozen=True)
class Period:
    grain: str  # "month" | "quarter" | "year"
    by: Expr  # a timestamp expression per unit
    cumulative: bool = False


class ValueUnit(enum.Enum):
    """What a metric's value is measured in; bands and targets must agree with it."""

    PERCENT = "percent"
    HOURS = "hours"
    DAYS = "days"
    BUSINESS_DAYS = "business_days"
    COUNT = "count"
    NUMBER = "number"


KM_PREFIX = "km_"  # a Kaplan–Meier summary (rule 21): ``km_median``, ``km_p90``


def km_statistic(name: str) -> str | None:
    """The plain statistic a Kaplan–Meier summary reads (``km_p90`` → ``p90``); None when
    ``name`` is no Kaplan–Meier summary. Only ``median`` and ``p1`` … ``p99`` have one.

    >>> km_statistic("km_median"), km_statistic("km_p90"), km_statistic("median")
    ('median', 'p90', None)
    """
    return name[len(KM_PREFIX) :] if name.startswith(KM_PREFIX) else None


@dataclass(frozen=True)
class ResolvedMetric:
    """One metric under one layer (its base, or a variant merged onto the base)."""

    id: str
    title: str | None
    category: str
    question: str | None
    unit: UnitDef
    where: tuple[Expr, ...]  # all must be true
    excludes: tuple[Exclusion, ...]
    measure: Measure
    summary: tuple[str, ...]  # ("median", "p90", "km_median"); empty for rate/ratio/count
    value_unit: ValueUnit
    target: Target | None
    bands: Bands | None
    min_n: int
    levels: tuple[Level, ...]
    period: Period | None
    companions: tuple[str, ...]
    status: str | None
    since: str | None
    doc: str | None
    params: tuple[tuple[str, Const | DurationConst], ...]
    calendar_table: str = "sites"  # the dimension table whose `calendar` column names a calendar
    series: str | None = None  # "month" | "quarter" | "year": at each period end (rule 18)
    provenance: tuple[tuple[str, str], ...] = ()  # (field, layer that set it: "base" or variant)
    version: str | None = None  # ``version "2026.1"`` (semantics rule 27); None: unversioned
    supersedes: str | None = None  # the version this one replaces

    @property
    def key(self) -> str:
        """How this version is named: ``XFER-OT@2014``, or the id of an unversioned metric."""
        return self.id if self.version is None else f"{self.id}@{self.version}"


@dataclass(frozen=True)
class SelectorTerm:
    """``column = "value"`` or ``column in ("a", "b")`` over a study attribute."""

    column: str
    values: tuple[str, ...]
    table: str = "studies"


@dataclass(frozen=True)
class Variant:
    name: str
    base: str  # the key of the version it refines (``XFER-OT@2026.1``; the id if unversioned)
    selector: tuple[SelectorTerm, ...]  # all must match
    rationale: str | None
    overrides: tuple[str, ...]  # the fields this variant sets
    resolved: ResolvedMetric

    def matches(self, attributes: dict[str, str | None]) -> bool:
        return all(attributes.get(t.column) in t.values for t in self.selector)


def version_ref(metric_id: str, version: object) -> str:
    """How a result row names the version it was evaluated under: ``XFER-OT@2014``, or the id
    when the row has no version (rule 27).

    >>> version_ref("XFER-OT", "2014"), version_ref("QC-FPR", None)
    ('XFER-OT@2014', 'QC-FPR')
    """
    return metric_id if version in (None, "") else f"{metric_id}@{version}"


@dataclass(frozen=True)
class Metric:
    base: ResolvedMetric
    variants: tuple[Variant, ...] = ()
    origin: Origin | None = None

    @property
    def id(self) -> str:
        return self.base.id

    @property
    def key(self) -> str:
        return self.base.key

    @property
    def version(self) -> str | None:
        return self.base.version

    @property
    def retired(self) -> bool:
        return self.base.status == "retired"


@dataclass(frozen=True)
class Csf:
    name: str
    title: str | None
    question: str | None
    kpis: tuple[str, ...]
    doc: str | None = None


@dataclass(frozen=True)
class MetricSet:
    name: str
    title: str | None
    version: str | None
    metrics: tuple[str, ...]
    csfs: tuple[str, ...]
    doc: str | None = None


ExpectValue = Decimal | str


@dataclass(frozen=True)
class Example:
    """An in-spec test: small tables, a data cut, and the expected portfolio-level result."""

    title: str
    metric: str
    as_of: dt.datetime | None
    variant: str | None
    tables: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]  # (table, (header, *rows))
    expect: tuple[tuple[str, ExpectValue], ...]  # ("value", Decimal("0.5")), ("status", "green")
    origin: Origin | None = None


@dataclass(frozen=True)
class Model:
    """A checked project, ready to plan and evaluate."""

    schema: SchemaDef
    metrics: tuple[Metric, ...]
    csfs: tuple[Csf, ...] = ()
    metricsets: tuple[MetricSet, ...] = ()
    examples: tuple[Example, ...] = ()
    files: tuple[str, ...] = field(default=())
    # Every version of a metric that is not its current one (superseded or retired), in
    # ``supersedes`` order per id: named by ``ID@V``, never run by default (rule 27).
    other_versions: tuple[Metric, ...] = ()

    def metric(self, ref: str) -> Metric | None:
        """The metric a reference names: ``XFER-OT`` its current version (the newest that is not
        retired), ``XFER-OT@2014`` that version."""
        if "@" not in ref:
            return next((m for m in self.metrics if m.id == ref), None)
        return next((m for m in (*self.metrics, *self.other_versions) if m.key == ref), None)

    def history(self, metric_id: str) -> tuple[Metric, ...]:
        """Every version of a metric, oldest first along its ``supersedes`` chain."""
        found = [m for m in (*self.metrics, *self.other_versions) if m.id == metric_id]
        by_version = {m.version: m for m in found}
        later = {m.base.supersedes: m for m in found if m.base.supersedes in by_version}
        first = [m for m in found if m.base.supersedes not in by_version]
        chain: list[Metric] = []
        for start in first:
            at: Metric | None = start
            while at is not None and at not in chain:
                chain.append(at)
                at = later.get(at.version)
        return (*chain, *(m for m in found if m not in chain))

    def retired(self) -> tuple[Metric, ...]:
        """The newest version of each metric whose every version is retired (no reference
        without a version and no default run takes one), in declaration order."""
        ids = dict.fromkeys(x.id for x in self.other_versions if self.metric(x.id) is None)
        return tuple(self.history(i)[-1] for i in ids)

    def chosen(self, refs: tuple[str, ...] | None) -> Model:
        """This model with ``metrics`` the versions ``refs`` name, in model order (all current
        versions when None); a reference that names none raises KeyError."""
        if refs is None:
            return self
        picked = []
        for ref in refs:
            found = self.metric(ref)
            if found is None:
                raise KeyError(ref)
            picked.append(found)
        rank = {m.id: i for i, m in enumerate((*self.metrics, *self.other_versions))}
        ordered = sorted(dict.fromkeys(picked), key=lambda m: rank[m.id])
        return replace(self, metrics=tuple(ordered))
