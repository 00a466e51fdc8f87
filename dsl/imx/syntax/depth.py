"""How deeply expressions nest, and the one limit on it that every later stage can rely on.

The checker, the plan, sqlglot and the reference evaluator all recurse over an expression, one or
more Python frames per level. Measured stage by stage with Python's default recursion limit (1000)
from a shallow stack, the deepest expression each stage handled (nested `earliest(…)` under
`within` / a chain of `not` / a sum / mixed arithmetic): the parser past 1100 for all; the checker
197 / 327 / 490 / 490; the plan 327 / 490 / 490 / 490; building sqlglot trees about 485; writing
the SQL text 135 (DuckDB; 187 in the other dialects) / 156 / 159 / 147; the DuckDB engine, which
writes its own, 134 / 157 / 159 / 159; the reference evaluator 244 / 326 / 327 / 327
(``python -m bench.expression_depth`` measures them again). A file whose expressions nest deeper
than :data:`MAX_EXPRESSION_DEPTH` is refused when it is parsed, at the expression, so no later
stage ever meets one; 64 is under half the lowest figure (134), leaving the rest to the caller's
stack, and more than ten times the deepest expression of the standard library (5). `and` / `or`
chains are one level however many operands they join (every stage handles them flat).

>>> from imx.syntax.parser import parse
>>> module = parse("metric A {\\n    value 1 + 2 * - 3\\n}\\n").module
>>> expression_depth(module.items[0].fields[0].amount)
4
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from typing import Any

from imx import messages as M
from imx.diagnostics import DiagnosticSink
from imx.syntax import ast as A

MAX_EXPRESSION_DEPTH = 64

# The subexpressions of each kind of expression that has any; every other expression is a leaf.
_SUBEXPRESSIONS: dict[type[Any], Callable[[Any], tuple[Any, ...]]] = {
    A.Not: lambda e: (e.operand,),
    A.Negate: lambda e: (e.operand,),
    A.Arith: lambda e: (e.left, e.right),
    A.Compare: lambda e: (e.left, e.right),
    A.BoolOp: lambda e: e.operands,
    A.Within: lambda e: (e.target, e.window, e.anchor),
    A.Call: lambda e: e.args,
    # an event filter is an expression under its fact (its own leaves are flat comparisons)
    A.EventFact: lambda e: (e.filter,) if e.filter is not None else (),
    A.FilteredName: lambda e: (e.filter,),
    A.AttributeOf: lambda e: (e.fact,),
    A.CountDistinct: lambda e: (e.filter,) if e.filter is not None else (),
}
_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def expression_depth(expr: A.Node) -> int:
    """The levels from ``expr`` down to its deepest leaf (a leaf alone is 1), without recursion."""
    deepest, stack = 0, [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = _SUBEXPRESSIONS.get(type(node))
        if children is not None:
            stack.extend((child, depth + 1) for child in children(node))
    return deepest


def _roots(item: A.Node) -> Iterator[A.Node]:
    """The outermost compound expressions inside ``item``, in no particular order."""
    stack: list[Any] = [item]
    while stack:
        node = stack.pop()
        if type(node) in _SUBEXPRESSIONS:
            yield node
            continue
        names = _FIELDS.get(type(node))
        if names is None:
            names = _FIELDS[type(node)] = tuple(f.name for f in fields(node) if f.name != "span")
        for name in names:
            value = getattr(node, name)
            if isinstance(value, A.Node):
                stack.append(value)
            elif isinstance(value, tuple):
                stack.extend(v for v in value if isinstance(v, A.Node))


def shallow_items(items: list[A.Item], path: str, sink: DiagnosticSink) -> list[A.Item]:
    """``items`` without those holding an expression deeper than the limit, each one reported."""
    kept = []
    for item in items:
        too_deep = [
            (depth, root)
            for root in _roots(item)
            if (depth := expression_depth(root)) > MAX_EXPRESSION_DEPTH
        ]
        for depth, root in too_deep:
            message = M.EXPRESSION_TOO_DEEP.format(depth, MAX_EXPRESSION_DEPTH)
            sink.report(message, path, root.span, hints=[M.EXPRESSION_TOO_DEEP_HINT])
        if not too_deep:
            kept.append(item)
    return kept
