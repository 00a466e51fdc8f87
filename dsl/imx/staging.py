"""Schema columns and source types → the SQL trees that read, type and clean tables (semantics rule 3).

Every statement that loading (:mod:`imx.data`, :mod:`imx.readers`) and the engines run beside the
compiled metrics is built here as a sqlglot tree: reading files, typing each column, the row
hygiene rules, the rows set aside, the clean views, the data cut, and the engines' views,
attachments and settings. Names and values enter a tree as sqlglot nodes, so sqlglot quotes every
identifier and literal when it prints the tree; a statement of fixed shape is parsed once from a
constant template whose ``:name`` placeholders are then replaced by trees (a placeholder left in
place is a parameter bound when the statement runs, ``$name`` in DuckDB). No SQL text is ever
assembled from strings (``tests/test_sql_trees.py`` reads the package for it).
:func:`render` prints a tree for a dialect:

>>> render(count_rows(table("imx_data_v0"), is_null(column("site"))))
'SELECT COUNT(*) FROM "imx_data_v0" WHERE "site" IS NULL'
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import pyarrow as pa
import sqlglot
import sqlglot.expressions as exp

from imx.model import ColumnDef, ColumnType, TableDef

Sql: TypeAlias = exp.Expr
"""A SQL tree: what every builder here returns, and what the loader and engines run."""

NULL_SHOWN = "(null)"
"""How a missing required key is shown in a finding's example keys."""

TYPES: Mapping[ColumnType, str] = {
    ColumnType.TEXT: "VARCHAR",
    ColumnType.EVENT: "VARCHAR",
    ColumnType.NUMBER: "DOUBLE",
    ColumnType.INTEGER: "BIGINT",
    ColumnType.BOOLEAN: "BOOLEAN",
    ColumnType.DATE: "DATE",
    ColumnType.TIMESTAMP: "TIMESTAMPTZ",
}
"""The SQL type each schema column type is read as."""

_OFFSET = r"\s*([zZ]|UTC|[+-]\d{2}(:?\d{2})?)"
_CLOCK = r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?"
AWARE_RE = _CLOCK + _OFFSET
"""ISO 8601 text with an offset (``Z``, ``UTC``, ``±HH[:MM]``): an instant."""
NAIVE_RE = r"\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?"
"""The same text without an offset, or a bare date: naive."""


# ------------------------------------------------------------------------------ printing


def render(tree: Sql, dialect: str = "duckdb") -> str:
    """Print a tree for a dialect, every identifier quoted."""
    return str(tree.sql(dialect=dialect, identify=True))


@functools.cache
def _parsed(text: str) -> Sql:
    return sqlglot.parse_one(text, read="duckdb")


def _q(text: str, **parts: Sql) -> Sql:
    """The constant template ``text`` with each placeholder ``:name`` of ``parts`` replaced by
    its tree (a table placeholder keeps its alias; a query there becomes a subquery)."""

    def swap(node: Sql) -> Sql:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Placeholder):
            if node.this.name not in parts:
                return node
            return _source(parts[node.this.name], node.args.get("alias"))
        if isinstance(node, exp.Placeholder) and node.name in parts:
            return parts[node.name].copy()
        return node

    return _parsed(text).copy().transform(swap)


def _source(value: Sql, alias: exp.Expr | None) -> Sql:
    found = value.copy()
    if isinstance(found, exp.Query):
        found = found.subquery()
    if alias is not None:
        found.set("alias", alias.copy())
    return found


# ------------------------------------------------------------------------------ pieces


def ident(name: str) -> exp.Identifier:
    """A name, quoted when printed."""
    return exp.to_identifier(name, quoted=True)


def column(name: str, table_name: str | None = None) -> Sql:
    """A column, optionally of a named table (or alias)."""
    return exp.column(ident(name), ident(table_name) if table_name else None)


def table(name: str, db: str | None = None) -> Sql:
    """A table or view, optionally of an attached database."""
    return exp.Table(this=ident(name), db=ident(db) if db else None)


def string(text: str) -> Sql:
    return exp.Literal.string(text)


def word(text: str) -> Sql:
    """A bare word, as a setting's value is written where quotes would be kept (Spark's ``SET``)."""
    return exp.var(text)


def number(value: int) -> Sql:
    return exp.Literal.number(value)


def boolean(value: bool) -> Sql:
    return exp.Boolean(this=value)


def null() -> Sql:
    return exp.Null()


def is_null(value: Sql) -> Sql:
    return exp.Is(this=value.copy(), expression=exp.Null())


def not_null(value: Sql) -> Sql:
    return exp.Not(this=exp.paren(is_null(value), copy=False))


def cast(value: Sql, type_name: str) -> Sql:
    return exp.Cast(this=value.copy(), to=exp.DataType.build(type_name, dialect="duckdb"))


def _try_cast(value: Sql, type_name: str) -> Sql:
    return exp.TryCast(this=value.copy(), to=exp.DataType.build(type_name, dialect="duckdb"))


def _call(name: str, *args: Sql) -> Sql:
    """A function as DuckDB names it (printed as written, in every dialect)."""
    return exp.Anonymous(this=name, expressions=[a.copy() for a in args])


