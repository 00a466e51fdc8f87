"""The checker's driver: a loaded project in → a complete model.Model (diagnostics to the sink)."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator

from imx import messages as M
from imx import model as m
from imx.checker.context import Ctx, Decl
from imx.checker.examples import check_example, metric_facts
from imx.checker.fields import BASE, gather
from imx.checker.memo import Memo, Moves, Read, read
from imx.checker.metrics import Resolver, base_params, check_required
from imx.checker.names import Symbols, collect
from imx.checker.schema import EVENTS, SchemaInfo, check_schema
from imx.checker.sets import check_csf, check_metricset
from imx.checker.types import Env
from imx.checker.units import check_unit_attributes
from imx.checker.variants import BaseInfo, Checked, check_overlaps, check_variant
from imx.checker.versions import check_versions
from imx.project import Project
from imx.syntax import ast as A

COMPANION_CATEGORIES = ("cycle_time", "timeliness")
SCHEMA_ITEMS = (A.Schema, A.EventsDecl, A.TableDecl, A.UnitDecl, A.CalendarDecl)


def build_model(project: Project, ctx: Ctx, memo: Memo | None = None) -> m.Model:
    """Check every declaration of the project and assemble the model.

    Each step (the schema, a metric, a variant, an example) runs through ``memo``, which reuses
    the steps whose declarations and dependencies are unchanged since its last check (an
    editor's); without one every step runs.
    """
    memo = memo if memo is not None else Memo()
    memo.begin()
    _check_all_strings(project, ctx)
    symbols = collect(project.modules, ctx)
    reading = _Reader(project)
    info = _schema_step(project, symbols, ctx, memo, reading)
    _need_events_table(symbols, ctx)
    versions = check_versions(symbols.metrics, ctx)  # by version key: `XFER-OT@2014` (rule 27)
    ids = versions.signature()  # what `companion` names are resolved against
    resolver = Resolver(ctx, info, versions, project.sources)
    bases: dict[str, BaseInfo] = {}
    resolved: dict[str, m.ResolvedMetric] = {}
    for metric_id, decl in symbols.metrics.items():
        bases[metric_id], resolved[metric_id] = memo.step(
            ctx,
            f"metric {metric_id}",
            [reading(decl.file, decl.node)],
            (info, ctx.unparsed, ids if _names_metrics(decl.node) else ()),
            functools.partial(_check_metric, decl, resolver, info),
            functools.partial(_moved_metric, decl, ctx),
        )
    variants = _check_variants(
        symbols,
        bases,
        Resolver(ctx, info, versions, project.sources, muted=BASE),
        functools.partial(_variant_step, memo, reading, ids),
    )
    metrics = {
        metric_id: m.Metric(
            r,
            tuple(v.variant for v in variants if v.variant.base == metric_id),
            m.Origin(bases[metric_id].decl.file, bases[metric_id].decl.node.span),
        )
        for metric_id, r in resolved.items()
    }
    current = tuple(metrics[k] for k in versions.current.values() if k is not None)
    return m.Model(
        schema=info.schema,
        metrics=current,  # each id's current version (rule 27); the others below
        csfs=tuple(check_csf(d, versions, ctx.at(d.file)) for d in symbols.csfs.values()),
        metricsets=tuple(
            check_metricset(d, versions, symbols.csfs, ctx.at(d.file))
            for d in symbols.metricsets.values()
        ),
        examples=_check_examples(
            symbols, tuple(metrics.values()), current, info, ctx, memo, reading
        ),
        files=project.files,
        other_versions=tuple(
            metrics[k] for k in versions.keys() if k not in versions.current.values()
        ),
    )


def _schema_step(
    project: Project, symbols: Symbols, ctx: Ctx, memo: Memo, reading: _Reader
) -> SchemaInfo:
    """The schema checked: it reads every event, table, unit, calendar and schema declaration."""
    return memo.step(
        ctx,
        "schema",
        [
            reading(module.path, item)
            for module in project.modules
            for item in module.items
            if isinstance(item, SCHEMA_ITEMS)
        ],
        (ctx.unparsed,),
        lambda: check_unit_attributes(symbols, check_schema(symbols, ctx), ctx),
    )


@dataclasses.dataclass
class _Reader:
    """What a step reads of a declaration: its tree and its text in its file."""

    project: Project

    def __call__(self, file: str, node: A.Node) -> Read:
        source = self.project.sources.get(file)
        return read(file, node, source.text if source is not None else None)


def _names_metrics(*nodes: A.MetricDecl | A.VariantDecl) -> bool:
    """Whether a declaration names other metrics (``companion``): it reads the metric ids."""
    for node in nodes:  # a loop, not any(): every check asks it of every metric and variant
        for f in node.fields:
            if isinstance(f.clause if isinstance(f, A.ModedClause) else f, A.CompanionClause):
                return True
    return False


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_all_strings(project: Project, ctx: Ctx) -> None:
    for module in project.modules:
        source = project.sources.get(module.path)
        if source is None or "\\" in source.text:  # only an escape can make a lone surrogate
            _check_strings(module, ctx)


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


def _base_info(decl: Decl[A.MetricDecl], ctx: Ctx) -> BaseInfo:
    """A metric's fields grouped and its params read: what its variants build on."""
    node = decl.node
    rep = ctx.at(decl.file)
    for f in node.fields:
        if isinstance(f, A.ModedClause):
            rep.report(
                M.MODE_OUTSIDE_VARIANT.format(f.mode.text),
                f.mode.span,
                hints=[f"drop `{f.mode.text}` in a metric"],
            )
    fields = gather(node.fields, BASE, rep, ("metric", node.name.text))
    check_required(fields, node.name, rep)
    return BaseInfo(decl, fields, base_params(fields, ctx))


def _moved_metric(
    decl: Decl[A.MetricDecl], ctx: Ctx, kept: tuple[BaseInfo, m.ResolvedMetric], _: Moves
) -> tuple[BaseInfo, m.ResolvedMetric]:
    """A kept metric whose declaration moved: its base info read again from the declaration
    where it is now (its diagnostics, already moved, are dropped), its resolved metric kept."""
    return _base_info(decl, Ctx(unparsed=ctx.unparsed)), kept[1]


def _check_metric(
    decl: Decl[A.MetricDecl], resolver: Resolver, info: SchemaInfo
) -> tuple[BaseInfo, m.ResolvedMetric]:
    node = decl.node
    rep = resolver.ctx.at(decl.file)
    base = _base_info(decl, resolver.ctx)
    fields, params = base.fields, base.params
    env = Env(info, params)
    title = node.title.value if node.title else None
    resolved = _versioned(resolver.resolve(node.name.text, title, fields, env), node)
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
    return base, resolved


def _variant_step(
    memo: Memo,
    reading: _Reader,
    names: object,
    decl: Decl[A.VariantDecl],
    base: BaseInfo,
    resolver: Resolver,
) -> Checked:
    """One variant checked on its base (through the memo: it reads both declarations, and the
    metrics ``names`` when either names a metric)."""
    names = names if _names_metrics(decl.node, base.decl.node) else ()
    return memo.step(
        resolver.ctx,
        f"variant {base.decl.node.name.text}/{decl.node.name.text}",
        [reading(decl.file, decl.node), reading(base.decl.file, base.decl.node)],
        (resolver.info, resolver.ctx.unparsed, names),
        lambda: check_variant(decl, base, resolver),
        _moved_variant,
    )


def _moved_variant(kept: Checked, moves: Moves) -> Checked | None:
    span = moves.span(kept.file, kept.span)  # the selector's, inside the variant
    return None if span is None else dataclasses.replace(kept, span=span)


def _versioned(resolved: m.ResolvedMetric, node: A.MetricDecl) -> m.ResolvedMetric:
    """A resolved metric (or a variant merged onto it) with its declaration's version."""
    version = node.version.value if node.version else None
    supersedes = node.supersedes.value if node.supersedes else None
    return dataclasses.replace(resolved, version=version, supersedes=supersedes)


def _versioned_variant(checked: Checked, base: BaseInfo) -> Checked:
    """A variant of the version it refines: its base is that version's key (rule 27)."""
    resolved = _versioned(checked.variant.resolved, base.decl.node)
    variant = dataclasses.replace(checked.variant, base=resolved.key, resolved=resolved)
    return dataclasses.replace(checked, variant=variant)


def _check_variants(
    symbols: Symbols,
    bases: dict[str, BaseInfo],
    resolver: Resolver,
    check: Callable[[Decl[A.VariantDecl], BaseInfo, Resolver], Checked] = check_variant,
) -> list[Checked]:
    checked: list[Checked] = []
    seen: dict[tuple[str, str], Decl[A.VariantDecl]] = {}
    for decl in symbols.variants:
        node = decl.node
        rep = resolver.ctx.at(decl.file)
        key = resolver.versions.resolve(rep, node.base)  # `of XFER-OT`: its current version
        base = bases.get(key) if key is not None else None
        if key is None or base is None:
            continue
        first = seen.setdefault((key, node.name.text), decl)
        if first is not decl:
            label = resolver.ctx.at(first.file).label(first.node.name.span, M.FIRST_DEFINED_HERE)
            msg = M.DUPLICATE_DEFINITION.format("variant", node.name.text).with_additional(
                f" for `{node.base.text}`"
            )
            rep.report(msg, node.name.span, labels=[label])
            continue
        checked.append(_versioned_variant(check(decl, base, resolver), base))
    check_overlaps(checked, resolver)
    return checked


def _check_examples(
    symbols: Symbols,
    metrics: tuple[m.Metric, ...],
    current: tuple[m.Metric, ...],
    info: SchemaInfo,
    ctx: Ctx,
    memo: Memo,
    reading: _Reader,
) -> tuple[m.Example, ...]:
    """Each example, reading its metric's facts (the metric ids too when it names no metric)."""
    facts = {metric.key: metric_facts(metric) for metric in metrics}  # `for XFER-OT@2014`
    facts.update({x.id: facts[x.key] for x in current})  # `for XFER-OT`: its current version

    def step(d: Decl[A.ExampleDecl]) -> m.Example:
        own = facts.get(d.node.metric.text)
        return memo.step(
            ctx,
            f"example {d.node.metric.text} {d.node.title.value!r}",
            [reading(d.file, d.node)],
            (info, ctx.unparsed, own, tuple(facts) if own is None else ()),
            lambda: check_example(d, facts, info, ctx.at(d.file)),
            lambda kept, _: dataclasses.replace(kept, origin=m.Origin(d.file, d.node.span)),
        )

    return tuple(step(d) for d in symbols.examples)
