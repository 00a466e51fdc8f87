"""Every row set aside while loading, one per row: counts equal the quality report, on disk too."""

from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import imx
from imx.cli import main
from imx.data import (
    SET_ASIDE_RULES,
    SET_ASIDE_SCHEMA,
    Dataset,
    QualityFinding,
    dataset_from_example,
    discover_sources,
    load_dataset,
)
from imx.evaluation import evaluate
from imx.model import Example
from imx.results import RunOptions
from support_data import EVENTS_HEADER, imaging_schema
from test_corpus_eval import CASES, model_of

ROOT = Path(__file__).resolve().parents[1]
STDLIB = ROOT / "stdlib_metrics"
UTC = dt.UTC


def by_rule(table: pa.Table) -> dict[tuple[str, str], int]:
    """(table, rule) → rows set aside, from the set-aside rows."""
    pairs = zip(table["table"].to_pylist(), table["rule"].to_pylist(), strict=True)
    return dict(collections.Counter(pairs))


def reported(quality: tuple[QualityFinding, ...]) -> dict[tuple[str, str], int]:
    """(table, rule) → rows, from the quality report's rules that set rows aside."""
    return {
        (f.table, f.rule): f.rows
        for f in quality
        if f.rule in SET_ASIDE_RULES and f.metric is None and f.rows
    }


def in_order(table: pa.Table) -> bool:
    rows = [tuple(r.values()) for r in table.to_pylist()]
    key = [
        (t, r, k, -1 if row is None else row, -1 if line is None else line)
        for t, r, k, row, line in rows
    ]
    return key == sorted(key)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_corpus_rows_set_aside_are_those_the_report_counts(case) -> None:  # type: ignore[no-untyped-def]
    model = model_of(case.name)
    dataset = load_dataset(
        model.schema, discover_sources(case.data, model.schema), as_of=case.as_of
    )
    try:
        results = evaluate(model, dataset, RunOptions(as_of=case.as_of))
        rows = dataset.set_aside(results.stamp.as_of)
        assert rows.schema == SET_ASIDE_SCHEMA
        assert by_rule(rows) == reported(results.quality)
        assert in_order(rows)
        assert rows.equals(dataset.set_aside(results.stamp.as_of))
    finally:
        dataset.tables.close()  # type: ignore[attr-defined]


def test_the_hygiene_case_names_every_rule_it_sets_aside() -> None:
    case = next(c for c in CASES if c.name == "hygiene")
    model = model_of(case.name)
    dataset = load_dataset(
        model.schema, discover_sources(case.data, model.schema), as_of=case.as_of
    )
    rules = set(dataset.set_aside()["rule"].to_pylist())
    assert {"duplicate-row", "null-key", "null-timestamp", "unknown-event"} <= rules


def test_a_cut_at_evaluation_lists_the_later_events(tmp_path: Path) -> None:
    """An evaluation cut earlier than the load's: the events after it are after-as-of rows, as
    many as the report's, with the row they had in their source."""
    schema = imaging_schema()
    rows = [
        "S1,001,1001,BL,scan_acquired,2026-03-02T10:00Z",
        "S1,001,1001,BL,images_received,2026-03-20T10:00Z",
        "S1,002,1002,BL,scan_acquired,2026-03-25T10:00Z",
    ]
    path = tmp_path / "events.csv"
    path.write_text("\n".join([EVENTS_HEADER, *rows]) + "\n", encoding="utf-8")
    dataset = load_dataset(schema, {"events": path})
    assert dataset.set_aside().num_rows == 0  # the cut is the latest event: nothing after it
    late = dataset.set_aside(dt.datetime(2026, 3, 10, tzinfo=UTC)).to_pylist()
    assert late == [
        {"table": "events", "rule": "after-as-of", "key": "S1/001/1001/BL", "row": 2, "line": None},
        {"table": "events", "rule": "after-as-of", "key": "S1/002/1002/BL", "row": 3, "line": None},
    ]


