"""A checked model (and optional results) in → the handbook's overview pages out (Markdown)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imx import model as m
from imx.render.explain import selector_text
from imx.render.handbook import figures, scores
from imx.render.handbook.markup import (
    cell,
    code,
    html_text,
    link,
    prose,
    raw_block,
    table,
    text,
)
from imx.render.handbook.pages import Context, override_rows
from imx.render.handbook.units import scorecard_cell
from imx.results import level_text, spec_hash
from imx.source import SourceFile

if TYPE_CHECKING:
    import pyarrow as pa

CATEGORY_ORDER = ("relationship", "quality", "efficiency", "timeliness", "cycle_time")
YES = "✓"


WIDE = "---\nhide:\n  - toc\n---"  # front matter: a page of wide matrices gives up its table of contents
WIDEST = "---\nhide:\n  - navigation\n  - toc\n---"  # and its navigation: variants, process map


def categories(model: m.Model) -> list[tuple[str, list[m.Metric]]]:
    """Metrics grouped by category, in the work group's category order."""
    groups: dict[str, list[m.Metric]] = {}
    for metric in model.metrics:
        groups.setdefault(metric.base.category, []).append(metric)
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    ordered = sorted(groups.items(), key=lambda kv: (rank.get(kv[0], 99), kv[0]))
    return [(c, sorted(ms, key=lambda x: x.id)) for c, ms in ordered]


def _metric_link(metric: m.Metric, prefix: str = "metrics/") -> str:
    return link(metric.id, f"{prefix}{metric.id}.md")


def home_page(ctx: Context, sources: dict[str, SourceFile], version: str) -> str:
    """The metric set's home: name, version, counts, reproducibility stamp, where to go next."""
    model = ctx.model
    mset = model.metricsets[0] if model.metricsets else None
    title = (mset.title or mset.name) if mset else "Metric handbook"
    parts = [f"# {text(title)}"]
    if mset is not None:
        parts.append(
            f"Metric set {code(mset.name)}, version {text(mset.version or 'unversioned')}."
        )
        if mset.doc:
            parts.append(prose(mset.doc))
    if ctx.results is not None:
        parts.append("## Run summary")
        parts.append(raw_block(run_summary(model, ctx.results), "imx-run-summary"))
    parts.append(table(["", ""], _counts(model), css="imx-counts"))
    parts.append(_guide(ctx))
    parts.append("## Reproducibility stamp")
    stamp = [("handbook made by imx", version)]
    stamp.append(("spec files", str(len(sources))))
    stamp.append(("spec hash", spec_hash(model)))  # the hash a run's stamp and scorecard show
    stamp.extend((f"results {k}", v) for k, v in scores.stamp_items(ctx.results))
    parts.append(raw_block(scores.stamp_html(stamp), "imx-stamp-block"))
    return "\n\n".join(parts) + "\n"


FAILING = ("red", "amber")


def run_summary(model: m.Model, results: pa.Table) -> str:
    """The run at a glance: result rows by status, then every red and amber study, portfolio
    and group row (site rows stay on the metric pages) with a "show only failing" switch."""
    grouped = scores.by_metric(results, model)
    now = [r for x in model.metrics for r in scores.current(grouped.get(x.id, []))]
    counts: dict[str, int] = {}
    for status in (str(r.get("status") or "none") for r in now):
        counts[status] = counts.get(status, 0) + 1
    order = ("red", "amber", "green", "insufficient", "no_data")
    ranked = sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 9)
    chips = " ".join(f"{scores.status_chip(k)} {v}" for k, v in ranked)
    flagged = [r for r in now if r.get("status") in FAILING and r.get("level") != "site"]
    flagged.sort(key=lambda r: (FAILING.index(str(r.get("status"))), str(r.get("metric"))))
    lines = [f'<p class="imx-run-counts">Current result rows by status: {chips}</p>']
    reds = sum(1 for r in flagged if r.get("status") == "red")
    lines.append(
        '<p><label><input type="checkbox" id="imx-only-failing"> show only failing (red)'
        f"</label> · {reds} red and {len(flagged) - reds} amber rows beside sites, red first</p>"
    )
    lines.append('<div class="imx-flagged-box" tabindex="0">')  # compact: the rows scroll
    lines.append('<table class="imx-flagged"><thead><tr><th>Metric</th><th>Where</th>')
    lines.append("<th>Value</th><th>Status</th></tr></thead><tbody>")
    units = {x.id: x.base.value_unit for x in model.metrics}
    for row in flagged:
        metric = str(row.get("metric"))
        href = html_text(f"metrics/{metric}.html")
        value = scores.value_text(row.get("value"), units.get(metric, m.ValueUnit.NUMBER))
        lines.append(
            f'<tr data-status="{html_text(str(row.get("status")))}"><td><a href="{href}">'
            f"{html_text(metric)}</a></td><td>{html_text(scores.where_label(row))}</td>"
            f"<td>{html_text(value)}</td><td>{scores.status_chip(row.get('status'))}</td></tr>"
        )
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def _counts(model: m.Model) -> list[list[str]]:
    cats = categories(model)
    per_cat = ", ".join(f"{text(c.replace('_', ' '))} {len(ms)}" for c, ms in cats)
    return [
        ["Metrics", f"{len(model.metrics)} ({per_cat})"],
        ["Therapeutic-area variants", str(sum(len(x.variants) for x in model.metrics))],
        ["Critical success factors", str(len(model.csfs))],
        ["Examples (in-spec tests)", str(len(model.examples))],
        ["Workflow events", str(len(model.schema.events))],
    ]


