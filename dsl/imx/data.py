"""Load event and dimension tables (files, frames) as clean tables in DuckDB, with a quality report.

Sources
    A source is a path to a CSV (``.csv``, ``.tsv``, ``.csv.gz``), Parquet (``.parquet``), JSON
    lines (``.jsonl``, ``.ndjson``) or DuckDB database file (``.duckdb``, ``.db``; it must hold a
    table named after the schema table), or an in-memory Arrow table, pandas or polars data frame
    (anything with ``__arrow_c_stream__``). CSV and JSON lines are read as text, so keys keep
    leading zeros (site ``001``), and each value is then cast to the schema's type.

Columns
    Each schema column is found by its name, or by the user's name given in ``mapping``
    (``{"events": {"at": "EVENT_TS"}}``), or failing both by a unique case-insensitive match. Other
    columns are ignored, whatever their names (imx's own names cannot collide with a user's: see
    :mod:`imx.readers`). Missing optional columns are null; a missing ``key optional`` column is
    also a ``missing-column`` finding (every unit keyed by it is left without rows); a missing
    required column is a :class:`DataError` naming it and listing the file's columns. A file
    without rows or with a column given twice is refused.

Timestamps
    ISO 8601 text: ``YYYY-MM-DD[T| ]HH:MM[:SS[.f]]`` followed by ``Z``, ``UTC`` or ``±HH[:MM]``. The
    same text without an offset (or a bare date) is *naive*: it is interpreted in ``timezone`` when
    one is given, and otherwise set aside as ``naive-timestamp``. Output timestamps are
    ``timestamp[us, tz=UTC]``.

Row hygiene (semantics rule 3)
    Every row set aside is counted by the first rule that applies, in this order:
    ``unreadable-row`` (wrong number of fields, invalid JSON, a CSV line over 2 MiB, a quoted
    value that never closes, or a value that cannot be cast), ``null-key`` (a required key is
    empty; ``key optional`` columns may be null), ``naive-timestamp``, ``null-timestamp``,
    ``unknown-event``, ``duplicate-row`` (exact copies of an earlier row: the extra copies; rows
    are matched by a 128-bit hash of their values), ``duplicate-key`` (dimension tables: every
    row of a key given twice with different values, since imx cannot tell which is right) and
    ``after-as-of`` (events after the data cut; :func:`cut_events` and :data:`AFTER_CUT` own the
    cut and its message). A dimension table that is not given at all is empty and reported as
    ``missing-table``; event rows whose key a given dimension table lacks are kept and counted as
    ``unknown-key``. Every table given gets the tallies ``rows-read``, ``rows-set-aside`` and
    ``rows-kept`` (read = kept + set aside). When every event row is set aside, loading stops
    with a :class:`DataError` naming the rules and their fixes (:data:`RULE_FIXES`).

Fingerprint
    sha256 over what imx reads: for each schema table its name and columns, the text of lines that
    could not be parsed (sorted), and an order-free digest of its rows: their number and two sums,
    over the rows, of 64-bit hashes of each row's schema columns as typed values (a naive or
    unreadable value by its text). The same data therefore has the same fingerprint whether it
    comes from CSV, Parquet, JSON lines, DuckDB or a data frame, in any row order and with any extra
    columns; interpreting naive times in a different ``timezone`` changes it. The row hashes are
    DuckDB's, so a fingerprint is comparable between runs of the same imx release.

Where the data lives
    Nothing is copied into Python. Each table is loaded into a DuckDB database in a private
    temporary folder (removed with the dataset) as views over its source: a Parquet file is read
    where it lies, CSV and JSON lines are first read as text into the database, frames are
    registered. The hygiene rules take a few passes over the input and keep only the ids of the
    rows they set aside (a small table); the clean tables (:class:`StoredTables`) are views that
    leave those rows out. The DuckDB engine evaluates them in place; Spark reads them from
    Parquet files DuckDB writes in the same folder (:meth:`StoredTables.exported`); other readers
    get Arrow tables on first access. A Parquet file must therefore stay where it is until
    evaluation ends. Every statement run here is a sqlglot tree built by :mod:`imx.staging`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import shutil
import tempfile
import weakref
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from imx import messages as M
from imx import staging as S
from imx.diagnostics import did_you_mean
from imx.engines import memory_given
from imx.errors import DataError, UsageError
from imx.model import ColumnDef, ColumnType, Example, SchemaDef, TableDef
from imx.readers import (
    DISCOVERABLE,
    FILE_FORMATS,
    INTERNAL_PREFIX,
    ArrowStreamSource,
    Raw,
    Source,
    arrow_raw,
    discover_sources,
    expected_files,
    first_line,
    fresh_column,
    internal,
    read_source,
    relation,
)
from imx.staging import Sql

__all__ = [
    "DISCOVERABLE",
    "FILE_FORMATS",
    "AFTER_CUT",
    "RULE_FIXES",
    "RULE_MESSAGES",
    "SET_ASIDE_RULES",
    "SET_ASIDE_SCHEMA",
    "TALLY_RULES",
    "ArrowStreamSource",
    "Dataset",
    "QualityFinding",
    "Source",
    "StoredTables",
    "dataset_from_example",
    "cut_events",
    "discover_sources",
    "load_dataset",
    "merge_cut",
    "parse_column_map",
]


@dataclass(frozen=True)
class QualityFinding:
    """Rows set aside by one hygiene rule (semantics rule 3), counted and never silently dropped.

    ``rule`` is a stable kebab-case code: unreadable-row, null-key, null-timestamp, naive-timestamp,
    unknown-event, duplicate-row, after-as-of, negative-duration, unknown-calendar, …
    ``examples`` holds up to five example keys such as ``S1/001/1001/BL``.
    """

    rule: str
    table: str
    rows: int
    examples: tuple[str, ...] = ()
    metric: str | None = None
    message: str = ""

    @property
    def tally(self) -> bool:
        """A count of rows read, set aside or kept, not a finding (see :data:`TALLY_RULES`)."""
        return self.rule in TALLY_RULES


@dataclass(frozen=True)
class Dataset:
    """Clean input for both evaluators.

    ``tables`` maps schema table names to Arrow tables (for a loaded dataset, :class:`StoredTables`:
    kept in DuckDB, Arrow on first access) whose columns carry the schema's names and types;
    timestamps are ``timestamp[us, tz=UTC]``; the events table holds only rows at or before
    ``as_of`` with declared events, non-null keys and timestamps, and no exact duplicates.
    """

    tables: Mapping[str, pa.Table]
    as_of: dt.datetime  # timezone-aware, UTC
    quality: tuple[QualityFinding, ...]
    fingerprint: str  # sha256 of the input tables' content before cleaning

    def set_aside(self, as_of: dt.datetime | None = None) -> pa.Table:
        """Every row a hygiene rule set aside, one per row (:data:`SET_ASIDE_SCHEMA`), with the
        events after ``as_of`` (default: the data cut) as ``after-as-of``: per table and rule,
        as many rows as the quality report counts. Read from the loading database when asked
        (so before the dataset is closed), in the order table, rule, key, row, line."""
        if isinstance(self.tables, StoredTables):
            return self.tables.set_aside(as_of)
        return SET_ASIDE_SCHEMA.empty_table()


SET_ASIDE_SCHEMA = pa.schema(
    [
        pa.field("table", pa.string()),
        pa.field("rule", pa.string()),
        pa.field("key", pa.string()),
        pa.field("row", pa.int64()),
        pa.field("line", pa.int64()),
    ]
)
"""One row set aside: its table, the rule that set it aside, its key as the findings' examples
show it (``S1/001/1001/BL``; ``line N`` for a line that cannot be parsed), its number among the
rows read from its source (from 1, lines that cannot be parsed not counted; null for such a line)
and, for such a line,
its line number in the file."""


RULE_MESSAGES: Mapping[str, str] = {
    "unreadable-row": "rows that cannot be read",
    "null-key": "rows with an empty key column",
    "naive-timestamp": "timestamps without a time zone (give a time zone to read them)",
    "null-timestamp": "rows without a timestamp",
    "unknown-event": "event names the schema does not declare",
    "duplicate-row": "exact copies of another row (each row counts once)",
    "duplicate-key": "keys given on two or more different rows (all set aside)",
    "after-as-of": "events after the data cut (as_of)",
    "missing-table": "table not given: its attributes are empty",
    "missing-column": "a key column the file lacks is read as empty on every row (kept), so no "
    "unit keyed by it has rows",
    "unknown-key": "event rows whose key is not in this dimension table (kept, without its "
    "attributes; compare case and spaces)",
    "rows-read": "rows read (lines that cannot be parsed included)",
    "rows-set-aside": "rows set aside: the sum of this table's rows under the rules that set "
    "rows aside (unreadable-row … after-as-of)",
    "rows-kept": "rows kept for evaluation: rows read minus rows set aside",
}
"""Every data-quality rule code of the loader, with what it means. Metric and run findings
(``negative-duration``, ``unknown-calendar``) come from evaluation."""

SET_ASIDE_RULES = (
    "unreadable-row",
    "null-key",
    "naive-timestamp",
    "null-timestamp",
    "unknown-event",
    "duplicate-row",
    "duplicate-key",
    "after-as-of",
)
"""The rules that set rows aside, in the order they are tried: per table, ``rows-read`` =
``rows-kept`` + ``rows-set-aside``, and ``rows-set-aside`` is the sum of these rules' rows."""

