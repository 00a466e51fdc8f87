"""Results and the checked model in → one self-contained HTML scorecard out (inline CSS and SVG).

The report holds the same scorecard as the handbook's scorecard page, then the rows of each
metric's ``by`` levels (a table per level, ``(none)`` for units without a value); it needs no
other file and loads nothing from anywhere; :func:`imx.output.write_results` writes it for
``.html`` targets. When the
results carry unit rows, the worst units of each red or amber study and site follow the scorecard
(:mod:`imx.render.drilldown`), and each red or amber study cell links to its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from imx.data import QualityFinding
from imx.model import Model, ValueUnit
from imx.render.drilldown import anchor, drilldown_html, is_flagged
from imx.render.handbook import figures, scores
from imx.render.handbook.markup import html_text
from imx.results import Results, level_text

_CSS = """
:root { color-scheme: light dark; --fg: #1d1f24; --bg: #ffffff; --line: #d9dbe0; --muted: #666b75;
  --green: #2e9e5b; --amber: #b7790a; --red: #d64545; --grey: #8a8a8a; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e3e5ea; --bg: #1e2129; --line: #3b3f4a; --muted: #a3a8b3; --amber: #e3a21a; }
}
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-weight: 500; margin-bottom: 0.2rem; }
.muted, small { color: var(--muted); }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { text-align: left; padding: 0.3rem 0.7rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
.imx-figure { color: var(--fg); max-width: 40rem; }
.imx-figure svg { width: 100%; height: auto; }
.imx-status { display: inline-block; padding: 0 0.5em; border-radius: 0.8em; font-size: 0.85em;
  font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.imx-status-green { color: var(--green); } .imx-status-amber { color: var(--amber); }
.imx-status-red { color: var(--red); }
.imx-status-insufficient, .imx-status-no_data, .imx-status-none { color: var(--grey); }
code { font-size: 0.9em; }
"""


def report_html(results: scores.ResultsLike, model: Model) -> str:
    """The scorecard as one HTML document."""
    table = scores.as_table(results)
    mset = model.metricsets[0] if model.metricsets else None
    title = (mset.title or mset.name) if mset else "Imaging performance metrics"
    version = f" {mset.version}" if mset and mset.version else ""
    counts = scores.status_counts(model, table)
    heading = f"{title}{version}: results"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html_text(heading)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html_text(heading)}</h1>",
        f'<p class="muted">{html_text(_contents(results, table))}</p>',
        scores.stamp_html(scores.stamp_items(results)),
        f'<div class="imx-figure">{figures.status_figure(counts, salt="report-status")}</div>',
        scores.scorecard_html(model, table, lambda _metric: None, _cell_link(results)),
    ]
    parts.append(_groups_html(model, table))
    if isinstance(results, Results) and results.units:
        parts.append(drilldown_html(results, model))
    if isinstance(results, Results) and results.quality:
        parts.append(_quality(results.quality))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _contents(results: scores.ResultsLike, table: pa.Table | None) -> str:
    """What the report holds, in order, so its heading says no more and no less."""
    rows = [r for rows in scores.by_metric(table).values() for r in rows]
    held = ["The scorecard"]
    if any(str(r.get("level") or "").startswith("by:") for r in rows):
        held.append("groups of each by level")
    if isinstance(results, Results) and results.units:
        held.append("the units behind red and amber cells")
    if isinstance(results, Results) and results.quality:
        held.append("data quality")
    return ", ".join(held[:-1]) + (" and " if len(held) > 1 else "") + held[-1] + "."


def _groups_html(model: Model, table: pa.Table | None) -> str:
    """The rows of each metric's ``by`` levels (rule 17), a table per metric and level, each
    group named as people read it (``reader R07``, ``vendor (none) × therapeutic_area
    oncology``); nothing when no metric has such rows."""
    parts = []
    for metric_id, rows in scores.by_metric(table, model).items():
        metric = model.metric(metric_id)
        unit = metric.base.value_unit if metric else ValueUnit.NUMBER
        now = [r for r in scores.current(rows) if str(r.get("level") or "").startswith("by:")]
        for level in dict.fromkeys(str(r["level"]) for r in now):
            body = "".join(
                f"<tr><td>{html_text(scores.where_label(r))}</td>"
                f"<td>{html_text(str(r.get('variant') or 'base'))}</td>"
                f"<td>{scores.value_text(r.get('value'), unit)}</td>"
                f"<td>{scores.count_text(r.get('denominator'))}</td>"
                f"<td>{scores.status_chip(r.get('status'))}</td></tr>"
                for r in now
                if r["level"] == level
            )
            head = "<tr><th>Group</th><th>Variant</th><th>Value</th><th>n</th><th>Status</th></tr>"
            title = f"{metric_id} {level_text(level)}"
            parts.append(
                f"<h3>{html_text(title)}</h3><table><thead>{head}</thead><tbody>{body}</tbody></table>"
            )
    return "<h2>Groups</h2>\n" + "\n".join(parts) if parts else ""


def _cell_link(results: scores.ResultsLike) -> scores.CellLink | None:
    """Each red or amber study cell as a link to its drill-down section, when there is one."""
    if not isinstance(results, Results) or not results.units:
        return None
    drilled = set(results.units)

    def cell(row: scores.Row, chip: str) -> str:
        if not is_flagged(row) or row.get("metric") not in drilled:
            return chip
        return f'<a id="{anchor(row, "cell")}" href="#{anchor(row)}">{chip}</a>'

    return cell


def _quality(findings: Sequence[QualityFinding]) -> str:
    rows = "".join(
        f"<tr><td><code>{html_text(f.rule)}</code></td><td>{html_text(f.table)}</td>"
        f"<td>{f.rows}</td><td>{html_text(f.metric or '')}</td>"
        f"<td>{html_text(', '.join(f.examples))}</td></tr>"
        for f in findings
    )
    head = "<tr><th>Rule</th><th>Table</th><th>Rows</th><th>Metric</th><th>Examples</th></tr>"
    return f"<h2>Data quality</h2><table><thead>{head}</thead><tbody>{rows}</tbody></table>"


def write_html_report(results: scores.ResultsLike, model: Model, path: Path) -> None:
    """Write the self-contained HTML scorecard to ``path``."""
    Path(path).write_text(report_html(results, model), encoding="utf-8")
