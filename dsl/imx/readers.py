"""Read a data source (file path or data frame) as a DuckDB relation under the user's column names.

CSV (``.csv``, ``.tsv``, ``.csv.gz``) and JSON lines (``.jsonl``, ``.ndjson``) are read as text
into DuckDB, so nothing is inferred (site ``001`` stays ``001``); lines that cannot be parsed
(wrong number of fields, invalid JSON, a line longer than DuckDB reads, a quoted value that never
closes) are kept aside with their line numbers. Parquet files, DuckDB database tables and
in-memory frames keep their own types and are read by DuckDB in place; an Excel sheet
(``.xlsx``) is read as text by :mod:`imx.readers_xlsx`. A file without rows, or
with a column name given twice, is refused. :mod:`imx.data` casts and cleans.

imx's own names in the loading database live here (:data:`INTERNAL_PREFIX`,
:data:`RELATION_PREFIX`, :func:`internal`, :func:`relation`), chosen so that no user name can
collide with one of them.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import itertools
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from imx import staging as S
from imx.diagnostics import did_you_mean
from imx.errors import DataError
from imx.model import SchemaDef
from imx.staging import Sql


class ArrowStreamSource(Protocol):
    """A data frame that exports the Arrow C stream interface (pandas ≥ 2.2, polars, pyarrow)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...


Source: TypeAlias = "str | os.PathLike[str] | pa.Table | ArrowStreamSource"


FILE_FORMATS: Mapping[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".duckdb": "duckdb",
    ".db": "duckdb",
    ".xlsx": "xlsx",
}
DISCOVERABLE = (".csv", ".csv.gz", ".parquet", ".jsonl", ".ndjson", ".xlsx")


def discover_sources(data_dir: str | os.PathLike[str], schema: SchemaDef) -> dict[str, Path]:
    """Find the files named after the schema's tables (``events.csv``, ``sites.parquet``, …).

    ``data_dir`` may also be a DuckDB database file: each schema table it holds is a source. The
    events table is required; a dimension table with no file is left out (and reported as
    ``missing-table`` when loaded).
    """
    folder = Path(data_dir)
    if folder.is_file() and file_format(folder) == "duckdb":
        return _discover_in_database(folder, schema)
    if folder.is_file() and file_format(folder) == "xlsx":
        return _discover_in_workbook(folder, schema)
    if not folder.is_dir():
        raise DataError(f"data folder `{folder}` does not exist", expected_files(schema))
    entries = {p.name.lower(): p for p in sorted(folder.iterdir()) if p.is_file()}
    found: dict[str, Path] = {}
    for table in schema.tables:
        matches = [
            entries[f"{table.name}{ext}"] for ext in DISCOVERABLE if f"{table.name}{ext}" in entries
        ]
        if len(matches) > 1:
            names = ", ".join(p.name for p in matches)
            raise DataError(
                f"table `{table.name}` is given twice in `{folder}`: {names}",
                ["keep one file per table, or name one with --table"],
            )
        if matches:
            found[table.name] = matches[0]
    if schema.EVENTS_TABLE not in found:
        present = ", ".join(sorted(p.name for p in entries.values())) or "no files"
        raise DataError(
            f"no events table in `{folder}` (it holds: {present})", expected_files(schema)
        )
    return found


def expected_files(schema: SchemaDef) -> list[str]:
    names = ", ".join(f"{schema.EVENTS_TABLE}{ext}" for ext in DISCOVERABLE)
    dims = ", ".join(f"{t.name}.csv" for t in schema.tables if t.name != schema.EVENTS_TABLE)
    hints = [f"expected one of: {names}"]
    if dims:
        hints.append(f"dimension tables are found the same way ({dims}, …)")
    return hints


def file_format(path: Path) -> str | None:
    name = path.name.lower()
    return next((fmt for ext, fmt in FILE_FORMATS.items() if name.endswith(ext)), None)


def _discover_in_workbook(path: Path, schema: SchemaDef) -> dict[str, Path]:
    """``--data book.xlsx``: each schema table with a sheet of its name (any case) is a source."""
    from imx.readers_xlsx import workbook_sheets

    sheets = {s.strip().lower() for s in workbook_sheets(path)}
    found = {t.name: path for t in schema.tables if t.name.lower() in sheets}
    if schema.EVENTS_TABLE not in found:
        raise DataError(
            f"workbook `{path}` has no `{schema.EVENTS_TABLE}` sheet",
            [f"its sheets: {', '.join(workbook_sheets(path))}; name one after each table"],
        )
    return found


