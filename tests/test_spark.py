"""The Spark engine gives DuckDB's results: hand-made cases, the example corpus, the stdlib, properties.

Every test marked ``spark`` runs on one local SparkSession per test process (started once by the
``spark`` fixture; start-up takes seconds). Java 17 and pyspark (``pip install -e ".[spark]"``) are
required: without them these tests FAIL saying what is missing; they are never skipped quietly.
Counts must be equal and floats within 1e-9 of DuckDB's.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checkcases
import test_eval
import test_eval_props
import test_order
from evalkit import assert_same_results
from imx import model as m
from imx.checker import check_paths
from imx.data import Dataset, StoredTables, discover_sources, load_dataset
from imx.demo_data import generate
from imx.engines import EngineSettings
from imx.engines import spark as spark_engine
from imx.errors import EngineUnavailable
from imx.evaluation import evaluate, prepare_tables
from imx.examples import run_examples
from imx.plan import build_plan
from imx.results import Results, RunOptions

ROOT = Path(__file__).resolve().parent.parent
STDLIB = ROOT / "stdlib_metrics"
SPARK = pytest.mark.spark
LOCAL = EngineSettings()  # local[*]


@pytest.fixture(scope="session")
def spark() -> Iterator[EngineSettings]:
    """One local SparkSession for the test process; a loud failure if pyspark or Java is missing."""
    try:
        spark_engine.session(LOCAL)
    except EngineUnavailable as error:
        pytest.fail(f"Spark tests cannot run: {error} ({'; '.join(error.hints)})", pytrace=False)
    yield LOCAL
    spark_engine.stop_all()


def both(model: m.Model, ds: Dataset, options: RunOptions, settings: EngineSettings) -> Results:
    """Spark's results, after checking they equal DuckDB's."""
    spark = evaluate(model, ds, options, engine="spark", settings=settings)
    assert_same_results(evaluate(model, ds, options, engine="duckdb"), spark)
    return spark


# ------------------------------------------------------------------------- hand-made cases


def _hand_made() -> list[Callable[..., None]]:
    """test_eval's engine-parametrized cases whose only parameter is the engine."""
    found = []
    for name, func in sorted(vars(test_eval).items()):
        if name.startswith("test_") and callable(func):
            if list(inspect.signature(func).parameters) == ["engine"]:
                found.append(func)
    return found


@SPARK
@pytest.mark.parametrize("case", _hand_made(), ids=lambda f: f.__name__.removeprefix("test_"))
def test_hand_made_cases_hold_on_spark_and_equal_duckdb(
    case: Callable[..., None], spark: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        test_eval, "run", lambda mod, ds, engine, **o: both(mod, ds, RunOptions(**o), spark)
    )
    case("spark")  # the hand-computed expectations, now on Spark (each run also checked == DuckDB)


# --------------------------------------------------------------------------- the corpus


def _corpus() -> list[tuple[str, m.Model]]:
    """Every checked project with examples: the stdlib and the clean corpus cases."""
    projects = [("stdlib", check_paths([STDLIB]).model)]
    for case in checkcases.case_paths():
        result = checkcases.run(case)
        if result.model is not None and result.model.examples:
            projects.append((case.name, result.model))
    return [(name, mod) for name, mod in projects if mod is not None and mod.examples]


@SPARK
@pytest.mark.parametrize("name", [name for name, _ in _corpus()])
def test_every_example_of_the_corpus_passes_on_spark_and_duckdb(
    name: str, spark: EngineSettings
) -> None:
    model = dict(_corpus())[name]

    def evaluate_with(mod: m.Model, ds: Dataset, options: RunOptions, engine: str) -> Results:
        return evaluate(mod, ds, options, engine=engine, settings=spark)

    outcomes = run_examples(model, evaluate=evaluate_with, engines=("duckdb", "spark"))
    failed = [
        (o.example.metric, o.example.title, o.differences, o.engine_disagreements)
        for o in outcomes
        if not o.passed
    ]
    assert outcomes and failed == []


# ----------------------------------------------------------------------- the stdlib, demo log


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[m.Model, Dataset, Path]:
    model = check_paths([STDLIB]).model
    assert model is not None
    folder = tmp_path_factory.mktemp("demo")
    generate(2, 5, folder, "parquet")
    return model, load_dataset(model.schema, discover_sources(folder, model.schema)), folder


@SPARK
def test_the_standard_library_over_a_demo_log_equals_duckdb(
    demo: tuple[m.Model, Dataset, Path], spark: EngineSettings
) -> None:
    """Every stdlib metric at every level and period it declares, on Spark and on DuckDB."""
    model, ds, _ = demo
    results = both(model, ds, RunOptions(), spark)
    rows = results.table.to_pylist()
    assert {r["metric"] for r in rows} == {x.id for x in model.metrics}
    assert {r["level"] for r in rows} >= {"site", "study", "portfolio"}
    assert any(r["period"] is not None for r in rows)


