"""The imx syntax tree: frozen dataclasses named after grammar rules, each carrying its Span.

Spans are excluded from equality so that ``parse(fmt(x)) == parse(x)`` compares meaning, not layout.
The tree is a faithful record of what was written; names are not resolved and nothing is checked here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from imx.source import NO_SPAN, Span


@dataclass(frozen=True, kw_only=True)
class Node:
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True)
class Name(Node):
    """An identifier as written (``XFER-CT``, ``scan_acquired``); a reference to a metric may
    name one version, ``XFER-OT@2014`` (semantics rule 27)."""

    text: str


@dataclass(frozen=True)
class Str(Node):
    """A string literal; ``value`` is unescaped, ``triple`` records the ``\"\"\"`` form."""

    value: str
    triple: bool = False


@dataclass(frozen=True)
class Comment(Node):
    text: str


# ------------------------------------------------------------------------------------ expressions


@dataclass(frozen=True)
class NumberLit(Node):
    text: str

    @property
    def value(self) -> Decimal:
        return Decimal(self.text)


@dataclass(frozen=True)
class PercentLit(Node):
    """``90%``; ``text`` is the number without the sign, ``fraction`` is 0.9."""

    text: str

    @property
    def fraction(self) -> Decimal:
        return Decimal(self.text) / 100


@dataclass(frozen=True)
class DurationLit(Node):
    """``3 business_days``, ``48 hours``: an amount and a time unit (checked later)."""

    amount: NumberLit
    unit: Name


@dataclass(frozen=True)
class StringLit(Node):
    value: Str


@dataclass(frozen=True)
class DateTimeLit(Node):
    text: str


@dataclass(frozen=True)
class DateLit(Node):
    text: str


Literal = NumberLit | PercentLit | DurationLit | StringLit | DateTimeLit | DateLit


@dataclass(frozen=True)
class EventFact(Node):
    """``first E``, ``last E``, ``count E`` or ``has E``; ``filter`` is ``E[COND]``'s COND."""

    kind: str
    event: Name
    filter: Expr | None = None


@dataclass(frozen=True)
class FilteredName(Node):
    """``E[COND]`` on its own, as in ``first_of(qc_passed[actor = "auto"], …)``."""

    name: Name
    filter: Expr


@dataclass(frozen=True)
class AttributeOf(Node):
    """``A of first E[COND]`` / ``A of last E[COND]``: an attribute of the row defining a fact."""

    attribute: Name
    fact: EventFact


@dataclass(frozen=True)
class CountDistinct(Node):
    """``count distinct A of E[COND]`` (``A`` may be ``day``, the row's local date)."""

    attribute: Name
    event: Name
    filter: Expr | None = None


@dataclass(frozen=True)
class FilterCompare(Node):
    """``COLUMN op LITERAL`` inside an event filter; ``value`` may be a negated number."""

    column: Name
    op: str
    value: Expr


@dataclass(frozen=True)
class FilterIn(Node):
    """``COLUMN in (LITERAL, …)`` inside an event filter."""

    column: Name
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Call(Node):
    """``days(a, b)``, ``first_of(E1, E2)``: a function applied to arguments."""

    func: Name
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class NameRef(Node):
    """A bare name in an expression: a param, an event, a column, ``as_of``."""

    name: Name


@dataclass(frozen=True)
class Not(Node):
    operand: Expr


@dataclass(frozen=True)
class BoolOp(Node):
    """``a and b and c`` / ``a or b``: an operator over two or more operands."""

    op: str
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Within(Node):
    """``B within W of A``: B happened no later than W after A (three-valued, see the semantics)."""

    target: Expr
    window: Expr
    anchor: Expr


@dataclass(frozen=True)
class Arith(Node):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Negate(Node):
    operand: Expr


Expr = (
    NumberLit
    | PercentLit
    | DurationLit
    | StringLit
    | DateTimeLit
    | DateLit
    | EventFact
    | FilteredName
    | AttributeOf
    | CountDistinct
    | FilterCompare
    | FilterIn
    | Call
    | NameRef
    | Not
    | BoolOp
    | Compare
    | Within
    | Arith
    | Negate
)


# ------------------------------------------------------------------------------- schema, units


