"""The example runner: expectations against each engine, engines against each other, the diff.

The evaluator is replaced by a small fake that really computes a rate from the example's data
("timepoints with images_received among those with scan_acquired"), so a wrong expectation fails.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field, replace
from decimal import Decimal

from rich.console import Console

import imx
from imx._resources import stdlib_path
from imx.data import Dataset
from imx.examples import (
    ExampleOutcome,
    compare_expectations,
    portfolio_row,
    run_example,
    run_examples,
)
from imx.model import Example, Model
from imx.render.examples import render_example_outcomes
from imx.results import Results, RunOptions
from support_data import fake_results, result_row, sample_model

UTC = dt.UTC
EVENTS = (
    ("study", "site", "subject", "timepoint", "event", "at"),
    ("S1", "001", "1001", "BL", "scan_acquired", "2026-03-02T10:00Z"),
    ("S1", "001", "1001", "BL", "images_received", "2026-03-03T10:00Z"),
    ("S1", "001", "1002", "BL", "scan_acquired", "2026-03-02T10:00Z"),
    ("S1", "001", "1003", "BL", "scan_acquired", "2026-03-20T10:00Z"),  # after as_of
)


def example(*expect: tuple[str, Decimal | str], title: str = "half arrive") -> Example:
    return Example(
        title=title,
        metric="XFER-OT",
        as_of=dt.datetime(2026, 3, 11, tzinfo=UTC),
        variant=None,
        tables=(("events", EVENTS),),
        expect=tuple(expect),
    )


@dataclass
class FakeEvaluator:
    """Computes the rate from the dataset; ``skew`` adds to one engine's value."""

    skew: dict[str, float] = field(default_factory=dict)
    fail: set[str] = field(default_factory=set)
    calls: list[tuple[str, RunOptions]] = field(default_factory=list)

    def __call__(
        self, model: Model, dataset: Dataset, options: RunOptions, engine: str = "duckdb"
    ) -> Results:
        self.calls.append((engine, options))
        if engine in self.fail:
            raise RuntimeError("engine exploded")
        rows = dataset.tables["events"].to_pylist()
        units = {_unit(r) for r in rows}
        done = {_unit(r) for r in rows if r["event"] == "images_received"}
        value = len(done) / len(units) + self.skew.get(engine, 0.0)
        row = result_row(
            options.metrics[0] if options.metrics else "?",
            value=value,
            unit="percent",
            numerator=float(len(done)),
            denominator=len(units),
            pending=0,
            status="green" if value >= 0.5 else "red",
        )
        return fake_results([row], dataset.quality, dataset.as_of)


def _unit(row: dict[str, object]) -> tuple[object, ...]:
    return (row["study"], row["site"], row["subject"], row["timepoint"])


def test_a_correct_example_passes_on_both_engines() -> None:
    evaluate = FakeEvaluator()
    expect = (("value", Decimal("0.5")), ("numerator", Decimal(1)), ("n", Decimal(2)))
    outcome = run_example(sample_model(), example(*expect, ("status", "green")), evaluate)
    assert outcome.passed, outcome.differences
    assert outcome.differences == [] and outcome.engine_disagreements == []
    assert outcome.observed["reference"] == {
        "value": 0.5,
        "numerator": 1.0,
        "n": 2,
        "status": "green",
    }
    engine, options = evaluate.calls[0]
    assert [e for e, _ in evaluate.calls] == ["reference", "duckdb"]
    assert options == RunOptions(
        as_of=dt.datetime(2026, 3, 11, tzinfo=UTC),
        levels=("XFER-OT:portfolio",),
        metrics=("XFER-OT",),
    )


def test_a_wrong_expectation_fails_on_each_engine() -> None:
    outcome = run_example(sample_model(), example(("numerator", Decimal(2))), FakeEvaluator())
    assert not outcome.passed
    assert outcome.differences == [
        "[reference] numerator: expected 2, got 1.0",
        "[duckdb] numerator: expected 2, got 1.0",
    ]


def test_values_are_compared_within_1e_9() -> None:
    model = sample_model()
    close = FakeEvaluator(skew={"reference": 1e-12, "duckdb": 1e-12})
    assert run_example(model, example(("value", Decimal("0.5"))), close).passed
    far = FakeEvaluator(skew={"reference": 1e-6, "duckdb": 1e-6})
    outcome = run_example(model, example(("value", Decimal("0.5"))), far)
    assert outcome.differences[0].startswith("[reference] value: expected 0.5, got 0.500001")


