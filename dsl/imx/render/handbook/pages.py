"""A checked model (with sources and optional results) in → one Markdown page per metric out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from imx import model as m
from imx.diff import version_changes
from imx.render.diff import change_view, notes
from imx.render.explain import const_text, expr_text, measure_text, number_text, selector_text
from imx.render.handbook import figures, plain, scores
from imx.render.handbook.facts import data_needs
from imx.render.handbook.markup import cell, code, fence, link, prose, raw_block, table, text
from imx.render.handbook.sources import SourceIndex
from imx.render.handbook.units import flagged, units_link
from imx.results import level_text

SqlFor = Callable[[m.Model, str], str]


@dataclass(frozen=True)
class Context:
    """Everything a page may draw on."""

    model: m.Model
    index: SourceIndex
    results: pa.Table | None = None
    sql_for: SqlFor | None = None
    csfs_of: dict[str, list[m.Csf]] = field(default_factory=dict)
    rows: dict[str, list[scores.Row]] = field(default_factory=dict)  # results by metric
    units: dict[str, pa.Table] = field(default_factory=dict)  # unit rows by metric (--units)

    @classmethod
    def make(
        cls,
        model: m.Model,
        index: SourceIndex,
        results: pa.Table | None = None,
        sql_for: SqlFor | None = None,
        units: dict[str, pa.Table] | None = None,
    ) -> Context:
        csfs_of: dict[str, list[m.Csf]] = {}
        for csf in model.csfs:
            for kpi in csf.kpis:
                csfs_of.setdefault(kpi, []).append(csf)
        rows = scores.by_metric(results, model)
        return cls(model, index, results, sql_for, csfs_of, rows, dict(units or {}))

    def has_units_page(self, metric_id: str) -> bool:
        """Whether the metric has unit rows and a red or amber study or site row to list."""
        return metric_id in self.units and bool(flagged(self.rows.get(metric_id, [])))


def metric_path(metric_id: str) -> str:
    """Where a metric's page lives in the docs folder."""
    return f"metrics/{metric_id}.md"


def metric_page(ctx: Context, metric: m.Metric) -> str:
    """The full page of one metric."""
    sections = [
        _heading(metric),
        _definition(metric.base),
        _source(ctx, metric),
        _params(metric.base),
        _bands(ctx, metric),
        _variants(ctx, metric),
        _versions(ctx, metric),
        _links(ctx, metric),
        _examples(ctx, metric),
        _data(ctx, metric),
        _results(ctx, metric),
        _sql(ctx, metric),
        _status(ctx, metric),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _heading(metric: m.Metric) -> str:
    base = metric.base
    title = f"{base.id} — {base.title}" if base.title else base.id
    lines = [f"# {text(title)}"]
    if base.question:
        lines.append(f'!!! question "Key performance question"\n    {text(base.question)}')
    levels = ", ".join(text(level_text(level.label)) for level in base.levels)
    facts = [
        ["Category", text(base.category.replace("_", " "))],
        ["Unit of analysis", text(base.unit.name)],
        ["Value in", text(base.value_unit.value.replace("_", " "))],
        ["Levels", levels or "—"],
        ["Period", _period(base.period)],
        ["Status", text(base.status or "—")],
        ["Since", text(base.since or "—")],
    ]
    if base.version is not None:  # rule 27: its history is under Versions
        facts.insert(-2, ["Version", f"[{text(base.version)}](#versions)"])
    lines.append(table(["", ""], facts, css="imx-facts"))
    return "\n\n".join(lines)


def _period(period: m.Period | None) -> str:
    if period is None:
        return "—"
    cumulative = ", cumulative" if period.cumulative else ""
    return f"{text(period.grain)} by {code(expr_text(period.by))}{cumulative}"


def _definition(base: m.ResolvedMetric) -> str:
    rows = [f"**{label}.** {sentence}" for label, sentence in plain.definition(base)]
    parts = ["## Definition", "\n\n".join(rows)]
    if base.doc:
        parts.append(prose(base.doc))
    return "\n\n".join(parts)


def _source(ctx: Context, metric: m.Metric) -> str:
    declared = ctx.index.metrics.get(metric.key)
    if declared is None:
        return ""
    head = f"## Specification\n\nAs written in {code(display_path(declared.file))}:"
    return f"{head}\n\n{fence(declared.text, 'imx')}"


def _params(base: m.ResolvedMetric) -> str:
    if not base.params:
        return ""
    rows = [[code(name), text(plain_const(value))] for name, value in base.params]
    return "## Parameters\n\n" + table(["Parameter", "Value"], rows, css="imx-params")


def plain_const(value: m.Const | m.DurationConst) -> str:
    """A parameter value as written in the spec (``3 business_days``)."""
    return const_text(value)


def band_condition(band: m.BandDef, unit: m.ValueUnit) -> str:
    """A band's condition in the metric's unit: ``≥ 90%``, ``20% – 40%``, ``otherwise``."""
    if band.low is not None and band.high is not None:
        return f"{plain.amount_text(band.low, unit)} to {plain.amount_text(band.high, unit)}"
    if band.op is not None and band.bound is not None:
        return f"{band.op} {plain.amount_text(band.bound, unit)}"
    return "otherwise"


def _bands(ctx: Context, metric: m.Metric) -> str:
    base = metric.base
    parts = ["## Target and bands"]
    if base.target is not None:
        parts.append("**Target:** " + plain.target_words(base.target, base.value_unit) + ".")
    if base.bands is None:
        parts.append("No bands: the value is reported without a status.")
        return "\n\n".join(parts)
    direction = text(base.bands.direction.value.replace("_", " "))
    parts.append(f"Direction: {direction}. Bands are tested in order; the first that holds wins.")
    rows = [[text(b.name), text(band_condition(b, base.value_unit))] for b in base.bands.bands]
    parts.append(table(["Band", "Value"], rows, css="imx-thresholds"))
    now = scores.portfolio_row(ctx.rows.get(metric.id, []))
    value = _float(now.get("value")) if now else None
    svg = figures.band_figure(
        base.bands, base.value_unit, target=base.target, value=value, salt=f"bands-{metric.id}"
    )
    parts.append(raw_block(svg, "imx-figure imx-band-figure"))
    return "\n\n".join(parts)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float | Decimal) else None


