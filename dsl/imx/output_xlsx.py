"""Write :class:`~imx.results.Results` as one Excel workbook (``--out results.xlsx``).

Sheets, in order: ``results`` (the long results table, in the canonical order of the other
writers), ``quality`` (the data-quality report), ``set_aside`` (every row set aside, when the run
gives them) and ``stamp`` (field, value). Cells are typed: numbers as numbers (a rate's value and
interval shown as percentages, the number itself kept), counts as whole numbers, ``target_met``
as a boolean, texts as text (never read as a formula or a link), empty for a null; the maps
``stats`` and ``excluded_by_reason`` as the JSON text the CSV file holds. Each sheet has its
header frozen and a filter over its columns. The same inputs give the same bytes: the workbook
is built in memory, its parts dated 1980-01-01 by XlsxWriter, and its creation date is the
data cut (``as_of``), not the time of writing.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pyarrow as pa

from imx.results import Results

PERCENT_COLUMNS = ("value", "ci_low", "ci_high")


def write_workbook(results: Results, path: Path, set_aside: pa.Table | None) -> list[Path]:
    """Write the workbook to ``path`` and return it (see the module docstring)."""
    import xlsxwriter

    from imx.output import as_json_text, ordered, quality_table, stamp_dict

    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(path), options)
    created = results.stamp.as_of.astimezone(dt.UTC).replace(tzinfo=None)
    book.set_properties({"title": "imx results", "created": created})
    formats = {
        "header": book.add_format({"bold": True, "bottom": 1}),
        "percent": book.add_format({"num_format": "0.0%"}),
        "instant": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
    }
    sheets: list[tuple[str, pa.Table]] = [
        ("results", as_json_text(ordered(results.table))),
        ("quality", quality_table(results.quality)),  # examples joined with "; ", as in CSV
    ]
    if set_aside is not None:
        sheets.append(("set_aside", set_aside))
    stamp = stamp_dict(results.stamp)
    sheets.append(("stamp", pa.table({"field": list(stamp), "value": list(stamp.values())})))
    for name, table in sheets:
        _sheet(book.add_worksheet(name), table, formats)
    book.close()
    return [path]


def _sheet(sheet: Any, table: pa.Table, formats: dict[str, Any]) -> None:
    names = table.column_names
    widths = [len(n) for n in names]
    for col, name in enumerate(names):
        sheet.write_string(0, col, name, formats["header"])
    percent = "unit" in names
    for row, record in enumerate(table.to_pylist(), start=1):
        as_percent = percent and record.get("unit") == "percent"
        for col, name in enumerate(names):
            fmt = formats["percent"] if as_percent and name in PERCENT_COLUMNS else None
            width = _cell(sheet, row, col, record[name], fmt, formats)
            widths[col] = max(widths[col], min(width, 60))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(table.num_rows, 1), len(names) - 1)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width + 2)


def _cell(sheet: Any, row: int, col: int, value: object, fmt: Any, formats: dict[str, Any]) -> int:
    """Write one typed cell; return the width of its text, for the column's width."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
        return 5
    if isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
        return len(f"{value:.4g}")
    if isinstance(value, dt.datetime):
        naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
        sheet.write_datetime(row, col, naive, formats["instant"])
        return 19
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    text = str(value)
    sheet.write_string(row, col, text)
    return len(text)
