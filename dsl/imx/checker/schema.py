"""Schema checks: event, table, unit and calendar declarations in → a model.SchemaDef out."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field

from imx import messages as M
from imx import model as m
from imx.checker.context import Ctx, Decl, Reporter
from imx.checker.names import Symbols, unknown
from imx.diagnostics import available, did_you_mean
from imx.syntax import ast as A

COLUMN_TYPES = {t.value: t for t in m.ColumnType}
WEEKDAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}
DIMENSION_TABLES = ("studies", "sites")  # tables whose columns are study and site attributes
EVENTS = m.SchemaDef.EVENTS_TABLE
RESERVED_PREFIX = "imx_"  # the compiled SQL's own tables and CTEs (imx_calendar, imx_units, …)

_VALUE_TYPES = {
    m.ColumnType.TEXT: m.Type.TEXT,
    m.ColumnType.NUMBER: m.Type.NUMBER,
    m.ColumnType.INTEGER: m.Type.NUMBER,
    m.ColumnType.BOOLEAN: m.Type.BOOLEAN,
    m.ColumnType.DATE: m.Type.DATE,
    m.ColumnType.TIMESTAMP: m.Type.TIMESTAMP,
    m.ColumnType.EVENT: m.Type.EVENT_KIND,
}


def value_type(column: m.ColumnDef) -> m.Type:
    """The expression type of a column's values."""
    return _VALUE_TYPES[column.type]


@dataclass(frozen=True)
class SchemaInfo:
    """The checked schema plus the look-ups the rest of the checker needs."""

    schema: m.SchemaDef
    attributes: dict[str, tuple[str, m.ColumnDef]] = field(default_factory=dict)
    # what `by` may name per unit (keys, attribute names), filled by levels.by_names; a copy
    # made with dataclasses.replace starts empty
    by_names: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str, str]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @functools.cached_property
    def events(self) -> tuple[str, ...]:
        return self.schema.event_names

    @functools.cached_property
    def event_set(self) -> frozenset[str]:
        """The declared event names, for membership tests."""
        return frozenset(self.schema.event_names)

    def attribute(self, name: str) -> tuple[str, m.ColumnDef] | None:
        """A study or site attribute by column name: (table, column)."""
        return self.attributes.get(name)


def check_schema(symbols: Symbols, ctx: Ctx) -> SchemaInfo:
    """Check every schema declaration and build the project's SchemaDef."""
    events = tuple(
        m.EventDef(name, d.node.title.value if d.node.title else None, i)
        for i, (name, d) in enumerate(symbols.events.items())
    )
    tables = tuple(_table(d, ctx.at(d.file)) for d in symbols.tables.values())
    by_name = {t.name: t for t in tables}
    events_table = by_name.get(EVENTS)
    if events_table is not None:
        _check_events_table(events_table, symbols.tables[EVENTS], ctx)
    units = tuple(_unit(d, events_table, ctx.at(d.file)) for d in symbols.units.values())
    calendars = tuple(_calendar(d, ctx.at(d.file)) for d in symbols.calendars.values())
    _check_default_calendar(symbols, ctx)
    head = symbols.schemas[0].node if symbols.schemas else None
    schema = m.SchemaDef(
        name=head.name.text if head else "schema",
        title=head.title.value if head and head.title else None,
        version=head.version.value if head and head.version else None,
        events=events,
        tables=tables,
        units=units,
        calendars=calendars,
    )
    return SchemaInfo(schema, _attributes(by_name))


def _attributes(tables: dict[str, m.TableDef]) -> dict[str, tuple[str, m.ColumnDef]]:
    attrs: dict[str, tuple[str, m.ColumnDef]] = {}
    for table_name in DIMENSION_TABLES:
        table = tables.get(table_name)
        for column in table.columns if table else ():
            if not column.key:
                attrs.setdefault(column.name, (table_name, column))
    return attrs


def _table(decl: Decl[A.TableDecl], rep: Reporter) -> m.TableDef:
    node = decl.node
    if node.name.text.lower().startswith(RESERVED_PREFIX):
        msg = M.RESERVED_NAME.format(node.name.text)
        hint = "rename the table: the SQL imx compiles uses such names for its own tables"
        rep.report(msg, node.name.span, hints=[hint])
    columns: list[m.ColumnDef] = []
    seen: dict[str, A.Column] = {}
    for col in node.columns:
        first = seen.get(col.name.text)
        if first is not None:
            msg = M.DUPLICATE_FIELD.format(col.name.text, "table", node.name.text)
            labels = [rep.label(first.name.span, M.FIRST_DEFINED_HERE)]
            rep.report(msg, col.name.span, labels=labels)
            continue
        seen[col.name.text] = col
        columns.append(_column(col, rep))
    return m.TableDef(node.name.text, node.title.value if node.title else None, tuple(columns))