def _guide(ctx: Context) -> str:
    items = [
        link("Metrics by category and level", "metrics/index.md"),
        link("Imaging workflow process map", "process-map.md"),
        link("Critical success factors and their KPIs", "csfs.md"),
        link("Therapeutic-area variants", "variants.md"),
        link("Schema: the event log and its tables", "schema.md"),
    ]
    if ctx.results is not None:
        items.insert(0, link("Portfolio scorecard", "scorecard.md"))
    return "## In this handbook\n\n" + "\n".join(f"- {i}" for i in items)


def metrics_index(ctx: Context) -> str:
    """Metrics by category (with their question) and a metric × level matrix."""
    parts = ["# Metrics"]
    for category, metrics in categories(ctx.model):
        parts.append(f"## {text(category.replace('_', ' ').capitalize())}")
        rows = [
            [_metric_link(x, ""), text(x.base.title or ""), text(x.base.question or "")]
            for x in metrics
        ]
        parts.append(table(["Metric", "Title", "Key performance question"], rows))
    parts.append("## By level")
    labels = list(dict.fromkeys(lv.label for x in ctx.model.metrics for lv in x.base.levels))
    header = ["Metric", *(text(level_text(label)) for label in labels)]
    rows = []
    for _category, metrics in categories(ctx.model):
        for x in metrics:
            mine = {lv.label for lv in x.base.levels}
            rows.append([_metric_link(x, ""), *(YES if label in mine else "" for label in labels)])
    parts.append(table(header, rows, css="imx-matrix"))
    return "\n\n".join(parts) + "\n"


def csf_page(ctx: Context) -> str:
    """Each critical success factor with its question and KPIs, then the CSF → KPI matrix."""
    model = ctx.model
    parts = [WIDE, "# Critical success factors"]
    if not model.csfs:
        parts.append("This project declares no critical success factors.")
        return "\n\n".join(parts) + "\n"
    for csf in model.csfs:
        parts.append(f"## {text(csf.title or csf.name)} {{#csf-{csf.name}}}")
        if csf.question:
            parts.append(f"*{text(csf.question)}*")
        if csf.doc:
            parts.append(prose(csf.doc))
        kpis = [_kpi_link(model, k) for k in csf.kpis]
        parts.append("KPIs: " + ", ".join(kpis))
    parts.append("## CSF → KPI matrix")
    header = ["KPI", *(text(c.title or c.name) for c in model.csfs)]
    rows = []
    for _category, metrics in categories(model):
        for x in metrics:
            rows.append([_metric_link(x), *(YES if x.id in c.kpis else "" for c in model.csfs)])
    parts.append(table(header, rows, css="imx-matrix"))
    return "\n\n".join(parts) + "\n"


def _kpi_link(model: m.Model, kpi: str) -> str:
    metric = model.metric(kpi)
    return _metric_link(metric) if metric else text(kpi)


def variants_page(ctx: Context) -> str:
    """The metric × selector matrix: for each variant, what it changes."""
    with_variants = [x for x in ctx.model.metrics if x.variants]
    parts = [WIDEST, "# Therapeutic-area variants"]
    parts.append(
        "A variant overlays its base metric for the studies its selector matches. Each cell names "
        "the variant and the fields it changes; the table below the matrix gives the new values, "
        "and the metric page shows base and variant side by side."
    )
    if not with_variants:
        parts.append("This project declares no variants.")
        return "\n\n".join(parts) + "\n"
    selectors = list(dict.fromkeys(selector_text(v) for x in with_variants for v in x.variants))
    shown = {selector_text(v): selector_words(v) for x in with_variants for v in x.variants}
    header = ["Metric", *(text(shown[s]) for s in selectors)]
    rows = []
    for metric in sorted(with_variants, key=lambda x: x.id):
        cells = {selector_text(v): _variant_cell(metric, v) for v in metric.variants}
        rows.append([_metric_link(metric), *(cells.get(s, "") for s in selectors)])
    parts.append(table(header, rows, css="imx-matrix imx-variant-matrix"))
    parts.append("## What each variant changes")
    details = [
        [_metric_link(x), _variant_link(x, v), text(shown[selector_text(v)]), _changes(x, v)]
        for x in sorted(with_variants, key=lambda x: x.id)
        for v in x.variants
    ]
    parts.append(table(["Metric", "Variant", "For", "Changes"], details, css="imx-variant-details"))
    return "\n\n".join(parts) + "\n"


