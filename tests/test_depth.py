"""Deep expressions: one limit, a located `expression-too-deep` past it, and every stage fine up to it.

An expression as deep as the limit checks, compiles in every dialect, runs on DuckDB and on the
reference evaluator (the two agree); one level deeper is refused by `imx check`, `imx sql`,
`imx run` and `imx fmt` alike, at the expression, never as an internal error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import imx
from imx.cli import main
from imx.dialects import DIALECTS
from imx.results import RunOptions
from imx.syntax import ast as A
from imx.syntax import depth
from imx.syntax.depth import MAX_EXPRESSION_DEPTH, expression_depth
from imx.syntax.parser import parse

SCHEMA = """\
schema s
events {
    a "A"
    b "B"
}
table events {
    study text key
    site text key
    subject text key
    timepoint text key
    event event
    at timestamp
}
table studies {
    study text key
    therapeutic_area text
}
table sites {
    study text key
    site text key
}
unit timepoint = study, site, subject, timepoint

"""

EVENTS = """\
study,site,subject,timepoint,event,at
S1,A,1,T1,a,2026-01-01T00:00:00Z
S1,A,1,T1,b,2026-01-02T00:00:00Z
S1,A,2,T1,a,2026-01-01T00:00:00Z
S1,A,3,T1,a,2026-01-03T00:00:00Z
S1,A,3,T1,b,2026-01-09T00:00:00Z
"""


def _rate(condition: str) -> str:
    return (
        'metric Q-1 "q" {\n    category quality\n    question "q?"\n    per timepoint\n'
        f"    where has a\n    rate {condition}\n"
        "    bands higher_is_better { green >= 90%, red }\n}\n"
    )


def _value(amount: str) -> str:
    return (
        'metric Q-1 "q" {\n    category efficiency\n    question "q?"\n    per timepoint\n'
        f"    value {amount}\n    summary median\n}}\n"
    )


def _mixed(depth: int) -> str:
    e = "count b"
    for i in range(depth - 1):
        e = [f"-({e})", f"({e}) * 2", f"1 - ({e})", f"({e}) / 3"][i % 4]
    return _value(e)


def _earliest(depth: int) -> str:
    e = "first a"
    for _ in range(depth - 2):
        e = f"earliest(first a, {e})"
    return _rate(f"first b within 3 days of {e}")


# Each shape gives a metric whose deepest expression is exactly ``depth`` levels deep.
SHAPES: dict[str, Callable[[int], str]] = {
    "sum": lambda d: _value(" + ".join(["count b"] * d)),
    "not": lambda d: _rate("not " * (d - 1) + "has b"),
    "minus": lambda d: _value("- " * (d - 1) + "count b"),
    "mixed": _mixed,
    "earliest-within": _earliest,
}


def _write(tmp_path: Path, spec: str) -> Path:
    path = tmp_path / "deep.imx"
    path.write_text(SCHEMA + spec, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "events.csv").write_text(EVENTS, encoding="utf-8")
    (data / "studies.csv").write_text("study,therapeutic_area\nS1,onc\n", encoding="utf-8")
    (data / "sites.csv").write_text("study,site\nS1,A\n", encoding="utf-8")
    return path


def _deepest(spec: str) -> int:
    module = parse(SCHEMA + spec).module
    assert module is not None
    metric = module.items[-1]
    assert isinstance(metric, A.MetricDecl)
    roots = [getattr(f, n) for f in metric.fields for n in ("condition", "amount") if hasattr(f, n)]
    return max(expression_depth(r) for r in roots)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_shapes_are_as_deep_as_they_say(shape: str) -> None:
    assert _deepest(SHAPES[shape](5)) == 5
    assert _deepest(SHAPES[shape](MAX_EXPRESSION_DEPTH)) == MAX_EXPRESSION_DEPTH


@pytest.mark.parametrize("shape", list(SHAPES))
def test_an_expression_at_the_limit_passes_every_stage(
    tmp_path: Path, shape: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, SHAPES[shape](MAX_EXPRESSION_DEPTH))
    assert main(["check", str(path), "--no-color"]) == 0
    for dialect in DIALECTS:
        assert main(["sql", "Q-1", str(path), "--dialect", dialect, "--no-color"]) == 0, dialect
    assert main(["run", str(path), "--data", str(tmp_path / "data"), "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "Q-1" in out and "internal error" not in out
    on_duckdb = imx.evaluate([path], tmp_path / "data", engine="duckdb").table
    on_reference = imx.evaluate([path], tmp_path / "data", engine="reference").table
    assert on_duckdb.column_names == on_reference.column_names
    assert on_duckdb.column("value").to_pylist() == pytest.approx(
        on_reference.column("value").to_pylist(), nan_ok=True
    )


@pytest.mark.parametrize("shape", list(SHAPES))
def test_one_level_past_the_limit_is_a_located_error_for_every_command(
    tmp_path: Path, shape: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = SHAPES[shape](MAX_EXPRESSION_DEPTH + 1)
    path = _write(tmp_path, spec)
    line = (
        SCHEMA.count("\n")
        + 1
        + spec.split("\n").index(
            next(ln for ln in spec.split("\n") if ln.startswith(("    rate", "    value")))
        )
    )
    commands = [
        ["check", str(path)],
        ["sql", "Q-1", str(path)],
        ["run", str(path), "--data", str(tmp_path / "data")],
    ]
    for command in commands:
        assert main([*command, "--no-color"]) == 1, command
        out = capsys.readouterr()
        text = out.out + out.err
        assert "error[expression-too-deep]" in text, command
        assert f"{MAX_EXPRESSION_DEPTH + 1} levels deep" in text
        assert f"deep.imx:{line}:" in text
        assert "internal" not in text
    before = path.read_text(encoding="utf-8")
    assert main(["fmt", str(path), "--no-color"]) == 1
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("shape", "depth"), [("not", 201), ("minus", 501), ("sum", 500), ("sum", 180), ("not", 20_001)]
)
def test_the_reported_deep_expressions_are_refused_at_their_place(shape: str, depth: int) -> None:
    result = parse(SCHEMA + SHAPES[shape](depth), "schema.imx")
    assert [d.code for d in result.diagnostics] == ["expression-too-deep"]
    diag = result.diagnostics[0]
    assert f"nests {depth} levels deep" in diag.message
    assert result.source.position(diag.span.start).line > SCHEMA.count("\n")
    assert result.module is not None and len(result.module.items) == 6  # the metric is left out


def test_long_and_or_chains_are_one_level_and_run(tmp_path: Path) -> None:
    terms = " and ".join(["has b"] * 1000) + " or " + " or ".join(["has a"] * 1000)
    path = _write(tmp_path, _rate(terms))
    assert _deepest(_rate(terms)) <= 3
    assert main(["check", str(path), "--no-color"]) == 0
    for dialect in DIALECTS:
        assert main(["sql", "Q-1", str(path), "--dialect", dialect, "--no-color"]) == 0, dialect
    assert main(["run", str(path), "--data", str(tmp_path / "data"), "--no-color"]) == 0
    reference = imx.evaluate([path], tmp_path / "data", engine="reference").table
    assert reference.num_rows > 0


def test_fmt_keeps_an_expression_at_the_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, SHAPES["mixed"](MAX_EXPRESSION_DEPTH).replace("value ", "value  "))
    assert main(["fmt", str(path), "--no-color"]) == 0
    assert main(["fmt", "--check", str(path), "--no-color"]) == 0
    assert main(["check", str(path), "--no-color"]) == 0


def test_the_docs_state_the_one_limit() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "diagnostics.md").read_text("utf-8")
    assert f"more than {MAX_EXPRESSION_DEPTH} levels deep" in text
    assert (
        f"at most {MAX_EXPRESSION_DEPTH} levels deep (`imx.syntax.depth.MAX_EXPRESSION_DEPTH`)"
        in text
    )


MARGIN = MAX_EXPRESSION_DEPTH * 3 // 2


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_stage_still_handles_half_again_the_limit(
    tmp_path: Path, shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit keeps a margin: with it lifted, every stage copes with 1.5 times its depth.

    If a new sqlglot (or a new recursive stage) handles less, this fails before users meet it.
    """
    monkeypatch.setattr(depth, "MAX_EXPRESSION_DEPTH", 10**6)
    path = _write(tmp_path, SHAPES[shape](MARGIN))
    model = imx.load([path])
    for dialect in DIALECTS:
        assert "SELECT" in imx.compile_sql(model, "Q-1", dialect).upper()
    for engine in ("duckdb", "reference"):
        assert imx.evaluate(model, tmp_path / "data", engine=engine).table.num_rows > 0


@pytest.mark.spark
@pytest.mark.parametrize("shape", list(SHAPES))
def test_an_expression_at_the_limit_runs_on_spark(
    tmp_path: Path, shape: str, spark_settings: Any
) -> None:
    """The one limit holds on Spark too: its SQL at the limit parses, plans and runs there."""
    from imx.data import discover_sources, load_dataset
    from imx.evaluation import evaluate

    path = _write(tmp_path, SHAPES[shape](MAX_EXPRESSION_DEPTH))
    model = imx.load([path])
    data = load_dataset(model.schema, discover_sources(tmp_path / "data", model.schema))
    options = RunOptions()
    on_spark = evaluate(model, data, options, engine="spark", settings=spark_settings).table
    on_reference = evaluate(model, data, options, engine="reference").table
    assert on_spark.column("value").to_pylist() == pytest.approx(
        on_reference.column("value").to_pylist(), nan_ok=True
    )
