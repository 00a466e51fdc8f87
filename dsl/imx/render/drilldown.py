"""Results with unit rows → HTML listing, for each red or amber study or site row, its worst units.

The HTML report (``imx run --out report.html``) shows, under the scorecard, one collapsible
section per red or amber study or site row of each metric (its overall row, not its periods):
the row's missed, negative, open, pending and excluded units, worst first, at most :data:`CAP`
of them, with the count of the rest and the ``imx units`` call that lists them all. Each such
study cell of the scorecard links to its section, an index links every section, and each section
links back; the ids are hashes (:func:`anchor`), never text from the data. The handbook's units
pages list the same rows with the same helpers. Every text from the data or the specs goes
through :func:`imx.render.handbook.markup.html_text`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from imx.model import Model
from imx.plan import OUTCOMES, WHY_CALENDAR
from imx.render.handbook.markup import html_text
from imx.render.units import cell_text, shown_columns
from imx.results import Results

CAP = 200  # units listed per result row; the rest are counted
FLAGGED = ("red", "amber")  # the statuses whose rows are drilled into
WORST = ("missed", "negative", "open", "pending", "excluded")  # the units listed
SCORECARD = "scorecard"  # the id of the report's scorecard table
INDEX = "units"  # the id of the report's list of drill-down sections


def is_flagged(row: Mapping[str, Any]) -> bool:
    """Whether a result row is drilled into: a red or amber study or site row, over the run."""
    return (
        row.get("level") in ("study", "site")
        and row.get("status") in FLAGGED
        and not row.get("period")
    )


def flagged_rows(table: pa.Table, metrics: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of ``metrics`` that :func:`is_flagged` may keep, chosen in Arrow: only they
    become Python rows, not the millions of a large run's results."""

    def among(column: str, values: Sequence[str]) -> pa.ChunkedArray:
        return pc.fill_null(pc.is_in(table.column(column), pa.array(values, pa.string())), False)

    overall = pc.or_kleene(pc.is_null(table.column("period")), pc.equal(table.column("period"), ""))
    wanted = pc.and_(pc.and_(among("level", ("study", "site")), among("status", FLAGGED)), overall)
    chosen: list[dict[str, Any]] = table.filter(
        pc.and_(wanted, among("metric", metrics))
    ).to_pylist()
    return chosen


def anchor(row: Mapping[str, Any], kind: str = "units") -> str:
    """A safe HTML id for a result row's drill-down (``kind`` ``cell`` for its scorecard cell):
    a hash of its metric, level, study and site, so no data text becomes an id."""
    site = row.get("site") if row.get("level") == "site" else None
    parts = [row.get("metric"), row.get("level"), row.get("study"), site]
    key = "\x1f".join("\x1e" if p is None else str(p) for p in parts)
    return f"{kind}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"


def place_text(row: Mapping[str, Any]) -> str:
    """``study S1`` or ``study S1, site 001``."""
    site = f", site {row['site']}" if row.get("level") == "site" else ""
    return f"study {row['study']}{site}"


def drilldown_html(results: Results, model: Model) -> str:
    """The index and sections of every red or amber study or site row whose metric has unit
    rows; empty when the run gave no unit rows."""
    keys = {x.id: x.base.unit.keys for x in model.metrics}
    flagged = [r for r in flagged_rows(results.table, tuple(results.units)) if is_flagged(r)]
    if not flagged:
        return ""
    lead = (
        f'<h2 id="{INDEX}">Behind the red and amber cells</h2><p class="muted">The missed, '
        "negative, open, pending and excluded units of each red or amber study and site, worst "
        f"first (at most {CAP} each).</p>"
    )
    parts = [_section(row, results.units[row["metric"]], keys[row["metric"]]) for row in flagged]
    return lead + _index(flagged) + "".join(parts) + _OPEN_TARGET


# A followed link opens the section it names (a closed <details> would hide its units).
_OPEN_TARGET = (
    "<script>function imxOpen(){var e=location.hash&&document.getElementById("
    'location.hash.slice(1));if(e&&e.tagName==="DETAILS")e.open=true}'
    'addEventListener("hashchange",imxOpen);imxOpen()</script>'
)


def _index(flagged: Sequence[Mapping[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{html_text(str(r['metric']))}</td>"
        f'<td><a href="#{anchor(r)}">{html_text(place_text(r))}</a></td>'
        f"<td>{html_text(str(r['status']))}</td></tr>"
        for r in flagged
    )
    head = "<tr><th>Metric</th><th>Where</th><th>Status</th></tr>"
    return f'<table class="imx-units-index"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def members(row: Mapping[str, Any], units: pa.Table) -> pa.Table:
    """The unit rows of a result row's study (and site) whose outcome is one of :data:`WORST`."""
    keep = pc.equal(units.column("study"), row["study"])
    if row["level"] == "site":
        keep = pc.and_(keep, pc.equal(units.column("site"), row["site"]))
    keep = pc.and_(keep, pc.is_in(units.column("outcome"), pa.array(WORST, pa.string())))
    return units.filter(pc.fill_null(keep, False))


def counts_text(found: pa.Table) -> str:
    """``2 missed, 1 pending``: how many units of each outcome, in the outcomes' order."""
    outcomes = found.column("outcome").to_pylist()
    return ", ".join(f"{outcomes.count(o)} {o}" for o in OUTCOMES if o in outcomes) or "none"


def _section(row: Mapping[str, Any], units: pa.Table, keys: Sequence[str]) -> str:
    found = members(row, units)
    summary = (
        f"<summary><strong>{html_text(str(row['metric']))}</strong> · "
        f"{html_text(place_text(row))} · "
        f"{html_text(str(row['status']))}: {html_text(counts_text(found))}</summary>"
    )
    back = f"#{anchor(row, 'cell')}" if row["level"] == "study" else f"#{INDEX}"
    label = "back to the scorecard" if row["level"] == "study" else "back to the list"
    body = table_html(found, keys) + rest_html(row, found.num_rows)
    return (
        f'<details id="{anchor(row)}">{summary}{body}<p><a href="{back}">{label}</a></p></details>'
    )


def table_html(found: pa.Table, keys: Sequence[str]) -> str:
    """The first :data:`CAP` units as an HTML table: the unit's key, then its shown columns."""
    if found.num_rows == 0:
        return ""
    hidden = {"study", "site", WHY_CALENDAR}
    columns = [n for n in shown_columns(found, keys) if n not in hidden]
    head = "".join(f"<th>{html_text(n)}</th>" for n in ["unit", *columns])
    body = "".join(
        "<tr>"
        + f"<td><code>{html_text('/'.join(cell_text(r[k]) for k in keys))}</code></td>"
        + "".join(f"<td>{html_text(cell_text(r[n]))}</td>" for n in columns)
        + "</tr>"
        for r in found.slice(0, CAP).to_pylist()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def rest_html(row: Mapping[str, Any], n: int) -> str:
    """Beyond :data:`CAP`: how many more units, and the ``imx units`` call that lists them."""
    if n <= CAP:
        return ""
    site = f" --site {row['site']}" if row["level"] == "site" else ""
    call = f"imx units {row['metric']} … --study {row['study']}{site} --out FILE"
    return f"<p>… and {n - CAP:,} more: <code>{html_text(call)}</code> lists them all.</p>"