def _variants(ctx: Context, metric: m.Metric) -> str:
    if not metric.variants:
        return ""
    parts = ["## Therapeutic-area variants"]
    parts.append(
        "Each unit is evaluated under the most specific variant whose selector matches it (the "
        "one with the most terms, read from its study, its site or the unit itself), else the "
        "base. "
        "A variant changes only the fields listed; everything else is the base's."
    )
    for variant in metric.variants:
        parts.append(_variant(ctx, metric, variant))
    return "\n\n".join(parts)


def _selected(variant: m.Variant) -> str:
    """What a selector picks: units when a term reads the unit, else sites, else studies."""
    tables = {t.table for t in variant.selector}
    return "units" if m.UNIT_SOURCE in tables else "sites" if "sites" in tables else "studies"


def _variant(ctx: Context, metric: m.Metric, variant: m.Variant) -> str:
    parts = [f"### Variant {text(variant.name)} {{#variant-{variant.name}}}"]
    parts.append(f"For {_selected(variant)} where {code(selector_text(variant))}.")
    if variant.rationale:
        parts.append(f"**Why:** {text(variant.rationale)}")
    rows = [[text(f), cell(b), cell(v)] for f, b, v in override_rows(metric.base, variant)]
    parts.append(
        table(["Overrides", "Base", f"Variant {text(variant.name)}"], rows, css="imx-variants")
    )
    index = ctx.index.variants
    declared = index.get((variant.base, variant.name)) or index.get((metric.id, variant.name))
    if declared is not None:
        parts.append(
            f'??? example "Variant {text(variant.name)} as written"\n\n'
            + _indent(fence(declared.text, "imx"))
        )
    return "\n\n".join(parts)


def _indent(block: str) -> str:
    return "\n".join("    " + line if line else "" for line in block.splitlines())


def override_rows(base: m.ResolvedMetric, variant: m.Variant) -> list[tuple[str, str, str]]:
    """``(field, base value, variant value)`` for every field the variant overrides."""
    rows: list[tuple[str, str, str]] = []
    for name in (field_name(o) for o in variant.overrides):
        if name == "param":
            rows.extend(_param_rows(base, variant))
        else:
            rows.append((name, field_text(base, name), field_text(variant.resolved, name)))
    return rows


def _param_rows(base: m.ResolvedMetric, variant: m.Variant) -> list[tuple[str, str, str]]:
    before = dict(base.params)
    rows = []
    for name, value in variant.resolved.params:
        old = before.get(name)
        if old != value:
            rows.append((f"param {name}", plain_const(old) if old else "—", plain_const(value)))
    return rows


_ALIASES = {"params": "param", "excludes": "exclude", "companions": "companion"}


def field_name(override: str) -> str:
    """The field name as written in imx for an override (``params`` → ``param``)."""
    return _ALIASES.get(override, override)


