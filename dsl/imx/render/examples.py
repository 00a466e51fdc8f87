"""Outcomes of in-spec examples in → the terminal report of ``imx test``, every spec text as text."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from imx.examples import ExampleOutcome, meets, show
from imx.model import Example
from imx.render.text import as_text


def render_example_outcomes(outcomes: Sequence[ExampleOutcome], console: Console) -> None:
    """Print one line per example and, for each failure, expected vs got per key and engine."""
    for outcome in outcomes:
        mark = (
            Text("PASS", style="bold green") if outcome.passed else Text("FAIL", style="bold red")
        )
        title = as_text(f"  {outcome.example.metric}: {outcome.example.title}")
        console.print(Text.assemble(mark, title, as_text(_where(outcome.example))))
        if not outcome.passed:
            _render_failure(outcome, console)
    failed = sum(not o.passed for o in outcomes)
    summary = f"{len(outcomes)} example(s): {len(outcomes) - failed} passed, {failed} failed"
    console.print(Text(summary, style="bold red" if failed else "bold green"))


def _where(example: Example) -> str:
    origin = example.origin
    return f"  ({origin.file})" if origin is not None else ""


def _render_failure(outcome: ExampleOutcome, console: Console) -> None:
    engines = list(outcome.observed)
    if engines and outcome.example.expect:
        table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
        for name in ("key", "expected", *engines):
            table.add_column(name, overflow="fold")
        for key, expected in outcome.example.expect:
            cells = []
            for engine in engines:
                got = outcome.observed[engine].get(key)
                style = "" if meets(key, expected, got) else "bold red"
                cells.append(as_text(show(got), style))
            table.add_row(as_text(key), as_text(show(expected)), *cells)
        console.print(table)
    shown = [d for d in outcome.differences if not _is_key_difference(d, outcome)]
    for line in shown + outcome.engine_disagreements:
        console.print(as_text(f"    {line}", "red"))


def _is_key_difference(line: str, outcome: ExampleOutcome) -> bool:
    return any(
        line.startswith(f"[{engine}] {key}: expected")
        for engine in outcome.observed
        for key, _ in outcome.example.expect
    )