def _in(value: Sql, query: Sql) -> Sql:
    """``value IN (query)``."""
    return exp.In(this=value.copy(), query=exp.Subquery(this=query.copy()))


def any_of(conditions: Sequence[Sql]) -> Sql:
    """The conditions joined by OR (false when there is none)."""
    if not conditions:
        return boolean(False)
    return exp.paren(exp.or_(*[c.copy() for c in conditions]), copy=False)


def _all_of(conditions: Sequence[Sql]) -> Sql:
    return exp.and_(*[c.copy() for c in conditions]) if conditions else boolean(True)


def _aliased(value: Sql, name: str) -> Sql:
    return exp.alias_(value.copy(), ident(name))


def _select(
    items: Sequence[Sql], source: Sql | None = None, where: Sql | None = None
) -> exp.Select:
    query = exp.select(*[i.copy() for i in items])
    if source is not None:
        query = query.from_(_source(source, None))
    return query.where(where.copy()) if where is not None else query


# ------------------------------------------------------------------------------ statements


def create_table(name: Sql, query: Sql, *, temp: bool = False, replace: bool = False) -> Sql:
    return _create("TABLE", name, query, temp, replace)


def create_view(name: Sql, query: Sql, *, temp: bool = False, replace: bool = False) -> Sql:
    return _create("VIEW", name, query, temp, replace)


def _create(kind: str, name: Sql, query: Sql, temp: bool, replace: bool) -> Sql:
    properties = exp.Properties(expressions=[exp.TemporaryProperty()]) if temp else None
    return exp.Create(
        this=name.copy(),
        kind=kind,
        expression=query.copy(),
        replace=replace,
        properties=properties,
    )


def drop(kind: str, name: Sql, *, if_exists: bool = False) -> Sql:
    """``DROP TABLE`` or ``DROP VIEW``."""
    return exp.Drop(tables=[name.copy()], kind=kind, exists=if_exists)


def insert(target: Sql, query: Sql) -> Sql:
    return exp.Insert(this=target.copy(), expression=query.copy())


def select_all(source: Sql, where: Sql | None = None) -> Sql:
    return _select([exp.Star()], source, where)


def count_rows(source: Sql, where: Sql | None = None) -> Sql:
    return _select([exp.Count(this=exp.Star())], source, where)


def peek(source: Sql, hidden: str | None = None) -> Sql:
    """No rows, every column (but ``hidden``): the source's column names and types."""
    star = exp.Star(except_=[column(hidden)]) if hidden else exp.Star()
    return _select([star], source).limit(0)


def numbered_copy(target: Sql, source: Sql, row: str) -> Sql:
    """A copy of ``source`` with its rows numbered in column ``row``."""
    query = _q("SELECT *, row_number() OVER () AS :row FROM :source", row=ident(row), source=source)
    return create_table(target, query)


def set_option(name: str, value: Sql) -> Sql:
    """``SET name = value`` (DuckDB's settings: threads, memory_limit, TimeZone)."""
    item = exp.SetItem(this=exp.EQ(this=exp.var(name), expression=value.copy()))
    return exp.Set(expressions=[item])


def attach_memory(name: str) -> Sql:
    """A compressed in-memory database attached as ``name``."""
    return _q("ATTACH ':memory:' AS imx_db (COMPRESS)").transform(
        lambda n: ident(name) if isinstance(n, exp.Identifier) and n.name == "imx_db" else n
    )


def detach(name: str) -> Sql:
    return exp.Detach(this=exp.var(name), exists=True)


def checkpoint(name: str) -> Sql:
    """Write (and so compress) what a database holds."""
    return _select([exp.Star()], exp.Table(this=_call("checkpoint", string(name))))


# ------------------------------------------------------------------------------ reading files


def copy_csv(target: Sql, rejects: str, scan: str, max_line: int) -> Sql:
    """The CSV file ``$path`` read as text into ``target``; its bad lines go to ``rejects``."""
    query = _q(
        "SELECT * FROM read_csv(:path, all_varchar = true, header = true, store_rejects = true, "
        "rejects_table = :rejects, rejects_scan = :scan, max_line_size = :max)",
        rejects=string(rejects),
        scan=string(scan),
        max=number(max_line),
    )
    return create_table(target, query)


def rejected_lines(rejects: Sql) -> Sql:
    """Each line the CSV reader rejected, and its text."""
    return _q("SELECT line, any_value(csv_line) FROM :t GROUP BY line ORDER BY line", t=rejects)


def csv_dialect(scan: Sql) -> Sql:
    return _q("SELECT delimiter, quote FROM :t LIMIT 1", t=scan)


def sniff_csv() -> Sql:
    """The delimiter and quote of the CSV file ``$path``."""
    return _q("SELECT Delimiter, Quote FROM sniff_csv(:path, all_varchar = true, header = true)")