TALLY_RULES = ("rows-read", "rows-set-aside", "rows-kept")
"""Counts rather than findings: they are in every loaded report and never fail ``--strict``."""

RULE_FIXES: Mapping[str, str] = {
    "unreadable-row": "check the file's delimiter, quoting and value formats",
    "null-key": "is each key column mapped to the right column? see --map",
    "naive-timestamp": "give the time zone the timestamps were written in: --timezone "
    "Europe/Berlin (or write each with its offset, 2026-03-02T10:00Z)",
    "null-timestamp": "is the timestamp column mapped to the right column? see --map",
    "unknown-event": "the event names must be those the schema declares (its `events` block)",
    "duplicate-row": "each row counts once: remove the copies",
    "duplicate-key": "give each key of a dimension table one row",
    "after-as-of": "give a later --as-of (or none: the latest event is then the cut)",
}
"""What to do when a rule sets aside every row of a table."""

AFTER_CUT = "events after the data cut {as_of} (as_of) are left out"
"""The one message of the ``after-as-of`` finding, wherever the cut is made."""

EXAMPLES = 5  # how many example keys a data-quality finding names, for every rule
_SORT_ROWS = 16_000_000  # row hashes sorted at once when looking for copies (128 MB)

_ARROW_TYPES: Mapping[ColumnType, pa.DataType] = {
    ColumnType.TEXT: pa.string(),
    ColumnType.EVENT: pa.string(),
    ColumnType.NUMBER: pa.float64(),
    ColumnType.INTEGER: pa.int64(),
    ColumnType.BOOLEAN: pa.bool_(),
    ColumnType.DATE: pa.date32(),
    ColumnType.TIMESTAMP: pa.timestamp("us", tz="UTC"),
}


# ------------------------------------------------------------------------------ public API