def _discover_in_database(path: Path, schema: SchemaDef) -> dict[str, Path]:
    tables = database_tables(path)
    found = {t.name: path for t in schema.tables if t.name in tables}
    if schema.EVENTS_TABLE not in found:
        raise DataError(
            f"database `{path}` has no `{schema.EVENTS_TABLE}` table",
            [f"its tables: {', '.join(sorted(tables)) or 'none'}"],
        )
    return found


def database_tables(path: Path) -> set[str]:
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.sql(S.render(S.table_names())).fetchall()
    except duckdb.Error as error:
        raise DataError(f"cannot open database `{path}`: {first_line(error)}") from error
    return {str(r[0]) for r in rows}


def first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# ---------------------------------------------------------------------- imx's own names

INTERNAL_PREFIX = "imx:"
"""The prefix of every column imx adds to the rows it stages. A schema name cannot hold a colon
(names are ``[A-Za-z_][A-Za-z0-9_]*``, with inner hyphens), and a source's own columns never
enter the staged rows, so no user column collides with one of imx's; a hand-built schema whose
column starts with the prefix is refused."""

INTERNAL_COLUMNS = ("row", "rule", "key", "h1", "h2", "t", "n", "none", "naive0", "bad0")
"""imx's own columns (after :data:`INTERNAL_PREFIX`): a row's place in its source, the rule that
sets it aside, its key as text, its two hashes, its event time, a count, the placeholder of a
table without columns, and per column ``i`` ``naive{i}`` (a naive timestamp) and ``bad{i}`` (the
text of a value that cannot be read)."""

RELATION_PREFIX = "imx_data_"
"""The prefix of every table, view and attached database imx creates while loading. Schema table
names beginning with ``imx_`` are refused by the checker (they are imx's own), so none collides.
(DuckDB's rejects tables must be plain identifiers: hence a prefix without a colon.)"""

RELATIONS = (
    "src",
    "rejects",
    "scan",
    "lines",
    "objects",
    "db",
    "v",
    "hashes",
    "aside",
    "copies",
    "shared",
    "kept",
    "clean",
    "cut",
    "keys",
)
"""The kinds of relation imx creates while loading (after :data:`RELATION_PREFIX`)."""


def internal(name: str) -> str:
    """imx's own column ``name`` (one of :data:`INTERNAL_COLUMNS`) with its prefix."""
    return INTERNAL_PREFIX + name


def relation(kind: str, tag: str) -> str:
    """The name of imx's relation ``kind`` (one of :data:`RELATIONS`) for staged table ``tag``
    (a plain identifier)."""
    assert kind in RELATIONS, kind
    return f"{RELATION_PREFIX}{kind}{tag}"


def fresh_column(names: Sequence[str], base: str = "row") -> str:
    """An internal column name that is none of ``names`` (DuckDB compares names without case)."""
    taken = {n.lower() for n in names}
    candidates = (
        INTERNAL_PREFIX + base + ("" if i == 0 else f"_{i}") for i in range(len(names) + 1)
    )
    return next(c for c in candidates if c.lower() not in taken)