def copy_lines(target: Sql, max_line: int) -> Sql:
    """The lines of file ``$path`` (numbered, blank ones left out), each marked ``ok`` when it is
    a JSON object."""
    query = _q(
        "SELECT n, line, CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false "
        "END AS ok FROM (SELECT row_number() OVER () AS n, line FROM read_csv(:path, "
        "columns = {'line': 'VARCHAR'}, delim = chr(31), header = false, quote = '', "
        "escape = '', auto_detect = false, strict_mode = false, max_line_size = :max)) "
        "WHERE line IS NOT NULL",
        max=number(max_line),
    )
    return create_table(target, query, temp=True)


def unparsed_lines(lines: Sql) -> Sql:
    return _q("SELECT n, line FROM :t WHERE NOT ok ORDER BY n", t=lines)


def json_objects(target: Sql, lines: Sql) -> Sql:
    return create_table(target, _q("SELECT n, line FROM :t WHERE ok", t=lines), temp=True)


def json_key_names(objects: Sql) -> Sql:
    """Every key of the objects, in the order of the line each first appears on."""
    return _q(
        "SELECT k FROM (SELECT unnest(json_keys(line)) AS k, n FROM :t) GROUP BY k "
        "ORDER BY min(n), k",
        t=objects,
    )


def json_key_twice(objects: Sql) -> Sql:
    """The first object that gives a key twice: its line number and keys."""
    return _q(
        "SELECT n, json_keys(line) FROM :t WHERE len(json_keys(line)) <> "
        "len(list_distinct(json_keys(line))) ORDER BY n LIMIT 1",
        t=objects,
    )


def json_columns(target: Sql, objects: Sql, names: Sequence[str], none: str) -> Sql:
    """The objects' values as text, a column per key (``none``: the column of a table without
    any)."""
    line = column("line")
    items = [
        _aliased(_call("json_extract_string", line, string(path)), name)
        for name, path in ((n, _json_path(n)) for n in names)
    ] or [_aliased(null(), none)]
    return create_table(target, _select(items, objects))


def _json_path(name: str) -> str:
    """The JSON path of a top-level key, its name quoted as a JSON string.

    >>> print(_json_path('a "b"'))
    $."a \\"b\\""
    """
    return "$." + json.dumps(name)


def attach_read_only(name: str) -> Sql:
    """The DuckDB database file ``$path`` attached read-only as ``name``."""
    return _q("ATTACH :path AS imx_db (READ_ONLY)").transform(
        lambda n: ident(name) if isinstance(n, exp.Identifier) and n.name == "imx_db" else n
    )


def table_type() -> Sql:
    """Whether table ``$table`` of database ``$db`` is a table or a view."""
    return _q(
        "SELECT table_type FROM information_schema.tables WHERE table_catalog = :db "
        "AND table_name = :table"
    )


def table_names() -> Sql:
    return _q("SELECT table_name FROM information_schema.tables")


def parquet_rows(file: str) -> Sql:
    return _q("SELECT sum(num_rows) FROM parquet_file_metadata(:f)", f=string(file))


def parquet_view(target: Sql, file: str, row: str | None) -> Sql:
    """A view over a Parquet file, its rows numbered by ``file_row_number`` (None) or, in a
    column ``row``, by a window."""
    if row is None:
        query = _q("SELECT * FROM read_parquet(:f, file_row_number = true)", f=string(file))
    else:
        query = _q(
            "SELECT *, row_number() OVER () AS :row FROM read_parquet(:f)",
            row=ident(row),
            f=string(file),
        )
    return create_view(target, query)


def parquet_filled(file: str) -> Sql:
    """The columns whose every row group has a least value that is not empty text, or only
    nulls: no value of theirs is empty text (the empty string sorts before every other)."""
    return _q(
        "SELECT path_in_schema FROM parquet_metadata(:f) GROUP BY path_in_schema "
        "HAVING bool_and(coalesce(stats_min_value <> '', false) "
        "OR coalesce(stats_null_count = num_values, false))",
        f=string(file),
    )


# ------------------------------------------------------------------------------ typing


@dataclass(frozen=True)
class ColumnSql:
    """How one schema column is read from its source: its typed value, whether the value
    cannot be read (None: it always can), and its naive timestamp when it has one."""

    typed: Sql
    bad: Sql | None = None
    naive: Sql | None = None


def renamed(
    source: Sql, columns: Sequence[tuple[str | None, str]], row_id: str | None, row: str
) -> Sql:
    """The source's columns under the schema's names (``(None, name)``: a null text column),
    and its row number (``row_id``, or DuckDB's ``rowid``) as ``row``."""
    items = [
        _aliased(column(given) if given else cast(null(), "VARCHAR"), name)
        for given, name in columns
    ]
    items.append(_aliased(column(row_id or "rowid"), row))
    return _select(items, source)


def is_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_null(kind)
    )


def castable(kind: pa.DataType, target: ColumnType) -> bool:
    """Whether values of Arrow type ``kind`` can be read as ``target``."""
    if is_text(kind):
        return True  # read as text, value by value
    numeric = pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
    if target in (ColumnType.NUMBER, ColumnType.INTEGER):
        return bool(numeric or pa.types.is_boolean(kind))
    if target is ColumnType.BOOLEAN:
        return bool(pa.types.is_boolean(kind) or pa.types.is_integer(kind))
    if target is ColumnType.DATE:
        return bool(pa.types.is_date(kind) or pa.types.is_timestamp(kind))
    if target is ColumnType.TIMESTAMP:
        return bool(pa.types.is_timestamp(kind) or pa.types.is_date(kind))
    return True  # text and event names: any value has a text form


