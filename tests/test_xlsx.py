"""Excel: `--out results.xlsx` writes one typed, byte-stable workbook; `--data` reads .xlsx sheets,
and a bad sheet is refused naming the file, the sheet and the cell."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from imx.cli import main

SPEC = """\
import stdlib.schema

metric MY-QC-FPR "First-pass QC acceptance" {
    category quality
    question "How often do images pass QC the first time?"
    per      timepoint
    where    has qc_passed or has qc_failed
    rate     first_of(qc_passed, qc_failed) = qc_passed
    bands    higher_is_better { green >= 90%, amber >= 80%, red }
}
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xlsx")
    (root / "m.imx").write_text(SPEC, encoding="utf-8")
    argv = ["demo-data", "--studies", "1", "--out", str(root / "csv"), "--format", "csv"]
    assert main(argv) == 0
    return root


def _run(demo: Path, out: Path, data: Path | None = None) -> int:
    argv = ["run", str(demo / "m.imx"), "--data", str(data or demo / "csv"), "--out", str(out)]
    return main([*argv, "--level", "study", "--level", "portfolio", "--no-color"])


def test_the_workbook_has_typed_sheets_frozen_headers_and_filters(demo: Path) -> None:
    out = demo / "r.xlsx"
    assert _run(demo, out) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["results", "quality", "set_aside", "stamp"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    results = book["results"]
    header = [c.value for c in results[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in results.iter_rows(2)]
    portfolio = next(r for r in rows if r["level"] == "portfolio")
    assert isinstance(portfolio["value"], float) and 0 <= portfolio["value"] <= 1
    assert isinstance(portfolio["numerator"], int) and isinstance(portfolio["denominator"], int)
    column = header.index("value") + 1
    assert results.cell(row=2, column=column).number_format == "0.0%"
    assert isinstance(portfolio["status"], str)
    assert "version" in header and portfolio["version"] is None  # the stdlib has no versions
    stamp = {r[0].value: r[1].value for r in book["stamp"].iter_rows(2)}
    assert set(stamp) == {"spec_hash", "imx_version", "data_fingerprint", "as_of", "engine",
                          "levels", "period", "metrics", "versions"}  # fmt: skip
    quality = [c.value for c in book["quality"][1]]
    assert quality[:3] == ["rule", "table", "rows"]
    assert book["set_aside"].max_row > 1  # the demo log's injected faults


def test_the_same_inputs_give_the_same_bytes(demo: Path) -> None:
    first, second = demo / "a.xlsx", demo / "b.xlsx"
    assert _run(demo, first) == 0 and _run(demo, second) == 0
    assert first.read_bytes() == second.read_bytes()


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _csv_rows(path: Path) -> list[list[object]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [list(r) for r in csv.reader(handle)]


def test_data_from_xlsx_gives_the_results_of_the_same_csv(demo: Path) -> None:
    folder = demo / "xlsx"
    folder.mkdir()
    for table in ("events", "studies", "sites"):
        _workbook(folder / f"{table}.xlsx", {table: _csv_rows(demo / "csv" / f"{table}.csv")})
    assert _run(demo, demo / "from-csv.csv") == 0
    assert _run(demo, demo / "from-xlsx.csv", folder) == 0
    assert (demo / "from-csv.csv").read_text() == (demo / "from-xlsx.csv").read_text()
    book = demo / "book.xlsx"  # one workbook, a sheet per table
    _workbook(book, {t: _csv_rows(demo / "csv" / f"{t}.csv") for t in ("events", "studies")})
    assert _run(demo, demo / "from-book.csv", book) == 0
    assert (demo / "from-book.csv").read_text().splitlines()[0] == (
        (demo / "from-csv.csv").read_text().splitlines()[0]
    )


HEADER = ["study", "site", "subject", "timepoint", "event", "at"]
ROW = ["S1", "001", "1", "BL", "qc_passed", "2026-03-02T10:00Z"]


@pytest.mark.parametrize(
    ("sheets", "fragment"),
    [
        ({"events": [HEADER]}, "sheet `events` has a header and no rows"),
        ({"events": []}, "sheet `events` is empty"),
        ({"events": [[*HEADER[:2], None, *HEADER[3:]], ROW]}, "sheet `events`, cell C1: a column"),
        ({"events": [HEADER, [*ROW, "extra"]]}, "sheet `events`, cell G2: a value under no"),
        ({"events": [HEADER, [*ROW[:5], "=1/0"]]}, "sheet `events`, cell F2: the cell holds"),
        ({"a": [HEADER, ROW], "b": [HEADER, ROW]}, "has no sheet named `events`"),
    ],
)
def test_a_bad_sheet_is_refused_naming_the_cell(
    sheets: dict[str, list[list[object]]],
    fragment: str,
    demo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if "=1/0" in str(sheets):  # a cached error value, as Excel saves a failed formula
        path = tmp_path / "events.xlsx"
        _workbook(path, sheets)
        book = openpyxl.load_workbook(path)
        cell = book["events"]["F2"]
        cell.value, cell.data_type = "#DIV/0!", "e"
        book.save(path)
    else:
        _workbook(tmp_path / "events.xlsx", sheets)
    argv = ["run", str(demo / "m.imx"), "--table", f"events={tmp_path / 'events.xlsx'}"]
    assert main([*argv, "--no-color"]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


def test_excel_dates_are_read_without_a_zone(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[list[object]] = [HEADER, [*ROW[:5], dt.datetime(2026, 3, 2, 10, 0)]]
    _workbook(tmp_path / "events.xlsx", {"events": rows})
    out = tmp_path / "r.csv"
    argv = ["run", str(demo / "m.imx"), "--table", f"events={tmp_path / 'events.xlsx'}"]
    assert main([*argv, "--timezone", "UTC", "--out", str(out), "--no-color"]) == 0
    assert "naive-timestamp" not in (tmp_path / "r.quality.csv").read_text()
    capsys.readouterr()
    assert main([*argv, "--no-color"]) == 2  # without a zone, its one row is set aside
    assert "naive-timestamp" in capsys.readouterr().err