def _check_unique(names: Sequence[str], label: str) -> None:
    """A column name given twice is refused: imx cannot tell which column is meant."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(
                f"{label} has the column `{name}` twice",
                ["give each column one name (rename or drop the copy), then load again"],
            )
        seen.add(name)


# ----------------------------------------------------------------------------- reading

MAX_LINE = 2_097_152
"""The longest CSV line DuckDB reads (its ``max_line_size``, in bytes): a longer line is set aside
as an unreadable row, with its line number."""
_QUOTED_TEXT = 2_000  # an unreadable line longer than this is kept as its length and sha256


@dataclass(frozen=True)
class Raw:
    """A source as DuckDB sees it: ``relation`` (a view or table of the loading connection, as
    a tree)
    holds its columns under the user's names, typed as ``schema`` says, plus ``row_id``, a
    column numbering its rows (None: DuckDB's ``rowid``); ``rejects`` are lines that could not
    be parsed. Files are not copied into Python: DuckDB reads them where they are, when asked."""

    relation: Sql
    schema: pa.Schema
    label: str
    rejects: tuple[tuple[int, str], ...] = ()  # (line number, text)
    row_id: str | None = None
    copied: bool = False  # read as text into a table of the loading database (CSV, JSON lines)
    filled: frozenset[str] = frozenset()  # columns known to hold no empty text (file statistics)


def _relation(
    con: duckdb.DuckDBPyConnection,
    name: Sql,
    label: str,
    rejects: tuple[tuple[int, str], ...] = (),
    row_id: str | None = None,
    copied: bool = False,
    filled: frozenset[str] = frozenset(),
) -> Raw:
    schema = con.sql(S.render(S.peek(name, row_id))).to_arrow_table().schema
    _check_unique(schema.names, label)
    return Raw(name, schema, label, rejects, row_id, copied, filled)


def _numbered(
    con: duckdb.DuckDBPyConnection,
    name: Sql,
    tag: str,
    label: str,
    rejects: tuple[tuple[int, str], ...] = (),
    copied: bool = False,
) -> Raw:
    """A table as a source, numbered by DuckDB's ``rowid``, or (when a column of its own named
    ``rowid`` hides that) copied with a row number under a name of imx's own."""
    names = con.sql(S.render(S.peek(name))).columns
    if "rowid" not in {n.lower() for n in names}:
        return _relation(con, name, label, rejects, None, copied)
    row = fresh_column(names)
    target = S.table(relation("src", f"{tag}_n"))
    con.execute(S.render(S.numbered_copy(target, name, row)))
    if copied:
        con.execute(S.render(S.drop("TABLE", name)))
    return _relation(con, target, label, rejects, row, True)


def arrow_raw(con: duckdb.DuckDBPyConnection, table: pa.Table, label: str, tag: str) -> Raw:
    """An Arrow table as a source: registered with the connection (not copied), with a row
    number column added under a name none of its columns has."""
    _check_unique(table.schema.names, label)
    row = fresh_column(table.schema.names)
    numbered = table.append_column(row, pa.array(np.arange(table.num_rows, dtype=np.int64)))
    con.register(relation("src", tag), numbered)
    return Raw(S.table(relation("src", tag)), table.schema, label, row_id=row)


def _open_binary(path: Path) -> Any:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _shown(text: bytes) -> str:
    """An unreadable line as kept in the fingerprint: its text, or its length and digest."""
    if len(text) <= _QUOTED_TEXT:
        return text.decode("utf-8", "replace")
    return f"{len(text)} bytes, sha256 {hashlib.sha256(text).hexdigest()}"


def _scratch_copy(lines: Iterator[bytes]) -> Path:
    """The lines written to a new file in the temporary folder (removed by the caller)."""
    handle, name = tempfile.mkstemp(prefix="imx-csv-", suffix=".csv")
    with os.fdopen(handle, "wb") as out:
        out.writelines(lines)
    return Path(name)


def _without_long_lines(path: Path) -> tuple[Path, list[tuple[int, str]]]:
    """A copy of the file with each line longer than :data:`MAX_LINE` left blank (so every
    other line keeps its number), and those lines."""
    found: list[tuple[int, str]] = []

    def lines() -> Iterator[bytes]:
        with _open_binary(path) as source:
            for number, line in enumerate(source, 1):
                if len(line.rstrip(b"\r\n")) >= MAX_LINE:
                    found.append((number, _shown(line.rstrip(b"\r\n"))))
                    yield b"\n"
                else:
                    yield line

    return _scratch_copy(lines()), found


def _head(path: Path, start: int) -> Path:
    """A copy of the file's lines before line ``start``."""

    def lines() -> Iterator[bytes]:
        with _open_binary(path) as source:
            for number, line in enumerate(source, 1):
                if number >= start:
                    return
                yield line

    return _scratch_copy(lines())


def _text_reader(path: Path, delimiter: str, quote_char: str) -> tuple[Any, Any]:
    """The file as text and a csv reader over it in DuckDB's dialect (``quote_char`` empty: no
    quoting)."""
    if path.name.lower().endswith(".gz"):
        stream: Any = gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    else:
        stream = path.open(encoding="utf-8", errors="replace", newline="")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a truncated value may be the file's rest
    quoting: dict[str, Any] = (
        {"quotechar": quote_char} if quote_char else {"quoting": csv.QUOTE_NONE}
    )
    return stream, csv.reader(stream, delimiter=delimiter, strict=True, **quoting)


