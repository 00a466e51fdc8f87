"""Write :class:`~imx.results.Results` to files (CSV, JSON, Parquet; HTML by a registered writer).

Output naming, for ``--out PATH``:

=================  =====================================================================
``X.csv``          ``X.csv`` (results), ``X.quality.csv`` (data quality), ``X.stamp.json``
``X.parquet``      ``X.parquet`` (results; the stamp also in its schema metadata under
                   ``imx.stamp``), ``X.quality.parquet``, ``X.stamp.json``
``X.json``         one document: ``{"stamp": {...}, "results": [...], "quality": [...]}``
``X.xlsx``         one workbook: sheets ``results``, ``quality``, ``set_aside`` and ``stamp``
                   (:mod:`imx.output_xlsx`)
``X.html``         whatever writer the report module registers with :func:`register_writer`
=================  =====================================================================

Given the rows set aside (:meth:`imx.data.Dataset.set_aside`), a CSV, Parquet or JSON run also
writes them all as ``X.set_aside.csv|parquet|json`` (Parquet with the stamp in its metadata, JSON
as ``{"stamp": {...}, "set_aside": [...]}``), in the order they come.

Same inputs give byte-identical files: rows are written in the canonical order of results
(:data:`imx.plan.RESULT_ORDER`, metrics in the order they first appear), nothing records the time
of writing, JSON keys keep a fixed order, and Parquet is written with fixed options. In CSV the examples of a finding are joined with ``"; "``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from imx import messages as M
from imx.data import QualityFinding
from imx.errors import OutputError
from imx.model import Model
from imx.plan import in_order, result_order_keys
from imx.readers import first_line
from imx.results import Results, Stamp

Writer = Callable[[Results, Path, Model | None], list[Path]]

QUALITY_SCHEMA = pa.schema(
    [
        pa.field("rule", pa.string()),
        pa.field("table", pa.string()),
        pa.field("rows", pa.int64()),
        pa.field("examples", pa.list_(pa.string())),
        pa.field("metric", pa.string()),
        pa.field("message", pa.string()),
    ]
)
JSON_TEXT_COLUMNS = ("excluded_by_reason", "stats")  # maps: JSON text in CSV/Parquet, .json objects


def write_results(
    results: Results,
    path: str | Path,
    model: Model | None = None,
    set_aside: pa.Table | None = None,
) -> list[Path]:
    """Write ``results`` next to ``path`` in the format its extension names; return the files.
    ``set_aside`` (the rows set aside while loading) goes beside them (see the module docstring).

    The files are written into a private folder beside ``path`` and moved into place only when
    every one is complete (the results file last), so a failed write (a full disk) leaves no
    partial file, and an earlier file of that name untouched.

    >>> sorted(WRITERS)
    ['.csv', '.html', '.json', '.parquet', '.xlsx']
    """
    target = check_output_file(path)
    writer = WRITERS[target.suffix.lower()]

    def write(staged: Path) -> list[Path]:
        if target.suffix.lower() == ".xlsx":  # the rows set aside are a sheet of the workbook
            from imx.output_xlsx import write_workbook

            return write_workbook(results, staged, set_aside)
        written = writer(results, staged, model)
        return written + _set_aside_writer(set_aside, staged, results.stamp)

    return _staged(target, write)


def _set_aside_writer(table: pa.Table | None, path: Path, stamp: Stamp) -> list[Path]:
    """The rows set aside as ``X.set_aside.*`` beside results file ``path`` (none for HTML)."""
    suffix = path.suffix.lower()
    if table is None or suffix not in UNIT_FORMATS:
        return []
    target = sidecar(path, "set_aside", suffix)
    if suffix == ".csv":
        pacsv.write_csv(table, target, pacsv.WriteOptions(include_header=True))
        return [target]
    if suffix == ".parquet":
        return _units_parquet(table, target, stamp)
    return _rows_json(table, target, stamp, "set_aside")


def _staged(target: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Run ``write`` on a path in a private folder beside ``target``, then move every file it
    wrote into place, ``target`` last (see :func:`write_results`)."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        raise _unwritable(target, error) from error
    try:
        written = write(staging / target.name)
        final = [target.parent / part.name for part in written]
        for part, dest in sorted(zip(written, final, strict=True), key=lambda p: p[1] == target):
            os.replace(part, dest)
    except OSError as error:
        raise _unwritable(target, error) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def check_output_file(path: str | Path) -> Path:
    """The file ``--out path`` names, if imx can write it; else an :class:`OutputError` naming it.

    Checked before any work: the extension names a writer (:data:`WRITERS`), the folder exists and
    a file can be created in it, and the path is not a folder, a device or a read-only file.
    """
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    shown = ", ".join(sorted(WRITERS))
    if target.is_dir():
        raise OutputError(M.OUT_IS_FOLDER.format(path), [M.OUT_IS_FOLDER_HINT.format(shown)])
    if target.exists() and not target.is_file():
        raise OutputError(M.OUT_NOT_REGULAR.format(path))
    if target.suffix.lower() not in WRITERS:
        raise OutputError(
            M.OUT_UNKNOWN_FORMAT.format(path, target.suffix or "(none)"),
            [M.OUT_FORMATS_HINT.format(shown)],
        )
    if not target.parent.is_dir():
        raise OutputError(M.OUT_NO_FOLDER.format(path, target.parent))
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError(M.OUT_READ_ONLY.format(path))
    _probe(target.parent, M.OUT_CANNOT_WRITE.format(path))
    return target


def check_output_folder(path: str | Path, option: str) -> Path:
    """The folder ``option`` (``--out``) names, if imx can create or write it; else an
    :class:`OutputError` naming it. Checked before any work."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(M.FOLDER_IS_FILE.format(option, path), [M.FOLDER_IS_FILE_HINT])
    existing = next(p for p in (folder, *folder.parents) if p.exists() or p == Path(p.anchor))
    if not existing.is_dir():
        raise OutputError(M.FOLDER_UNDER_FILE.format(option, path, existing))
    _probe(existing, M.FOLDER_UNWRITABLE.format(option, path, existing))
    return folder


