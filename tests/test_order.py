"""The order of results, declared once (``imx.plan.RESULT_ORDER``): every engine gives its raw rows
in it, the SQL ORDER BY and the Arrow sort keys derived from it agree, finalize and the writers
keep it."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest
import sqlglot.expressions as exp
from hypothesis import given, settings
from hypothesis import strategies as st

import test_eval_props
from imx import model as m
from imx.data import Dataset
from imx.engines import DEFAULT_SETTINGS, EngineSettings
from imx.evaluation import ENGINES, evaluate, prepare_tables
from imx.output import ordered
from imx.plan import (
    ALL_LEVEL,
    RESULT_ORDER,
    build_plan,
    in_order,
    order_keys,
    raw_columns,
    result_order_keys,
    sort_by_keys,
    utc,
)
from imx.results import RESULT_SCHEMA, RunOptions
from imx.sql import in_result_order, render

ORDER_COLUMNS = (
    "metric", "level", "study", "site", "grp", "grp2", "period", "layer_min", "layer_max",
)  # fmt: skip


def assert_engine_keeps_the_order(
    model: m.Model, ds: Dataset, engine: str, engine_settings: EngineSettings = DEFAULT_SETTINGS
) -> None:
    """Each raw part ``engine`` gives is in the order of results, and so are its results."""
    as_of = utc(ds.as_of)
    plan = build_plan(model, as_of=as_of)
    tables, _ = prepare_tables(model.schema, ds.tables, as_of)
    ids = [mp.id for g in plan.grains for mp in g.metrics]
    for part in ENGINES[engine](plan, tables, engine_settings):
        assert in_order(order_keys(part, ids)), (engine, part.to_pylist())
    table = evaluate(model, ds, RunOptions(), engine=engine, settings=engine_settings).table
    assert in_order(result_order_keys(table)), engine
    # the writers' order is the same: each metric's rows given backwards come out as they were
    metric = table["metric"].to_pylist()
    starts = [i for i in range(len(metric)) if i == 0 or metric[i] != metric[i - 1]]
    blocks = zip(starts, [*starts[1:], len(metric)][: len(starts)], strict=True)
    backwards = [i for start, stop in blocks for i in reversed(range(start, stop))]
    assert ordered(table.take(pa.array(backwards, pa.int64()))).equals(table)


@settings(max_examples=max(40, settings().max_examples // 5), deadline=None)
@given(
    st.integers(1, 3).flatmap(lambda n: st.tuples(*(test_eval_props.metrics(i) for i in range(n)))),
    test_eval_props.datasets(),
)
@pytest.mark.parametrize("engine", ["duckdb", "reference"])
def test_every_engine_gives_its_rows_in_the_order_of_results(
    engine: str, ms: tuple[m.Metric, ...], ds: Dataset
) -> None:
    assert_engine_keeps_the_order(m.Model(test_eval_props.SCHEMA, ms), ds, engine)


texts = st.sampled_from([None, "a", "b", "B", "é"])
layers = st.sampled_from([None, "base", "v1", "v2"])
raw_rows = st.fixed_dictionaries(
    {
        "metric": st.sampled_from(["M1", "M2"]),
        "level": st.sampled_from(
            ["site", "study", "portfolio", "by:x", "by:y", "by:x+y", ALL_LEVEL, "z"]
        ),
        "study": texts,
        "site": texts,
        "grp": texts,
        "grp2": texts,
        "period": st.sampled_from([None, 202601, 202602, 20261]),
        "layers": st.tuples(layers, layers),
    }
)


def _raw_table(rows: list[dict[str, Any]]) -> pa.Table:
    flat = []
    for i, row in enumerate(rows):
        low, high = sorted(row["layers"], key=lambda x: (x is not None, x or ""))
        both = (low, high) if low is not None else (None, None)
        flat.append({**row, "layer_min": both[0], "layer_max": both[1], "row": i})
    types = dict(raw_columns(0, 0))
    schema = pa.schema([(c, pa.int64() if types[c] == "bigint" else pa.string()) for c in ORDER_COLUMNS])  # fmt: skip
    return pa.Table.from_pylist(flat, schema=schema.append(pa.field("row", pa.int64())))


@settings(max_examples=200)
@given(st.lists(raw_rows, max_size=30))
def test_the_sql_order_by_and_the_arrow_keys_give_one_order(rows: list[dict[str, Any]]) -> None:
    raw = _raw_table(rows)
    ids = ["M1", "M2"]
    con = duckdb.connect()
    con.register("raw", raw)
    query = in_result_order(exp.select("*").from_(exp.to_table("raw")), ids)
    by_sql = con.sql(render(query)).to_arrow_table()
    by_arrow = sort_by_keys(raw, order_keys(raw, ids))
    assert in_order(order_keys(by_sql, ids))
    assert order_keys(by_sql, ids).to_pylist() == order_keys(by_arrow, ids).to_pylist()


def test_the_order_names_columns_of_results_and_of_raw_rows() -> None:
    raw = {name for name, _ in raw_columns(1, 1)}
    assert {k.column for k in RESULT_ORDER} <= set(RESULT_SCHEMA.names)
    assert {k.raw for k in RESULT_ORDER} - raw == {"variant"}  # derived from layer_min/max


def test_every_aggregate_the_plan_builds_is_a_declared_raw_column() -> None:
    from pathlib import Path

    from imx.checker import check_paths

    stdlib = Path(__file__).resolve().parent.parent / "stdlib_metrics"
    model = check_paths([stdlib]).model
    assert model is not None
    plan = build_plan(model)
    declared = [name for name, _ in plan.raw_columns]
    assert plan.raw_columns == raw_columns(
        max(len(mp.reasons) for g in plan.grains for mp in g.metrics),
        max(len(mp.stats) for g in plan.grains for mp in g.metrics),
    )
    for mp in (mp for g in plan.grains for mp in g.metrics):
        assert {name for name, _ in mp.aggs} <= set(declared), mp.id