def test_engines_that_disagree_fail_the_example() -> None:
    outcome = run_example(sample_model(), example(), FakeEvaluator(skew={"duckdb": 1e-6}))
    assert not outcome.passed
    assert outcome.differences == []
    assert outcome.engine_disagreements == [
        "XFER-OT base portfolio value: reference 0.5, duckdb 0.500001"
    ]


def test_an_engine_failure_is_reported_not_raised() -> None:
    outcome = run_example(sample_model(), example(), FakeEvaluator(fail={"duckdb"}))
    assert not outcome.passed
    assert outcome.errors == {"duckdb": "RuntimeError: engine exploded"}
    assert outcome.differences == ["[duckdb] failed: RuntimeError: engine exploded"]


def test_bad_example_data_is_a_failure() -> None:
    broken = Example(
        "t", "XFER-OT", None, None, (("events", (("study", "event"), ("S1", "x"))),), ()
    )
    outcome = run_example(sample_model(), broken, FakeEvaluator())
    assert not outcome.passed
    assert outcome.differences[0].startswith("example data: ")


def test_run_examples_covers_every_example() -> None:
    examples = (example(("value", Decimal("0.5"))), example(("value", Decimal("0.75"))))
    outcomes = run_examples(sample_model(examples), evaluate=FakeEvaluator())
    assert [o.passed for o in outcomes] == [True, False]


def test_portfolio_row_selection() -> None:
    rows = [
        result_row("XFER-OT", "site", study="S1", site="001", value=0.1),
        result_row("XFER-OT", period="2026-03", value=0.2),
        result_row("XFER-OT", value=0.3),
        result_row("XFER-CT", value=0.4),
    ]
    row, _ = portfolio_row(fake_results(rows), example())
    assert row is not None and row["value"] == 0.3
    row, problem = portfolio_row(fake_results(rows[:2] + rows[3:] + rows[1:2]), example())
    assert row is None and problem == "expected one portfolio row for XFER-OT, found 2"


def test_compare_expectations_kinds() -> None:
    row = {"value": None, "status": "no_data", "denominator": 0, "band": None, "pending": 3}
    expect = [
        ("value", "null"),
        ("status", "no_data"),
        ("n", Decimal(0)),
        ("band", "green"),
        ("pending", Decimal("2")),
        ("open", Decimal(0)),
    ]
    assert compare_expectations(expect, row) == [
        "band: expected 'green', got null",
        "pending: expected 2, got 3",
        "open: the results have no column `open`",
    ]


def test_render_shows_expected_and_got_per_engine() -> None:
    good = run_example(sample_model(), example(("value", Decimal("0.5"))), FakeEvaluator())
    bad = run_example(
        sample_model(),
        example(("value", Decimal("0.75")), ("numerator", Decimal(1)), title="three quarters"),
        FakeEvaluator(skew={"duckdb": 0.25}),
    )
    buffer = io.StringIO()
    render_example_outcomes([good, bad], Console(file=buffer, width=100, no_color=True))
    text = buffer.getvalue()
    assert "PASS  XFER-OT: half arrive" in text
    assert "FAIL  XFER-OT: three quarters" in text
    assert "key" in text and "expected" in text and "reference" in text and "duckdb" in text
    assert "0.75" in text and "0.5" in text
    assert "value: reference 0.5, duckdb 0.75" in text
    assert "2 example(s): 1 passed, 1 failed" in text
    assert isinstance(bad, ExampleOutcome)


# ------------------------------------------------------------------ with the real evaluators


def stdlib_examples(count: int) -> Model:
    model = imx.load([stdlib_path()])
    return replace(model, examples=model.examples[:count])


def test_stdlib_examples_pass_on_both_real_engines() -> None:
    model = stdlib_examples(3)
    outcomes = run_examples(model)
    assert len(outcomes) == 3
    assert [o.differences + o.engine_disagreements for o in outcomes] == [[], [], []]
    assert all(set(o.observed) == {"reference", "duckdb"} for o in outcomes)


def test_a_wrong_expectation_fails_on_both_real_engines() -> None:
    model = stdlib_examples(1)
    (first,) = model.examples
    key, value = next((k, v) for k, v in first.expect if k in ("denominator", "n"))
    assert isinstance(value, Decimal)
    wrong = replace(first, expect=((key, value + 1),))
    (outcome,) = run_examples(replace(model, examples=(wrong,)))
    assert not outcome.passed
    assert outcome.differences == [
        f"[reference] {key}: expected {value + 1}, got {value}",
        f"[duckdb] {key}: expected {value + 1}, got {value}",
    ]