def test_unparsable_lines_are_listed_by_line_and_bad_values_by_key(tmp_path: Path) -> None:
    schema = imaging_schema()
    lines = [
        EVENTS_HEADER,
        "S1,001,1001,BL,scan_acquired,2026-03-02T10:00Z",
        "S1,001,1002,BL,scan_acquired,2026-03-02T10:00Z,one field too many",
        "S1,001,1003,BL,scan_acquired,2026-13-45T10:00Z",
        "S1,001,1001,BL,scan_acquired,2026-03-02T10:00Z",
    ]
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dataset = load_dataset(schema, {"events": path}, as_of=dt.datetime(2026, 3, 31, tzinfo=UTC))
    rows = dataset.set_aside()
    assert by_rule(rows) == reported(dataset.quality)
    assert [tuple(r.values())[1:] for r in rows.to_pylist()] == [
        ("duplicate-row", "S1/001/1001/BL", 3, None),  # rows read: the unparsable line is not one
        ("unreadable-row", "S1/001/1003/BL", 2, None),
        ("unreadable-row", "line 3", None, 3),
    ]


def test_a_dataset_not_loaded_into_duckdb_has_an_empty_list() -> None:
    dataset = Dataset({}, dt.datetime(2026, 3, 31, tzinfo=UTC), (), "")
    assert dataset.set_aside().schema == SET_ASIDE_SCHEMA
    assert dataset.set_aside().num_rows == 0


def test_an_example_dataset_lists_its_rows_set_aside() -> None:
    rows = (
        ("S1", "001", "1", "BL", "scan_acquired", "2026-03-02T00:00:00Z"),
        ("S1", "001", "1", "BL", "scan_acquired", "2026-03-02T00:00:00Z"),
    )
    header = tuple(EVENTS_HEADER.split(","))
    example = Example("e", "M", None, None, (("events", (header, *rows)),), ())
    dataset = dataset_from_example(imaging_schema(), example)
    assert (
        by_rule(dataset.set_aside())
        == reported(dataset.quality)
        == {("events", "duplicate-row"): 1}
    )


# ------------------------------------------------------------------------------ imx run --out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "D"
    assert main(["demo-data", "--studies", "2", "--seed", "5", "--out", str(folder)]) == 0
    return folder


def run(demo: Path, out: Path, *extra: str) -> None:
    assert main(["run", str(STDLIB), "--data", str(demo), "--out", str(out), *extra]) == 0


def test_run_writes_every_row_set_aside_beside_the_results(demo: Path, tmp_path: Path) -> None:
    """The demo log's injected faults, each row of them, and the report's counts per rule."""
    run(demo, tmp_path / "r.csv", "--as-of", "2026-03-01T00:00:00Z")
    rows = pacsv.read_csv(tmp_path / "r.set_aside.csv")
    quality = pacsv.read_csv(tmp_path / "r.quality.csv").to_pylist()
    rules = {(q["table"], q["rule"]): q["rows"] for q in quality if q["rule"] in SET_ASIDE_RULES}
    counted = by_rule(rows)
    assert counted == {k: v for k, v in rules.items() if v}
    faults = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))["faults"]
    for rule in ("duplicate-row", "null-timestamp", "unknown-event"):
        assert counted.get(("events", rule), 0) == faults[rule]
    assert counted[("events", "after-as-of")] > 0  # the cut given left events out


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_the_file_is_byte_identical_on_rerun(demo: Path, tmp_path: Path, suffix: str) -> None:
    run(demo, tmp_path / f"a{suffix}")
    run(demo, tmp_path / f"b{suffix}")
    first, second = (tmp_path / f"{n}.set_aside{suffix}" for n in "ab")
    assert first.read_bytes() == second.read_bytes()
    faults = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))["faults"]
    expected = sum(faults[r] for r in ("duplicate-row", "null-timestamp", "unknown-event"))
    assert expected > 0
    if suffix == ".parquet":
        assert pq.read_table(first).num_rows == expected  # the rows the demo's manifest injected
        assert b"imx.stamp" in pq.read_schema(first).metadata
    if suffix == ".json":
        document = json.loads(first.read_text(encoding="utf-8"))
        assert set(document) == {"stamp", "set_aside"}
        assert len(document["set_aside"]) == expected


def test_the_python_api_gives_the_rows(demo: Path) -> None:
    model = imx.load([STDLIB])
    dataset = load_dataset(model.schema, discover_sources(demo, model.schema))
    rows = dataset.set_aside()
    assert by_rule(rows) == reported(dataset.quality)
    assert in_order(rows)
