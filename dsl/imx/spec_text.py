"""Model expressions and constants → the imx text they are written as: one owner for that text.

``imx explain``, the handbook and the column names of unit rows (``imx units``) all print an
expression with :func:`expr_text`.
"""

from __future__ import annotations

from decimal import Decimal

from imx import model as m

_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "+": 5, "-": 5, "*": 6, "/": 6}


def number_text(value: Decimal) -> str:
    """A decimal without trailing zeros: ``Decimal('2.50')`` → ``2.5``."""
    text = format(value.normalize(), "f")
    return text


def const_text(const: m.Const | m.DurationConst) -> str:
    if isinstance(const, m.DurationConst):
        return f"{number_text(const.amount)} {const.unit.value}"
    if const.value is None:
        return "null"
    if isinstance(const.value, bool):
        return "true" if const.value else "false"
    if isinstance(const.value, Decimal):
        return number_text(const.value)
    if isinstance(const.value, str):
        return quoted(const.value)
    return const.value.isoformat()


def quoted(value: str) -> str:
    """A string as an imx literal: ``say "hi"`` → ``"say \\"hi\\""``."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def selector_text(variant: m.Variant) -> str:
    """``therapeutic_area = "oncology"`` or ``response_criteria in ("A", "B")``."""
    terms = []
    for term in variant.selector:
        values = ", ".join(quoted(v) for v in term.values)
        op = f"= {values}" if len(term.values) == 1 else f"in ({values})"
        terms.append(f"{term.column} {op}")
    return " and ".join(terms)


def _wrap(text: str, inner: int, outer: int) -> str:
    return f"({text})" if inner < outer else text


def _filter(cond: m.Expr | None) -> str:
    """``[COND]`` after an event name (rule 14), or nothing."""
    return "" if cond is None else f"[{expr_text(cond)}]"


def expr_text(expr: m.Expr, outer: int = 0) -> str:
    """imx-like text for a model expression, parenthesised by precedence."""
    if isinstance(expr, m.Const | m.DurationConst):
        return const_text(expr)
    if isinstance(expr, m.Fact):
        return f"{expr.kind} {expr.event}{_filter(expr.filter)}"
    if isinstance(expr, m.FirstOf):
        filters = expr.filters or (None,) * len(expr.events)
        members = (e + _filter(f) for e, f in zip(expr.events, filters, strict=True))
        return f"first_of({', '.join(members)})"
    if isinstance(expr, m.AttributeOf):
        return f"{expr.column} of {expr_text(expr.fact)}"
    if isinstance(expr, m.CountDistinct):
        return f"count distinct {expr.column} of {expr.event}{_filter(expr.filter)}"
    if isinstance(expr, m.RowAttr | m.UnitAttr):
        return expr.column if isinstance(expr, m.RowAttr) else expr.name
    if isinstance(expr, m.In):
        values = ", ".join(const_text(v) for v in expr.values)
        return _wrap(f"{expr_text(expr.operand, 5)} in ({values})", 4, outer)
    if isinstance(expr, m.EventConst):
        return expr.event
    if isinstance(expr, m.AsOf):
        return "as_of"
    if isinstance(expr, m.Attr):
        return expr.column
    if isinstance(expr, m.Extreme):
        return f"{expr.kind}({', '.join(expr_text(a) for a in expr.args)})"
    if isinstance(expr, m.Elapsed):
        return f"{expr.unit.value}({expr_text(expr.start)}, {expr_text(expr.end)})"
    if isinstance(expr, m.Not):
        return _wrap("not " + expr_text(expr.operand, 3), 3, outer)
    if isinstance(expr, m.BoolOp):
        level = _PRECEDENCE[expr.op]
        joined = f" {expr.op} ".join(expr_text(o, level + 1) for o in expr.operands)
        return _wrap(joined, level, outer)
    if isinstance(expr, m.Compare):
        text = f"{expr_text(expr.left, 5)} {expr.op} {expr_text(expr.right, 5)}"
        return _wrap(text, 4, outer)
    if isinstance(expr, m.Within):
        text = (
            f"{expr_text(expr.target, 5)} within {const_text(expr.window)} "
            f"of {expr_text(expr.anchor, 5)}"
        )
        return _wrap(text, 4, outer)
    if isinstance(expr, m.Arith):
        level = _PRECEDENCE[expr.op]
        text = f"{expr_text(expr.left, level)} {expr.op} {expr_text(expr.right, level + 1)}"
        return _wrap(text, level, outer)
    return "-" + expr_text(expr.operand, 7)