def _header(path: Path, delimiter: str, quote_char: str) -> list[str] | None:
    """The file's first record, as written (None: the file is empty)."""
    stream, reader = _text_reader(path, delimiter, quote_char)
    with stream:
        try:
            return next(reader, None)
        except csv.Error:
            return None


def _count(path: Path, text: bytes) -> int:
    """How many times ``text`` (one byte) occurs in the file, read a megabyte at a time."""
    with _open_binary(path) as source:
        return sum(chunk.count(text) for chunk in iter(lambda: source.read(1 << 20), b""))


def _unclosed_quote(path: Path, delimiter: str, quote_char: str) -> tuple[int, str] | None:
    """Where a quoted value opens that never closes (a truncated last record), and its text.

    Well-formed quoting pairs its quote characters, so only a file with an odd number of them
    is read again record by record to find the line the unclosed value starts on.
    """
    if _count(path, quote_char.encode()) % 2 == 0:
        return None
    stream, reader = _text_reader(path, delimiter, quote_char)
    last = 0
    with stream:
        try:
            for _ in reader:
                last = reader.line_num
        except csv.Error:
            pass
        else:
            return None
    with _open_binary(path) as source:
        tail = b"".join(itertools.islice(source, last, None))
    return last + 1, _shown(tail)


def _copy_csv(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> list[tuple[int, str]]:
    """The file read as text into ``src``, and the lines DuckDB could not parse."""
    src, rejects, scan = (relation(k, tag) for k in ("src", "rejects", "scan"))
    for name in (src, rejects, scan):
        con.execute(S.render(S.drop("TABLE", S.table(name), if_exists=True)))
    con.execute(S.render(S.copy_csv(S.table(src), rejects, scan, MAX_LINE)), {"path": str(path)})
    found = con.sql(S.render(S.rejected_lines(S.table(rejects)))).fetchall()
    return [(int(n), str(t)) for n, t in found]


def _dialect(con: duckdb.DuckDBPyConnection, tag: str, path: Path) -> tuple[str, str]:
    """The delimiter and quote character of the file as DuckDB read it (the quote empty when
    there is none): from its rejects scan when a line was rejected, else sniffed again."""
    rows = con.sql(S.render(S.csv_dialect(S.table(relation("scan", tag))))).fetchall()
    if not rows:
        try:
            rows = con.sql(S.render(S.sniff_csv()), params={"path": str(path)}).fetchall()
        except duckdb.InvalidInputException:  # an empty file has no header to sniff
            rows = []
    delimiter, quote_char = (str(v) for v in rows[0]) if rows else (",", '"')
    return delimiter, "" if quote_char == "(empty)" else quote_char


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> Raw:
    """A CSV file as text. A line longer than DuckDB reads, and a quoted value that never closes
    (with every line after it), are set aside as unreadable with the line they start on."""
    scratch: list[Path] = []
    try:
        source, own = path, list[tuple[int, str]]()
        try:
            found = _copy_csv(con, source, tag)
        except duckdb.InvalidInputException as error:
            if "maximum line size" not in str(error).lower():
                raise
            source, own = _without_long_lines(path)
            scratch.append(source)
            if not own:
                raise
            found = _copy_csv(con, source, tag)
        source, found, cut = _without_truncated_record(con, source, tag, found, scratch)
        own += [cut] if cut else []
        delimiter, quote_char = _dialect(con, tag, source)
        header = _header(source, delimiter, quote_char) if len(delimiter) == 1 else []
        if header is None:
            raise DataError(f"`{path.name}` is empty: it holds no header and no rows")
        _check_unique([n for n in header if n], f"the header of `{path.name}`")
        rejects = tuple(sorted(found + own))
        src = S.table(relation("src", tag))
        _check_rows(con, src, path, rejects)
        return _numbered(con, src, tag, path.name, rejects, copied=True)
    finally:
        for copy in scratch:
            copy.unlink(missing_ok=True)


def _without_truncated_record(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    tag: str,
    found: list[tuple[int, str]],
    scratch: list[Path],
) -> tuple[Path, list[tuple[int, str]], tuple[int, str] | None]:
    """When a quoted value opens and never closes, the file is read again without that record
    and the lines after it, which are one unreadable row (DuckDB reads the quote as a letter
    there, and its sniffer may then drop quoting for the whole file). A file that uses no
    quoting once that record is gone keeps its first reading: its quote is a letter."""
    delimiter, quote_char = _dialect(con, tag, source)
    if len(delimiter) != 1:
        return source, found, None
    cut = _unclosed_quote(source, delimiter, quote_char or '"')
    if cut is None:
        return source, found, None
    head = _head(source, cut[0])
    scratch.append(head)
    kept = [r for r in _copy_csv(con, head, tag) if r[0] < cut[0]]
    if quote_char or _count(head, b'"'):
        return head, kept, cut
    return source, _copy_csv(con, source, tag), None  # no quoting: read it as it was


def _check_rows(
    con: duckdb.DuckDBPyConnection, name: Sql, path: Path, rejects: Sequence[object]
) -> None:
    """A file without a single row (readable or not) is refused, saying so."""
    (count,) = con.sql(S.render(S.count_rows(name))).fetchall()[0]
    if not count and not rejects:
        raise _no_rows(path)


def _no_rows(path: Path) -> DataError:
    return DataError(
        f"`{path.name}` holds no rows (only a header)",
        ["give the file its rows, or leave it out (a dimension table not given is empty)"],
    )


def _copy_lines(con: duckdb.DuckDBPyConnection, path: Path, lines: Sql) -> None:
    """The file's lines (numbered, blank ones left out), each marked whether it is an object."""
    con.execute(S.render(S.drop("TABLE", lines, if_exists=True)))
    con.execute(S.render(S.copy_lines(lines, MAX_LINE)), {"path": str(path)})


def _read_jsonl(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> Raw:
    """A JSON lines file as text; a line longer than DuckDB reads is unreadable, on its line."""
    lines, objects, src = (S.table(relation(k, tag)) for k in ("lines", "objects", "src"))
    own: list[tuple[int, str]] = []
    copy = None
    try:
        try:
            _copy_lines(con, path, lines)
        except duckdb.InvalidInputException as error:
            if "maximum line size" not in str(error).lower():
                raise
            copy, own = _without_long_lines(path)
            if not own:
                raise
            _copy_lines(con, copy, lines)
    finally:
        if copy is not None:
            copy.unlink(missing_ok=True)
    rejects = con.sql(S.render(S.unparsed_lines(lines))).fetchall()
    found = tuple(sorted([(int(n), str(t)) for n, t in rejects] + own))
    con.execute(S.render(S.json_objects(objects, lines)))
    _check_json_keys(con, objects, path)
    keys = con.sql(S.render(S.json_key_names(objects))).fetchall()
    names = [str(k[0]) for k in keys]
    _check_rows(con, objects, path, found)
    con.execute(S.render(S.json_columns(src, objects, names, internal("none"))))
    if not names:  # no line holds an object: a table without columns
        return Raw(src, pa.schema([]), path.name, found, copied=True)
    return _numbered(con, src, tag, path.name, found, copied=True)


def _check_json_keys(con: duckdb.DuckDBPyConnection, objects: Sql, path: Path) -> None:
    """An object that gives one key twice is refused, naming its line and the key."""
    rows = con.sql(S.render(S.json_key_twice(objects))).fetchall()
    if rows:
        line, keys = rows[0]
        twice = next(k for i, k in enumerate(keys) if k in keys[:i])
        raise DataError(
            f"line {line} of `{path.name}` has the key `{twice}` twice",
            ["give each key once per object, then load again"],
        )


def _read_duckdb(con: duckdb.DuckDBPyConnection, path: Path, table: str, tag: str) -> Raw:
    tables = database_tables(path)
    if table not in tables:
        raise DataError(
            f"database `{path.name}` has no table `{table}`",
            did_you_mean(table, tables) + [f"its tables: {', '.join(sorted(tables)) or 'none'}"],
        )
    db = relation("db", tag)
    con.execute(S.render(S.attach_read_only(db)), {"path": str(path)})
    kind = con.sql(S.render(S.table_type()), params={"db": db, "table": table}).fetchall()
    label = f"{path.name}:{table}"
    if kind and kind[0][0] == "BASE TABLE":
        return _numbered(con, S.table(table, db), tag, label)
    src = S.table(relation("src", tag))  # a view in the user's database: number its rows once
    con.execute(S.render(S.create_table(src, S.select_all(S.table(table, db)))))
    return _numbered(con, src, tag, label, copied=True)


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> Raw:
    """A view over the file, numbered by DuckDB's ``file_row_number`` (by a window, under a name
    of imx's own, when the file has a column of that name itself)."""
    file = str(path.resolve())
    try:
        names = pq.read_schema(path).names
    except (pa.ArrowException, OSError) as error:
        raise DataError(f"cannot read `{path}` as parquet: {first_line(error)}") from error
    _check_unique(names, f"`{path.name}`")
    (rows,) = con.sql(S.render(S.parquet_rows(file))).fetchall()[0]
    if not rows:
        raise _no_rows(path)
    filled = _filled_columns(con, file)
    src = S.table(relation("src", tag))
    if "file_row_number" in {n.lower() for n in names}:
        row = fresh_column(names)
        con.execute(S.render(S.parquet_view(src, file, row)))
        return _relation(con, src, path.name, row_id=row, filled=filled)
    con.execute(S.render(S.parquet_view(src, file, None)))
    return _relation(con, src, path.name, row_id="file_row_number", filled=filled)


def _filled_columns(con: duckdb.DuckDBPyConnection, file: str) -> frozenset[str]:
    """The columns whose every row group has a least value that is not empty text, or only
    nulls: no value of theirs is empty text (the empty string sorts before every other)."""
    rows = con.sql(S.render(S.parquet_filled(file))).fetchall()
    return frozenset(str(r[0]) for r in rows)


def _read_path(con: duckdb.DuckDBPyConnection, table: str, path: Path, tag: str) -> Raw:
    fmt = file_format(path)
    if fmt is None:
        known = ", ".join(FILE_FORMATS)
        raise DataError(f"cannot tell the format of `{path}`", [f"file names may end in {known}"])
    if not path.exists():
        raise DataError(f"file `{path}` does not exist (given for table `{table}`)")
    try:
        if fmt == "csv":
            return _read_csv(con, path, tag)
        if fmt == "jsonl":
            return _read_jsonl(con, path, tag)
        if fmt == "xlsx":
            from imx.readers_xlsx import read_xlsx

            return arrow_raw(con, read_xlsx(path, table), f"`{path}`", tag)
        if fmt == "duckdb":
            return _read_duckdb(con, path, table, tag)
        return _read_parquet(con, path, tag)
    except duckdb.OutOfMemoryException:
        raise  # not a fault of the file: the loader says what to do
    except duckdb.Error as error:
        raise DataError(f"cannot read `{path}` as {fmt}: {first_line(error)}") from error


def _read_frame(con: duckdb.DuckDBPyConnection, source: object, table: str, tag: str) -> Raw:
    label = f"the {type(source).__name__} given for table `{table}`"
    if isinstance(source, pa.Table):
        return arrow_raw(con, source, label, tag)
    if isinstance(source, pa.RecordBatchReader):
        return arrow_raw(con, source.read_all(), label, tag)
    if hasattr(source, "__arrow_c_stream__"):
        columns = getattr(source, "columns", None)  # pandas allows a name twice
        if columns is not None:
            _check_unique([str(c) for c in columns], label)
        try:
            table = pa.table(source)
        except (ValueError, TypeError, pa.ArrowException) as error:
            raise DataError(f"cannot read {label}: {first_line(error)}") from error
        return arrow_raw(con, table, label, tag)
    raise DataError(
        f"cannot read {label}",
        ["give a file path, a pyarrow Table, or a pandas or polars DataFrame"],
    )


def read_source(con: duckdb.DuckDBPyConnection, table: str, source: Source, tag: str) -> Raw:
    """Read ``source`` for schema table ``table``; ``tag`` keeps DuckDB scratch names apart."""
    if isinstance(source, str | os.PathLike):
        return _read_path(con, table, Path(os.fspath(source)), tag)
    return _read_frame(con, source, table, tag)