def load_dataset(
    schema: SchemaDef,
    sources: Mapping[str, Source],
    *,
    as_of: dt.datetime | None = None,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    timezone: str | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> Dataset:
    """Read ``sources`` (schema table name → path or frame) into a clean :class:`Dataset`.

    ``threads`` and ``memory_limit`` (``"2GB"``) configure the DuckDB connection that loads the
    data and keeps the clean tables; beyond the limit DuckDB spills to disk. Raises
    :class:`DataError` for a missing file, table or column, an unreadable or empty file, a column
    given twice, a column whose values cannot be read as the schema's type, or events whose
    every row is set aside.
    """
    _check_table_names(schema, sources, mapping or {})
    if schema.EVENTS_TABLE not in sources:
        raise DataError(f"no `{schema.EVENTS_TABLE}` table was given", expected_files(schema))
    config: dict[str, str | int] = {}
    if threads is not None:
        config["threads"] = threads
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    try:
        loader = _Loader(schema, mapping or {}, check_zone(timezone), config=config, on_disk=True)
    except duckdb.Error as error:
        raise DataError(f"cannot set up DuckDB: {first_line(error)}") from error
    try:
        with loader:
            return _load(loader, schema, sources, _utc(as_of, timezone))
    except duckdb.OutOfMemoryException as error:
        raise DataError(
            f"loading the data ran out of memory within {memory_given(memory_limit)}: "
            f"{first_line(error)}",
            ["raise --memory-limit (e.g. 4GB), or use fewer --threads"],
        ) from error


def _load(
    loader: _Loader, schema: SchemaDef, sources: Mapping[str, Source], as_of: dt.datetime | None
) -> Dataset:
    for table in schema.tables:
        if table.name in sources:
            loader.stage(table, loader.read(table.name, sources[table.name]))
        else:
            loader.absent(table, report=True)
    return loader.finish(as_of)


def dataset_from_example(schema: SchemaDef, example: Example) -> Dataset:
    """Build the :class:`Dataset` of an in-spec example: string cells, empty cell = null.

    Columns that are neither keys, events nor required timestamps may be left out of an example.
    """
    by_name = dict(example.tables)
    _check_table_names(schema, by_name, {})
    with _Loader(schema, {}, None, lenient=True) as loader:
        for table in schema.tables:
            rows = by_name.get(table.name)
            if rows is None:
                loader.absent(table, report=False)
                continue
            loader.stage(table, loader.frame(table.name, _string_table(rows)))
        return loader.finish(_utc(example.as_of, "UTC"))


def parse_column_map(
    specs: Iterable[str], default_table: str = "events"
) -> dict[str, dict[str, str]]:
    """Parse ``--map`` options: ``table.column=USER_NAME`` or ``column=USER_NAME`` (events table).

    >>> parse_column_map(["at=EVENT_TS", "sites.site=SITE_NO"])
    {'events': {'at': 'EVENT_TS'}, 'sites': {'site': 'SITE_NO'}}
    """
    result: dict[str, dict[str, str]] = {}
    for spec in specs:
        target, sep, user = spec.partition("=")
        if not sep or not target.strip() or not user.strip():
            raise DataError(
                f"cannot read the column mapping `{spec}`",
                ["write it as `column=YOUR_NAME` or `table.column=YOUR_NAME`"],
            )
        table, dot, column = target.strip().rpartition(".")
        result.setdefault(table if dot else default_table, {})[column] = user.strip()
    return result


# ------------------------------------------------------------------------- small helpers


def _check_table_names(
    schema: SchemaDef, sources: Mapping[str, object], mapping: Mapping[str, object]
) -> None:
    known = [t.name for t in schema.tables]
    for name in itertools.chain(sources, mapping):
        if name not in known:
            raise DataError(
                f"`{name}` is not a table of schema `{schema.name}`",
                did_you_mean(name, known) + [f"tables: {', '.join(known)}"],
            )


AS_OF_EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
AS_OF_LATEST = dt.datetime(2199, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def check_as_of(instant: dt.datetime, written: str | None = None) -> dt.datetime:
    """``instant`` if it lies in the years imx evaluates (1900 to 2199), else a :class:`UsageError`.

    A cut outside them is a typo, and the calendars cannot be laid out around it:

    >>> check_as_of(dt.datetime(9999, 12, 31, tzinfo=dt.UTC))
    Traceback (most recent call last):
    imx.errors.UsageError: `9999-12-31T00:00:00+00:00` is outside the years imx evaluates, 1900 to 2199
    """
    if not AS_OF_EARLIEST <= instant <= AS_OF_LATEST:
        years = (AS_OF_EARLIEST.year, AS_OF_LATEST.year)
        raise UsageError(M.INSTANT_OUT_OF_RANGE.format(written or instant.isoformat(), *years))
    return instant


def check_zone(timezone: str | None) -> str | None:
    """``timezone`` if it is a known IANA zone (or None), else a :class:`DataError`."""
    if timezone is None:
        return None
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise DataError(
            f"unknown time zone `{timezone}`", ["use an IANA name such as `Europe/Berlin` or `UTC`"]
        ) from error
    return timezone


def _utc(instant: dt.datetime | None, timezone: str | None) -> dt.datetime | None:
    if instant is None:
        return None
    if instant.tzinfo is None:
        if timezone is None:
            raise DataError(
                f"as_of {instant.isoformat()} has no time zone",
                ["write it with an offset (2026-03-11T00:00Z) or give a time zone"],
            )
        instant = instant.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    try:
        return check_as_of(instant.astimezone(dt.UTC))
    except OverflowError:  # 0001-01-01 with a zone east of UTC, or 9999-12-31 west of it
        return check_as_of(instant.replace(tzinfo=dt.UTC), instant.isoformat())


def _string_table(rows: tuple[tuple[str, ...], ...]) -> pa.Table:
    header, *body = rows
    columns = {
        name: pa.array(
            [(row[i] if i < len(row) and row[i] != "" else None) for row in body], pa.string()
        )
        for i, name in enumerate(header)
    }
    return pa.table(columns)


# ------------------------------------------------------------------------ column choice


def _plain(kind: pa.DataType) -> pa.DataType:
    """A dictionary (categorical) column is read as its values."""
    return kind.value_type if pa.types.is_dictionary(kind) else kind


def _find_column(names: Sequence[str], wanted: str) -> int | None:
    if wanted in names:
        return names.index(wanted)
    folded = [i for i, n in enumerate(names) if n.lower() == wanted.lower()]
    return folded[0] if len(folded) == 1 else None


def _required(column: ColumnDef, lenient: bool) -> bool:
    if column.optional:
        return False
    if not lenient:
        return True
    return column.key or column.type in (ColumnType.EVENT, ColumnType.TIMESTAMP)


def _select_columns(
    raw: Raw, table: TableDef, mapping: Mapping[str, str], lenient: bool
) -> tuple[Sql, dict[str, pa.DataType], set[str]]:
    """SQL renaming the source's columns to the schema's (missing optional ones null), the
    Arrow type of each source column, and the schema columns known to hold no empty text."""
    names = list(raw.schema.names)
    _check_mapping(raw, table, mapping)
    parts: list[tuple[str | None, str]] = []
    kinds: dict[str, pa.DataType] = {}
    filled: set[str] = set()
    for column in table.columns:
        wanted = mapping.get(column.name, column.name)
        index = _find_column(names, wanted)
        if index is not None:
            parts.append((names[index], column.name))
            kinds[column.name] = _plain(raw.schema.field(index).type)
            if names[index] in raw.filled:
                filled.add(column.name)
        elif _required(column, lenient) or column.name in mapping:
            raise _missing_column(raw, table, column.name, wanted)
        else:
            parts.append((None, column.name))
            kinds[column.name] = pa.string()
            filled.add(column.name)
    return S.renamed(raw.relation, parts, raw.row_id, _ROW), kinds, filled


def _check_mapping(raw: Raw, table: TableDef, mapping: Mapping[str, str]) -> None:
    known = [c.name for c in table.columns]
    for name in mapping:
        if name not in known:
            raise DataError(
                f"`{table.name}.{name}` in the column mapping is not a column of the schema",
                did_you_mean(name, known) + [f"columns of `{table.name}`: {', '.join(known)}"],
            )


def _missing_column(raw: Raw, table: TableDef, name: str, wanted: str) -> DataError:
    present = list(raw.schema.names)
    shown = ", ".join(present) if present else "no columns"
    where = f"`{name}`" if wanted == name else f"`{wanted}` (mapped to `{name}`)"
    hints = did_you_mean(wanted, present) + [f"{raw.label} has: {shown}"]
    if wanted == name:
        hints.append(f"if the column has another name, map it: --map {table.name}.{name}=NAME")
    return DataError(f"{raw.label} has no column {where} for table `{table.name}`", hints)


# --------------------------------------------------------------------- typed staging


def _column_sql(
    column: ColumnDef, kind: pa.DataType, label: str, zone: str | None, filled: bool = False
) -> S.ColumnSql:
    """How a column is read (:func:`imx.staging.typed_column`), or a :class:`DataError` when
    its source type cannot be read as the schema's."""
    if not S.castable(kind, column.type):
        raise _wrong_type(column, kind, label)
    return S.typed_column(column, kind, zone, filled)


def _wrong_type(column: ColumnDef, kind: pa.DataType, label: str) -> DataError:
    return DataError(
        f"column `{column.name}` of {label} holds {kind} values, "
        f"which cannot be read as {column.type.value}",
        [f"convert the column to {column.type.value} (or to text) before loading"],
    )


# --------------------------------------------------------------------------- the loader

# imx's own columns of the staged rows (their one owner is imx.readers)
_ROW, _RULE, _KEY, _H1, _H2, _TIME, _COUNT, _NONE = (
    internal(n) for n in ("row", "rule", "key", "h1", "h2", "t", "n", "none")
)


_NAMES = {"row": _ROW, "rule": _RULE, "key": _KEY, "h1": _H1, "h2": _H2, "t": _TIME}


def _naive(i: int) -> str:
    """The column holding column ``i``'s naive timestamp, when it has one."""
    return internal(f"naive{i}")


def _bad(i: int) -> str:
    """The column holding the text of column ``i``'s value that cannot be read."""
    return internal(f"bad{i}")


# The rules decided row by row, in the order they are tried; duplicate-row, duplicate-key and
# after-as-of depend on other rows (or on the data cut) and come after them.
_ROW_RULES = ("unreadable-row", "null-key", "naive-timestamp", "null-timestamp", "unknown-event")
_LATER_RULES = ("duplicate-row", "duplicate-key")


@dataclass
class _Staged:
    """One table staged in the loading database, as views over its source (nothing copied):

    * ``v`` every input row typed (a view; a table for text read into the database): the
      schema columns, ``imx:naive{i}`` (the naive timestamp of column i, when it can have one),
      ``imx:bad{i}`` (the text of a value of column i that cannot be read, when there can be
      one) and ``imx:row`` (the row's place in its source);
    * ``aside`` (a small table) the id, rule and key of every row set aside;
    * ``kept`` the other rows; ``clean`` those at or before the data cut.

    (Relation names come from :func:`imx.readers.relation`, column names from
    :func:`imx.readers.internal`.)
    """

    table: TableDef
    tag: str
    rejects: tuple[tuple[int, str], ...]
    fingerprinted: bool
    naive: tuple[int, ...]  # the columns that keep naive timestamps aside
    fallible: tuple[int, ...]  # the columns whose values may fail to be read
    bad_columns: dict[str, int] = field(default_factory=dict)
    digest: list[str] = field(default_factory=list)  # rows, and two sums of row hashes
    bounds: tuple[Any, Any] = (None, None)  # least and greatest event time of the rows kept
    label: str = ""  # the source, as messages name it
    read: int = 0  # rows read, lines that cannot be parsed included

    @property
    def values(self) -> list[Sql]:
        """The typed values of a row, for hashing."""
        return [S.column(c.name) for c in self.table.columns]

    @property
    def extras(self) -> list[Sql]:
        """A row's naive timestamps and the text of its values that cannot be read (null when
        none), hashed with its values when one is given."""
        return [
            S.column(n) for n in [_naive(i) for i in self.naive] + [_bad(i) for i in self.fallible]
        ]

    @property
    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns]

    @property
    def key(self) -> Sql:
        """A row's key as text, for examples (a keyless table: all its values)."""
        return S.key_text(self.table)

    def relation(self, kind: str) -> Sql:
        """This table's relation ``kind`` (:func:`imx.readers.relation`)."""
        return S.table(relation(kind, self.tag))


class _Loader:
    """Stages each table as views over its source in a DuckDB database, decides the hygiene
    rules on them (a few passes over the input), and hands over the clean views, the findings
    and the fingerprint."""

    def __init__(
        self,
        schema: SchemaDef,
        mapping: Mapping[str, Mapping[str, str]],
        zone: str | None,
        lenient: bool = False,
        config: Mapping[str, str | int] | None = None,
        on_disk: bool = False,
    ) -> None:
        self.schema = schema
        self.mapping = mapping
        self.zone = zone
        self.lenient = lenient
        self.store = _Store(on_disk, config or {})
        self.con = self.store.con
        self._run(S.set_option("TimeZone", S.string("UTC")))
        self.staged: dict[str, _Staged] = {}
        self.quality: list[QualityFinding] = []
        self.done = False

    def __enter__(self) -> _Loader:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.done:  # on success the store lives on in the dataset's tables
            self.store.close()

    def read(self, table: str, source: Source) -> Raw:
        return read_source(self.con, table, source, str(len(self.staged)))

    def frame(self, table: str, frame: pa.Table) -> Raw:
        return arrow_raw(self.con, frame, f"example table `{table}`", str(len(self.staged)))

    def absent(self, table: TableDef, *, report: bool) -> None:
        empty = pa.table({c.name: pa.array([], pa.string()) for c in table.columns})
        self.stage(table, arrow_raw(self.con, empty, "", str(len(self.staged))), False)
        if report:
            self.quality.append(_finding("missing-table", table.name, 0, ()))

    def stage(self, table: TableDef, raw: Raw, fingerprinted: bool = True) -> None:
        reserved = [c.name for c in table.columns if c.name.startswith(INTERNAL_PREFIX)]
        if reserved:  # only a hand-built schema can: the grammar's names hold no colon
            raise DataError(f"column `{reserved[0]}` of table `{table.name}` uses imx's own prefix")
        mapping = self.mapping.get(table.name, {})
        source, kinds, filled = _select_columns(raw, table, mapping, self.lenient)
        tag = str(len(self.staged))
        plans = [
            _column_sql(c, kinds[c.name], raw.label, self.zone, c.name in filled)
            for c in table.columns
        ]
        items = [(p.typed, c.name) for c, p in zip(table.columns, plans, strict=True)]
        naive = tuple(i for i, p in enumerate(plans) if p.naive is not None)
        fallible = tuple(i for i, p in enumerate(plans) if p.bad is not None)
        items += [(p.naive, _naive(i)) for i, p in enumerate(plans) if p.naive is not None]
        items += [(S.unreadable_text(table.columns[i], plans[i]), _bad(i)) for i in fallible]
        staged = _Staged(table, tag, raw.rejects, fingerprinted, naive, fallible, label=raw.label)
        typed = S.typed_rows(source, items, _ROW)
        try:
            if raw.copied:  # text already copied in: convert it once, not at every read
                self._run(S.create_table(staged.relation("v"), typed))
                self._run(S.drop("TABLE", raw.relation))
            else:
                self._run(S.create_view(staged.relation("v"), typed))
            self._check_columns(staged, raw.label)
            self._set_aside(staged)
        except duckdb.OutOfMemoryException:
            raise
        except duckdb.Error as error:
            raise DataError(f"cannot read {raw.label}: {first_line(error)}") from error
        self.staged[table.name] = staged
        if fingerprinted and not self.lenient:
            self._report_missing_keys(staged, raw, mapping)

    def _report_missing_keys(self, staged: _Staged, raw: Raw, mapping: Mapping[str, str]) -> None:
        """A ``key optional`` column the source lacks is read as empty on every row: counted and
        named, since every unit keyed by it is then left without rows."""
        names = list(raw.schema.names)
        for column in staged.table.columns:
            wanted = mapping.get(column.name, column.name)
            if column.key and _find_column(names, wanted) is None:
                hints = did_you_mean(wanted, names) + [
                    f"map it if it has another name: --map {staged.table.name}.{column.name}=NAME"
                ]
                message = (
                    f"{raw.label} has no column `{wanted}`: {RULE_MESSAGES['missing-column']}; "
                    + "; ".join(hints)
                )
                self.quality.append(
                    _finding("missing-column", staged.table.name, staged.read, [wanted], message)
                )

    def _set_aside(self, staged: _Staged) -> None:
        """``aside_{tag}``: the id, rule and key of every row a hygiene rule sets aside.

        One pass over the input decides the row rules and hashes each row's values twice (in
        order, and salted in reverse order: 128 bits); exact copies are rows whose hashes are
        equal (a false match is about as likely as 2^-100 on 10^7 rows), and the fingerprint
        sums the hashes. Dimension keys given twice are found among the rows left. For the
        events, the same pass keeps each row's time: the least and greatest of the rows no rule
        sets aside are those of the rows kept (an exact copy has its original's time).
        """
        v, aside, hashes = (staged.relation(k) for k in ("v", "aside", "hashes"))
        rule = _row_rule(staged, self.schema.event_names)
        stamp = _event_time(staged.table) if staged.table.name == self.schema.EVENTS_TABLE else None
        self._run(
            S.row_hashes(hashes, v, rule, staged.key, staged.values, stamp, _NAMES, staged.extras)
        )
        totals = self._one(S.hash_totals(hashes, _NAMES))
        staged.digest = [str(t or 0) for t in totals[:3]]
        staged.read = int(totals[0]) + len(staged.rejects)
        staged.bounds = (totals[3], totals[4])
        self._run(S.aside_table(aside, hashes, _NAMES))
        shared = self._shared_hashes(hashes, int(totals[0]))
        if len(shared):  # the copies: rows with both hashes equal, all but the first of each
            copies, found = staged.relation("copies"), relation("shared", staged.tag)
            self.con.register(found, pa.table({_H1: shared}))
            self._run(S.copies(copies, hashes, S.table(found), _NAMES))
            self.con.unregister(found)
            ids = S.rows_in(_ROW, copies)  # their keys: another pass
            self._run(S.insert_aside(aside, v, "duplicate-row", staged.key, _ROW, ids))
            self._run(S.drop("TABLE", copies))
        self._run(S.drop("TABLE", hashes))
        kept = staged.relation("kept")  # a view: rows set aside later on leave it too
        names = (relation("v", staged.tag), relation("aside", staged.tag))
        self._run(S.create_view(kept, S.kept_rows(v, aside, _ROW, *names)))
        if staged.table.name != self.schema.EVENTS_TABLE and staged.table.keys:
            self._set_aside_duplicate_keys(staged)

    def _set_aside_duplicate_keys(self, staged: _Staged) -> None:
        """Every row of a dimension key given on two or more rows no rule set aside."""
        counted = S.duplicate_keys(staged.relation("kept"), staged.table.keys, _COUNT)
        given_twice = S.more_than(_COUNT, 1)
        self._run(
            S.insert_aside(
                staged.relation("aside"), counted, "duplicate-key", staged.key, _ROW, given_twice
            )
        )

    def _shared_hashes(self, hashes: Sql, rows: int) -> np.ndarray[Any, Any]:
        """The first hashes (``imx:h1``) that two or more rows no rule sets aside share.

        The hashes are sorted with numpy, at most :data:`_SORT_ROWS` at a time (a slice of the
        hash space each), and equal neighbours picked out: at 10M rows about 0.2 s, where
        DuckDB's grouping of the rows by hash took 1 s.
        """
        slices = max(1, -(-rows // _SORT_ROWS))
        found = [np.empty(0, np.uint64)]
        for k in range(slices):
            query = self.con.sql(S.render(S.hashes_kept(hashes, _NAMES, slices, k)))
            ordered = np.asarray(query.fetchnumpy()[_H1], np.uint64)
            ordered.sort()  # in place: no second array
            found.append(np.unique(ordered[1:][ordered[1:] == ordered[:-1]]))
        return np.concatenate(found)

    def _one(self, query: Sql) -> tuple[Any, ...]:
        return tuple(self.con.sql(S.render(query)).fetchall()[0])

    def _run(self, statement: Sql) -> None:
        self.con.execute(S.render(statement))

    def _check_columns(self, staged: _Staged, label: str) -> None:
        columns = staged.table.columns
        checks = [
            (columns[i].name, _bad(i), _naive(i) if i in staged.naive else None)
            for i in staged.fallible
        ]
        if not checks:
            return
        found = self._one(S.column_checks(staged.relation("v"), checks))
        for k, i in enumerate(staged.fallible):
            column = columns[i]
            bad, present, sample = found[3 * k : 3 * k + 3]
            if bad and bad == present:
                raise DataError(
                    f"no value of column `{column.name}` in {label} can be read as "
                    f"{column.type.value} (for example {sample!r})",
                    ["is the right column mapped? see --map"],
                )
            if bad:
                staged.bad_columns[column.name] = int(bad)

    def finish(self, as_of: dt.datetime | None) -> Dataset:
        fingerprint = self._fingerprint()
        for staged in self.staged.values():
            self._report_rules(staged)
        events = self.staged.get(self.schema.EVENTS_TABLE)
        if events is not None and not self.lenient:
            self._check_kept(events)
        stamp_column = _event_time(events.table) if events else None
        known: dict[str, tuple[Any, Any]] = {}  # bounds of the clean events, when already known
        if as_of is None:
            earliest, latest = self._event_bounds()
            cut = latest.astimezone(dt.UTC)
            known = {str(stamp_column): (earliest, latest)}  # the cut leaves out no event
        else:
            cut = as_of
        relations = {}
        for name, staged in self.staged.items():
            keep = None  # without as_of, the cut is the latest event: none is after it
            if staged is events and stamp_column and as_of is not None:
                late = S.after(stamp_column, cut)
                self._report_late(staged, late, cut)
                keep = S.negate(late)
            clean = S.clean_rows(staged.relation("kept"), staged.columns, _NONE, keep)
            self._run(S.create_view(staged.relation("clean"), clean))
            relations[name] = relation("clean", staged.tag)
        if events is not None and not self.lenient:
            self._check_kept(events)
            self._report_unknown_keys(events)
            self.quality += self._tallies()
        self.done = True
        aside = _AsideSources(
            tuple((n, s.tag, s.rejects) for n, s in self.staged.items()),
            events.tag if events is not None and stamp_column else None,
        )
        tables = StoredTables(self.store, relations, self.schema, (stamp_column, cut), known, aside)
        return Dataset(tables, cut, tuple(self.quality), fingerprint)

    def _set_aside_rows(self, staged: _Staged) -> dict[str, int]:
        """The rows each rule set aside from one table so far."""
        return {
            f.rule: f.rows
            for f in self.quality
            if f.table == staged.table.name and f.rule in SET_ASIDE_RULES and f.metric is None
        }

    def _check_kept(self, events: _Staged) -> None:
        """When every row of the events is set aside, the run stops, saying by which rules and
        what to do (an evaluation over no events would only report empty metrics)."""
        by_rule = self._set_aside_rows(events)
        if not events.read or sum(by_rule.values()) < events.read:
            return
        report = [f"{rule}: {n} row(s) ({RULE_MESSAGES[rule]})" for rule, n in by_rule.items()]
        fixes = [RULE_FIXES[rule] for rule in by_rule]
        raise DataError(
            f"every row of {events.label} was set aside ({events.read} read, 0 kept)",
            report + fixes,
        )

    def _report_unknown_keys(self, events: _Staged) -> None:
        """Event rows whose key a given dimension table does not hold are kept (a dimension
        table is joined by its keys, semantics rule 1) and counted per table, with examples.

        The events are read once, grouped by every dimension key at once; each dimension table
        is then compared with those few groups, not with every event row."""
        columns = {c.name for c in events.table.columns}
        dims = [
            (name, staged)
            for name, staged in self.staged.items()
            if staged is not events
            and staged.fingerprinted
            and staged.table.keys
            and set(staged.table.keys) <= columns
        ]
        if not dims:
            return
        keys = list(dict.fromkeys(k for _, staged in dims for k in staged.table.keys))
        groups, rows = events.relation("keys"), fresh_column(keys, "rows")
        self._run(S.key_groups(groups, events.relation("clean"), keys, rows))
        try:
            for name, staged in dims:
                self._report_unknown_key(name, staged, groups, rows)
        finally:
            self._run(S.drop("TABLE", groups, if_exists=True))

    def _report_unknown_key(self, name: str, staged: _Staged, groups: Sql, rows: str) -> None:
        query = S.unknown_keys(groups, staged.relation("clean"), staged.table.keys, rows, EXAMPLES)
        count, examples = self._one(query)
        if count:
            self.quality.append(_finding("unknown-key", name, int(count), list(examples)))

    def _tallies(self) -> list[QualityFinding]:
        """Per table given: rows read, set aside and kept (read = kept + set aside)."""
        found = []
        for name, staged in self.staged.items():
            if not staged.fingerprinted:
                continue
            aside = sum(self._set_aside_rows(staged).values())
            for rule, rows in zip(
                TALLY_RULES, (staged.read, aside, staged.read - aside), strict=True
            ):
                found.append(_finding(rule, name, rows, ()))
        return found

    def _fingerprint(self) -> str:
        digest = hashlib.sha256()
        for table in self.schema.tables:
            staged = self.staged.get(table.name)
            given = staged is not None and staged.fingerprinted
            header = [table.name, [c.name for c in table.columns] if given else None]
            digest.update((json.dumps(header) + "\n").encode())
            if staged is None or not given:
                continue
            for _, text in sorted(staged.rejects, key=lambda r: r[1]):
                digest.update((json.dumps(["unreadable line", text]) + "\n").encode())
            # order-free: the number of rows and two sums of 64-bit hashes of their values
            digest.update((json.dumps(staged.digest) + "\n").encode())
        return digest.hexdigest()

    def _report_rules(self, staged: _Staged) -> None:
        query = S.rule_counts(staged.relation("aside"), _RULE, _KEY, EXAMPLES)
        rows = self.con.sql(S.render(query)).fetchall()
        found = {str(r[0]): (int(r[1]), [str(k) for k in r[2] if k is not None]) for r in rows}
        for rule in _ROW_RULES + _LATER_RULES:
            count, keys = found.get(rule, (0, []))
            self._report(staged, rule, count, keys)

    def _report_late(self, events: _Staged, late: Sql, cut: dt.datetime) -> None:
        kept = events.relation("kept")
        (count,) = self._one(S.count_rows(kept, late))
        if count:
            found = self.con.sql(S.render(S.distinct_keys(kept, events.key, late, EXAMPLES)))
            keys = [str(r[0]) for r in found.fetchall()]
            self.quality.append(after_cut_finding(int(count), keys, cut))

    def _report(self, staged: _Staged, rule: str, count: int, keys: list[str]) -> None:
        rejects = staged.rejects if rule == "unreadable-row" else ()
        total = count + len(rejects)
        if total == 0:
            return
        examples = [f"line {line}" for line, _ in rejects[:EXAMPLES]] + keys
        message = _unreadable_message(staged) if rule == "unreadable-row" else None
        self.quality.append(_finding(rule, staged.table.name, total, examples, message))

    def _event_bounds(self) -> tuple[Any, dt.datetime]:
        """The earliest and latest event time of the rows kept (the latest is the default cut)."""
        events = self.staged[self.schema.EVENTS_TABLE]
        column = _event_time(events.table)
        if column is None:
            raise DataError("the events table has no timestamp column: give as_of explicitly")
        earliest, latest = events.bounds
        if not isinstance(latest, dt.datetime):
            raise DataError(
                "the events table has no usable rows, so the data cut cannot be taken from it",
                ["give as_of (--as-of) to evaluate anyway"],
            )
        return earliest, latest


class _Store:
    """The DuckDB database a dataset is loaded into: a file in a private temporary folder (so a
    large log is compressed and paged by DuckDB, not held in memory), or memory for small
    inputs. The folder is removed when the store is closed or garbage-collected."""

    def __init__(self, on_disk: bool, config: Mapping[str, str | int]) -> None:
        self.folder = tempfile.mkdtemp(prefix="imx-data-") if on_disk else None
        path = os.path.join(self.folder, "clean.duckdb") if self.folder else ":memory:"
        try:
            self.con = duckdb.connect(path, config=dict(config))
            self._finalizer = weakref.finalize(self, _remove, self.con, self.folder)
        except BaseException:  # a DuckDB error, or an interrupt: leave no folder behind
            _remove(getattr(self, "con", None), self.folder)
            raise

    def close(self) -> None:
        self._finalizer()


def _remove(con: duckdb.DuckDBPyConnection | None, folder: str | None) -> None:
    if con is not None:
        con.close()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


class StoredTables(Mapping[str, pa.Table]):
    """The clean tables of a loaded dataset, kept in the DuckDB database that loaded them.

    DuckDB evaluates them where they are (:attr:`connection`, :meth:`relation`), so a large log is
    never copied into Python; any other reader gets an Arrow table on first access
    (``tables["events"]``), sorted by keys, timestamps and the other columns.
    """

    def __init__(
        self,
        store: _Store,
        relations: Mapping[str, str],
        schema: SchemaDef,
        cut: tuple[str | None, dt.datetime] | None = None,
        bounds: Mapping[str, tuple[Any, Any]] | None = None,
        aside: _AsideSources | None = None,
    ) -> None:
        self._store = store
        self._aside = aside  # where the rows set aside while loading are
        self._relations = dict(relations)
        self._schema = schema
        self._cut = cut  # (column, instant): no event's column is later than the instant
        self._bounds = dict(bounds or {})  # events column → (least, greatest), known from loading
        self._arrow: dict[str, pa.Table] = {}
        self._files: dict[str, str] = {}

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self._store.con

    def close(self) -> None:
        """Close the database these tables live in and remove its temporary folder."""
        self._store.close()

    def __getitem__(self, name: str) -> pa.Table:
        if name not in self._relations:
            raise KeyError(name)
        if name not in self._arrow:
            self._arrow[name] = self._materialize(name)
        return self._arrow[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._relations)

    def __contains__(self, name: object) -> bool:  # without materializing the table
        return name in self._relations

    def __len__(self) -> int:
        return len(self._relations)

    def relation(self, name: str) -> str:
        """The DuckDB view holding table ``name``'s clean rows."""
        return self._relations[name]

    def exported(self, name: str) -> str | None:
        """The path of a Parquet file holding table ``name``'s clean rows, written by DuckDB
        into the dataset's temporary folder on first request, for an engine that reads files
        itself (Spark), so no Python process holds the rows; None for a dataset kept in
        memory (an in-spec example)."""
        folder = self._store.folder
        if folder is None:
            return None
        if name not in self._files:
            table = self._schema.table(name)
            assert table is not None
            path = os.path.join(folder, f"{self._relations[name]}.parquet")
            query = S.clean_rows(
                S.table(self._relations[name]), [c.name for c in table.columns], _NONE, None
            )
            self.connection.execute(S.render(S.parquet_copy(query, path)))
            self._files[name] = path
        return self._files[name]

    def bounds(self, name: str, column: str) -> tuple[Any, Any]:
        """The least and greatest value of a column."""
        if name == self._schema.EVENTS_TABLE and column in self._bounds:
            return self._bounds[column]
        query = S.bounds(S.table(self._relations[name]), column)
        low, high = self.connection.sql(S.render(query)).fetchall()[0]
        return low, high

    def cut(self, column: str, as_of: dt.datetime) -> tuple[StoredTables, int]:
        """These tables with the events after ``as_of`` left out, and how many were."""
        if self._cut is not None and self._cut[0] == column and as_of >= self._cut[1]:
            return self, 0  # nothing is later
        events = S.table(self._relations[self._schema.EVENTS_TABLE])
        late = S.after(column, as_of)
        (count,) = self.connection.sql(S.render(S.count_rows(events, late))).fetchall()[0]
        if not count:
            return self, 0
        view = relation("cut", str(int(as_of.timestamp() * 1_000_000)).replace("-", "m"))
        kept = S.select_all(events, S.negate(late))
        self.connection.execute(
            S.render(S.create_view(S.table(view), kept, temp=True, replace=True))
        )
        relations = {**self._relations, self._schema.EVENTS_TABLE: view}
        cut = StoredTables(self._store, relations, self._schema, (column, as_of), None, self._aside)
        return cut, int(count)

    def set_aside(self, as_of: dt.datetime | None = None) -> pa.Table:
        """See :meth:`Dataset.set_aside`: the events after the earlier of ``as_of`` and these
        tables' cut are ``after-as-of``."""
        if self._aside is None:
            return SET_ASIDE_SCHEMA.empty_table()
        late = None
        if self._cut is not None and self._cut[0] is not None:
            cut = self._cut[1] if as_of is None else min(as_of, self._cut[1])
            late = S.after(self._cut[0], cut)
        query = self._aside.query(self._schema, late)
        return self.connection.sql(S.render(query)).to_arrow_table().cast(SET_ASIDE_SCHEMA)

    def late_keys(self, column: str, as_of: dt.datetime) -> list[str]:
        """Up to five keys of the events after ``as_of``, for the finding's examples."""
        events = self._schema.table(self._schema.EVENTS_TABLE)
        assert events is not None
        source = S.table(self._relations[events.name])
        query = S.distinct_keys(source, S.key_text(events), S.after(column, as_of), EXAMPLES)
        rows = self.connection.sql(S.render(query)).fetchall()
        return [str(r[0]) for r in rows]

    def _materialize(self, name: str) -> pa.Table:
        table = self._schema.table(name)
        assert table is not None
        first = [c for c in table.columns if c.key] + [
            c for c in table.columns if c.type is ColumnType.TIMESTAMP
        ]
        order = [c.name for c in first] + [c.name for c in table.columns if c not in first]
        names = [c.name for c in table.columns]
        query = S.ordered_rows(S.table(self._relations[name]), names, order)
        result = self.connection.sql(S.render(query)).to_arrow_table()
        target = pa.schema([pa.field(c.name, _ARROW_TYPES[c.type]) for c in table.columns])
        return result.cast(target)


@dataclass(frozen=True)
class _AsideSources:
    """Where a loaded dataset keeps its rows set aside: per table staged, its name, its tag (for
    :func:`imx.readers.relation`) and its lines that cannot be parsed; the events' tag, whose
    rows kept but after the cut are ``after-as-of``."""

    tables: tuple[tuple[str, str, tuple[tuple[int, str], ...]], ...]
    events: str | None

    def query(self, schema: SchemaDef, late: Sql | None) -> Sql:
        """SQL: the rows set aside (:data:`SET_ASIDE_SCHEMA`), in order."""
        rule, key = S.column(_RULE), S.column(_KEY)
        parts = [
            S.aside_part(name, S.table(relation("aside", tag)), rule, key, _ROW)
            for name, tag, _ in self.tables
        ]
        lines = [(name, int(line)) for name, _, rejects in self.tables for line, _ in rejects]
        events = schema.table(schema.EVENTS_TABLE)
        if late is not None and self.events is not None and events is not None:
            kept = S.table(relation("kept", self.events))
            late_rule, late_key = S.string("after-as-of"), S.key_text(events)
            parts.append(S.aside_part(events.name, kept, late_rule, late_key, _ROW, late))
        return S.set_aside_rows(parts, lines, [f.name for f in SET_ASIDE_SCHEMA])


# ------------------------------------------------------------------------------ the cut


def after_cut_finding(count: int, examples: Sequence[str], cut: dt.datetime) -> QualityFinding:
    """The ``after-as-of`` finding: ``count`` events later than the data cut were left out."""
    message = AFTER_CUT.format(as_of=cut.astimezone(dt.UTC).isoformat())
    return _finding("after-as-of", SchemaDef.EVENTS_TABLE, count, examples, message)


def cut_events(
    schema: SchemaDef, tables: Mapping[str, pa.Table], as_of: dt.datetime
) -> tuple[Mapping[str, pa.Table], tuple[QualityFinding, ...]]:
    """The tables with the events after ``as_of`` left out (semantics rule 3), and the
    ``after-as-of`` finding counting them: the one place the data cut is made after loading
    (a loaded dataset is cut in DuckDB, other tables in Arrow)."""
    events = schema.table(schema.EVENTS_TABLE)
    column = _event_time(events) if events else None
    if events is None or column is None or schema.EVENTS_TABLE not in tables:
        return tables, ()
    if isinstance(tables, StoredTables):
        kept, count = tables.cut(column, as_of)
        keys = tables.late_keys(column, as_of) if count else []
        return kept, (after_cut_finding(count, keys, as_of),) if count else ()
    rows = tables[schema.EVENTS_TABLE]
    late = pc.fill_null(
        pc.greater(rows[column], pa.scalar(as_of, rows.schema.field(column).type)), False
    )
    count = int(pc.sum(late).as_py() or 0)
    if not count:
        return tables, ()
    out = {**tables, schema.EVENTS_TABLE: rows.filter(pc.invert(late))}
    return out, (after_cut_finding(count, [], as_of),)


def merge_cut(
    quality: Sequence[QualityFinding], found: Sequence[QualityFinding]
) -> tuple[QualityFinding, ...]:
    """A loaded report with the ``after-as-of`` findings of a later cut added: one finding per
    table, and the table's ``rows-set-aside`` and ``rows-kept`` moved by as many rows."""
    out = list(quality)
    for late in found:
        i = next(
            (k for k, f in enumerate(out) if f.rule == late.rule and f.table == late.table), None
        )
        if i is None:
            out.insert(_tally_index(out, late.table), late)
        else:
            examples = sorted({*out[i].examples, *late.examples})
            out[i] = replace(
                late, rows=out[i].rows + late.rows, examples=tuple(examples[:EXAMPLES])
            )
        for k, f in enumerate(out):
            if f.table == late.table and f.rule in ("rows-set-aside", "rows-kept"):
                out[k] = replace(
                    f, rows=f.rows + (late.rows if f.rule == "rows-set-aside" else -late.rows)
                )
    return tuple(out)


def _tally_index(quality: Sequence[QualityFinding], table: str) -> int:
    """Where a new finding of ``table`` goes: before its tallies, else at the end."""
    return next((k for k, f in enumerate(quality) if f.tally and f.table == table), len(quality))


def _row_rule(staged: _Staged, events: Sequence[str]) -> Sql:
    """The first row rule that holds for a row, or NULL (semantics rule 3, in order)."""
    bad = [S.column(_bad(i)) for i in staged.fallible]
    naive = [S.column(_naive(i)) for i in staged.naive]
    conditions = S.row_conditions(staged.table, events, bad, naive)
    assert tuple(rule for rule, _ in conditions) == _ROW_RULES
    return S.row_rule(conditions)


def _event_time(table: TableDef) -> str | None:
    stamps = [c for c in table.columns if c.type is ColumnType.TIMESTAMP]
    required = [c for c in stamps if not c.optional]
    chosen = (required or stamps)[:1]
    return chosen[0].name if chosen else None


def _unreadable_message(staged: _Staged) -> str:
    types = {c.name: c.type.value for c in staged.table.columns}
    parts = [f"{len(staged.rejects)} line(s) that cannot be parsed"] if staged.rejects else []
    parts += [
        f"{n} value(s) of `{name}` that are not a valid {types[name]}"
        for name, n in staged.bad_columns.items()
    ]
    return f"{RULE_MESSAGES['unreadable-row']}: {'; '.join(parts)}"


def _finding(
    rule: str, table: str, rows: int, examples: Sequence[str], message: str | None = None
) -> QualityFinding:
    return QualityFinding(
        rule=rule,
        table=table,
        rows=rows,
        examples=tuple(examples[:EXAMPLES]),
        message=message or RULE_MESSAGES.get(rule, ""),
    )