@SPARK
def test_a_clean_parquet_file_is_read_by_spark_itself(
    demo: tuple[m.Model, Dataset, Path], spark: EngineSettings, tmp_path: Path
) -> None:
    model, ds, _ = demo
    metrics = ("XFER-CT", "XFER-OT", "QC-FPR", "QRY-AGED")
    plan = build_plan(model, metrics, ("study", "portfolio"), None, ds.as_of)
    tables, _ = prepare_tables(model.schema, ds.tables, ds.as_of)
    pq.write_table(tables["events"], tmp_path / "events.parquet")
    files: dict[str, pa.Table | spark_engine.FileSource] = dict(tables)
    files["events"] = spark_engine.FileSource(str(tmp_path / "events.parquet"))
    from_file = spark_engine.run(plan, files, spark)
    from_arrow = spark_engine.run(plan, {name: tables[name] for name in tables}, spark)
    keys = [(c, "ascending") for c in from_arrow.column_names[:9]]
    assert from_file.sort_by(keys).equals(from_arrow.sort_by(keys))
    assert from_file.num_rows > 0
    from_loaded = spark_engine.run(plan, tables, spark)  # the loader's own Parquet files
    assert from_loaded.sort_by(keys).equals(from_arrow.sort_by(keys))


@SPARK
def test_spark_reads_a_loaded_event_table_itself_never_through_the_driver(
    demo: tuple[m.Model, Dataset, Path], spark: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clean events go to Spark as the Parquet file DuckDB writes, not as Arrow: no Python
    copy of them is ever made (the small dimension tables are read for run findings)."""
    model, ds, _ = demo
    made: list[str] = []
    materialize = StoredTables._materialize

    def recorded(self: StoredTables, name: str) -> pa.Table:
        made.append(name)
        return materialize(self, name)

    monkeypatch.setattr(StoredTables, "_materialize", recorded)
    options = RunOptions(metrics=("XFER-CT", "QC-FPR"))
    results = evaluate(model, ds, options, engine="spark", settings=spark)
    assert "events" not in made and results.table.num_rows > 0
    assert_same_results(evaluate(model, ds, options, engine="duckdb"), results)


# --------------------------------------------------------------------------- properties


@SPARK
@settings(max_examples=12)
@given(
    st.integers(1, 2).flatmap(lambda n: st.tuples(*(test_eval_props.metrics(i) for i in range(n)))),
    test_eval_props.datasets(),
)
def test_spark_equals_duckdb_on_generated_metrics_and_logs(
    spark: EngineSettings, ms: tuple[m.Metric, ...], ds: Dataset
) -> None:
    both(m.Model(test_eval_props.SCHEMA, ms), ds, RunOptions(), spark)


@SPARK
@settings(max_examples=6)
@given(test_eval_props.plain_then_series(), test_eval_props.datasets())
def test_spark_equals_duckdb_when_a_series_reads_the_plain_grain_of_its_unit(
    spark: EngineSettings, ms: tuple[m.Metric, ...], ds: Dataset
) -> None:
    both(m.Model(test_eval_props.SCHEMA, ms), ds, RunOptions(), spark)


@SPARK
@settings(max_examples=4, deadline=None)
@given(
    st.tuples(test_eval_props.metrics(0), test_eval_props.metrics(1)), test_eval_props.datasets()
)
def test_spark_gives_its_rows_in_the_order_of_results(
    spark: EngineSettings, ms: tuple[m.Metric, ...], ds: Dataset
) -> None:
    test_order.assert_engine_keeps_the_order(
        m.Model(test_eval_props.SCHEMA, ms), ds, "spark", spark
    )


# ------------------------------------------------------------------ a missing dependency


def test_without_java_the_spark_engine_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spark_engine.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    ds = test_eval.dataset(test_eval.TOUR_EVENTS, "2026-03-11T00:00Z")
    with pytest.raises(EngineUnavailable, match="needs Java") as caught:
        evaluate(test_eval.model(m.Metric(test_eval.XFER_OT)), ds, engine="spark")
    assert any("JAVA_HOME" in hint for hint in caught.value.hints)


def test_the_cli_reports_a_missing_java_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from imx.cli import main

    monkeypatch.setattr(spark_engine.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    generate(1, 3, tmp_path, "parquet")
    code = main(["run", str(STDLIB), "--data", str(tmp_path), "--engine", "spark", "--no-color"])
    err = capsys.readouterr().err
    assert code == 2
    assert "needs Java" in err and "Traceback" not in err