def field_text(metric: m.ResolvedMetric, name: str) -> str:
    """One field of a resolved metric as imx-like text, percentages shown as percent."""
    unit = metric.value_unit
    name = field_name(name)
    if name == "bands" and metric.bands is not None:
        inner = ", ".join(f"{b.name} {band_condition(b, unit)}" for b in metric.bands.bands)
        return f"{metric.bands.direction.value}: {inner}"
    if name == "target" and metric.target is not None:
        t = metric.target
        return f"{t.stat or 'value'} {t.op} {plain.amount_text(t.value, unit)}"
    if name == "where":
        return " and ".join(expr_text(w, 2) for w in metric.where) or "all units"
    if name == "exclude":
        return "; ".join(f"{expr_text(e.condition)} ({e.reason})" for e in metric.excludes) or "—"
    simple: dict[str, object] = {
        "min_n": metric.min_n,
        "doc": metric.doc,
        "measure": measure_text(metric.measure),
        "summary": ", ".join(metric.summary),
        "levels": ", ".join(level.label for level in metric.levels),
        "companion": ", ".join(metric.companions),
        "question": metric.question,
        "status": metric.status,
        "since": metric.since,
        "category": metric.category,
    }
    value = simple.get(name)
    return " ".join(str(value).split()) if value not in (None, "") else "—"


def _links(ctx: Context, metric: m.Metric) -> str:
    lines: list[str] = []
    for companion in metric.base.companions:
        other = ctx.model.metric(companion)
        label = f"{companion} — {other.base.title}" if other and other.base.title else companion
        target = f"{companion}.md" if other else None
        lines.append("- Companion: " + (link(label, target) if target else text(label)))
    for csf in ctx.csfs_of.get(metric.id, []):
        label = f"{csf.name} — {csf.title}" if csf.title else csf.name
        lines.append("- Critical success factor: " + link(label, f"../csfs.md#csf-{csf.name}"))
    if not lines:
        return ""
    intro = "A companion is read beside this metric, so that speed is not bought with quality."
    return "## Companions and success factors\n\n" + intro + "\n\n" + "\n".join(lines)


def _examples(ctx: Context, metric: m.Metric) -> str:
    examples = [e for e in ctx.model.examples if e.metric == metric.id]
    if not examples:
        return ""
    parts = ["## Examples", "Each example is a test: `imx test` evaluates it and compares."]
    for example in examples:
        parts.append(_example(example, metric.base.value_unit))
    return "\n\n".join(parts)


def _example(example: m.Example, unit: m.ValueUnit) -> str:
    parts = [f"### {text(example.title)}"]
    notes = []
    if example.as_of is not None:
        notes.append(f"Data cut {code(example.as_of.isoformat())}")
    if example.variant:
        notes.append(f"variant {code(example.variant)}")
    if notes:
        parts.append(", ".join(notes) + ".")
    for name, rows in example.tables:
        if rows:
            header, *body = rows
            parts.append(f"Table {code(name)}:")
            parts.append(table([cell(h) for h in header], ([cell(c) for c in r] for r in body)))
    expect = [[code(k), text(_expected(k, v, unit))] for k, v in example.expect]
    parts.append("Expected:\n\n" + table(["Result", "Expected"], expect, css="imx-expect"))
    return "\n\n".join(parts)


def _expected(key: str, value: m.ExpectValue, unit: m.ValueUnit) -> str:
    if isinstance(value, Decimal):
        return (
            plain.amount_text(value, unit)
            if key in ("value", "ci_low", "ci_high")
            else number_text(value)
        )
    return value


def _data(ctx: Context, metric: m.Metric) -> str:
    needs = data_needs(metric)
    titles = {e.name: e.title for e in ctx.model.schema.events}
    rows = [[code(e), text(titles.get(e) or "")] for e in needs.events]
    parts = ["## Data needed", table(["Event", "Meaning"], rows, css="imx-events")]
    tables: dict[str, list[str]] = {}
    for table_name, column in needs.columns:
        tables.setdefault(table_name, []).append(column)
    cols = [[code(t), ", ".join(code(c) for c in cs)] for t, cs in tables.items()]
    parts.append(table(["Table", "Columns"], cols, css="imx-columns"))
    if needs.calendar:
        parts.append("Business days follow each site's calendar (else the default calendar).")
    parts.append(link("The schema", "../schema.md") + " describes each table and column.")
    return "\n\n".join(parts)