def typed_column(
    col: ColumnDef, kind: pa.DataType, zone: str | None, filled: bool = False
) -> ColumnSql:
    """How a column is read (:func:`castable` must hold); ``zone``: the time zone of naive
    timestamps (None: they are kept aside); ``filled``: the source holds no empty text in it
    (empty text is otherwise read as null)."""
    c = column(col.name)
    if col.type is ColumnType.TIMESTAMP:
        return _timestamp(c, kind, zone)
    if col.type in (ColumnType.TEXT, ColumnType.EVENT):
        text = cast(c, "VARCHAR")
        return ColumnSql(text if filled else exp.Nullif(this=text, expression=string("")))
    target = TYPES[col.type]
    value = exp.Nullif(this=exp.Trim(this=c), expression=string("")) if is_text(kind) else c
    typed = _try_cast(value, target)
    return ColumnSql(typed, exp.paren(exp.and_(not_null(value), is_null(typed)), copy=False))


def _timestamp(c: Sql, kind: pa.DataType, zone: str | None) -> ColumnSql:
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return ColumnSql(cast(c, "TIMESTAMPTZ"))
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        naive = cast(c, "TIMESTAMP")
        if zone:
            return ColumnSql(_call("timezone", string(zone), naive))
        return ColumnSql(cast(null(), "TIMESTAMPTZ"), None, naive)
    text = exp.Nullif(this=exp.Trim(this=c), expression=string(""))
    is_naive = _call("regexp_full_match", text, string(NAIVE_RE))
    naive = exp.paren(exp.case().when(is_naive, _try_cast(text, "TIMESTAMP")), copy=False)
    typed_case = exp.case().when(
        _call("regexp_full_match", text, string(AWARE_RE)), _try_cast(text, "TIMESTAMPTZ")
    )
    if zone:
        typed_case = typed_case.when(is_naive, _call("timezone", string(zone), naive))
    typed = exp.paren(typed_case, copy=False)
    kept_naive = None if zone else naive
    conditions = [not_null(text), is_null(typed)] + ([is_null(kept_naive)] if kept_naive else [])
    return ColumnSql(typed, exp.paren(exp.and_(*conditions), copy=False), kept_naive)


def unreadable_text(col: ColumnDef, read: ColumnSql) -> Sql:
    """The source text of a value that cannot be read (null for readable and empty values)."""
    assert read.bad is not None
    text = exp.Nullif(this=cast(column(col.name), "VARCHAR"), expression=string(""))
    return exp.case().when(read.bad, text)


def typed_rows(source: Sql, items: Sequence[tuple[Sql, str]], row: str) -> Sql:
    """Every row of ``source`` (a query) typed: each value under its name, and the row number."""
    return _select([_aliased(v, n) for v, n in items] + [column(row)], source)


# ------------------------------------------------------------------------------ hygiene


def key_text(tbl: TableDef) -> Sql:
    """A row's key as text, for examples (a keyless table: all its values; a missing optional
    key is left out, a missing required one shown as :data:`NULL_SHOWN`)."""
    keys = [c for c in tbl.columns if c.key] or list(tbl.columns)
    parts: list[Sql] = []
    for c in keys:
        text = cast(column(c.name), "VARCHAR")
        parts.append(
            text if c.optional else exp.Coalesce(this=text, expressions=[string(NULL_SHOWN)])
        )
    return _call("concat_ws", string("/"), *(parts or [null()]))


def row_rule(conditions: Sequence[tuple[str, Sequence[Sql]]]) -> Sql:
    """The first rule whose conditions (any of them) hold for a row, or null, as text."""
    case = exp.case()
    for rule, found in conditions:
        case = case.when(any_of(found), string(rule))
    return cast(case, "VARCHAR")


def unknown_event(col: ColumnDef, events: Sequence[str]) -> Sql:
    """The row's event is missing (a required column) or not declared. The names are a
    subquery, which DuckDB looks up in a hash table (a list of constants is compared one by
    one: at 10M rows and 60 events, 0.7 s against 0.07 s)."""
    c = column(col.name)
    if events:
        names = exp.Values(
            expressions=[exp.tuple_(string(e)) for e in events],
            alias=exp.TableAlias(this=ident("imx_names"), columns=[ident("name")]),
        )
        undeclared: Sql = exp.Not(this=_in(c, _select([column("name")], names)))
    else:
        undeclared = boolean(True)
    if col.optional:
        return exp.paren(exp.and_(not_null(c), undeclared), copy=False)
    return exp.paren(exp.or_(is_null(c), undeclared), copy=False)


