"""The evaluation corpus: each case's spec, read by the real parser and checker (``imx.load``), gives
the rows of ``NAME.expected.csv`` and the findings of ``NAME.quality.csv`` on DuckDB, the reference
evaluator and Spark; its SQL in every dialect is ``NAME.sql/DIALECT.sql``.

A case is ``cases/eval/NAME.imx`` (or a folder ``NAME/`` of ``.imx`` files) with its tables in
``cases/eval/NAME/`` (``events.csv``, ``studies.csv``, ``sites.csv``). Its header comment says
what each expected number is and why; a line ``# as_of: INSTANT`` gives the data cut (else the
latest event). ``pytest tests/test_corpus_eval.py --update-goldens`` rewrites the expected files
from DuckDB and the SQL goldens; the reference and Spark are always compared, never written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import imx
from imx.dialects import DIALECTS
from imx.model import Model
from imx.results import Results

EVAL = Path(__file__).resolve().parent / "cases" / "eval"
COLUMNS = (
    "metric", "variant", "level", "study", "site", "group", "group2", "period", "value",
    "numerator", "denominator", "excluded", "excluded_by_reason", "pending", "open", "band",
    "status", "target_met", "stats",
)  # fmt: skip
QUALITY = ("rule", "table", "rows", "metric", "examples")
AS_OF = re.compile(r"^#\s*as_of:\s*(\S+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    name: str
    spec: Path  # a file, or a folder of .imx files
    data: Path  # the folder of its tables

    @property
    def texts(self) -> list[str]:
        files = sorted(self.spec.rglob("*.imx")) if self.spec.is_dir() else [self.spec]
        return [f.read_text(encoding="utf-8") for f in files]

    @property
    def as_of(self) -> dt.datetime | None:
        found = [m.group(1) for text in self.texts for m in AS_OF.finditer(text)]
        if not found:
            return None
        return dt.datetime.fromisoformat(found[0].replace("Z", "+00:00")).astimezone(dt.UTC)

    def golden(self, suffix: str) -> Path:
        return EVAL / f"{self.name}{suffix}"


def cases() -> list[Case]:
    """``NAME.imx`` with tables in ``NAME/``, and folders ``NAME/`` holding ``.imx`` files."""
    found = [Case(p.stem, p, EVAL / p.stem) for p in sorted(EVAL.glob("*.imx"))]
    found += [
        Case(d.name, d, d)
        for d in sorted(EVAL.iterdir())
        if d.is_dir() and any(d.glob("*.imx")) and not (EVAL / f"{d.name}.imx").exists()
    ]
    return found


CASES = cases()
BY_NAME = {c.name: c for c in CASES}
NAMES = pytest.mark.parametrize("name", list(BY_NAME))


@cache
def model_of(name: str) -> Model:
    return imx.load([BY_NAME[name].spec])  # raises ProjectError on any error


def evaluate(name: str, engine: str) -> Results:
    case = BY_NAME[name]
    return imx.evaluate(model_of(name), case.data, as_of=case.as_of, engine=engine)


def _number(value: float) -> str:
    text = f"{value:.6g}"
    return "0" if text == "-0" else text


def _mapping(value: Any) -> dict[str, Any]:
    """A JSON object written as text, a dict, or a list of (key, value) pairs, as a dict."""
    if value is None:
        return {}
    if isinstance(value, str):
        return dict(json.loads(value)) if value else {}
    if isinstance(value, dict):
        return value
    return {str(k): v for k, v in value}


def cell(column: str, value: Any) -> str:
    """One value as the expected file writes it: numbers to 6 significant digits, null empty."""
    if column in ("excluded_by_reason", "stats"):
        items = _mapping(value).items()
        return "; ".join(f"{k}={cell('value', v)}" for k, v in items if v is not None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, tuple | list):
        return " ".join(str(v) for v in value)
    return str(value)


def _csv(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def expected_rows(results: Results) -> str:
    """The results table as the expected file holds it, in the order of results."""
    rows = results.table.to_pylist()
    return _csv(COLUMNS, ([cell(c, r[c]) for c in COLUMNS] for r in rows))


def quality_rows(results: Results) -> str:
    rows = ([cell(c, getattr(q, c)) for c in QUALITY] for q in results.quality)
    return _csv(QUALITY, rows)


@NAMES
def test_duckdb_gives_the_expected_rows(name: str, golden: Callable[[Path, str], None]) -> None:
    results = evaluate(name, "duckdb")
    assert results.table.num_rows > 0
    golden(BY_NAME[name].golden(".expected.csv"), expected_rows(results))
    golden(BY_NAME[name].golden(".quality.csv"), quality_rows(results))


def _compare(name: str, results: Results) -> None:
    case = BY_NAME[name]
    expected = case.golden(".expected.csv")
    assert expected.exists(), f"{expected} is missing: run `pytest --update-goldens` to create it"
    assert expected_rows(results) == expected.read_text(encoding="utf-8")
    assert quality_rows(results) == case.golden(".quality.csv").read_text(encoding="utf-8")


@NAMES
def test_the_reference_evaluator_gives_the_expected_rows(name: str) -> None:
    _compare(name, evaluate(name, "reference"))


@pytest.mark.spark
@NAMES
def test_spark_gives_the_expected_rows(name: str, spark_settings: object) -> None:
    _compare(name, evaluate(name, "spark"))


def sql_of(name: str, dialect: str) -> str:
    """The SQL ``imx sql METRIC`` prints for each metric of the case, one after another."""
    model = model_of(name)
    parts = [f"-- {x.id}\n{imx.compile_sql(model, x.id, dialect)}\n" for x in model.metrics]
    return "\n".join(parts)


@NAMES
@pytest.mark.parametrize("dialect", DIALECTS)
def test_sql_per_dialect_matches_its_golden(
    name: str, dialect: str, golden: Callable[[Path, str], None]
) -> None:
    golden(BY_NAME[name].golden(".sql") / f"{dialect}.sql", sql_of(name, dialect))


def test_the_corpus_has_cases_and_each_explains_its_numbers() -> None:
    assert len(CASES) >= 6
    for case in CASES:
        head = case.texts[0].splitlines()
        comments = [line for line in head[: head.index("")] if line.startswith("#")]
        assert len(comments) >= 3, f"{case.name}: start with a comment saying why each number is"
        assert (case.data / "events.csv").is_file(), f"{case.name}: no events.csv in {case.data}"


def test_no_golden_is_left_without_its_case() -> None:
    names = set(BY_NAME)
    for path in EVAL.iterdir():
        stem = path.name.split(".")[0]
        assert stem in names, f"{path} belongs to no case (no {stem}.imx)"


@cache
def units_of(name: str, engine: str) -> Results:
    """The case's results with every unit row (``units="all"``)."""
    case = BY_NAME[name]
    return imx.evaluate(model_of(name), case.data, as_of=case.as_of, engine=engine, units="all")


@NAMES
def test_unit_rows_agree_and_add_up_to_the_results(name: str) -> None:
    from evalkit import assert_same_units, assert_units_add_up

    duck = units_of(name, "duckdb")
    assert expected_rows(duck) == BY_NAME[name].golden(".expected.csv").read_text(encoding="utf-8")
    assert_same_units(duck, units_of(name, "reference"))
    assert_units_add_up(model_of(name), duck)


@pytest.mark.spark
@NAMES
def test_spark_gives_the_same_unit_rows(name: str, spark_settings: object) -> None:
    from evalkit import assert_same_units

    assert_same_units(units_of(name, "spark"), units_of(name, "duckdb"))
