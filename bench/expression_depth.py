"""How deep an expression each stage handles, to check the margin of imx's MAX_EXPRESSION_DEPTH.

Run ``python -m bench.expression_depth [SHAPE …]`` (a few minutes per shape). The limit is lifted;
each stage in turn runs under Python's default recursion limit (1000) while the others run under a
large one, in a thread with a large stack, and the deepest expression that stage handles is found by
bisection. The figures in ``imx/syntax/depth.py`` and ``docs/diagnostics.md`` come from this.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import imx
from imx.checker import check_paths
from imx.dialects import DIALECTS
from imx.model import Model
from imx.plan.build import build_plan
from imx.plan.nodes import Plan
from imx.sql import compile_plan, render
from imx.syntax import depth
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
EVENTS = "study,site,subject,timepoint,event,at\nS1,A,1,T1,a,2026-01-01T00:00Z\n"


def _rate(condition: str) -> str:
    return (
        f'metric Q-1 "q" {{\n    category quality\n    question "q?"\n    per timepoint\n'
        f"    where has a\n    rate {condition}\n    bands higher_is_better {{ green >= 90%, red }}\n}}\n"
    )


def _value(amount: str) -> str:
    return (
        f'metric Q-1 "q" {{\n    category efficiency\n    question "q?"\n    per timepoint\n'
        f"    value {amount}\n    summary median\n}}\n"
    )


def _nested(depth_: int, wrap: Callable[[str, int], str], leaf: str) -> str:
    e = leaf
    for i in range(depth_):
        e = wrap(e, i)
    return e


_MIXED = ("-({})", "({}) * 2", "1 - ({})", "({}) / 3")
SHAPES: dict[str, Callable[[int], str]] = {  # each: depth -> a metric that deep
    "earliest": lambda d: _rate(
        "first b within 3 days of "
        + _nested(d - 2, lambda e, i: f"earliest(first a, {e})", "first a")
    ),
    "not": lambda d: _rate("not " * (d - 1) + "has b"),
    "minus": lambda d: _value("- " * (d - 1) + "count b"),
    "sum": lambda d: _value(" + ".join(["count b"] * d)),
    "mixed": lambda d: _value(_nested(d - 1, lambda e, i: _MIXED[i % 4].format(e), "count b")),
}
STAGES = ("parse", "check", "plan", "tree", *(f"sql:{d}" for d in DIALECTS), "duckdb", "reference")
_LARGE = 200_000


def _run(measured: str, name: str, work: Callable[[], object]) -> object:
    """Run one stage: under the default recursion limit if it is the one measured."""
    sys.setrecursionlimit(1000 if name == measured else _LARGE)
    try:
        return work()
    finally:
        sys.setrecursionlimit(_LARGE)


def _passes(shape: str, deep: int, measured: str, folder: Path) -> bool:
    """Whether every stage up to ``measured`` handles an expression ``deep`` levels deep."""
    path = folder / "deep.imx"
    text = SCHEMA + SHAPES[shape](deep)
    path.write_text(text, encoding="utf-8")
    try:
        _run(measured, "parse", lambda: parse(text, str(path)))
        model = _run(measured, "check", lambda: check_paths([path]).model)
        if not isinstance(model, Model) or measured in ("parse", "check"):
            return model is not None
        plan = _run(measured, "plan", lambda: build_plan(model, ("Q-1",)))
        assert isinstance(plan, Plan)
        for dialect in DIALECTS:
            trees = _run(measured, "tree", partial(compile_plan, plan, dialect))
            assert isinstance(trees, list)
            _run(measured, f"sql:{dialect}", partial(render, trees[0], dialect, pretty=True))
        for engine in ("duckdb", "reference") if measured in ("duckdb", "reference") else ():
            _run(measured, engine, partial(imx.evaluate, model, folder, engine=engine))
    except Exception:  # RecursionError, or DuckDB's own limit on expression depth
        return False
    return True


def deepest(shape: str, stage: str, folder: Path, top: int = 1100) -> int:
    """The deepest expression of ``shape`` that ``stage`` handles (``top`` if it handles that)."""
    low, high = 2, top
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if _passes(shape, mid, stage, folder) else (low, mid - 1)
    return low


def main(shapes: list[str]) -> None:
    depth.MAX_EXPRESSION_DEPTH = 10**9
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "events.csv").write_text(EVENTS, encoding="utf-8")
        (folder / "studies.csv").write_text("study,therapeutic_area\nS1,x\n", encoding="utf-8")
        (folder / "sites.csv").write_text("study,site\nS1,A\n", encoding="utf-8")
        for shape in shapes:
            found = {stage: deepest(shape, stage, folder) for stage in STAGES}
            print(shape, " ".join(f"{k}={v}" for k, v in found.items()), flush=True)


if __name__ == "__main__":
    threading.stack_size(1 << 29)
    worker = threading.Thread(target=main, args=(sys.argv[1:] or list(SHAPES),))
    worker.start()
    worker.join()
