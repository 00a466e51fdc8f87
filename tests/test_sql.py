"""SQL generation: one scan per grain (in one statement or in steps), every dialect prints, adversarial names keep their meaning."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import sqlglot
import sqlglot.expressions as exp
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit import EU, US, bd, count, dataset, first, has, model, resolved, schema, variant
from imx import model as m
from imx.calendars import CALENDAR_TABLE, CUTS_TABLE
from imx.data import Dataset
from imx.engines.duckdb import calendar_for, cuts_for
from imx.evaluation import compile_sql, evaluate, prepare_tables
from imx.plan import ALL_LEVEL, Plan, build_plan
from imx.sql import DIALECTS, SHARED, UNITS, compile_plan, compile_steps, render

RATE = resolved(
    "OT", m.RateMeasure(m.Within(first("images_received"), bd(3), first("scan_acquired")))
)
DUR = resolved(
    "CT",
    m.DurationMeasure(first("scan_acquired"), first("images_received"), m.TimeUnit.BUSINESS_DAYS),
    summary=("median", "p90"),
)
RATIO = resolved(
    "QR", m.RatioMeasure(count("query_opened"), Decimal(100)), where=[has("images_received")]
)
EVENTS = [
    ("S1", "1", "a", "BL", "scan_acquired", "2026-03-02T10:00Z"),
    ("S1", "1", "a", "BL", "images_received", "2026-03-04T10:00Z"),
    ("S1", "1", "b", "BL", "query_opened", "2026-03-04T10:00Z"),
]


def _tables(tree: exp.Expr) -> list[str]:
    ctes = {c.alias for c in tree.find_all(exp.CTE)}
    return [t.name for t in tree.find_all(exp.Table) if t.name not in ctes]


def test_all_metrics_of_a_grain_read_the_events_table_once_in_the_tree() -> None:
    plan = build_plan(model(m.Metric(RATE), m.Metric(DUR), m.Metric(RATIO)), as_of=None)
    (tree,) = compile_plan(plan)
    assert _tables(tree).count("events") == 1
    assert len(plan.grains[0].metrics) == 3


def _scans(node: dict[str, Any]) -> list[str]:
    found = [node.get("extra_info", {}).get("Table", "")] if "SCAN" in node.get("name", "") else []
    for child in node.get("children", []):
        found += _scans(child)
    return found


def _loaded_connection(mod: m.Model, ds: Dataset, plan: Plan) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the dataset as real tables, so EXPLAIN shows table scans."""
    tables, _ = prepare_tables(mod.schema, ds.tables, ds.as_of)
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(f"arrow_{name}", table)
        con.sql(f'CREATE TABLE "{name}" AS SELECT * FROM "arrow_{name}"')  # test setup only
    con.register(CALENDAR_TABLE, calendar_for(plan, tables["events"], "at"))
    con.register(CUTS_TABLE, cuts_for(plan, tables["events"], "at"))
    return con


def test_duckdb_plans_a_single_scan_of_events() -> None:
    mod = model(m.Metric(RATE), m.Metric(DUR), m.Metric(RATIO))
    ds = dataset(EVENTS, "2026-03-10T00:00Z")
    plan = build_plan(mod, as_of=ds.as_of)
    con = _loaded_connection(mod, ds, plan)
    sql = render(compile_plan(plan)[0])
    explained = con.sql("EXPLAIN (FORMAT json) " + sql).fetchall()[0][1]
    scans = [s for root in json.loads(explained) for s in _scans(root)]
    assert [s for s in scans if s.endswith(".events")] == ["memory.main.events"], scans


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_prints_one_statement(dialect: str) -> None:
    mod = model(m.Metric(RATE, (variant("onc", RATE, {"therapeutic_area": ("oncology",)}),)))
    text = compile_sql(mod, "OT", dialect)
    (statement,) = sqlglot.parse(text, read=dialect)
    assert statement is not None
    assert _tables(statement).count("events") == 1


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(Exception, match="unknown dialect"):
        compile_sql(model(m.Metric(RATE)), "OT", "oracle")


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    min_size=1,
    max_size=12,
).map(lambda s: s + "'\"; DROP TABLE events; --")