def _results(ctx: Context, metric: m.Metric) -> str:
    rows = ctx.rows.get(metric.id, [])
    if not rows:
        return (
            "" if ctx.results is None else "## Results\n\nNo results for this metric in this run."
        )
    unit = metric.base.value_unit
    sites = [r for r in rows if r.get("level") == "site"]
    others = [r for r in rows if r.get("level") != "site"]
    body = ["## Results", "Current values, over the whole run (or its latest period):"]
    to_units = _units_link(ctx, metric)
    if to_units is not None:
        body.append("A red or amber status links to the units behind it.")
    body.append(table(*scores.value_table(others, unit, to_units), css="imx-values"))
    if sites:
        site_table = table(*scores.value_table(sites, unit, to_units))
        body.append(f'??? note "Per site ({len(scores.current(sites))})"\n\n' + _indent(site_table))
    series = scores.trend_series(rows)
    if any(len(points) > 1 for points in series.values()):
        own = {v.name: v.resolved.bands for v in metric.variants}
        studies = scores.study_variants(rows)
        variants = {study: (name, own.get(name)) for study, name in studies.items()}
        body.append("### Trend by period")
        if variants:
            body.append(
                "A study under a variant is drawn over that variant's bands; its panel is titled "
                "with the study and the variant (`S004 · oncology`)."
            )
        for layout, columns, width in (("wide", 3, 6.4), ("narrow", 2, 3.9)):
            svg = figures.trend_figure(
                series, metric.base.bands, unit, variants=variants, columns=columns,
                width=width, salt=f"trend-{layout}-{metric.id}",
            )  # fmt: skip
            body.append(raw_block(svg, f"imx-figure imx-trend-figure imx-trend-{layout}"))
    return "\n\n".join(body)


def _units_link(ctx: Context, metric: m.Metric) -> Callable[[scores.Row], str | None] | None:
    """A row's link to its units on the metric's units page, for red or amber study and site rows."""
    if not ctx.has_units_page(metric.id):
        return None
    return lambda row: units_link(metric.id, row)


def _sql(ctx: Context, metric: m.Metric) -> str:
    if ctx.sql_for is None:
        return ""
    try:
        sql = ctx.sql_for(ctx.model, metric.id)
    except Exception as exc:  # noqa: BLE001 - a page still builds when SQL cannot be compiled
        sql = f"-- SQL not available: {type(exc).__name__}: {exc}"
    return '## Compiled SQL\n\n??? note "SQL for DuckDB (click to open)"\n\n' + _indent(
        fence(sql, "sql")
    )


def _status(ctx: Context, metric: m.Metric) -> str:
    base = metric.base
    lines = [f"- Status: {text(base.status or 'not stated')}"]
    lines.append(f"- In the metric set since: {text(base.since or 'not stated')}")
    declared = ctx.index.metrics.get(metric.key)
    for entry in declared.history if declared else ():
        lines.append(f"- {text(entry)}")
    return "## Status and history\n\n" + "\n".join(lines)


def _versions(ctx: Context, metric: m.Metric) -> str:
    """Every version of the metric along its ``supersedes`` chain (rule 27): each one's status,
    what changed from one to the next (the diff engine's fields and classes), and the older
    versions as written."""
    history = ctx.model.history(metric.id)
    if metric.version is None and len(history) <= 1:
        return ""
    current = ctx.model.metric(metric.id)
    rows = [
        [
            code(x.key),
            text(x.base.supersedes or "—"),
            text(x.base.status or "—"),
            "**current**" if current is not None and x.key == current.key else "",
        ]
        for x in history
    ]
    said = (
        f"A reference to {code(metric.id)} and a default run take its newest version that is "
        f"not retired, {code(current.key)}; {code(metric.id + '@V')} names another."
        if current is not None
        else f"Every version of {code(metric.id)} is retired: no default run takes one, and a "
        f"reference names one as {code(metric.id + '@V')}."
    )
    parts = ["## Versions", said, table(["version", "supersedes", "status", ""], rows)]
    for older, newer in zip(history, history[1:], strict=False):
        view = change_view(version_changes(older.base, newer.base))
        parts.append(f"### {text(older.version or '—')} → {text(newer.version or '—')}")
        cells = [
            [cell(f["label"]), cell(f["class"]), cell(f["old"]), cell(f["new"] + notes(f))]
            for f in view["fields"]
        ]
        parts.append(
            table(["field", "class", "old", "new"], cells)
            if cells
            else text("The definition is the same; only the version changed.")
        )
    for x in history:
        declared = ctx.index.metrics.get(x.key)
        if x.key != metric.key and declared is not None:
            body = _indent(fence(declared.text, "imx"))
            parts.append(f'??? example "{text(x.key)} as written"\n\n' + body)
    return "\n\n".join(parts)


def display_path(file: str) -> str:
    """A file name fit to publish: ``stdlib/…`` for the standard library, else relative if possible.

    >>> display_path("/nowhere/x.imx")
    '/nowhere/x.imx'
    """
    from imx._resources import stdlib_path

    path = Path(file).resolve()
    for base, prefix in ((stdlib_path().resolve(), "stdlib/"), (Path.cwd().resolve(), "")):
        if path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return file
