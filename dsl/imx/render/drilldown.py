"""Results with unit rows → HTML listing, for each red or amber study or site row, its worst units.

The HTML report (``imx run --out report.html``) shows, under the scorecard, one collapsible
section per red or amber study or site row of each metric (its overall row, not its periods):
the row's missed, negative, open, pending and excluded units, worst first, at most :data:`CAP`
of them, with the count of the rest and the ``imx units`` call that lists them all. Every text
from the data or the specs goes through :func:`imx.render.handbook.markup.html_text`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def drilldown_html(results: Results, model: Model) -> str:
    """The sections of every red or amber study or site row whose metric has unit rows; empty
    when the run gave no unit rows."""
    keys = {x.id: x.base.unit.keys for x in model.metrics}
    flagged = [
        r
        for r in results.table.to_pylist()
        if r["level"] in ("study", "site") and r["status"] in FLAGGED and r["period"] is None
    ]
    parts = [
        _section(row, results.units[row["metric"]], keys[row["metric"]])
        for row in flagged
        if row["metric"] in results.units
    ]
    if not parts:
        return ""
    lead = (
        '<h2 id="units">Behind the red and amber cells</h2><p class="muted">The missed, '
        "negative, open, pending and excluded units of each red or amber study and site, worst "
        f"first (at most {CAP} each).</p>"
    )
    return lead + "".join(parts)


def _members(row: Mapping[str, object], units: pa.Table) -> pa.Table:
    keep = pc.equal(units.column("study"), row["study"])
    if row["level"] == "site":
        keep = pc.and_(keep, pc.equal(units.column("site"), row["site"]))
    keep = pc.and_(keep, pc.is_in(units.column("outcome"), pa.array(WORST, pa.string())))
    return units.filter(pc.fill_null(keep, False))


def _section(row: Mapping[str, object], units: pa.Table, keys: Sequence[str]) -> str:
    members = _members(row, units)
    found = members.column("outcome").to_pylist()
    counts = ", ".join(f"{found.count(o)} {o}" for o in OUTCOMES if o in found) or "none"
    place = f"study {row['study']}" + (f", site {row['site']}" if row["level"] == "site" else "")
    summary = (
        f"<summary><strong>{html_text(str(row['metric']))}</strong> · {html_text(place)} · "
        f"{html_text(str(row['status']))}: {html_text(counts)}</summary>"
    )
    return f"<details>{summary}{_table(members, keys)}{_rest(row, members.num_rows)}</details>"


def _table(members: pa.Table, keys: Sequence[str]) -> str:
    if members.num_rows == 0:
        return ""
    hidden = {"study", "site", WHY_CALENDAR}
    columns = [n for n in shown_columns(members, keys) if n not in hidden]
    head = "".join(f"<th>{html_text(n)}</th>" for n in ["unit", *columns])
    body = "".join(
        "<tr>"
        + f"<td><code>{html_text('/'.join(cell_text(r[k]) for k in keys))}</code></td>"
        + "".join(f"<td>{html_text(cell_text(r[n]))}</td>" for n in columns)
        + "</tr>"
        for r in members.slice(0, CAP).to_pylist()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _rest(row: Mapping[str, object], n: int) -> str:
    if n <= CAP:
        return ""
    site = f" --site {row['site']}" if row["level"] == "site" else ""
    call = f"imx units {row['metric']} … --study {row['study']}{site} --out FILE"
    return f"<p>… and {n - CAP:,} more: <code>{html_text(call)}</code> lists them all.</p>"
