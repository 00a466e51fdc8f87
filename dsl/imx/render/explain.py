"""Render a resolved metric (base or variant) as a table of fields, values and the layer that set them.

Spec texts (titles, questions, reasons, rationales, selector values) are printed as text, never as
Rich markup, with their control characters made visible (:func:`imx.render.text.as_text`).
"""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from imx import model as m
from imx.render.text import as_text

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


def expr_text(expr: m.Expr, outer: int = 0) -> str:
    """imx-like text for a model expression, parenthesised by precedence."""
    if isinstance(expr, m.Const | m.DurationConst):
        return const_text(expr)
    if isinstance(expr, m.Fact):
        return f"{expr.kind} {expr.event}"
    if isinstance(expr, m.FirstOf):
        return f"first_of({', '.join(expr.events)})"
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


def measure_text(measure: m.Measure) -> str:
    """The measure line of a metric as it would be written."""
    if isinstance(measure, m.RateMeasure):
        return f"rate {expr_text(measure.condition)}"
    if isinstance(measure, m.RatioMeasure):
        return f"ratio {expr_text(measure.amount)} per {number_text(measure.scale)} units"
    if isinstance(measure, m.DurationMeasure):
        return (
            f"duration from {expr_text(measure.start)} to {expr_text(measure.end)} "
            f"in {measure.unit.value}"
        )
    if isinstance(measure, m.CountMeasure):
        return f"count {expr_text(measure.amount)}"
    return f"value {expr_text(measure.amount)}"


def value_text(value: Decimal, unit: m.ValueUnit) -> str:
    """A bound or target as written: ``95%`` for a rate, ``2`` for a duration or number."""
    if unit is m.ValueUnit.PERCENT:
        return number_text(value * 100) + "%"
    return number_text(value)


def band_text(band: m.BandDef, unit: m.ValueUnit = m.ValueUnit.NUMBER) -> str:
    if band.low is not None and band.high is not None:
        return f"{band.name} {value_text(band.low, unit)} .. {value_text(band.high, unit)}"
    if band.op is not None and band.bound is not None:
        return f"{band.name} {band.op} {value_text(band.bound, unit)}"
    return band.name


def bands_text(bands: m.Bands | None, unit: m.ValueUnit = m.ValueUnit.NUMBER) -> str:
    if bands is None:
        return "—"
    inner = ", ".join(band_text(b, unit) for b in bands.bands)
    return f"{bands.direction.value} {{ {inner} }}"


def _rows(metric: m.ResolvedMetric) -> list[tuple[str, str]]:
    target = metric.target
    rows = [
        ("category", metric.category),
        ("question", metric.question or "—"),
        ("per", f"{metric.unit.name} ({', '.join(metric.unit.keys)})"),
        ("where", " and ".join(expr_text(w, 2) for w in metric.where) or "all units"),
        ("exclude", "; ".join(f"{expr_text(e.condition)} ({e.reason})" for e in metric.excludes)),
        ("measure", measure_text(metric.measure)),
        ("summary", ", ".join(metric.summary) or "—"),
        ("unit", metric.value_unit.value),
        ("param", ", ".join(f"{k} = {const_text(v)}" for k, v in metric.params) or "—"),
        (
            "target",
            f"{target.stat or 'value'} {target.op} {value_text(target.value, metric.value_unit)}"
            if target
            else "—",
        ),
        ("bands", bands_text(metric.bands, metric.value_unit)),
        ("min_n", str(metric.min_n)),
        ("levels", ", ".join(level.label for level in metric.levels)),
        ("companion", ", ".join(metric.companions) or "—"),
    ]
    return [(k, v or "—") for k, v in rows]


def render_explain(metric: m.Metric, variant: str | None, console: Console) -> None:
    """Print the resolved metric and, for each field, which layer (base or variant) set it."""
    resolved = metric.base
    if variant is not None:
        chosen = next(v for v in metric.variants if v.name == variant)
        resolved = chosen.resolved
        selector = selector_text(chosen)
        console.print(
            Text.assemble(
                as_text(metric.id, "bold"),
                " under variant ",
                as_text(variant, "bold"),
                as_text(f" (for {selector})"),
            )
        )
        if chosen.rationale:
            console.print(Text.assemble("rationale: ", as_text(chosen.rationale)))
    else:
        console.print(Text.assemble(as_text(metric.id, "bold"), " ", as_text(resolved.title or "")))
    layers = dict(resolved.provenance)
    param_layers = sorted({v for k, v in resolved.provenance if k.startswith("params.")} - {"base"})
    if param_layers:
        layers["param"] = ", ".join(param_layers)
    table = Table(show_header=True, header_style="bold")
    table.add_column("field")
    table.add_column("value", overflow="fold")
    table.add_column("set by")
    for field, value in _rows(resolved):
        table.add_row(field, as_text(value), as_text(layers.get(field, "base")))
    console.print(table)
    if metric.variants and variant is None:
        names = ", ".join(v.name for v in metric.variants)
        console.print(as_text(f"variants: {names} (see `imx explain {metric.id} --variant NAME`)"))