def _column(col: A.Column, rep: Reporter) -> m.ColumnDef:
    ctype = COLUMN_TYPES.get(col.type.text)
    if ctype is None:
        hints = did_you_mean(col.type.text, COLUMN_TYPES) or available("types", COLUMN_TYPES)
        rep.report(
            M.UNKNOWN_TYPE.format("column type", col.type.text),
            col.type.span,
            hints=hints,
        )
        ctype = m.ColumnType.TEXT
    return m.ColumnDef(col.name.text, ctype, key=col.is_key, optional=col.is_optional)


def _check_events_table(table: m.TableDef, decl: Decl[A.TableDecl], ctx: Ctx) -> None:
    rep = ctx.at(decl.file)
    if any(c.type.text not in COLUMN_TYPES for c in decl.node.columns):
        return  # a column of unknown type (reported) may be the one missing here
    for needed in (m.ColumnType.EVENT, m.ColumnType.TIMESTAMP):
        if not any(c.type is needed for c in table.columns):
            rep.report(M.MISSING_COLUMN.format(needed.value), decl.node.name.span)


def _unit(decl: Decl[A.UnitDecl], events: m.TableDef | None, rep: Reporter) -> m.UnitDef:
    node = decl.node
    keys = tuple(k.text for k in node.columns)
    if events is None:  # reported once for the whole project by the driver
        return m.UnitDef(node.name.text, keys)
    for key in node.columns:
        column = events.column(key.text)
        if column is None:
            unknown(rep, M.UNKNOWN_COLUMN, "column", key, events.keys, "key columns of `events`")
        elif not column.key:
            rep.report(
                M.NOT_A_KEY.format(key.text),
                key.span,
                hints=available("key columns", events.keys),
            )
    return m.UnitDef(node.name.text, keys)


def _calendar(decl: Decl[A.CalendarDecl], rep: Reporter) -> m.CalendarDef:
    node = decl.node
    weekend: set[int] = set()
    holidays: set[dt.date] = set()
    zone = "UTC"
    country: str | None = None
    weekend_given = False
    for f in node.fields:
        if isinstance(f, A.Weekend):
            weekend_given = True
            weekend |= _weekend(f, rep)
        elif isinstance(f, A.Holidays):
            holidays |= {d for d in (parse_date(x, rep) for x in f.dates) if d is not None}
        elif isinstance(f, A.Timezone):
            zone = _timezone(f, rep) or zone
        elif isinstance(f, A.Country):
            country = _country(f, rep)
    return m.CalendarDef(
        name=node.name.text,
        title=node.title.value if node.title else None,
        default=node.is_default,
        weekend=frozenset(weekend if weekend_given else {6, 7}),
        holidays=frozenset(holidays),
        timezone=zone,
        country=country,
    )


def _weekend(f: A.Weekend, rep: Reporter) -> set[int]:
    days: set[int] = set()
    for day in f.days:
        number = WEEKDAYS.get(day.text.lower())
        if number is None:
            unknown(rep, M.UNKNOWN_WEEKDAY, "weekday", day, WEEKDAYS, "weekdays")
        else:
            days.add(number)
    return days


def parse_date(lit: A.DateLit, rep: Reporter) -> dt.date | None:
    """A date literal as a date; an impossible date (2026-02-30) is reported."""
    try:
        return dt.date.fromisoformat(lit.text)
    except ValueError:
        rep.report(M.INVALID_DATE.format(lit.text), lit.span)
        return None


def _timezone(f: A.Timezone, rep: Reporter) -> str | None:
    name = f.zone.value
    if name in _zones():
        return name
    hints = did_you_mean(name, _zones())
    rep.report(
        M.UNKNOWN_TIMEZONE.format(name),
        f.zone.span,
        hints=hints or ['write an IANA zone name such as "America/New_York" or "UTC"'],
    )
    return None


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _country(f: A.Country, rep: Reporter) -> str | None:
    import holidays  # imported here: only calendars with a country need it

    code = f.code.value.upper()
    supported = set(holidays.list_supported_countries())
    if code not in supported:
        rep.report(
            M.UNKNOWN_COUNTRY.format("country code", f.code.value),
            f.code.span,
            hints=did_you_mean(code, supported),
        )
        return None
    return code


def _check_default_calendar(symbols: Symbols, ctx: Ctx) -> None:
    decls = list(symbols.calendars.values())
    defaults = [d for d in decls if d.node.is_default]
    if len(decls) > 1 and not defaults:
        d = decls[1]
        ctx.at(d.file).report(
            M.CALENDAR_DEFAULT_NONE,
            d.node.name.span,
            hints=['mark one calendar `default`: calendar us "…" default { … }'],
        )
    for extra in defaults[1:]:
        labels = [ctx.at(defaults[0].file).label(defaults[0].node.name.span, "the default")]
        ctx.at(extra.file).report(M.CALENDAR_DEFAULT_MANY, extra.node.name.span, labels=labels)
