"""Read an Excel workbook's sheet (``.xlsx``) as an Arrow table of text, for the loader.

A table's sheet is the one named after it (any case), or the workbook's only sheet. Its first row
names the columns; every other non-empty row is a row. Cells are read as the text a CSV file
would hold, so nothing is inferred twice: a number ``1`` stays ``1`` (and ``001`` written as text
stays ``001``), a date and time becomes ISO 8601 without a zone (Excel stores none: give
``--timezone``, or such rows are set aside as ``naive-timestamp``), a formula gives its last
computed value. A sheet without rows, a column without a name, a value beyond the named columns
or a cell holding an error (``#N/A``) is refused, naming the file, the sheet and the cell.

>>> xlsx_sheet_name(["Events", "sites"], "events")
'Events'
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from imx.errors import DataError

SUFFIX = ".xlsx"


def _open(path: Path) -> Any:
    import openpyxl

    try:
        with warnings.catch_warnings():  # "no default style": a workbook written by a tool
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as error:
        raise DataError(f"file `{path}` does not exist") from error
    except Exception as error:  # noqa: BLE001 - zip, XML and openpyxl's own errors alike
        raise DataError(f"cannot read `{path}` as an Excel workbook: {error}") from error


def workbook_sheets(path: Path) -> list[str]:
    """The names of the workbook's sheets, in order."""
    book = _open(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def xlsx_sheet_name(sheets: Sequence[str], table: str) -> str | None:
    """The sheet that holds ``table``: the one named after it (any case), else the only one."""
    named = [s for s in sheets if s.strip().lower() == table.lower()]
    if named:
        return named[0]
    return sheets[0] if len(sheets) == 1 else None


def read_xlsx(path: Path, table: str) -> pa.Table:
    """The sheet of ``path`` that holds ``table``, as columns of text (see the module docstring)."""
    book = _open(path)
    try:
        sheet = xlsx_sheet_name(book.sheetnames, table)
        if sheet is None:
            raise DataError(
                f"`{path}` has no sheet named `{table}`",
                [f"its sheets: {', '.join(book.sheetnames)}; name one `{table}`"],
            )
        rows = book[sheet].iter_rows()
        return _table(path, sheet, rows)
    finally:
        book.close()


def _table(path: Path, sheet: str, rows: Any) -> pa.Table:
    where = f"`{path}`, sheet `{sheet}`"
    header = next(rows, None)
    names = _header(where, header or ())
    if not names:
        raise DataError(f"{where} is empty: its first row should name the columns")
    columns: list[list[str | None]] = [[] for _ in names]
    for number, row in enumerate(rows, start=2):
        values = [_text(where, cell, number, i) for i, cell in enumerate(row)]
        if all(v is None for v in values):
            continue  # a blank row, as spreadsheets have between and after tables
        extra = next((i for i in range(len(names), len(values)) if values[i] is not None), None)
        if extra is not None:
            raise DataError(f"{where}, cell {_cell(number, extra)}: a value under no column name")
        for i, column in enumerate(columns):
            column.append(values[i] if i < len(values) else None)
    if not columns[0]:
        raise DataError(f"{where} has a header and no rows")
    return pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, columns, strict=True)})


def _header(where: str, cells: Sequence[Any]) -> list[str]:
    values = [_text(where, cell, 1, i) for i, cell in enumerate(cells)]
    while values and values[-1] is None:
        values.pop()
    for i, value in enumerate(values):
        if value is None or not value.strip():
            raise DataError(f"{where}, cell {_cell(1, i)}: a column without a name")
    return [v.strip() for v in values if v is not None]


def _cell(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column + 1)}{row}"


def _text(where: str, cell: Any, row: int, column: int) -> str | None:
    """A cell's value as text (see the module docstring)."""
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "e":
        raise DataError(f"{where}, cell {_cell(row, column)}: the cell holds the error {value}")
    if value is None or isinstance(value, str):
        return value if value is None or value != "" else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)
