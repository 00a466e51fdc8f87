"""Examples: an example declaration and the checked schema in → a model.Example out."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from imx import messages as M
from imx import model as m
from imx.checker.context import Decl, Reporter
from imx.checker.names import unknown, unknown_as
from imx.checker.schema import SchemaInfo
from imx.checker.types import TIME_UNITS, parse_timestamp
from imx.diagnostics import available, did_you_mean
from imx.syntax import ast as A

EXPECT_KEYS = (
    "value",
    "numerator",
    "denominator",
    "excluded",
    "pending",
    "open",
    "status",
    "n",
    "ci_low",
    "ci_high",
    "band",
)
VALUE_KEYS = ("value", "ci_low", "ci_high")
NAME_KEYS = ("status", "band")
STATUS_WORDS = ("insufficient", "no_data")
CALENDAR_COLUMN = ("sites", "calendar")


@dataclass(frozen=True)
class MetricFacts:
    """What an example needs to know of the metric it tests."""

    value_unit: m.ValueUnit
    bands: frozenset[str] = field(default_factory=frozenset)
    variants: frozenset[str] = field(default_factory=frozenset)


def check_example(
    decl: Decl[A.ExampleDecl], facts: Mapping[str, MetricFacts], info: SchemaInfo, rep: Reporter
) -> m.Example:
    """Check an example's metric, variant, tables and expectations; keep table cells as text."""
    node = decl.node
    metric = facts.get(node.metric.text)
    if metric is None:
        unknown(rep, M.UNKNOWN_METRIC, "metric", node.metric, facts)
    checker = _ExampleChecker(rep, info, metric)
    for f in node.fields:
        checker.field(f)
    return m.Example(
        title=node.title.value,
        metric=node.metric.text,
        as_of=checker.as_of,
        variant=checker.variant,
        tables=tuple(checker.tables),
        expect=tuple(checker.expect),
        origin=m.Origin(decl.file, node.span),
    )