@dataclass(frozen=True)
class Import(Node):
    path: tuple[Name, ...]

    @property
    def dotted(self) -> str:
        return ".".join(n.text for n in self.path)


@dataclass(frozen=True)
class Schema(Node):
    name: Name
    title: Str | None
    version: Str | None


@dataclass(frozen=True)
class EventDef(Node):
    name: Name
    title: Str | None


@dataclass(frozen=True)
class EventsDecl(Node):
    events: tuple[EventDef, ...]


@dataclass(frozen=True)
class Column(Node):
    name: Name
    type: Name
    flags: tuple[Name, ...]

    @property
    def is_key(self) -> bool:
        return any(f.text == "key" for f in self.flags)

    @property
    def is_optional(self) -> bool:
        return any(f.text == "optional" for f in self.flags)


@dataclass(frozen=True)
class TableDecl(Node):
    name: Name
    title: Str | None
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class UnitAttributeDecl(Node):
    """``modality = modality of first scan_acquired`` inside a unit's braces."""

    name: Name
    expr: Expr


@dataclass(frozen=True)
class UnitDecl(Node):
    name: Name
    columns: tuple[Name, ...]
    attributes: tuple[UnitAttributeDecl, ...] = ()


@dataclass(frozen=True)
class Weekend(Node):
    days: tuple[Name, ...]


@dataclass(frozen=True)
class Holidays(Node):
    dates: tuple[DateLit, ...]


@dataclass(frozen=True)
class Timezone(Node):
    zone: Str


@dataclass(frozen=True)
class Country(Node):
    code: Str


CalendarField = Weekend | Holidays | Timezone | Country


@dataclass(frozen=True)
class CalendarDecl(Node):
    name: Name
    title: Str | None
    is_default: bool
    fields: tuple[CalendarField, ...]


# ------------------------------------------------------------------------------ metric clauses


@dataclass(frozen=True)
class CategoryClause(Node):
    category: Name


@dataclass(frozen=True)
class QuestionClause(Node):
    text: Str


@dataclass(frozen=True)
class PerClause(Node):
    unit: Name


@dataclass(frozen=True)
class WhereClause(Node):
    condition: Expr


@dataclass(frozen=True)
class ExcludeClause(Node):
    condition: Expr
    reason: Str | None


@dataclass(frozen=True)
class RateClause(Node):
    condition: Expr


@dataclass(frozen=True)
class RatioClause(Node):
    """``ratio X per N units``."""

    amount: Expr
    scale: NumberLit
    unit: Name


@dataclass(frozen=True)
class DurationClause(Node):
    """``duration from A to B in unit``."""

    start: Expr
    end: Expr
    unit: Name


@dataclass(frozen=True)
class CountClause(Node):
    amount: Expr


@dataclass(frozen=True)
class ValueClause(Node):
    amount: Expr


@dataclass(frozen=True)
class SummaryClause(Node):
    stats: tuple[Name, ...]


@dataclass(frozen=True)
class ParamClause(Node):
    name: Name
    value: Literal


@dataclass(frozen=True)
class TargetClause(Node):
    stat: Name | None
    op: str
    value: Literal


@dataclass(frozen=True)
class BandOtherwise(Node):
    name: Name


@dataclass(frozen=True)
class BandCompare(Node):
    name: Name
    op: str
    value: Literal


@dataclass(frozen=True)
class BandRange(Node):
    name: Name
    low: Literal
    high: Literal


Band = BandOtherwise | BandCompare | BandRange


@dataclass(frozen=True)
class BandsClause(Node):
    direction: Name
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class MinNClause(Node):
    value: NumberLit


@dataclass(frozen=True)
class LevelName(Node):
    name: Name


@dataclass(frozen=True)
class LevelBy(Node):
    """``by X`` or ``by X and Y`` (crossed): the names grouped by, in order."""

    attributes: tuple[Name, ...]

    @property
    def attribute(self) -> Name:
        """The first name grouped by."""
        return self.attributes[0]


Level = LevelName | LevelBy


@dataclass(frozen=True)
class LevelsClause(Node):
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class PeriodClause(Node):
    grain: Name
    by: Expr | None
    cumulative: bool


@dataclass(frozen=True)
class SeriesClause(Node):
    """``series month``: the metric at each period end as the data cut (semantics rule 18)."""

    grain: Name


