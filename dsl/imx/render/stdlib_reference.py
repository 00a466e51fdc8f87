"""The checked standard library in → one Markdown reference page of its metrics, variants and CSFs."""

from __future__ import annotations

from collections.abc import Iterable

from imx import model as m
from imx.render.explain import bands_text, measure_text, value_text
from imx.render.handbook.markup import cell, code, text
from imx.render.handbook.plain import definition

CATEGORIES = ("relationship", "quality", "efficiency", "timeliness", "cycle_time")


def _summary_table(metrics: Iterable[m.Metric]) -> list[str]:
    lines = ["| metric | title | per | value in | bands |", "|---|---|---|---|---|"]
    for metric in metrics:
        base = metric.base
        lines.append(
            f"| [{cell(base.id)}](#{base.id.lower()}) | {cell(base.title or '')} "
            f"| {cell(base.unit.name)} | {cell(base.value_unit.value)} "
            f"| {cell(bands_text(base.bands, base.value_unit))} |"
        )
    return lines


def _metric_section(metric: m.Metric) -> list[str]:
    base = metric.base
    lines = [f"### {text(base.id)}", "", f"**{text(base.title or base.id)}**"]
    if base.question:
        lines += ["", f"*{text(base.question)}*"]
    lines += [""]
    lines += [f"- **{label}.** {sentence}" for label, sentence in definition(base)]
    lines.append(f"- **Measure.** {code(measure_text(base.measure))}")
    if base.target is not None:
        stat = base.target.stat or "value"
        goal = f"{stat} {base.target.op} {value_text(base.target.value, base.value_unit)}"
        lines.append(f"- **Target.** {code(goal)}")
    if base.companions:
        lines.append("- **Companion.** " + ", ".join(code(c) for c in base.companions))
    for variant in metric.variants:
        selector = " and ".join(f"{t.column} in ({', '.join(t.values)})" for t in variant.selector)
        changed = ", ".join(variant.overrides) or "nothing"
        lines.append(
            f"- **Variant {text(variant.name)}** (for {cell(selector)}): overrides {cell(changed)}."
            + (f" {text(variant.rationale)}" if variant.rationale else "")
        )
    return [*lines, ""]


def _csf_section(model: m.Model) -> list[str]:
    lines = ["## Critical success factors", "", "| CSF | question | KPIs |", "|---|---|---|"]
    for csf in model.csfs:
        kpis = ", ".join(f"[{cell(k)}](#{k.lower()})" for k in csf.kpis)
        lines.append(f"| {cell(csf.title or csf.name)} | {cell(csf.question or '')} | {kpis} |")
    return [*lines, ""]


def reference_page(model: m.Model) -> str:
    """The page: counts, a table and a section per metric by category, then the CSFs.

    >>> from imx.model import Model, SchemaDef
    >>> print(reference_page(Model(SchemaDef("s", None, None, (), (), (), ()), ())).splitlines()[0])
    # Standard library reference
    """
    variants = sum(len(metric.variants) for metric in model.metrics)
    lines = [
        "# Standard library reference",
        "",
        f"`import stdlib` brings in {len(model.metrics)} metrics, {variants} therapeutic-area "
        f"variants and {len(model.csfs)} critical success factors. This page is generated from "
        "`stdlib_metrics/` when the docs are built; `imx docs build stdlib_metrics` renders the "
        "full handbook with figures, examples and SQL.",
        "",
    ]
    for category in CATEGORIES:
        chosen = [metric for metric in model.metrics if metric.base.category == category]
        if not chosen:
            continue
        lines += [f"## {category.replace('_', ' ').capitalize()}", "", *_summary_table(chosen), ""]
        for metric in chosen:
            lines += _metric_section(metric)
    lines += _csf_section(model)
    return "\n".join(lines)