@settings(max_examples=40, deadline=None)
@given(names, names, names, names)
def test_adversarial_names_and_values_keep_their_meaning(
    event: str, column: str, cal_name: str, value: str
) -> None:
    cal = replace(EU, name=cal_name, default=True)
    sch = schema(
        calendars=(cal, replace(US, default=False)),
        events=(event, "images_received"),
        studies_cols=(column,),
    )
    attr = m.Compare("=", m.Attr("studies", column, m.Type.TEXT), m.Const(value, m.Type.TEXT))
    rate = resolved(
        value, m.RateMeasure(m.Within(first("images_received"), bd(1), first(event))),
        where=[has(event)], excludes=[m.Exclusion(attr, value)], levels=("portfolio", f"by:{column}"),
    )  # fmt: skip
    var = variant(value + "v", rate, {column: (value,)}, min_n=2)
    mod = model(m.Metric(rate, (var,)), schema_=sch)
    events = [
        (value, "1", "a", "BL", event, "2026-03-02T10:00Z"),
        (value, "1", "a", "BL", "images_received", "2026-03-03T10:00Z"),
        ("x", "1", "b", "BL", event, "2026-03-02T10:00Z"),
        ("x", "1", "b", "BL", "images_received", "2026-03-09T10:00Z"),
        ("y", "1", "c", "BL", event, "2026-03-02T10:00Z"),
    ]
    ds = dataset(
        events, "2026-03-20T00:00Z", studies=[(value, "other"), ("y", value)],
        studies_header=("study", column), sites=[(value, "1", cal_name)],
    )  # fmt: skip
    (statement,) = sqlglot.parse(compile_sql(mod, value, as_of=ds.as_of), read="duckdb")
    assert statement is not None
    assert set(_tables(statement)) == {"events", "studies", "sites", CALENDAR_TABLE}
    duck, ref = evaluate(mod, ds), evaluate(mod, ds, engine="reference")
    assert duck.table.equals(ref.table)
    port = next(r for r in duck.table.to_pylist() if r["level"] == "portfolio")
    assert (port["numerator"], port["denominator"], port["excluded"]) == (1.0, 2, 1)


_KEYS = ("metric", "level", "study", "site", "grp", "grp2", "period", "layer_min", "layer_max")


