"""Run a model's in-spec examples on both evaluators → outcomes with readable differences.

Each example's tables become a :class:`~imx.data.Dataset`; its metric is evaluated at portfolio
level, with the example's ``as_of``, by the reference evaluator and by DuckDB. Every ``expect`` key
is compared with the portfolio row of each engine (``value``, ``ci_low``, ``ci_high`` within 1e-9,
counts exactly, ``status``/``band`` as text; ``n`` is the denominator; percentages are fractions),
and the two engines' whole results are compared with each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from imx.data import Dataset, dataset_from_example
from imx.errors import DataError
from imx.model import Example, ExpectValue, Model
from imx.output import ordered
from imx.results import Results, RunOptions

Evaluator = Callable[..., Results]  # evaluate(model, dataset, options, engine=...) -> Results

ENGINES = ("reference", "duckdb")
TOLERANCE = 1e-9
VALUE_KEYS = frozenset({"value", "ci_low", "ci_high"})
COUNT_KEYS = frozenset({"numerator", "denominator", "excluded", "pending", "open"})
KEY_COLUMNS = {"n": "denominator"}
_SHOWN_DISAGREEMENTS = 20


@dataclass(frozen=True)
class ExampleOutcome:
    """How one example fared: ``differences`` from ``expect``, ``engine_disagreements`` between
    the evaluators; ``observed`` holds what each engine gave for each expected key."""

    example: Example
    passed: bool
    differences: list[str]
    engine_disagreements: list[str]
    observed: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)


def run_examples(
    model: Model, *, evaluate: Evaluator | None = None, engines: Sequence[str] = ENGINES
) -> list[ExampleOutcome]:
    """Evaluate every example of ``model`` on ``engines`` and compare."""
    chosen = evaluate or _default_evaluator()
    return [run_example(model, example, chosen, engines) for example in model.examples]


def run_example(
    model: Model, example: Example, evaluate: Evaluator, engines: Sequence[str] = ENGINES
) -> ExampleOutcome:
    """Evaluate one example on each engine and compare with its expectations and across engines."""
    try:
        dataset = dataset_from_example(model.schema, example)
    except DataError as error:
        return ExampleOutcome(example, False, [f"example data: {error}"], [])
    results, errors = _evaluate_all(model, example, dataset, evaluate, engines)
    differences: list[str] = [f"[{engine}] failed: {text}" for engine, text in errors.items()]
    observed: dict[str, dict[str, object]] = {}
    for engine, result in results.items():
        row, problem = portfolio_row(result, example)
        if row is None:
            differences.append(f"[{engine}] {problem}")
            continue
        observed[engine] = {key: row.get(KEY_COLUMNS.get(key, key)) for key, _ in example.expect}
        differences += [f"[{engine}] {d}" for d in compare_expectations(example.expect, row)]
    disagreements = _disagreements(results, engines)
    passed = not differences and not disagreements
    return ExampleOutcome(example, passed, differences, disagreements, observed, errors)


def _default_evaluator() -> Evaluator:
    from imx.evaluation import evaluate

    return evaluate


def _evaluate_all(
    model: Model, example: Example, dataset: Dataset, evaluate: Evaluator, engines: Sequence[str]
) -> tuple[dict[str, Results], dict[str, str]]:
    # the example judges the whole portfolio, a level the metric may not declare (ESC-RATE)
    options = RunOptions(
        as_of=dataset.as_of, levels=(f"{example.metric}:portfolio",), metrics=(example.metric,)
    )
    results: dict[str, Results] = {}
    errors: dict[str, str] = {}
    for engine in engines:
        try:
            results[engine] = evaluate(model, dataset, options, engine=engine)
        except Exception as error:  # an engine failure is an example failure, not a crash
            errors[engine] = f"{type(error).__name__}: {error}"
    return results, errors


def _disagreements(results: Mapping[str, Results], engines: Sequence[str]) -> list[str]:
    present = [e for e in engines if e in results]
    if len(present) < 2:
        return []
    first, *others = present
    found: list[str] = []
    for other in others:
        found += compare_results(results[first], results[other], (first, other))
    return found


# ---------------------------------------------------------------------------- comparison


def portfolio_row(results: Results, example: Example) -> tuple[dict[str, Any] | None, str]:
    """The one portfolio row of the example's metric, or ``None`` and why there is none."""
    rows = [
        r
        for r in results.table.to_pylist()
        if r.get("metric") == example.metric.partition("@")[0]  # `for XFER-OT@2014` (rule 27)
        and r.get("level") == "portfolio"
    ]
    if example.variant is not None and any(r.get("variant") == example.variant for r in rows):
        rows = [r for r in rows if r.get("variant") == example.variant]
    if len(rows) > 1:
        rows = [r for r in rows if r.get("period") is None] or rows
    if len(rows) == 1:
        return rows[0], ""
    return None, f"expected one portfolio row for {example.metric}, found {len(rows)}"


def compare_expectations(
    expect: Sequence[tuple[str, ExpectValue]], row: Mapping[str, object]
) -> list[str]:
    """One line per expectation that ``row`` does not meet.

    >>> compare_expectations([("numerator", Decimal(1))], {"numerator": 2})
    ['numerator: expected 1, got 2']
    """
    differences = []
    for key, expected in expect:
        column = KEY_COLUMNS.get(key, key)
        if column not in row:
            differences.append(f"{key}: the results have no column `{column}`")
            continue
        got = row[column]
        if not meets(key, expected, got):
            differences.append(f"{key}: expected {show(expected)}, got {show(got)}")
    return differences


def meets(key: str, expected: ExpectValue, got: object) -> bool:
    if isinstance(expected, str):
        if expected.lower() in ("null", "none"):
            return got is None
        return got is not None and _text(got) == expected
    number = _number(got)
    if number is None:
        return False
    if key in COUNT_KEYS or KEY_COLUMNS.get(key) in COUNT_KEYS:
        return number == expected
    return abs(float(number) - float(expected)) <= TOLERANCE


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def show(value: object) -> str:
    """A value in a difference line: numbers without noise, text quoted, null as ``null``."""
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    return _text(value)


def compare_results(left: Results, right: Results, names: tuple[str, str]) -> list[str]:
    """Where two engines' results differ (floats within 1e-9), at most twenty lines."""
    a, b = ordered(left.table).to_pylist(), ordered(right.table).to_pylist()
    found: list[str] = []
    if len(a) != len(b):
        found.append(f"{names[0]} gave {len(a)} result rows, {names[1]} gave {len(b)}")
    for row_a, row_b in zip(a, b, strict=False):
        for column in sorted(set(row_a) | set(row_b)):
            x, y = row_a.get(column), row_b.get(column)
            if not _same(x, y):
                where = _describe(row_a)
                found.append(f"{where} {column}: {names[0]} {show(x)}, {names[1]} {show(y)}")
    if sorted(map(repr, left.quality)) != sorted(map(repr, right.quality)):
        found.append(f"{names[0]} and {names[1]} report different data-quality findings")
    return found[:_SHOWN_DISAGREEMENTS]


def _same(x: object, y: object) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        if math.isnan(x) and math.isnan(y):
            return True
        return math.isclose(x, y, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return x == y


def _describe(row: Mapping[str, object]) -> str:
    keys = ("metric", "variant", "level", "study", "site", "group", "group2", "period")
    parts = [row.get(k) for k in keys]
    return " ".join(str(p) for p in parts if p is not None)


# ------------------------------------------------------------------------------ rendering