def _probe(folder: Path, message: str) -> None:
    """Create and remove a file in ``folder``: the one sure test that it can be written (the
    mode bits do not tell, for root or on a read-only file system)."""
    try:
        with tempfile.NamedTemporaryFile(prefix=".imx-probe-", dir=folder):
            pass
    except OSError as error:
        raise OutputError(f"{message} ({error.strerror or error})") from error


def _unwritable(target: Path, error: OSError) -> OutputError:
    return OutputError(
        M.OUT_FAILED.format(target, error.strerror or first_line(error)), [M.OUT_FAILED_HINT]
    )


def register_writer(suffix: str, writer: Writer) -> None:
    """Add (or replace) the writer for files ending in ``suffix`` (``".html"``)."""
    WRITERS[suffix.lower()] = writer


def sidecar(path: Path, part: str, suffix: str) -> Path:
    """``results.csv`` → ``results.quality.csv`` (part ``quality``) or ``results.stamp.json``."""
    return path.with_name(f"{path.stem}.{part}{suffix}")


# ------------------------------------------------------------------------------ tables


_IN_ORDER: weakref.WeakValueDictionary[int, pa.Table] = weakref.WeakValueDictionary()
"""Tables :func:`ordered` has returned (by id), so that a second call does not check again."""


def ordered(table: pa.Table) -> pa.Table:
    """The results rows in canonical order (see the module docstring)."""
    if table.num_rows == 0 or "metric" not in table.column_names:
        return table
    if _IN_ORDER.get(id(table)) is table:
        return table
    out = _sorted(table)
    _IN_ORDER[id(out)] = out
    return out


