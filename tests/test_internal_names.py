"""No user name collides with imx's own: extra columns and schema columns named like imx's internals
(or with quotes, spaces, unicode, SQL keywords) change neither the results nor the rows kept."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import imx
from imx.data import load_dataset
from imx.readers import INTERNAL_COLUMNS, INTERNAL_PREFIX, RELATION_PREFIX, RELATIONS
from imx.results import Results

CASE = Path(__file__).parent / "cases" / "eval"
SPEC = CASE / "variants.imx"
AS_OF = dt.datetime(2026, 3, 20, tzinfo=dt.UTC)
TABLES = ("events", "studies", "sites")

# every internal name, read from its one owner, and the names imx used before they were namespaced
INTERNAL = (
    [INTERNAL_PREFIX + name for name in INTERNAL_COLUMNS]
    + [RELATION_PREFIX + kind + "0" for kind in RELATIONS]
    + ["__id", "__rule", "__key", "__h1", "__h2", "__t", "__n", "__none", "__n0", "__u5"]
    + ["__imx_id", "rowid", "file_row_number", "imx_units", "imx_calendar"]
)
HOSTILE = ['a"b', "'", '""', "with space", " lead", "ünïcödé ✓", "select", "from", "order", "x;--"]
NAME_SHAPED = [n for n in INTERNAL if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n)]


def frames() -> dict[str, pa.Table]:
    """The case's tables as text frames, the events with a row of no study and a copy of a row
    (so rows are set aside: they must be told apart from the rows kept by their row number)."""
    options = pacsv.ConvertOptions(strings_can_be_null=False, column_types={})
    found = {}
    for name in TABLES:
        table = pacsv.read_csv(CASE / "variants" / f"{name}.csv", convert_options=options)
        found[name] = table.cast(pa.schema([pa.field(f.name, pa.string()) for f in table.schema]))
    events = found["events"]
    first = events.slice(0, 1).to_pylist()[0]
    dirty = [{**first, "study": ""}, first]
    found["events"] = pa.concat_tables([events, pa.Table.from_pylist(dirty, events.schema)])
    return found


def outcome(results: Results) -> tuple[list[dict[str, object]], list[tuple[object, ...]]]:
    quality = [(q.rule, q.table, q.rows, q.examples, q.metric) for q in results.quality]
    return results.table.to_pylist(), quality


BASE = outcome(imx.evaluate(SPEC, frames(), as_of=AS_OF))


def test_the_baseline_has_variants_by_groups_and_kept_rows() -> None:
    rows, quality = BASE
    assert {r["variant"] for r in rows} >= {"oncology", "base"}
    assert any(str(r["level"]).startswith("by:") for r in rows)
    assert ("rows-kept", "studies", 3, (), None) in quality
    assert {"null-key", "duplicate-row"} <= {q[0] for q in quality}


def extra_names(taken: list[str]) -> st.SearchStrategy[list[str]]:
    text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6)
    name = st.sampled_from(INTERNAL + HOSTILE) | text
    return st.lists(name.filter(lambda n: n not in taken), min_size=1, max_size=6, unique=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_extra_user_columns_never_change_results_or_kept_rows(data: st.DataObject) -> None:
    tables = frames()
    for name in TABLES:
        table = tables[name]
        for column in data.draw(extra_names(table.column_names), label=name):
            value = data.draw(st.sampled_from(["x", "", column]), label="value")
            table = table.append_column(column, pa.array([value] * table.num_rows, pa.string()))
        tables[name] = table
    assert outcome(imx.evaluate(SPEC, tables, as_of=AS_OF)) == BASE


def spec_with_columns(table: str, names: list[str]) -> str:
    """The case's spec with extra optional text columns in one table."""
    text = SPEC.read_text(encoding="utf-8")
    head = f"table {table} {{\n"
    assert head in text
    return text.replace(head, head + "".join(f"    {n} text optional\n" for n in names))


@pytest.mark.parametrize("table", TABLES)
def test_schema_columns_named_like_internals_change_nothing(tmp_path: Path, table: str) -> None:
    # a studies column named __rule kept 0 of 3 studies, silently; in the events table it
    # stopped the run with a message about the wrong column
    spec = tmp_path / "spec.imx"
    spec.write_text(spec_with_columns(table, NAME_SHAPED), encoding="utf-8")
    tables = frames()
    for column in NAME_SHAPED:
        values = pa.array(["x"] * tables[table].num_rows, pa.string())
        tables[table] = tables[table].append_column(column, values)
    rows, quality = outcome(imx.evaluate(spec, tables, as_of=AS_OF))
    assert quality == BASE[1]
    assert len(rows) == len(BASE[0])
    assert [r["value"] for r in rows] == [r["value"] for r in BASE[0]]
    assert [r["variant"] for r in rows] == [r["variant"] for r in BASE[0]]


@pytest.mark.parametrize("column", ["rowid", "ROWID", "file_row_number", INTERNAL_PREFIX + "row"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_source_column_named_like_a_row_number_is_safe(
    tmp_path: Path, column: str, fmt: str
) -> None:
    # rows are told apart by a row number: a user column that shadowed it (DuckDB's rowid)
    # made every row with the same value one row
    tables = frames()
    events = tables["events"]
    events = events.append_column(column, pa.array(["1"] * events.num_rows, pa.string()))
    path = tmp_path / f"events.{fmt}"
    if fmt == "csv":
        pacsv.write_csv(events, path)
    else:
        import pyarrow.parquet as pq

        pq.write_table(events, path)
    model = imx.load([SPEC])
    plain = load_dataset(model.schema, {"events": tables["events"]}, as_of=AS_OF)
    named = load_dataset(model.schema, {"events": path}, as_of=AS_OF)
    kept = events.num_rows - 2  # a row without a study and a copy are set aside
    assert named.tables["events"].num_rows == plain.tables["events"].num_rows == kept
    assert named.fingerprint == plain.fingerprint
