"""The checker's driver: a loaded project in → a complete model.Model (diagnostics to the sink)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from imx import messages as M
from imx import model as m
from imx.checker.context import Ctx, Decl
from imx.checker.examples import check_example, metric_facts
from imx.checker.fields import BASE, gather
from imx.checker.metrics import Resolver, base_params, check_required
from imx.checker.names import Symbols, collect, unknown
from imx.checker.schema import EVENTS, SchemaInfo, check_schema
from imx.checker.sets import check_csf, check_metricset
from imx.checker.types import Env
from imx.checker.units import check_unit_attributes
from imx.checker.variants import BaseInfo, Checked, check_overlaps, check_variant
from imx.project import Project
from imx.syntax import ast as A

COMPANION_CATEGORIES = ("cycle_time", "timeliness")


def build_model(project: Project, ctx: Ctx) -> m.Model:
    """Check every declaration of the project and assemble the model."""
    for module in project.modules:
        source = project.sources.get(module.path)
        if source is None or "\\" in source.text:  # only an escape can make a lone surrogate
            _check_strings(module, ctx)
    symbols = collect(project.modules, ctx)
    info = check_unit_attributes(symbols, check_schema(symbols, ctx), ctx)
    _need_events_table(symbols, ctx)
    resolver = Resolver(ctx, info, list(symbols.metrics), project.sources)
    bases: dict[str, BaseInfo] = {}
    resolved: dict[str, m.ResolvedMetric] = {}
    for metric_id, decl in symbols.metrics.items():
        bases[metric_id], resolved[metric_id] = _check_metric(decl, resolver, info)
    variants = _check_variants(
        symbols, bases, Resolver(ctx, info, list(symbols.metrics), project.sources, muted=BASE)
    )
    metrics = tuple(
        m.Metric(
            r,
            tuple(v.variant for v in variants if v.variant.base == metric_id),
            m.Origin(bases[metric_id].decl.file, bases[metric_id].decl.node.span),
        )
        for metric_id, r in resolved.items()
    )
    return m.Model(
        schema=info.schema,
        metrics=metrics,
        csfs=tuple(check_csf(d, symbols.metrics, ctx.at(d.file)) for d in symbols.csfs.values()),
        metricsets=tuple(
            check_metricset(d, symbols.metrics, symbols.csfs, ctx.at(d.file))
            for d in symbols.metricsets.values()
        ),
        examples=_check_examples(symbols, metrics, info, ctx),
        files=project.files,
    )


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_strings(module: A.Module, ctx: Ctx) -> None:
    """A string escape can make a lone surrogate (``"\\ud800"``): no later stage could print it."""
    for node in _strings(module):
        found = _LONE_SURROGATE.search(node.value)
        if found:
            shown = f"\\u{ord(found.group()):04x}"
            ctx.at(module.path).report(
                M.LONE_SURROGATE.format(shown),
                node.span,
                hints=[
                    "write the character itself, or a `\\U0001F600`-style escape of the whole code point"
                ],
            )


def _strings(root: A.Node) -> Iterator[A.Str]:
    """Every string literal under ``root``, found without recursion (expressions can be deep)."""
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, A.Str):
            yield node
        elif isinstance(node, tuple | list):
            stack.extend(node)
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            stack.extend(getattr(node, f.name) for f in dataclasses.fields(node))


def _need_events_table(symbols: Symbols, ctx: Ctx) -> None:
    if EVENTS in symbols.tables:
        return
    where = [(d.file, d.node.name) for d in symbols.units.values()]
    where += [(d.file, d.node.name) for d in symbols.metrics.values()]
    if where:
        file, name = where[0]
        ctx.at(file).report(
            M.NO_EVENTS_TABLE,
            name.span,
            hints=["declare `table events { … }` or `import stdlib.schema`"],
        )


def _check_metric(
    decl: Decl[A.MetricDecl], resolver: Resolver, info: SchemaInfo
) -> tuple[BaseInfo, m.ResolvedMetric]:
    node = decl.node
    rep = resolver.ctx.at(decl.file)
    for f in node.fields:
        if isinstance(f, A.ModedClause):
            rep.report(
                M.MODE_OUTSIDE_VARIANT.format(f.mode.text),
                f.mode.span,
                hints=[f"drop `{f.mode.text}` in a metric"],
            )
    fields = gather(node.fields, BASE, rep, ("metric", node.name.text))
    check_required(fields, node.name, rep)
    params = base_params(fields, resolver.ctx)
    env = Env(info, params)
    title = node.title.value if node.title else None
    resolved = resolver.resolve(node.name.text, title, fields, env)
    for param in params.values():
        if param.name not in env.used:
            resolver.ctx.at(param.file).report(M.UNUSED_PARAM.format(param.name), param.span)
    if resolved.category in COMPANION_CATEGORIES and not resolved.companions:
        msg = M.MISSING_COMPANION.format(resolved.category.replace("_", "-"), node.name.text)
        rep.report(
            msg,
            node.name.span,
            hints=[
                "pair it with a quality metric so speed is not bought with errors: "
                "`companion QC-FPR`"
            ],
        )
    return BaseInfo(decl, fields, params), resolved


def _check_variants(
    symbols: Symbols, bases: dict[str, BaseInfo], resolver: Resolver
) -> list[Checked]:
    checked: list[Checked] = []
    seen: dict[tuple[str, str], Decl[A.VariantDecl]] = {}
    for decl in symbols.variants:
        node = decl.node
        rep = resolver.ctx.at(decl.file)
        base = bases.get(node.base.text)
        if base is None:
            unknown(rep, M.UNKNOWN_METRIC, "metric", node.base, bases)
            continue
        first = seen.setdefault((node.base.text, node.name.text), decl)
        if first is not decl:
            label = resolver.ctx.at(first.file).label(first.node.name.span, M.FIRST_DEFINED_HERE)
            msg = M.DUPLICATE_DEFINITION.format("variant", node.name.text).with_additional(
                f" for `{node.base.text}`"
            )
            rep.report(msg, node.name.span, labels=[label])
            continue
        checked.append(check_variant(decl, base, resolver))
    check_overlaps(checked, resolver)
    return checked


def _check_examples(
    symbols: Symbols, metrics: tuple[m.Metric, ...], info: SchemaInfo, ctx: Ctx
) -> tuple[m.Example, ...]:
    facts = {metric.id: metric_facts(metric) for metric in metrics}
    return tuple(check_example(d, facts, info, ctx.at(d.file)) for d in symbols.examples)