def _sorted(table: pa.Table) -> pa.Table:
    """The rows in :data:`imx.plan.RESULT_ORDER`, metrics in the order they first appear."""
    keys = result_order_keys(table)
    if in_order(keys):
        return table  # already in order (as finalize leaves it): no sort, no copy
    sort_keys = [(k, "ascending", "at_start") for k in keys.column_names]
    return table.take(pc.sort_indices(keys, options=pc.SortOptions(sort_keys=sort_keys)))


def quality_table(findings: Sequence[QualityFinding]) -> pa.Table:
    """The data-quality findings as an Arrow table (``QUALITY_SCHEMA``)."""
    rows = [
        {
            "rule": f.rule,
            "table": f.table,
            "rows": f.rows,
            "examples": list(f.examples),
            "metric": f.metric,
            "message": f.message,
        }
        for f in findings
    ]
    return pa.Table.from_pylist(rows, schema=QUALITY_SCHEMA)


def stamp_dict(stamp: Stamp) -> dict[str, str]:
    """The stamp as plain text fields, ``as_of`` in UTC ISO 8601 with a ``Z``; a list of levels
    or metrics joined by commas, empty when the run took each metric's own (every metric); the
    versions evaluated as ``ID@V`` joined by commas, empty when no metric has a version."""
    return {
        "spec_hash": stamp.spec_hash,
        "imx_version": stamp.imx_version,
        "data_fingerprint": stamp.data_fingerprint,
        "as_of": _instant(stamp.as_of),
        "engine": stamp.engine,
        "levels": ",".join(stamp.levels or ()),
        "period": stamp.period or "",
        "metrics": ",".join(stamp.metrics or ()),
        "versions": ",".join(stamp.versions),
    }


