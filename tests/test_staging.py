"""The loader's clean tables as Parquet files (what the Spark engine reads instead of Arrow from the
driver) hold exactly the clean rows, with the schema's types; an example's dataset has none."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from imx.checker import check_paths
from imx.data import StoredTables, dataset_from_example, discover_sources, load_dataset
from imx.demo_data import generate

ROOT = Path(__file__).resolve().parent.parent


def test_each_clean_table_is_written_once_as_parquet_with_the_same_rows(tmp_path: Path) -> None:
    model = check_paths([ROOT / "stdlib_metrics"]).model
    assert model is not None
    generate(1, 3, tmp_path, "csv")
    ds = load_dataset(model.schema, discover_sources(tmp_path, model.schema))
    tables = ds.tables
    assert isinstance(tables, StoredTables)
    try:
        for name in tables:
            path = tables.exported(name)
            assert path is not None and tables.exported(name) == path  # written once
            written = pq.read_table(path)
            arrow = tables[name]
            assert written.schema.names == arrow.schema.names
            keys = [(c, "ascending") for c in arrow.schema.names]
            assert written.cast(arrow.schema).sort_by(keys).equals(arrow.sort_by(keys)), name
        assert tables["events"].num_rows > 0
    finally:
        tables.close()


def test_a_dataset_kept_in_memory_writes_no_file() -> None:
    model = check_paths([ROOT / "stdlib_metrics"]).model
    assert model is not None
    example = next((e for e in model.examples if e.tables), None)
    if example is None:
        pytest.fail("the standard library has no example with tables")
    tables = dataset_from_example(model.schema, example).tables
    assert isinstance(tables, StoredTables)
    assert all(tables.exported(name) is None for name in tables)