def row_conditions(
    tbl: TableDef, events: Sequence[str], bad: Sequence[Sql] = (), naive: Sequence[Sql] = ()
) -> list[tuple[str, list[Sql]]]:
    """The row rules of semantics rule 3, in the order they are tried, each with the conditions
    that set a row aside by it. ``bad`` (a value that cannot be read) and ``naive`` (a naive
    timestamp) are columns of the loader's staged rows; a typed table has neither."""
    return [
        ("unreadable-row", [not_null(b) for b in bad]),
        ("null-key", [is_null(column(c.name)) for c in tbl.columns if c.key and not c.optional]),
        ("naive-timestamp", [not_null(n) for n in naive]),
        (
            "null-timestamp",
            [
                is_null(column(c.name))
                for c in tbl.columns
                if c.type is ColumnType.TIMESTAMP and not c.optional
            ],
        ),
        (
            "unknown-event",
            [unknown_event(c, events) for c in tbl.columns if c.type is ColumnType.EVENT],
        ),
    ]


def after(name: str, instant: dt.datetime | Sql) -> Sql:
    """The row's ``name`` is later than ``instant`` (an instant, or a tree giving one; false
    when it is null)."""
    if isinstance(instant, dt.datetime):
        instant = cast(string(instant.astimezone(dt.UTC).isoformat()), "TIMESTAMPTZ")
    return exp.Coalesce(
        this=exp.GT(this=column(name), expression=instant.copy()), expressions=[boolean(False)]
    )


def more_than(name: str, value: int) -> Sql:
    """Column ``name`` is greater than ``value``."""
    return exp.GT(this=column(name), expression=number(value))


def negate(condition: Sql) -> Sql:
    return exp.Not(this=exp.paren(condition.copy(), copy=False))


def row_hashes(
    target: Sql,
    staged: Sql,
    rule: Sql,
    key: Sql,
    values: Sequence[Sql],
    time: str | None,
    names: Mapping[str, str],
    extras: Sequence[Sql] = (),
) -> Sql:
    """Per row: its number, the rule that sets it aside, its key when one does, two hashes of
    its values (in order, and salted in reverse order) and its event time. ``extras`` (the
    text of a value that cannot be read, a naive timestamp) are hashed too when one is given,
    so a row whose every value is read hashes alike whether its source was text or typed.
    ``names`` maps ``row``, ``rule``, ``key``, ``h1``, ``h2`` and ``t`` to imx's column names."""
    r = column(names["rule"])
    ordered = [v.copy() for v in values] or [null()]
    items = [
        column(names["row"]),
        r,
        _aliased(exp.case().when(not_null(r), key), names["key"]),
        _aliased(_row_hash(ordered, extras, False), names["h1"]),
        _aliased(_row_hash(ordered, extras, True), names["h2"]),
        _aliased(column(time) if time else null(), names["t"]),
    ]
    inner = _select([exp.Star(), _aliased(rule, names["rule"])], staged)
    return create_table(target, _select(items, inner), temp=True)


def _row_hash(values: Sequence[Sql], extras: Sequence[Sql], salted: bool) -> Sql:
    """A row's hash: of its values, or salted of them in reverse order; with its ``extras``
    when any is given."""

    def of(parts: Sequence[Sql]) -> Sql:
        return _call("hash", string("imx"), *reversed(parts)) if salted else _call("hash", *parts)

    if not extras:
        return of(values)
    given = any_of([not_null(e) for e in extras])
    return exp.case().when(given, of([*values, *extras])).else_(of(values))


def hash_totals(hashes: Sql, names: Mapping[str, str]) -> Sql:
    """Rows, the two sums of their hashes, and the least and greatest time of the rows kept."""
    kept = is_null(column(names["rule"]))
    t = column(names["t"])
    items = [
        exp.Count(this=exp.Star()),
        exp.Sum(this=cast(column(names["h1"]), "HUGEINT")),
        exp.Sum(this=cast(column(names["h2"]), "HUGEINT")),
        exp.Filter(this=exp.Min(this=t), expression=exp.Where(this=kept)),
        exp.Filter(this=exp.Max(this=t), expression=exp.Where(this=kept.copy())),
    ]
    return _select(items, hashes)


def aside_table(target: Sql, hashes: Sql, names: Mapping[str, str]) -> Sql:
    """The id, rule and key of each row a row rule sets aside."""
    items = [column(names[n]) for n in ("row", "rule", "key")]
    return create_table(target, _select(items, hashes, not_null(column(names["rule"]))))


def hashes_kept(hashes: Sql, names: Mapping[str, str], slices: int, k: int) -> Sql:
    """The first hashes of the rows kept, those of slice ``k`` of ``slices``."""
    h1 = column(names["h1"])
    where = is_null(column(names["rule"]))
    if slices > 1:
        where = exp.and_(
            where, exp.EQ(this=exp.Mod(this=h1, expression=number(slices)), expression=number(k))
        )
    return _select([h1], hashes, where)


def copies(target: Sql, hashes: Sql, shared: Sql, names: Mapping[str, str]) -> Sql:
    """The rows whose two hashes another row kept has too, all but the first of each."""
    row, h1, h2 = (column(names[n]) for n in ("row", "h1", "h2"))
    ordered = _call("list_sort", exp.ArrayAgg(this=row))
    rest = exp.Bracket(this=ordered, expressions=[exp.Slice(this=number(2))])
    where = exp.and_(is_null(column(names["rule"])), _in(h1, _select([h1], shared)))
    query = (
        _select([_aliased(exp.Unnest(expressions=[rest]), names["row"])], hashes, where)
        .group_by(h1, h2)
        .having(exp.GT(this=exp.Count(this=exp.Star()), expression=number(1)))
    )
    return create_table(target, query, temp=True)