def _profiled_event_scans(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    """The tables DuckDB actually scanned running ``sql`` (EXPLAIN ANALYZE's profile)."""
    profile = json.loads(con.sql("EXPLAIN (ANALYZE, FORMAT json) " + sql).fetchall()[0][1])
    scans = [s for root in profile["operator"] for s in _scans(root)]
    return [s for s in scans if s.endswith(".events")]


def test_the_whole_stdlib_scans_events_once_per_unit_of_analysis(tmp_path: Any) -> None:
    from pathlib import Path

    from imx.checker import check_paths
    from imx.data import discover_sources, load_dataset
    from imx.demo_data import generate
    from imx.engines import duckdb as duckdb_engine
    from imx.plan import in_order, order_keys

    stdlib = Path(__file__).resolve().parent.parent / "stdlib_metrics"
    mod = check_paths([stdlib]).model
    assert mod is not None
    generate(2, 11, tmp_path, "parquet")
    ds = load_dataset(mod.schema, discover_sources(tmp_path, mod.schema))
    plan = build_plan(mod, as_of=ds.as_of)
    con = _loaded_connection(mod, ds, plan)
    # a unit of analysis, or a unit and a series grain (rule 18: its own scan, cuts joined)
    units = {(mp.layers[0].metric.unit.name, g.series) for g in plan.grains for mp in g.metrics}
    scans = {(g.unit.name, g.series): _profiled_event_scans(con, render(t)) for g, t in zip(plan.grains, compile_plan(plan), strict=True)}  # fmt: skip
    assert sum(len(g.metrics) for g in plan.grains) == len(mod.metrics) > len(units)
    assert all(found == ["memory.main.events"] for found in scans.values()), scans
    assert sum(len(found) for found in scans.values()) <= len(units)
    # what the DuckDB engine runs: each grain in steps, the same scans and the same rows
    for grain, steps, tree in zip(
        plan.grains, compile_steps(plan), compile_plan(plan), strict=True
    ):
        assert [metric for metric, _ in steps.metrics] == [mp.id for mp in grain.metrics]
        scanned = _profiled_event_scans(con, render(steps.units))
        if grain.series is not None and SHARED in render(steps.units):  # firsts of the plain grain
            assert scanned in ([], ["memory.main.events"])  # its counts and lasts, if any
        else:
            assert scanned == ["memory.main.events"]
        con.execute(f"CREATE OR REPLACE TEMP TABLE {UNITS} AS {render(steps.units)}")
        if steps.shared is not None:  # kept for the series grain of the unit, after this one
            name, query = steps.shared
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {render(query)}")
        for _, query in steps.metrics:
            assert _profiled_event_scans(con, render(query)) == []
        parts = [con.sql(render(q)).to_arrow_table() for _, q in steps.metrics]
        stepwise = pa.concat_tables(parts).sort_by([(c, "ascending") for c in _KEYS])
        whole = con.sql(render(tree)).to_arrow_table().sort_by([(c, "ascending") for c in _KEYS])
        assert stepwise.schema == whole.schema and stepwise.num_rows == whole.num_rows
        for name in whole.column_names:  # sums of doubles may differ in the last bit with order
            a, b = stepwise[name].to_pylist(), whole[name].to_pylist()
            same = [x == y or (isinstance(x, float) and x == pytest.approx(y, rel=1e-9)) for x, y in zip(a, b, strict=True)]  # fmt: skip
            assert all(same), (grain.unit.name, name)
    # the engine gives each metric's rows in the order of results: finalize need not sort them
    plans = {mp.id: mp for g in plan.grains for mp in g.metrics}
    for part in duckdb_engine.run_parts(plan, ds.tables):
        assert part.num_rows and in_order(order_keys(part, list(plans))), part["metric"][0]


def test_results_finalized_a_metric_at_a_time_equal_results_finalized_at_once() -> None:
    from imx.engines import duckdb as duckdb_engine
    from imx.results import RunOptions, finalize, make_stamp

    mod = model(m.Metric(RATE), m.Metric(DUR), m.Metric(RATIO))
    ds = dataset(EVENTS, "2026-03-10T00:00Z")
    plan = build_plan(mod, as_of=ds.as_of)
    tables, _ = prepare_tables(mod.schema, ds.tables, ds.as_of)
    stamp = make_stamp(mod, RunOptions(), ds.fingerprint, ds.as_of)
    parts = list(duckdb_engine.run_parts(plan, tables))
    assert len(parts) == 3  # one per metric
    at_once = finalize(plan, [pa.concat_tables(parts)], (), stamp)
    assert finalize(plan, parts, (), stamp).table.equals(at_once.table)
    assert at_once.table.num_rows > 0
    rate = parts[0].filter(pc.not_equal(parts[0]["level"], ALL_LEVEL))
    assert rate.num_rows >= 2
    with pytest.raises(ValueError, match="raw rows of OT came in more than one part"):
        finalize(plan, [rate.slice(0, 1), rate.slice(1)], (), stamp)


def test_results_keep_no_buffer_of_the_engines_batches() -> None:
    """An engine's Arrow batch is freed as a whole: a results column sharing one of its buffers
    would keep every raw column of the batch in memory until the run ends."""
    from imx.engines import duckdb as duckdb_engine
    from imx.results import RunOptions, finalize, make_stamp

    mod = model(m.Metric(RATE), m.Metric(DUR), m.Metric(RATIO))
    ds = dataset(EVENTS, "2026-03-10T00:00Z")
    plan = build_plan(mod, as_of=ds.as_of)
    tables, _ = prepare_tables(mod.schema, ds.tables, ds.as_of)
    parts = list(duckdb_engine.run_parts(plan, tables))

    def addresses(columns: Any) -> set[int]:
        return {b.address for c in columns for a in c.chunks for b in a.buffers() if b and b.size}

    stamp = make_stamp(mod, RunOptions(), ds.fingerprint, ds.as_of)
    results = finalize(plan, parts, (), stamp).table
    assert results.num_rows > 0
    assert not addresses(results.columns) & addresses(c for p in parts for c in p.columns)


@pytest.mark.parametrize("engine", ["duckdb", "reference"])
def test_progress_steps_are_plan_each_metric_then_finalize(engine: str) -> None:
    from imx.engines import EngineSettings

    mod = model(m.Metric(RATE), m.Metric(DUR), m.Metric(RATIO))
    seen: list[str] = []
    evaluate(mod, dataset(EVENTS, "2026-03-10T00:00Z"), engine=engine, settings=EngineSettings(on_step=seen.append))  # fmt: skip
    plan = build_plan(mod)
    ids = [mp.id for g in plan.grains for mp in g.metrics]
    assert seen == ["plan", *ids, "finalize"]  # the CLI's bar counts metrics + 2
