"""The data fingerprint of the stamp is order-free: the same rows give the same fingerprint in any
order, split into any row groups or record batches, from Parquet, CSV, JSON lines or a frame; a
changed value gives another. Spark's run carries the same fingerprint as DuckDB's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imx.checker import check_paths
from imx.data import load_dataset
from imx.demo_data import generate
from imx.evaluation import evaluate
from imx.model import Model
from imx.results import RunOptions

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("parquet", "csv", "jsonl", "frame")


@pytest.fixture(scope="module")
def model() -> Model:
    found = check_paths([ROOT / "stdlib_metrics"]).model
    assert found is not None
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pa.Table]:
    folder = tmp_path_factory.mktemp("fingerprint")
    generate(studies=1, seed=2, out=folder, fmt="parquet")
    return {t: pq.read_table(folder / f"{t}.parquet") for t in ("events", "studies", "sites")}


def _written(table: pa.Table, fmt: str, folder: Path, name: str, batch: int) -> Any:
    """The table as a source of format ``fmt``, in row groups or batches of ``batch`` rows."""
    if fmt == "frame":
        return pa.Table.from_batches(table.to_batches(max_chunksize=batch), table.schema)
    path = folder / f"{name}.{fmt}"
    if fmt == "parquet":
        pq.write_table(table, path, row_group_size=batch)
    elif fmt == "csv":
        pa_csv.write_csv(table, path, pa_csv.WriteOptions(batch_size=batch))
    else:
        with path.open("w", encoding="utf-8") as f:
            for row in table.to_pylist():
                shown = {
                    k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in row.items()
                }
                f.write(json.dumps(shown) + "\n")
    return path


def _fingerprint(
    model: Model, tables: dict[str, pa.Table], fmt: str, folder: Path, batch: int
) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    sources = {n: _written(t, fmt, folder, n, batch) for n, t in tables.items()}
    return load_dataset(model.schema, sources).fingerprint


@pytest.fixture(scope="module")
def base(model: Model, demo: dict[str, pa.Table], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The fingerprint of the demo log as generated: one Parquet file per table."""
    return _fingerprint(model, demo, "parquet", tmp_path_factory.mktemp("base"), 10**6)


def _shuffled(table: pa.Table, seed: int) -> pa.Table:
    import numpy as np

    order = np.random.default_rng(seed).permutation(table.num_rows)
    return table.take(pa.array(order))


@settings(max_examples=10, deadline=None)  # each example loads the log three times
@given(
    seed=st.integers(0, 2**32 - 1),
    fmt=st.sampled_from(FORMATS),
    batch=st.integers(1, 5000),
    k=st.integers(0, 10**6),
)
def test_same_rows_in_any_order_split_or_format_give_the_same_fingerprint(
    model: Model, demo: dict[str, pa.Table], base: str,
    tmp_path_factory: pytest.TempPathFactory, seed: int, fmt: str, batch: int, k: int,
) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("fp")
    moved = {n: _shuffled(t, seed + i) for i, (n, t) in enumerate(demo.items())}
    assert _fingerprint(model, moved, fmt, folder / "moved", batch) == base
    # one value changed: another fingerprint (the property could fail)
    events = moved["events"]
    i = k % events.num_rows
    study = events.column("study").to_pylist()
    study[i] = (study[i] or "") + "x"
    changed = {**moved, "events": events.set_column(0, "study", pa.array(study, pa.string()))}
    assert _fingerprint(model, changed, fmt, folder / "changed", batch) != base


@pytest.mark.spark
def test_spark_and_duckdb_stamp_the_same_fingerprint(
    model: Model, demo: dict[str, pa.Table], spark_settings: Any
) -> None:
    dataset = load_dataset(model.schema, dict(demo))
    options = RunOptions(metrics=("XFER-OT",))
    on_duckdb = evaluate(model, dataset, options)
    on_spark = evaluate(model, dataset, options, engine="spark", settings=spark_settings)
    assert (
        on_spark.stamp.data_fingerprint == on_duckdb.stamp.data_fingerprint == dataset.fingerprint
    )