@dataclass(frozen=True)
class CompanionClause(Node):
    metrics: tuple[Name, ...]


@dataclass(frozen=True)
class StatusClause(Node):
    status: Name


@dataclass(frozen=True)
class SinceClause(Node):
    since: Str


@dataclass(frozen=True)
class DocClause(Node):
    text: Str


@dataclass(frozen=True)
class RationaleClause(Node):
    text: Str


@dataclass(frozen=True)
class HistoryClause(Node):
    text: Str


Clause = (
    CategoryClause
    | QuestionClause
    | PerClause
    | WhereClause
    | ExcludeClause
    | RateClause
    | RatioClause
    | DurationClause
    | CountClause
    | ValueClause
    | SummaryClause
    | ParamClause
    | TargetClause
    | BandsClause
    | MinNClause
    | LevelsClause
    | PeriodClause
    | SeriesClause
    | CompanionClause
    | StatusClause
    | SinceClause
    | DocClause
    | RationaleClause
    | HistoryClause
)


@dataclass(frozen=True)
class ModedClause(Node):
    """``replace where …`` / ``extend exclude …`` inside a variant."""

    mode: Name
    clause: Clause


MetricField = Clause | ModedClause


@dataclass(frozen=True)
class MetricDecl(Node):
    name: Name
    title: Str | None
    fields: tuple[MetricField, ...]
    version: Str | None = None  # ``version "2026.1"`` (semantics rule 27)
    supersedes: Str | None = None  # ``supersedes "2014"``: the version this one replaces


@dataclass(frozen=True)
class SelectorEq(Node):
    column: Name
    value: Str


@dataclass(frozen=True)
class SelectorIn(Node):
    column: Name
    values: tuple[Str, ...]


SelectorTerm = SelectorEq | SelectorIn


@dataclass(frozen=True)
class VariantDecl(Node):
    name: Name
    base: Name
    selector: tuple[SelectorTerm, ...]
    fields: tuple[MetricField, ...]


# ------------------------------------------------------------------------- CSFs and metric sets


@dataclass(frozen=True)
class KpisField(Node):
    metrics: tuple[Name, ...]


@dataclass(frozen=True)
class CsfDecl(Node):
    name: Name
    title: Str | None
    fields: tuple[QuestionClause | KpisField | DocClause, ...]


@dataclass(frozen=True)
class MetricsField(Node):
    metrics: tuple[Name, ...]


@dataclass(frozen=True)
class CsfsField(Node):
    csfs: tuple[Name, ...]


@dataclass(frozen=True)
class MetricSetDecl(Node):
    name: Name
    title: Str | None
    version: Str | None
    fields: tuple[MetricsField | CsfsField | DocClause, ...]


# ------------------------------------------------------------------------------------ examples


@dataclass(frozen=True)
class AsOfField(Node):
    instant: DateTimeLit


@dataclass(frozen=True)
class ExampleVariantField(Node):
    variant: Name


@dataclass(frozen=True)
class Cell(Node):
    """One cell of an inline table; ``text`` is stripped, empty for a blank cell."""

    text: str


@dataclass(frozen=True)
class Row(Node):
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class ExampleTable(Node):
    """An inline table: the first row holds column names, the rest hold values."""

    table: Name
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Expectation(Node):
    """``value = 50%`` or ``status = green``."""

    key: Name
    value: Literal | Name


@dataclass(frozen=True)
class ExpectField(Node):
    expectations: tuple[Expectation, ...]


ExampleField = AsOfField | ExampleVariantField | ExampleTable | ExpectField


@dataclass(frozen=True)
class ExampleDecl(Node):
    title: Str
    metric: Name
    fields: tuple[ExampleField, ...]


Item = (
    Import
    | Schema
    | EventsDecl
    | TableDecl
    | UnitDecl
    | CalendarDecl
    | MetricDecl
    | VariantDecl
    | CsfDecl
    | MetricSetDecl
    | ExampleDecl
)


@dataclass(frozen=True)
class Module(Node):
    """One parsed file: its items in order and the comments found in it."""

    path: str
    items: tuple[Item, ...]
    comments: tuple[Comment, ...] = field(default=(), compare=False)
    # names declared by items that did not parse (after recovery): not reported as unknown
    unparsed: tuple[str, ...] = field(default=(), compare=False)
