"""A metric's unit rows → a terminal table, worst first, capped with a count of the rest.

Every value from data or specs (keys, reasons, fact names) is printed as text, never as Rich
markup, with its control characters made visible (:func:`imx.render.text.as_text`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from imx.plan import OUTCOMES
from imx.render.text import as_text, one_line

SHOWN = 40  # unit rows shown on the terminal; --out writes them all
_STYLES = {"missed": "red", "negative": "red", "open": "yellow", "pending": "yellow"}
_STYLES |= {"excluded": "dim", "outside": "dim", "met": "green", "measured": ""}


def cell_text(value: object) -> str:
    """One value as the table shows it: an instant in UTC to the minute, a number briefly."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%MZ")
    if isinstance(value, float):
        return f"{value:.4g}" if not value.is_integer() else f"{int(value)}"
    return one_line(value)


def outcome_counts(table: pa.Table) -> str:
    """``3 missed, 1 pending, 12 met``: the rows per outcome, worst first."""
    found = table.column("outcome").to_pylist()
    return ", ".join(f"{found.count(o)} {o}" for o in OUTCOMES if o in found) or "no units"


def _columns(table: pa.Table, keys: Sequence[str]) -> list[str]:
    """The unit (its keys joined), then the fixed columns that say anything, then the facts."""
    names = [n for n in table.column_names if n not in keys]
    shown = []
    for name in names:
        values = set(table.column(name).to_pylist())
        if name in ("variant", "period") and values <= {None, "base"}:
            continue  # a metric without variants or periods: nothing to show
        shown.append(name)
    return shown


def render_units(
    metric: str, table: pa.Table, keys: Sequence[str], console: Console, shown: int | None = None
) -> None:
    """Print ``table``'s first ``shown`` rows (:data:`SHOWN`) under a line counting them by
    outcome, and how many more there are."""
    shown = SHOWN if shown is None else shown
    console.print(
        Text.assemble(
            as_text(metric, "bold"), f": {table.num_rows:,} unit(s): ", outcome_counts(table)
        )
    )
    if table.num_rows == 0:
        return
    columns = _columns(table, keys)
    grid = Table(show_header=True, header_style="bold")
    console.print(as_text(f"unit: {'/'.join(keys)}", "dim"))
    grid.add_column("unit", no_wrap=True)
    for name in columns:
        brief = name in ("variant", "period", "outcome", "value")
        justify: JustifyMethod = "right" if name == "value" else "left"
        grid.add_column(as_text(name), overflow="fold", no_wrap=brief, justify=justify)
    for row in table.slice(0, shown).to_pylist():
        unit = as_text("/".join(cell_text(row[k]) for k in keys))
        cells = [
            as_text(cell_text(row[n]), _STYLES.get(row[n], "") if n == "outcome" else "")
            for n in columns
        ]
        grid.add_row(unit, *cells)
    console.print(grid)
    rest = table.num_rows - shown
    if rest > 0:
        console.print(as_text(f"… and {rest:,} more unit row(s): write them all with --out FILE"))