def _instant(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    return value.isoformat()


# --------------------------------------------------------------------------- JSON text


def as_json_text(table: pa.Table) -> pa.Table:
    """``table`` with its map columns (:data:`JSON_TEXT_COLUMNS`) as JSON text, as the CSV and
    Parquet files hold them: ``{"median": 1.5, "p90": 4.0}``, null for a null map."""
    for name in JSON_TEXT_COLUMNS:
        if name in table.column_names and pa.types.is_map(table.schema.field(name).type):
            index = table.schema.get_field_index(name)
            table = table.set_column(index, name, json_objects(table.column(name)))
    return table


def json_objects(column: pa.ChunkedArray | pa.MapArray) -> pa.Array:
    """Each map as the text :func:`json.dumps` writes for it (``ensure_ascii=False``), a column
    at a time: keys and values are written once per entry, then joined per row."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    maps = pa.concat_arrays([pa.array([], column.type), *chunks])  # no slice offset: one piece
    keys, items = maps.keys, maps.items  # every entry; the offsets say which row holds which
    distinct = pc.unique(keys)
    quoted = [json.dumps(k, ensure_ascii=False) for k in distinct.to_pylist()]
    if pa.types.is_floating(items.type):
        numbers = np.asarray(pc.fill_null(items, np.nan).to_numpy(zero_copy_only=False), np.float64)
        values = json_numbers(numbers)
    else:
        values = pc.fill_null(pc.cast(items, pa.string()), "null")
    named = pc.take(pa.array(quoted, pa.string()), pc.index_in(keys, distinct))
    entries = pc.binary_join_element_wise(named, values, ": ")
    rows = pa.ListArray.from_arrays(maps.offsets, entries, mask=pc.is_null(maps))
    return pc.binary_join_element_wise("{", pc.binary_join(rows, ", "), "}", "")


def json_number(value: float) -> str:
    """A float as :func:`json.dumps` writes it; NaN (a null here) as ``null``."""
    if math.isfinite(value):
        return float.__repr__(value)
    return "null" if math.isnan(value) else json.dumps(value)


def json_numbers(values: np.ndarray) -> pa.Array:
    """:func:`json_number` over an array. Where Arrow writes a float as Python does (0, or
    1e-4 <= |x| < 1e16 written without an exponent: the shortest digits that read back the same,
    ``.0`` added to whole numbers), Arrow writes it; the rest go through :func:`json_number`."""
    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        in_range = (values == 0) | ((size >= 1e-4) & (size < 1e16))
    text = pa.array(values).cast(pa.string())
    plain = in_range & ~np.asarray(pc.match_substring(text, "e").to_numpy(zero_copy_only=False))
    whole = pc.invert(pc.match_substring(text, "."))
    text = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
    if plain.all():
        return text
    rest = np.flatnonzero(~plain)
    fixed = pa.array([json_number(v) for v in values[rest].tolist()], pa.string())
    return pc.replace_with_mask(text, pa.array(~plain), fixed)


# ----------------------------------------------------------------------------- writers


def _write_csv(results: Results, path: Path, model: Model | None) -> list[Path]:
    del model
    quality = quality_table(results.quality)
    joined = pa.array(["; ".join(e) for e in quality.column("examples").to_pylist()], pa.string())
    quality = quality.set_column(quality.schema.get_field_index("examples"), "examples", joined)
    quality_path = sidecar(path, "quality", ".csv")
    for table, target in ((as_json_text(ordered(results.table)), path), (quality, quality_path)):
        pacsv.write_csv(table, target, pacsv.WriteOptions(include_header=True))
    return [path, quality_path, _stamp_file(results.stamp, path)]


def _write_parquet(results: Results, path: Path, model: Model | None) -> list[Path]:
    del model
    stamp = json.dumps(stamp_dict(results.stamp))
    table = as_json_text(ordered(results.table))
    metadata = dict(table.schema.metadata or {})
    metadata[b"imx.stamp"] = stamp.encode()
    table = table.replace_schema_metadata(metadata)
    quality_path = sidecar(path, "quality", ".parquet")
    for data, target in ((table, path), (quality_table(results.quality), quality_path)):
        pq.write_table(
            data,
            target,
            compression="zstd",
            compression_level=3,
            use_dictionary=True,
            write_statistics=True,
            version="2.6",
        )
    return [path, quality_path, _stamp_file(results.stamp, path)]


def _write_json(results: Results, path: Path, model: Model | None) -> list[Path]:
    del model
    document = {
        "stamp": stamp_dict(results.stamp),
        "results": _JsonRows(ordered(results.table)),
        "quality": [_json_row(r) for r in quality_table(results.quality).to_pylist()],
    }
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, allow_nan=False)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for text in encoder.iterencode(document):
            out.write(text)
        out.write("\n")
    return [path]


class _JsonRows(list):  # type: ignore[type-arg]
    """A table's rows as JSON's encoder reads a list, made Python rows a batch at a time while
    the file is written (the text is the same as for a list of every row, which a run of
    millions of result rows would hold in memory)."""

    def __init__(self, table: pa.Table) -> None:
        super().__init__()
        self.table = table

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def __bool__(self) -> bool:
        return bool(self.table.num_rows > 0)

    def __iter__(self) -> Iterator[dict[str, object]]:
        for batch in self.table.to_batches(max_chunksize=_JSON_BATCH):
            yield from (_json_row(r) for r in batch.to_pylist())


_JSON_BATCH = 10_000


def _json_row(row: Mapping[str, object]) -> dict[str, object]:
    result = {key: _json_value(value) for key, value in row.items()}
    for key in JSON_TEXT_COLUMNS:
        pairs = row.get(key)
        if isinstance(pairs, list):  # a map column: (key, value) pairs
            result[key] = {str(k): _json_value(v) for k, v in pairs}
    return result


def _json_value(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return _instant(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def _write_html(results: Results, path: Path, model: Model | None) -> list[Path]:
    from imx.render.report import write_html_report  # figures and templates load only when asked

    if model is None:
        raise OutputError("an HTML report needs the checked model (pass model=...)")
    write_html_report(results, model, path)
    return [path]


def _write_xlsx(results: Results, path: Path, model: Model | None) -> list[Path]:
    from imx.output_xlsx import write_workbook

    del model
    return write_workbook(results, path, None)


WRITERS: dict[str, Writer] = {
    ".csv": _write_csv,
    ".html": _write_html,
    ".json": _write_json,
    ".parquet": _write_parquet,
    ".xlsx": _write_xlsx,
}


# ------------------------------------------------------------------------------ unit rows

UNIT_FORMATS = (".csv", ".json", ".parquet")


def check_units_file(path: str | Path) -> Path:
    """The file ``imx units --out`` names, if it is CSV, JSON or Parquet and can be written;
    else an :class:`OutputError`. Checked before any work."""
    if Path(path).suffix.lower() not in UNIT_FORMATS:
        raise OutputError(
            f"cannot write unit rows to `{path}`: unknown format `{Path(path).suffix or '(none)'}`",
            [f"name the file with one of: {', '.join(UNIT_FORMATS)}"],
        )
    return check_output_file(path)


def write_units(table: pa.Table, path: str | Path, stamp: Stamp) -> list[Path]:
    """Write a metric's unit rows (``imx.units``) as ``path``'s extension says: CSV with a
    ``.stamp.json`` beside it, Parquet with the stamp in its schema metadata too, or one JSON
    document ``{"stamp": {...}, "units": [...]}``; whole files or none, as :func:`write_results`."""
    target = check_units_file(path)
    return _staged(target, lambda staged: _unit_writer(target.suffix.lower())(table, staged, stamp))


UNITS_STAMP = "units.stamp.json"  # the stamp file of a folder of unit rows


class UnitFolder:
    """Writes each metric's unit rows into ``FOLDER/METRIC.parquet`` (the stamp in each file's
    metadata) as they are given (an evaluation's ``on_units``), so that no more than one
    metric's are held; :meth:`close` writes ``FOLDER/units.stamp.json`` and names every file
    written. The same inputs give the same bytes."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.written = folder, list[Path]()

    def __call__(self, metric: str, table: pa.Table, stamp: Stamp) -> None:
        self.written.append(write_units(table, self.folder / f"{metric}.parquet", stamp)[0])

    def close(self, stamp: Stamp) -> list[Path]:
        return [*self.written, _stamp_json(stamp, self.folder / UNITS_STAMP)]


def _unit_writer(suffix: str) -> Callable[[pa.Table, Path, Stamp], list[Path]]:
    return {".csv": _units_csv, ".json": _units_json, ".parquet": _units_parquet}[suffix]


def _stamp_file(stamp: Stamp, path: Path) -> Path:
    return _stamp_json(stamp, sidecar(path, "stamp", ".json"))


def _stamp_json(stamp: Stamp, target: Path) -> Path:
    """The stamp as the JSON file every writer puts beside its output."""
    target.write_text(json.dumps(stamp_dict(stamp), indent=2) + "\n", encoding="utf-8")
    return target


def _units_csv(table: pa.Table, path: Path, stamp: Stamp) -> list[Path]:
    pacsv.write_csv(table, path, pacsv.WriteOptions(include_header=True))
    return [path, _stamp_file(stamp, path)]


def _units_parquet(table: pa.Table, path: Path, stamp: Stamp) -> list[Path]:
    metadata = {
        **(table.schema.metadata or {}),
        b"imx.stamp": json.dumps(stamp_dict(stamp)).encode(),
    }
    pq.write_table(
        table.replace_schema_metadata(metadata), path, compression="zstd", compression_level=3,
        use_dictionary=True, write_statistics=True, version="2.6",
    )  # fmt: skip
    return [path]


def _units_json(table: pa.Table, path: Path, stamp: Stamp) -> list[Path]:
    return _rows_json(table, path, stamp, "units")


def _rows_json(table: pa.Table, path: Path, stamp: Stamp, name: str) -> list[Path]:
    document = {
        "stamp": stamp_dict(stamp),
        name: [_json_row(r) for r in table.to_pylist()],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return [path]