@dataclass
class _ExampleChecker:
    rep: Reporter
    info: SchemaInfo
    metric: MetricFacts | None
    as_of: dt.datetime | None = None
    variant: str | None = None
    tables: list[tuple[str, tuple[tuple[str, ...], ...]]] = field(default_factory=list)
    expect: list[tuple[str, m.ExpectValue]] = field(default_factory=list)
    seen: dict[str, A.Node] = field(default_factory=dict)

    def field(self, f: A.ExampleField) -> None:
        key = _field_key(f)
        first = self.seen.get(key)
        if first is not None:
            labels = [self.rep.label(first.span, M.FIRST_DEFINED_HERE)]
            self.rep.report(
                M.DUPLICATE_IN.format(f"`{key}`", "this example"),
                f.span,
                labels=labels,
            )
            return
        self.seen[key] = f
        if isinstance(f, A.AsOfField):
            self._as_of(f)
        elif isinstance(f, A.ExampleVariantField):
            self._variant(f)
        elif isinstance(f, A.ExampleTable):
            self._table(f)
        else:
            for e in f.expectations:
                self._expectation(e)

    def _as_of(self, f: A.AsOfField) -> None:
        self.as_of = parse_timestamp(f.instant.text)
        if self.as_of is None:
            msg = M.EXAMPLE_BAD_VALUE.format(f.instant.text, "a timestamp with a zone", "as_of")
            self.rep.report(msg, f.instant.span)

    def _variant(self, f: A.ExampleVariantField) -> None:
        self.variant = f.variant.text
        if self.metric is not None and f.variant.text not in self.metric.variants:
            unknown(
                self.rep,
                M.UNKNOWN_VARIANT,
                "variant",
                f.variant,
                self.metric.variants,
                "variants of this metric",
            )

    # ------------------------------------------------------------------ tables
    def _table(self, f: A.ExampleTable) -> None:
        rows = tuple([tuple([c.text for c in r.cells]) for r in f.rows])
        self.tables.append((f.table.text, rows))
        table = self.info.schema.table(f.table.text)
        if table is None:
            unknown(
                self.rep,
                M.UNKNOWN_TABLE,
                "table",
                f.table,
                [t.name for t in self.info.schema.tables],
            )
            return
        if not f.rows:
            return
        columns = self._header(f.rows[0], table)
        rules = [self._rule(c, f.table.text) if c is not None else None for c in columns]
        for row in f.rows[1:]:
            self._row(row, rules)

    def _header(self, header: A.Row, table: m.TableDef) -> list[m.ColumnDef | None]:
        columns: list[m.ColumnDef | None] = []
        seen: set[str] = set()
        for cell in header.cells:
            column = table.column(cell.text)
            if column is None:
                name = A.Name(cell.text, span=cell.span if cell.text else header.span)
                msg = M.NO_SUCH_COLUMN.format("table", table.name, "column", cell.text)
                columns_of = [c.name for c in table.columns]
                unknown_as(self.rep, msg, name, columns_of, f"columns of `{table.name}`")
            elif cell.text in seen:
                msg = M.DUPLICATE_IN.format(f"column `{cell.text}`", "this header")
                self.rep.report(msg, cell.span)
                column = None
            seen.add(cell.text)
            columns.append(column)
        return columns

    def _row(self, row: A.Row, rules: list[Callable[[A.Cell], None] | None]) -> None:
        """A row's width, and each cell by its column's rule (``None``: a column without one,
        or unknown)."""
        if len(row.cells) != len(rules):
            msg = M.EXAMPLE_ROW_WIDTH.format(len(row.cells), len(rules))
            self.rep.report(msg, row.span)
            return
        for cell, rule in zip(row.cells, rules, strict=True):
            if rule is not None and cell.text:
                rule(cell)

    def _rule(self, column: m.ColumnDef, table: str) -> Callable[[A.Cell], None] | None:
        """How a cell of ``column`` is checked, chosen once per table (its rows are many)."""
        if (table, column.name) == CALENDAR_COLUMN:
            calendars = [c.name for c in self.info.schema.calendars]
            return functools.partial(self._calendar_cell, calendars)
        if column.type is m.ColumnType.EVENT:
            return functools.partial(self._event_cell, column)
        check, words = _CELL_CHECKS.get(column.type, (None, ""))
        return None if check is None else functools.partial(self._cell, column, check, words)

    def _calendar_cell(self, calendars: list[str], cell: A.Cell) -> None:
        if cell.text not in calendars:
            name = A.Name(cell.text, span=cell.span)
            unknown(self.rep, M.UNKNOWN_CALENDAR, "calendar", name, calendars)

    def _event_cell(self, column: m.ColumnDef, cell: A.Cell) -> None:
        if cell.text not in self.info.event_set:
            hints = did_you_mean(cell.text, self.info.events) or available(
                "events", self.info.events
            )
            msg = M.EXAMPLE_BAD_VALUE.format(cell.text, "a declared event", column.name)
            self.rep.report(msg, cell.span, hints=hints)

    def _cell(
        self, column: m.ColumnDef, check: Callable[[str], bool], words: str, cell: A.Cell
    ) -> None:
        if not check(cell.text):
            msg = M.EXAMPLE_BAD_VALUE.format(cell.text, words, column.name)
            self.rep.report(msg, cell.span, hints=_CELL_HINTS.get(words, []))

    # ------------------------------------------------------------------ expectations
    def _expectation(self, e: A.Expectation) -> None:
        key = e.key.text
        if key not in EXPECT_KEYS:
            hints = did_you_mean(key, EXPECT_KEYS) or available("expectations", EXPECT_KEYS)
            self.rep.report(M.UNKNOWN_EXPECT_KEY.format(key), e.key.span, hints=hints)
            return
        if any(k == key for k, _ in self.expect):
            msg = M.DUPLICATE_IN.format(f"`{key}`", "the expectations")
            self.rep.report(msg, e.key.span)
            return
        value = self._expect_value(key, e.value)
        if value is not None:
            self.expect.append((key, value))

    def _expect_value(self, key: str, value: A.Literal | A.Name) -> m.ExpectValue | None:
        if key in NAME_KEYS:
            return self._expect_name(key, value)
        if key in VALUE_KEYS:
            return self._expect_number(key, value, self.metric.value_unit if self.metric else None)
        return self._expect_number(key, value, m.ValueUnit.COUNT)

    def _expect_name(self, key: str, value: A.Literal | A.Name) -> str | None:
        if isinstance(value, A.Name):
            text, span = value.text, value.span
        elif isinstance(value, A.StringLit):
            text, span = value.value.value, value.span
        else:
            self._bad_expect(key, value, "write a band name, e.g. `green`")
            return None
        allowed = set(self.metric.bands) if self.metric else set()
        allowed |= set(STATUS_WORDS) if key == "status" else set()
        if self.metric is not None and text not in allowed:
            msg = M.EXAMPLE_BAD_EXPECT.format(text, key, "no band has that name")
            self.rep.report(
                msg,
                span,
                hints=did_you_mean(text, allowed) or available("values", allowed),
            )
        return text

    def _expect_number(
        self, key: str, value: A.Literal | A.Name, unit: m.ValueUnit | None
    ) -> Decimal | None:
        number = _expect_number(value, unit)
        if number is None:
            self._bad_expect(key, value, _EXPECT_HINTS.get(unit, "write a number"))
        return number

    def _bad_expect(self, key: str, value: A.Literal | A.Name, hint: str) -> None:
        text = value.text if isinstance(value, A.Name) else _literal_text(value)
        msg = M.EXAMPLE_BAD_EXPECT.format(text, key, hint)
        self.rep.report(msg, value.span)


