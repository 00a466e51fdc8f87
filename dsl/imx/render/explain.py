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
from imx.spec_text import const_text as const_text  # their text has one owner, spec_text
from imx.spec_text import expr_text as expr_text
from imx.spec_text import number_text as number_text
from imx.spec_text import selector_text as selector_text


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


def explain_rows(metric: m.ResolvedMetric) -> list[tuple[str, str]]:
    """The fields of a resolved metric and their values as written, in the order explain prints
    them (an editor's hover shows the same)."""
    return _rows(metric)


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
    if metric.version is not None:  # rule 27
        rows.insert(0, ("version", version_text(metric)))
    if metric.series is not None:  # rule 18
        rows.append(
            ("series", f"{metric.series}: evaluated at each {metric.series} end as the cut")
        )
    return [(k, v or "—") for k, v in rows]


def version_text(metric: m.ResolvedMetric) -> str:
    """``2026.1, supersedes 2014`` with the status when there is one (``2014, retired``)."""
    parts = [metric.version or "—"]
    if metric.supersedes is not None:
        parts.append(f"supersedes {metric.supersedes}")
    if metric.status is not None:
        parts.append(metric.status)
    return ", ".join(parts)


def render_explain(metric: m.Metric, variant: str | None, console: Console) -> None:
    """Print the resolved metric and, for each field, which layer (base or variant) set it."""
    resolved = metric.base
    if variant is not None:
        chosen = next(v for v in metric.variants if v.name == variant)
        resolved = chosen.resolved
        selector = selector_text(chosen)
        console.print(
            Text.assemble(
                as_text(metric.key, "bold"),
                " under variant ",
                as_text(variant, "bold"),
                as_text(f" (for {selector})"),
            )
        )
        if chosen.rationale:
            console.print(Text.assemble("rationale: ", as_text(chosen.rationale)))
    else:
        console.print(
            Text.assemble(as_text(metric.key, "bold"), " ", as_text(resolved.title or ""))
        )
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
