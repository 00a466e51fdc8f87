"""``stats`` and ``excluded_by_reason`` are typed Arrow maps in the results table; only the writers
turn them into JSON (text in CSV and Parquet, objects in .json), and reading a file back gives the
maps again."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalkit import dataset, model
from imx import model as m
from imx.evaluation import evaluate
from imx.output import json_objects, ordered, write_results
from imx.render.handbook import read_results
from imx.results import REASONS_TYPE, RESULT_SCHEMA, STATS_TYPE, Results
from test_eval import TOUR_EVENTS, XFER_CT, XFER_OT

keys = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6)
floats = st.none() | st.floats(allow_nan=False, width=64) | st.sampled_from([0.0, -0.0, 1e16])
maps = st.none() | st.dictionaries(keys, floats, max_size=4)


@given(st.lists(maps, max_size=12), st.integers(0, 3))
def test_a_map_is_written_as_json_dumps_writes_the_object(
    rows: list[dict[str, float | None] | None], cut: int
) -> None:
    pairs = [None if r is None else list(r.items()) for r in rows]
    expected = [None if r is None else json.dumps(r, ensure_ascii=False) for r in rows]
    array = pa.array(pairs, STATS_TYPE)
    assert json_objects(array).to_pylist() == expected
    chunked = pa.chunked_array([array.slice(0, cut), array.slice(cut)], STATS_TYPE)
    assert json_objects(chunked).to_pylist() == expected  # chunks and slices keep their rows
    assert json_objects(array.slice(cut)).to_pylist() == expected[cut:]


def test_counts_are_written_as_whole_numbers() -> None:
    array = pa.array([[("outside-measure", 2), ("Ärger", 1)], [], None], REASONS_TYPE)
    assert json_objects(array).to_pylist() == ['{"outside-measure": 2, "Ärger": 1}', "{}", None]


@pytest.fixture(scope="module")
def results() -> Results:
    ds = dataset(TOUR_EVENTS, "2026-03-11T00:00Z", studies=[("S1", "neurology")])
    return evaluate(model(m.Metric(XFER_OT), m.Metric(XFER_CT)), ds)


def test_the_results_table_holds_typed_maps(results: Results) -> None:
    table = results.table
    assert table.schema == RESULT_SCHEMA
    assert table.schema.field("stats").type == pa.map_(pa.string(), pa.float64())
    assert table.schema.field("excluded_by_reason").type == pa.map_(pa.string(), pa.int64())
    rows = {(r["metric"], r["level"], r["period"]): r for r in table.to_pylist()}
    ct = rows[("XFER-CT", "portfolio", None)]
    assert [name for name, _ in ct["stats"]] == ["median", "p90", "mean"]
    assert rows[("XFER-OT", "portfolio", None)]["stats"] is None  # a rate has no statistics
    frame = table.to_pandas()  # the pandas view: a map cell is a list of (key, value) pairs
    assert list(frame["stats"][frame["metric"] == "XFER-CT"].iloc[0]) == ct["stats"]


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_every_results_file_reads_back_to_the_same_maps(
    tmp_path: Path, results: Results, suffix: str
) -> None:
    write_results(results, tmp_path / f"results{suffix}")
    back = read_results(tmp_path / f"results{suffix}")
    table = ordered(results.table)
    for name in ("stats", "excluded_by_reason"):
        assert back.schema.field(name).type == RESULT_SCHEMA.field(name).type
        assert back.column(name).to_pylist() == table.column(name).to_pylist()


def test_json_output_holds_objects_and_csv_json_text(tmp_path: Path, results: Results) -> None:
    write_results(results, tmp_path / "r.json")
    write_results(results, tmp_path / "r.csv")
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    ct = next(r for r in document["results"] if r["metric"] == "XFER-CT" and r["period"] is None)
    assert isinstance(ct["stats"], dict) and list(ct["stats"]) == ["median", "p90", "mean"]
    types = {"stats": pa.string(), "period": pa.string()}
    options = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    rows = pacsv.read_csv(tmp_path / "r.csv", convert_options=options).to_pylist()
    text = next(r["stats"] for r in rows if r["metric"] == "XFER-CT" and r["period"] is None)
    assert text == json.dumps(ct["stats"])  # the same statistics, as JSON text


def test_a_results_file_whose_statistics_are_not_an_object_is_refused(tmp_path: Path) -> None:
    from imx.errors import ResultsFileError

    path = tmp_path / "r.json"
    row = {"metric": "A", "variant": "base", "level": "portfolio", "value": 1.0, "status": "green"}
    path.write_text(json.dumps({"results": [{**row, "stats": [1, 2]}]}))
    with pytest.raises(ResultsFileError, match="`stats` holds"):
        read_results(path)