def insert_aside(aside: Sql, source: Sql, rule: str, key: Sql, row: str, where: Sql) -> Sql:
    """Rows of ``source`` where ``where`` holds set aside by ``rule``."""
    return insert(aside, _select([column(row), string(rule), key], source, where))


def rows_in(row: str, ids: Sql) -> Sql:
    """The row's number is among those of ``ids``."""
    return _in(column(row), _select([column(row)], ids))


def kept_rows(staged: Sql, aside: Sql, row: str, staged_name: str, aside_name: str) -> Sql:
    """The rows of ``staged`` not set aside (an anti join)."""
    on = exp.EQ(this=column(row, aside_name), expression=column(row, staged_name))
    found = exp.Exists(this=_select([number(1)], aside, on))
    return select_all(staged, exp.Not(this=found))


def duplicate_keys(kept: Sql, keys: Sequence[str], count: str) -> Sql:
    """The rows of a dimension table whose key two or more rows give, with a count column."""
    window = exp.Window(
        this=exp.Count(this=exp.Star()), partition_by=[column(k) for k in keys], over="OVER"
    )
    return _select([exp.Star(), _aliased(window, count)], kept)


def column_checks(staged: Sql, checks: Sequence[tuple[str, str, str | None]]) -> Sql:
    """Per fallible column (its name, its ``bad`` column, its ``naive`` column or None): how
    many values cannot be read, how many are given at all, and the least unreadable text."""
    items: list[Sql] = []
    for name, bad, naive in checks:
        present = [not_null(column(name)), not_null(column(bad))]
        present += [not_null(column(naive))] if naive else []
        count = exp.Count(this=exp.Star())
        items += [
            exp.Filter(this=count, expression=exp.Where(this=not_null(column(bad)))),
            exp.Filter(this=count.copy(), expression=exp.Where(this=exp.or_(*present))),
            exp.Min(this=column(bad)),
        ]
    return _select(items, staged)


def clean_rows(kept: Sql, columns: Sequence[str], none: str, keep: Sql | None) -> Sql:
    """The schema columns of the rows kept (``none``: a table without columns), at or before
    the cut."""
    items = [column(c) for c in columns] or [_aliased(null(), none)]
    return _select(items, kept, keep)


def _first_distinct(value: Sql, examples: int) -> Sql:
    """The first ``examples`` distinct values, in order (an aggregate)."""
    template = _q("SELECT list(DISTINCT :v ORDER BY :v)", v=value)
    assert isinstance(template, exp.Select)
    first = exp.Slice(this=number(1), expression=number(examples))
    return exp.Bracket(this=template.expressions[0], expressions=[first])


def rule_counts(aside: Sql, rule: str, key: str, examples: int) -> Sql:
    """Per rule: the rows it set aside and the first example keys."""
    first = _first_distinct(column(key), examples)
    return _select([column(rule), exp.Count(this=exp.Star()), first], aside).group_by(column(rule))


def distinct_keys(source: Sql, key: Sql, where: Sql, examples: int) -> Sql:
    """Up to ``examples`` keys of the rows where ``where`` holds, in order."""
    query = _select([key], source, where).distinct()
    return query.order_by(exp.Ordered(this=number(1))).limit(examples)


def key_groups(target: Sql, source: Sql, keys: Sequence[str], count: str) -> Sql:
    """The rows of ``source`` counted per combination of ``keys``."""
    items = [column(k) for k in keys] + [_aliased(exp.Count(this=exp.Star()), count)]
    query = _select(items, source).group_by(*[column(k) for k in keys])
    return create_table(target, query, temp=True, replace=True)


def unknown_keys(
    groups: Sql, dimension: Sql, keys: Sequence[str], count: str, examples: int
) -> Sql:
    """The event rows (of ``groups``) whose key is given but not in ``dimension``, and up to
    ``examples`` such keys, each in quotes so that a trailing space or a stray quote shows."""
    on = _all_of([exp.EQ(this=column(k, "d"), expression=column(k, "e")) for k in keys])
    given = _all_of([not_null(column(k, "e")) for k in keys])
    quote_mark = _call("chr", number(39))
    text = _call("concat_ws", string("/"), *[column(k, "e") for k in keys])
    shown = _call("concat", quote_mark, text, quote_mark)
    first = _first_distinct(shown, examples)
    missing = exp.Not(
        this=exp.Exists(
            this=_select([number(1)], _source(dimension, exp.TableAlias(this=ident("d"))), on)
        )
    )
    where = exp.and_(given, missing)
    return _select(
        [exp.Sum(this=column(count, "e")), first],
        _source(groups, exp.TableAlias(this=ident("e"))),
        where,
    )


def bounds(source: Sql, name: str) -> Sql:
    c = column(name)
    return _select([exp.Min(this=c), exp.Max(this=c.copy())], source)


