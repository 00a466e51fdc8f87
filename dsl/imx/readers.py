"""Read a data source (file path or data frame) as a DuckDB relation under the user's column names.

CSV (``.csv``, ``.tsv``, ``.csv.gz``) and JSON lines (``.jsonl``, ``.ndjson``) are read as text
into DuckDB, so nothing is inferred (site ``001`` stays ``001``); lines that cannot be parsed
(wrong number of fields, invalid JSON) are kept aside with their line numbers. Parquet files,
DuckDB database tables and in-memory frames keep their own types and are read by DuckDB in
place. :mod:`imx.data` casts and cleans.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeAlias

import duckdb
import numpy as np
import pyarrow as pa

from imx.diagnostics import did_you_mean
from imx.errors import DataError
from imx.model import SchemaDef


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
}
DISCOVERABLE = (".csv", ".csv.gz", ".parquet", ".jsonl", ".ndjson")


def discover_sources(data_dir: str | os.PathLike[str], schema: SchemaDef) -> dict[str, Path]:
    """Find the files named after the schema's tables (``events.csv``, ``sites.parquet``, …).

    ``data_dir`` may also be a DuckDB database file: each schema table it holds is a source. The
    events table is required; a dimension table with no file is left out (and reported as
    ``missing-table`` when loaded).
    """
    folder = Path(data_dir)
    if folder.is_file() and file_format(folder) == "duckdb":
        return _discover_in_database(folder, schema)
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
            rows = con.sql("SELECT table_name FROM information_schema.tables").fetchall()
    except duckdb.Error as error:
        raise DataError(f"cannot open database `{path}`: {first_line(error)}") from error
    return {str(r[0]) for r in rows}


def first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Raw:
    """A source as DuckDB sees it: ``relation`` (a view or table of the loading connection)
    holds its columns under the user's names, typed as ``schema`` says, plus ``row_id``, a
    column numbering its rows; ``rejects`` are lines that could not be parsed. Files are not
    copied into Python: DuckDB reads them where they are, when asked."""

    relation: str
    schema: pa.Schema
    label: str
    rejects: tuple[tuple[int, str], ...] = ()  # (line number, text)
    row_id: str = "rowid"
    copied: bool = False  # read as text into a table of the loading database (CSV, JSON lines)
    filled: frozenset[str] = frozenset()  # columns known to hold no empty text (file statistics)


def _relation(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    label: str,
    rejects: tuple[tuple[int, str], ...] = (),
    row_id: str = "rowid",
    copied: bool = False,
    filled: frozenset[str] = frozenset(),
) -> Raw:
    hidden = f" EXCLUDE ({row_id})" if row_id != "rowid" else ""
    schema = con.sql(f"SELECT *{hidden} FROM {relation} LIMIT 0").to_arrow_table().schema
    return Raw(relation, schema, label, rejects, row_id, copied, filled)


def arrow_raw(con: duckdb.DuckDBPyConnection, table: pa.Table, label: str, tag: str) -> Raw:
    """An Arrow table as a source: registered with the connection (not copied), with a row
    number column added."""
    numbered = table.append_column("__imx_id", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    con.register(f"src_{tag}", numbered)
    return Raw(f"src_{tag}", table.schema, label, row_id="__imx_id")


def literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> Raw:
    con.execute(
        f"CREATE TABLE src_{tag} AS SELECT * FROM read_csv($path, all_varchar = true, "
        f"header = true, store_rejects = true, rejects_table = 'rejects_{tag}', "
        f"rejects_scan = 'rejects_scan_{tag}')",
        {"path": str(path)},
    )
    rejects = con.sql(
        f"SELECT line, any_value(csv_line) FROM rejects_{tag} GROUP BY line ORDER BY line"
    ).fetchall()
    found = tuple((int(n), str(t)) for n, t in rejects)
    return _relation(con, f"src_{tag}", path.name, found, copied=True)


def _read_jsonl(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> Raw:
    con.execute(
        f"CREATE TEMP TABLE lines_{tag} AS SELECT n, line, CASE WHEN json_valid(line) "
        "THEN json_type(line) = 'OBJECT' ELSE false END AS ok FROM (SELECT row_number() OVER () "
        "AS n, line FROM read_csv($path, columns = {'line': 'VARCHAR'}, delim = chr(31), "
        "header = false, quote = '', escape = '', auto_detect = false, strict_mode = false)) "
        "WHERE line IS NOT NULL",
        {"path": str(path)},
    )
    rejects = con.sql(f"SELECT n, line FROM lines_{tag} WHERE NOT ok ORDER BY n").fetchall()
    con.execute(f"CREATE TEMP TABLE objects_{tag} AS SELECT n, line FROM lines_{tag} WHERE ok")
    keys = con.sql(
        f"SELECT k FROM (SELECT unnest(json_keys(line)) AS k, n FROM objects_{tag}) "
        "GROUP BY k ORDER BY min(n), k"
    ).fetchall()
    names = [str(k[0]) for k in keys]
    select = ", ".join(
        f"json_extract_string(line, {literal('$.' + json.dumps(name))}) AS {quote(name)}"
        for name in names
    )
    con.execute(f"CREATE TABLE src_{tag} AS SELECT {select or 'NULL AS __none'} FROM objects_{tag}")
    found = tuple((int(n), str(t)) for n, t in rejects)
    if not names:  # no line holds an object: a table without columns
        return Raw(f"src_{tag}", pa.schema([]), path.name, found, copied=True)
    return _relation(con, f"src_{tag}", path.name, found, copied=True)


def _read_duckdb(con: duckdb.DuckDBPyConnection, path: Path, table: str, tag: str) -> Raw:
    tables = database_tables(path)
    if table not in tables:
        raise DataError(
            f"database `{path.name}` has no table `{table}`",
            did_you_mean(table, tables) + [f"its tables: {', '.join(sorted(tables)) or 'none'}"],
        )
    con.execute(f"ATTACH $path AS db_{tag} (READ_ONLY)", {"path": str(path)})
    kind = con.sql(
        "SELECT table_type FROM information_schema.tables WHERE table_catalog = $db "
        "AND table_name = $table",
        params={"db": f"db_{tag}", "table": table},
    ).fetchall()
    label = f"{path.name}:{table}"
    if kind and kind[0][0] == "BASE TABLE":
        return _relation(con, f"db_{tag}.{quote(table)}", label)
    con.execute(  # a view in the user's database: number its rows once
        f"CREATE TABLE src_{tag} AS SELECT * FROM db_{tag}.{quote(table)}"
    )
    return _relation(con, f"src_{tag}", label)


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, tag: str) -> Raw:
    """A view over the file, numbered by DuckDB's ``file_row_number`` (by a window when the file
    has a column of that name itself)."""
    file = literal(str(path.resolve()))
    names = {r[0] for r in con.sql(f"SELECT name FROM parquet_schema({file})").fetchall()}
    filled = _filled_columns(con, file)
    if "file_row_number" in names:
        con.execute(
            f"CREATE VIEW src_{tag} AS SELECT *, row_number() OVER () AS __imx_id "
            f"FROM read_parquet({file})"
        )
        return _relation(con, f"src_{tag}", path.name, row_id="__imx_id", filled=filled)
    con.execute(
        f"CREATE VIEW src_{tag} AS SELECT * FROM read_parquet({file}, file_row_number = true)"
    )
    return _relation(con, f"src_{tag}", path.name, row_id="file_row_number", filled=filled)


def _filled_columns(con: duckdb.DuckDBPyConnection, file: str) -> frozenset[str]:
    """The columns whose every row group has a least value that is not empty text, or only
    nulls: no value of theirs is empty text (the empty string sorts before every other)."""
    rows = con.sql(
        "SELECT path_in_schema FROM parquet_metadata(" + file + ") GROUP BY path_in_schema "
        "HAVING bool_and(coalesce(stats_min_value <> '', false) "
        "OR coalesce(stats_null_count = num_values, false))"
    ).fetchall()
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
        return arrow_raw(con, pa.table(source), label, tag)
    raise DataError(
        f"cannot read {label}",
        ["give a file path, a pyarrow Table, or a pandas or polars DataFrame"],
    )


def read_source(con: duckdb.DuckDBPyConnection, table: str, source: Source, tag: str) -> Raw:
    """Read ``source`` for schema table ``table``; ``tag`` keeps DuckDB scratch names apart."""
    if isinstance(source, str | os.PathLike):
        return _read_path(con, table, Path(os.fspath(source)), tag)
    return _read_frame(con, source, table, tag)