_EXPECT_HINTS = {
    m.ValueUnit.PERCENT: "a rate is written as a percentage, e.g. `50%`",
    m.ValueUnit.COUNT: "write a plain number",
    None: "write a number",
}


def _expect_number(value: A.Literal | A.Name, unit: m.ValueUnit | None) -> Decimal | None:
    if isinstance(value, A.PercentLit):
        return value.fraction if unit in (m.ValueUnit.PERCENT, None) else None
    if isinstance(value, A.NumberLit):
        return value.value if unit is not m.ValueUnit.PERCENT else None
    if isinstance(value, A.DurationLit) and unit is not None:
        found = TIME_UNITS.get(value.unit.text)
        if found is not None and found[0].value == unit.value:
            return value.amount.value * found[1]
    return None


def _literal_text(value: A.Literal) -> str:
    if isinstance(value, A.NumberLit | A.DateTimeLit | A.DateLit):
        return value.text
    if isinstance(value, A.PercentLit):
        return value.text + "%"
    if isinstance(value, A.DurationLit):
        return f"{value.amount.text} {value.unit.text}"
    return value.value.value


def _field_key(f: A.ExampleField) -> str:
    if isinstance(f, A.ExampleTable):
        return f"table {f.table.text}"
    return {A.AsOfField: "as_of", A.ExampleVariantField: "variant"}.get(type(f), "expect")


def _is_decimal(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _is_integer(text: str) -> bool:
    return text.lstrip("+-").isdigit()


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


_CELL_CHECKS: dict[m.ColumnType, tuple[Callable[[str], bool] | None, str]] = {
    m.ColumnType.NUMBER: (_is_decimal, "a number"),
    m.ColumnType.INTEGER: (_is_integer, "a whole number"),
    m.ColumnType.BOOLEAN: (lambda t: t.lower() in ("true", "false"), "true or false"),
    m.ColumnType.DATE: (_is_date, "a date"),
    m.ColumnType.TIMESTAMP: (lambda t: parse_timestamp(t) is not None, "a timestamp with a zone"),
}


_CELL_HINTS = {
    "a timestamp with a zone": ["write e.g. 2026-03-02T10:00Z (a zone or Z is required)"],
    "a date": ["write e.g. 2026-03-02"],
}


def metric_facts(metric: m.Metric) -> MetricFacts:
    """The facts an example needs, taken from a checked metric and its variants."""
    layers: Collection[m.ResolvedMetric] = [metric.base, *(v.resolved for v in metric.variants)]
    bands = {b.name for r in layers if r.bands for b in r.bands.bands}
    return MetricFacts(
        metric.base.value_unit, frozenset(bands), frozenset(v.name for v in metric.variants)
    )
