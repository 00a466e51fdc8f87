"""Unit rows (semantics rule 29): DuckDB's equal the reference's, and they add up to the results.

Over generated metrics (every measure kind, variants, levels, periods) × generated logs, the unit
rows each engine gives from the same plan are the same row for row, and grouping them by each
result row's key gives back its numerator, denominator, pending, open, excluded by reason,
variant and statistics exactly.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import test_eval_props as props
from evalkit import assert_same_results, assert_same_units, assert_units_add_up
from imx import model as m
from imx.evaluation import evaluate
from imx.results import RunOptions

MODELS = st.integers(1, 2).flatmap(lambda n: st.tuples(*(props.metrics(i) for i in range(n))))


@settings(max_examples=max(100, settings().max_examples // 10))  # deep: 10,000
@given(MODELS, props.datasets(12))
def test_unit_rows_agree_and_add_up_to_the_results(ms: tuple[m.Metric, ...], ds: Any) -> None:
    mod = m.Model(props.SCHEMA, ms)
    duck = evaluate(mod, ds, RunOptions(), engine="duckdb", units="all")
    ref = evaluate(mod, ds, RunOptions(), engine="reference", units="all")
    assert_same_units(duck, ref)
    assert_units_add_up(mod, duck)
    assert_same_results(duck, evaluate(mod, ds, RunOptions(), engine="duckdb"))  # unchanged


@settings(max_examples=30)
@given(props.metrics(0), props.datasets(12))
def test_the_population_is_every_unit_but_those_outside(metric: m.Metric, ds: Any) -> None:
    mod = m.Model(props.SCHEMA, (metric,))
    every = evaluate(mod, ds, engine="duckdb", units="all").units[metric.base.id]
    population = evaluate(mod, ds, engine="duckdb", units="population").units[metric.base.id]
    inside = [r for r in every.to_pylist() if r["outcome"] != "outside"]
    assert population.to_pylist() == inside