def selector_words(variant: m.Variant) -> str:
    """A variant's selector as a column heading reads: ``rheumatology (therapeutic area)``,
    ``RECIST 1.1 or iRECIST (response criteria)``, terms joined by ``and``."""
    terms = [" or ".join(t.values) + f" ({t.column.replace('_', ' ')})" for t in variant.selector]
    return " and ".join(terms) or variant.name


def _variant_link(metric: m.Metric, variant: m.Variant) -> str:
    return link(variant.name, f"metrics/{metric.id}.md#variant-{variant.name}")


def _variant_cell(metric: m.Metric, variant: m.Variant) -> str:
    """The matrix's cell: the variant and the names of the fields it changes (compact, so every
    column fits the page; the values are in the table below)."""
    fields = dict.fromkeys(f for f, _base, _v in override_rows(metric.base, variant))
    return _variant_link(metric, variant) + "<br>" + cell(", ".join(fields))


def _changes(metric: m.Metric, variant: m.Variant) -> str:
    changed = [f"{f}: {v}" for f, _base, v in override_rows(metric.base, variant)]
    return "<br>".join(cell(c) for c in changed)


def process_map_page(ctx: Context) -> str:
    """The imaging workflow with every cycle-time and timeliness metric drawn where it measures."""
    model = ctx.model
    parts = [WIDEST, "# Imaging workflow process map"]  # drawn at its size: room to fit
    parts.append(
        "The schema's events run top to bottom in workflow order. Each column is a metric: a "
        "**cycle-time** metric (blue) measures from its start event (square) to its end event "
        "(circle); a **timeliness** metric (amber) asks whether the end came within its window. "
        "Click a span or its name to open the metric."
    )
    svg = figures.process_map(model, lambda metric_id: f"metrics/{metric_id}.html")
    parts.append(raw_block(svg, "imx-figure imx-process-map"))
    spans = figures.map_spans(model)
    rows = [
        [
            link(s.metric, f"metrics/{s.metric}.md"),
            text(s.title),
            text(s.category.replace("_", " ")),
            ", ".join(code(e) for e in s.span.starts),
            ", ".join(
                [code(e) for e in s.span.ends] + (["data cut"] if s.span.to_data_cut else [])
            ),
        ]
        for s in spans
    ]
    parts.append("## Spans")
    parts.append(table(["Metric", "Title", "Category", "From", "To"], rows, css="imx-spans"))
    return "\n\n".join(parts) + "\n"


def schema_page(ctx: Context) -> str:
    """The event log: events in workflow order, tables and columns, units, calendars."""
    schema = ctx.model.schema
    parts = [f"# Schema {text(schema.name)}"]
    if schema.title:
        parts.append(
            text(schema.title) + (f", version {text(schema.version)}" if schema.version else "")
        )
    events = sorted(schema.events, key=lambda e: e.order)
    rows = [[str(e.order + 1), code(e.name), text(e.title or "")] for e in events]
    parts.extend(["## Events in workflow order", table(["#", "Event", "Meaning"], rows)])
    for tbl in schema.tables:
        parts.append(f"## Table {text(tbl.name)}")
        if tbl.title:
            parts.append(text(tbl.title))
        cols = [
            [code(c.name), text(c.type.value), _flags(c), text(c.title or "")] for c in tbl.columns
        ]
        parts.append(table(["Column", "Type", "", "Meaning"], cols))
    units = [[code(u.name), ", ".join(code(k) for k in u.keys)] for u in schema.units]
    parts.extend(["## Units of analysis", table(["Unit", "Key columns"], units)])
    if schema.calendars:
        parts.append("## Calendars")
        cal_rows = [_calendar_row(c) for c in schema.calendars]
        parts.append(table(["Calendar", "Time zone", "Weekend", "Holidays", "Default"], cal_rows))
    return "\n\n".join(parts) + "\n"


def _flags(column: m.ColumnDef) -> str:
    return ", ".join(f for f, on in (("key", column.key), ("optional", column.optional)) if on)


def _calendar_row(cal: m.CalendarDef) -> list[str]:
    days = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    weekend = ", ".join(days[d] for d in sorted(cal.weekend))
    holidays = f"{len(cal.holidays)} dates" + (
        f" + {text(cal.country)} public holidays" if cal.country else ""
    )
    name = code(cal.name) + (f" {text(cal.title)}" if cal.title else "")
    return [name, text(cal.timezone), weekend, holidays, YES if cal.default else ""]


def scorecard_page(ctx: Context) -> str:
    """The portfolio scorecard: statuses at a glance and one row per metric (a red or amber
    study links to the units behind it, when the handbook has them)."""
    parts = ["# Portfolio scorecard"]
    stamp = scores.stamp_items(ctx.results)
    if stamp:
        parts.append(raw_block(scores.stamp_html(stamp), "imx-stamp-block"))
    counts = scores.status_counts(ctx.model, ctx.results)
    parts.append(raw_block(figures.status_figure(counts, salt="status-page"), "imx-figure"))
    to_units = scorecard_cell(ctx.has_units_page)
    html = scores.scorecard_html(ctx.model, ctx.results, lambda i: f"metrics/{i}.html", to_units)
    parts.append(raw_block(html, "imx-scorecard-block"))
    return "\n\n".join(parts) + "\n"