def ordered_rows(source: Sql, columns: Sequence[str], order: Sequence[str]) -> Sql:
    query = _select([column(c) for c in columns], source)
    return query.order_by(*[column(c) for c in order])


def set_aside_rows(
    parts: Sequence[Sql], lines: Sequence[tuple[str, int]], names: Sequence[str]
) -> Sql:
    """The union of ``parts`` (each giving table, rule, key, row and line) and the lines that
    cannot be parsed (table, line number), under ``names``, in order with nulls first."""
    queries = list(parts)
    if lines:
        rows = [
            exp.tuple_(string(t), string("unreadable-row"), string(f"line {n}"), null(), number(n))
            for t, n in lines
        ]
        queries.append(_select([exp.Star()], exp.Values(expressions=rows)))
    union = functools.reduce(lambda a, b: exp.union(a, b, distinct=False), queries)
    alias = exp.TableAlias(this=ident("t"), columns=[ident(n) for n in names])
    source = exp.Subquery(this=union, alias=alias)
    order = [exp.Ordered(this=column(n), nulls_first=True) for n in names]
    return exp.select(exp.Star()).from_(source).order_by(*order)


def aside_part(
    table_name: str, source: Sql, rule: Sql, key: Sql, row: str, where: Sql | None = None
) -> Sql:
    """One part of :func:`set_aside_rows`: rows of ``source`` with their table, rule, key,
    number (from 1) and no line."""
    number_from_one = exp.Add(this=cast(column(row), "BIGINT"), expression=number(1))
    return _select([string(table_name), rule, key, number_from_one, null()], source, where)


def parquet_copy(query: Sql, path: str) -> Sql:
    """The rows of ``query`` written to the Parquet file ``path``."""
    return _q("COPY :query TO :path (FORMAT parquet)", query=query, path=string(path))


# ------------------------------------------------------------------------------ standalone scripts
# The statements of ``imx sql --standalone`` besides the metric's query (:mod:`imx.standalone`):
# over typed tables of any engine, every subquery aliased (PostgreSQL asks it), no DuckDB-only
# function.

DAY_ZERO = dt.date(1970, 1, 5)
"""A Monday: day ``n`` after it is ISO weekday ``n % 7 + 1``, so no dialect's weekday function
(they disagree on where a week starts) is needed."""
DAY_DIGITS = 5
"""The generated calendar holds up to 10^5 days after :data:`DAY_ZERO` (to the year 2243)."""


def _alias(query: Sql, name: str, columns: Sequence[str] = ()) -> Sql:
    """``(query) AS name(columns)``: a subquery or VALUES under a name."""
    alias = exp.TableAlias(this=ident(name), columns=[ident(c) for c in columns])
    if isinstance(query, exp.Values):
        found = query.copy()
        found.set("alias", alias)
        return found
    return exp.Subquery(this=query.copy(), alias=alias)


def scratch(name: str, query: Sql, dialect: str) -> Sql:
    """A relation of a standalone script computed once: a temporary table, or in Spark a cached
    temporary view (``CACHE TABLE``)."""
    if dialect == "spark":
        return exp.Cache(this=table(name), expression=query.copy())
    return create_table(table(name), query, temp=True)


def cut_parameter(as_of: dt.datetime | None) -> Sql:
    """The script's one parameter, the data cut: the instant given, or null for the latest
    event kept (semantics rule 3)."""
    value = string(as_of.astimezone(dt.UTC).isoformat()) if as_of else null()
    return _select([_aliased(cast(value, "TIMESTAMPTZ"), "as_of")])


def hygiene_rows(tbl: TableDef, events: Sequence[str], source: Sql, keyed: bool) -> Sql:
    """The rows of a typed table the hygiene rules keep (semantics rule 3): none that a row rule
    sets aside (:func:`row_conditions`), exact copies once, and with ``keyed`` (a dimension
    table) none of a key given on two or more different rows."""
    found = [c for _, conditions in row_conditions(tbl, events) for c in conditions]
    names = [c.name for c in tbl.columns]
    rows = _select([column(n) for n in names], source, negate(any_of(found)) if found else None)
    rows = rows.distinct()
    if not (keyed and tbl.keys):
        return rows
    window = exp.Window(
        this=exp.Count(this=exp.Star()), partition_by=[column(k) for k in tbl.keys], over="OVER"
    )
    counted = exp.select(*[column(n) for n in names], _aliased(window, "imx_n"))
    counted = counted.from_(_alias(rows, "imx_rows"))
    once = exp.EQ(this=column("imx_n"), expression=number(1))
    return exp.select(*[column(n) for n in names]).from_(_alias(counted, "imx_keyed")).where(once)


def data_cut(params: Sql, kept: Sql, time: str) -> Sql:
    """The cut given in ``params``, else the latest ``time`` of the events kept."""
    latest = exp.Subquery(this=_select([exp.Max(this=column(time))], kept))
    value = exp.Coalesce(this=column("as_of"), expressions=[latest])
    return _select([_aliased(value, "as_of")], params)


def cut_of(cut: Sql) -> Sql:
    """The data cut, as a scalar subquery of the one-row table ``cut``."""
    return exp.Subquery(this=_select([column("as_of")], cut))


def first_time(events: Sql, time: str) -> Sql:
    """The events' earliest ``time``, as a scalar subquery."""
    return exp.Subquery(this=_select([exp.Min(this=column(time))], events))


def at_or_before(kept: Sql, time: str, cut: Sql) -> Sql:
    """The events kept at or before the cut (semantics rule 3)."""
    return select_all(kept, negate(after(time, cut)))


def date_bounds(events: Sql, time: str, instants: Sequence[Sql], margin: int) -> Sql:
    """``lo`` and ``hi``: the first and last date of the events' times and ``instants``, widened
    by ``margin`` days (a date of any time zone then falls inside)."""
    t = column(time)

    def widened(value: Sql, days: int) -> Sql:
        date = cast(value, "DATE")
        return exp.DateAdd(this=date, expression=number(days), unit=exp.var("DAY"))

    least = exp.Least(this=exp.Min(this=t), expressions=[i.copy() for i in instants])
    most = exp.Greatest(this=exp.Max(this=t.copy()), expressions=[i.copy() for i in instants])
    items = [_aliased(widened(least, -margin), "lo"), _aliased(widened(most, margin), "hi")]
    return _select(items, events)


def day_numbers() -> Sql:
    """``n`` from 0 to 10^:data:`DAY_DIGITS` - 1: the days after :data:`DAY_ZERO`."""
    digits = exp.Values(expressions=[exp.tuple_(number(d)) for d in range(10)])
    parts = [f"imx_d{k}" for k in range(DAY_DIGITS)]
    terms: list[Sql] = [
        exp.Mul(this=column("d", name), expression=number(10**k)) for k, name in enumerate(parts)
    ]
    n = functools.reduce(lambda a, b: exp.Add(this=a, expression=b), terms)
    query = exp.select(_aliased(n, "n")).from_(_alias(digits, parts[0], ["d"]))
    for name in parts[1:]:
        query = query.join(_alias(digits, name, ["d"]), join_type="cross")
    return query


@dataclass(frozen=True)
class CalendarDays:
    """One calendar for the generated calendar table: its weekend (ISO weekdays), holidays and
    the dates it is known for (``first`` to ``last``; None: every date)."""

    name: str
    weekend: frozenset[int]
    holidays: tuple[dt.date, ...]
    first: dt.date | None = None
    last: dt.date | None = None


def calendar_days(calendars: Sequence[CalendarDays], days: Sql, bounds: Sql) -> Sql:
    """The calendar table (:data:`imx.calendars.CALENDAR_SCHEMA`) of every date between the
    ``lo`` and ``hi`` of ``bounds``: ``idx`` counts the business days up to each date, so
    ``idx(b) - idx(a)`` is semantics rule 4's count."""
    parts = [_calendar_part(c, days, bounds) for c in calendars]
    union = functools.reduce(lambda a, b: exp.union(a, b, distinct=False), parts)
    business = exp.case().when(column("is_business"), number(1)).else_(number(0))
    order = exp.Order(expressions=[exp.Ordered(this=column("date"))])
    spec = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW")
    idx = exp.Window(
        this=exp.Sum(this=business),
        partition_by=[column("calendar")],
        order=order,
        spec=spec,
        over="OVER",
    )
    items = [column("calendar"), column("date"), column("is_business")]
    return exp.select(*items, _aliased(cast(idx, "BIGINT"), "idx")).from_(_alias(union, "imx_days"))


def _calendar_part(cal: CalendarDays, days: Sql, bounds: Sql) -> Sql:
    n = column("n", "d")
    date = exp.DateAdd(
        this=cast(string(DAY_ZERO.isoformat()), "DATE"), expression=n, unit=exp.var("DAY")
    )
    weekday = exp.Add(
        this=exp.paren(exp.Mod(this=n.copy(), expression=number(7))), expression=number(1)
    )
    off: list[Sql] = []
    if cal.weekend:
        off.append(exp.In(this=weekday, expressions=[number(d) for d in sorted(cal.weekend)]))
    if cal.holidays:
        dates = [cast(string(d.isoformat()), "DATE") for d in cal.holidays]
        off.append(exp.In(this=date.copy(), expressions=dates))
    inside = [
        exp.GTE(this=date.copy(), expression=column("lo", "b")),
        exp.LTE(this=date.copy(), expression=column("hi", "b")),
    ]
    for edge, cls in ((cal.first, exp.GTE), (cal.last, exp.LTE)):
        if edge is not None:
            inside.append(cls(this=date.copy(), expression=cast(string(edge.isoformat()), "DATE")))
    items = [
        _aliased(string(cal.name), "calendar"),
        _aliased(date, "date"),
        _aliased(
            negate(any_of(off)) if cal.weekend or cal.holidays else boolean(True), "is_business"
        ),
    ]
    query = exp.select(*items).from_(_named(days, "d")).join(_named(bounds, "b"), join_type="cross")
    return query.where(_all_of(inside))


def _named(relation: Sql, alias: str) -> Sql:
    """A table under an alias."""
    found = relation.copy()
    found.set("alias", exp.TableAlias(this=ident(alias)))
    return found
